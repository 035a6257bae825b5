"""The dashboard's figures: is 't LEF connecting po, vo, mbo and ho?

Each figure is counted by PostgreSQL (one statement for the period and one for
the same period a year earlier), never by loading rows into Python, and comes
back as a :class:`Figure`: translated title, one-line definition and column
headers, the rows of the period and of the year before, and which columns a
chart uses. The page, the partner report and the CSV downloads all show these
same rows.

Honest figures: staff accounts and the test and demo accounts (members of the
group :data:`TEST_ACCOUNTS_GROUP`, which the demo seeding fills and
coordinators may use for their own test accounts) are left out. A deleted
member still counts: their account stays, anonymised, and the sector they had
is kept on their sign-ups and team memberships.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from dashboard.periods import Period, month_label, months
from lef.choices import Sector
from lef.demo_accounts import TEST_ACCOUNTS_GROUP

SMALL = 5  # counts below this show as "< 5" in the partner report
SMALL_LABEL = "< 5"


@dataclass(frozen=True)
class Figure:
    key: str
    title: str  # translated
    definition: str  # the one-line definition shown with it (translated)
    columns: tuple[str, ...]  # translated column headers (table and CSV)
    rows: tuple[tuple, ...]  # the period's data: counts as int, shares as float, labels as str
    previous: tuple[tuple, ...]  # the same for period.previous_year()
    chart: str  # "heatmap" | "lines" | "bars" | "stacked_bars" | "grouped_bars"
    x: str  # the column on the x axis (a name in ``columns``)
    y: str  # the column on the y axis (heatmap: the second label column)
    series: str | None = None  # the column whose values are the colours (heatmap: the value)


def suppress_small(figure: Figure) -> Figure:
    """The figure with every count from 1 to 4 shown as "< 5", so no one can be recognised.

    Counts are the ``int`` cells; shares and hours are floats and labels strings,
    which stay. Zero stays zero: nobody is recognised in nobody.
    """

    def cell(value):
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL:
            return SMALL_LABEL
        return value

    def rows(data):
        return tuple(tuple(cell(value) for value in row) for row in data)

    return replace(figure, rows=rows(figure.rows), previous=rows(figure.previous))


# SQL pieces ------------------------------------------------------------------------------

# The accounts left out: staff, and the test and demo accounts.
_EXCLUDED = """
    SELECT u.id FROM members_user u WHERE u.is_staff
    UNION
    SELECT ug.user_id FROM members_user_groups ug
    JOIN auth_group g ON g.id = ug.group_id WHERE g.name = %(test_group)s
"""


def _params(period: Period, **extra) -> dict:
    return {
        "start": period.start_at,
        "end": period.end_at,
        "tz": settings.TIME_ZONE,
        "test_group": TEST_ACCOUNTS_GROUP,
        **extra,
    }


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _sectors() -> list[tuple[str, str]]:
    """(code, label) of each sector in the order of the choices: po, vo, mbo, ho, other."""
    return [(code, str(label)) for code, label in Sector.choices]


def _month_grid(period: Period, found: dict, keys: list, default=0) -> list[tuple]:
    """Every month and key of the period, zero where nothing was counted."""
    return [
        (month_label(first), label, *found.get((first, code), (default,)))
        for first in months(period)
        for code, label in keys
    ]


# New members ------------------------------------------------------------------------------

_NEW_MEMBERS = f"""
    SELECT date_trunc('month', u.date_joined AT TIME ZONE %(tz)s)::date AS month,
           p.primary_sector, count(*)
    FROM members_user u
    JOIN members_profile p ON p.user_id = u.id
    WHERE u.date_joined >= %(start)s AND u.date_joined < %(end)s
      AND p.primary_sector <> ''
      AND u.id NOT IN ({_EXCLUDED})
    GROUP BY 1, 2
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _new_members(period: Period) -> tuple[tuple, ...]:
    found = {(month, sector): (n,) for month, sector, n in _fetch(_NEW_MEMBERS, _params(period))}
    return tuple(_month_grid(period, found, _sectors()))


def _new_members_figure(period: Period) -> Figure:
    return Figure(
        key="new_members",
        title=_("New members per sector"),
        definition=_(
            "Accounts created in the month, by the primary sector the member chose "
            "(staff and test accounts left out)."
        ),
        columns=(_("Month"), _("Sector"), _("New members")),
        rows=_new_members(period),
        previous=_new_members(period.previous_year()),
        chart="stacked_bars",
        x=_("Month"),
        y=_("New members"),
        series=_("Sector"),
    )


# The dashboard ---------------------------------------------------------------------------

FIGURES = {
    "new_members": _new_members_figure,
}
KEYS = tuple(FIGURES)


def figure(key: str, period: Period) -> Figure:
    """One figure for ``period`` (KeyError for an unknown key); two queries."""
    return FIGURES[key](period)


def dashboard_figures(period: Period) -> list[Figure]:
    """Every figure for ``period``, in the dashboard's order; two queries per figure."""
    return [build(period) for build in FIGURES.values()]


__all__ = ["KEYS", "Figure", "dashboard_figures", "figure", "suppress_small"]
