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
from lef.choices import Sector, Transition, sector_short
from lef.demo_accounts import TEST_ACCOUNTS_GROUP
from spaces.models import Weekday

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
    """(code, label) of each sector in the order of the choices: po, vo, mbo, ho, other.

    The short label of a badge (lef.choices.sector_short): po, vo, mbo and ho
    are the words people use, and a chart's axis has room for them.
    """
    return [(code, sector_short(code)) for code in Sector.values]


def _month_grid(period: Period, found: dict, keys: list, empty: tuple = (0,)) -> list[tuple]:
    """Every month and key of the period, ``empty`` where nothing was counted."""
    return [
        (month_label(first), label, *found.get((first, code), empty))
        for first in months(period)
        for code, label in keys
    ]


# Who took part ----------------------------------------------------------------------------

# Meetups held in the period: published (not a draft, not cancelled), started
# in the period and before now; ``door`` says whether anyone was checked in.
_MEETUPS = """
    SELECT e.id, e.target_transitions,
           date_trunc('month', e.starts_at AT TIME ZONE %(tz)s)::date AS month,
           EXISTS (
               SELECT 1 FROM events_registration c
               WHERE c.event_id = e.id AND c.checked_in_at IS NOT NULL
           ) AS door
    FROM events_event e
    WHERE e.status = 'published' AND e.starts_at >= %(start)s AND e.starts_at < %(end)s
      AND e.starts_at < now()
"""

# Who took part in a meetup: checked in at the door; at a meetup where nobody
# was checked in, every confirmed sign-up. A guest without an account is a
# person of their own (a negative id, never a user's). Cancelled sign-ups and
# waiting lists never count; the sector is the one kept on the sign-up.
_AT_MEETUPS = """
    SELECT m.id AS activity, m.month, COALESCE(r.member_id, -r.id) AS person, r.sector
    FROM meetups m JOIN events_registration r ON r.event_id = m.id
    WHERE r.status = 'confirmed' AND (r.checked_in_at IS NOT NULL OR NOT m.door)
      AND (r.member_id IS NULL OR r.member_id NOT IN (SELECT id FROM excluded))
"""

# Who was on a project team in the period: from joining until leaving, or until
# the project's end date if that comes first, with the sector kept on the
# membership when it started.
_ON_TEAMS = """
    SELECT t.project_id AS activity, t.member_id AS person, t.sector,
           t.joined_at AS since,
           LEAST(t.ended_at, (pr.end_date + 1)::timestamp AT TIME ZONE %(tz)s) AS until
    FROM projects_membership t JOIN projects_project pr ON pr.id = t.project_id
    WHERE t.joined_at IS NOT NULL AND t.joined_at < %(end)s AND t.sector <> ''
      AND (t.ended_at IS NULL OR t.ended_at > %(start)s)
      AND (pr.end_date IS NULL OR (pr.end_date + 1)::timestamp AT TIME ZONE %(tz)s > %(start)s)
      AND t.member_id NOT IN (SELECT id FROM excluded)
"""

# Sign-ups of the counted people (and guests) at the period's meetups.
_SIGN_UPS = """
    SELECT r.*, m.month, m.door
    FROM meetups m JOIN events_registration r ON r.event_id = m.id
    WHERE r.member_id IS NULL OR r.member_id NOT IN (SELECT id FROM excluded)
"""

# The months of the period, with their first and first-after moments.
_MONTHS = """
    SELECT g.month::date AS month,
           g.month AT TIME ZONE %(tz)s AS month_start,
           (g.month + interval '1 month') AT TIME ZONE %(tz)s AS month_end
    FROM generate_series(%(first_month)s::timestamp, %(last_month)s::timestamp,
                         interval '1 month') AS g(month)
"""

_WITH = f"""
    WITH excluded AS ({_EXCLUDED}),
    meetups AS ({_MEETUPS}),
    at_meetups AS ({_AT_MEETUPS}),
    on_teams AS ({_ON_TEAMS}),
    sign_ups AS ({_SIGN_UPS}),
    period_months AS ({_MONTHS}),
    -- Each team place in each month it covers.
    team_months AS (
        SELECT pm.month, t.*
        FROM period_months pm
        JOIN on_teams t ON t.since < pm.month_end
                       AND (t.until IS NULL OR t.until > pm.month_start)
    )
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _series_params(period: Period) -> dict:
    all_months = months(period)
    return _params(period, first_month=all_months[0], last_month=all_months[-1])


def _share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


# Sector meeting matrix ----------------------------------------------------------------------

_SECTOR_MATRIX = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """,
    together AS (
        SELECT 'm' AS kind, activity, person, sector, NULL::timestamptz AS since,
               NULL::timestamptz AS until
        FROM at_meetups
        UNION ALL
        SELECT 'p', activity, person, sector, since, until FROM on_teams
    ),
    -- Each pair once per pair of sectors, the codes compared as bytes (sorting
    -- them by the language's collation was half the statement's time).
    pairs AS (
        SELECT LEAST(a.sector, b.sector) COLLATE "C" AS one,
               GREATEST(a.sector, b.sector) COLLATE "C" AS other,
               a.person AS first, b.person AS second
        FROM together a
        JOIN together b ON b.kind = a.kind AND b.activity = a.activity AND a.person < b.person
        WHERE a.kind = 'm'
           OR (a.since < COALESCE(b.until, 'infinity')
               AND b.since < COALESCE(a.until, 'infinity'))
        GROUP BY 1, 2, 3, 4
    )
    SELECT one, other, count(*) FROM pairs GROUP BY 1, 2
"""
)


def _sector_matrix(period: Period) -> tuple[tuple, ...]:
    found = {}
    for one, other, pairs in _fetch(_SECTOR_MATRIX, _series_params(period)):
        found[one, other] = found[other, one] = pairs
    sectors = _sectors()
    return tuple(
        (label, other_label, found.get((code, other_code), 0))
        for code, label in sectors
        for other_code, other_label in sectors
    )


def _sector_matrix_figure(period: Period) -> Figure:
    columns = (_("Sector"), _("Met sector"), _("Pairs of people"))
    return Figure(
        key="sector_matrix",
        title=_("Who meets whom"),
        definition=_(
            "Distinct pairs of people from two sectors who took part in the same meetup "
            "(checked in, or confirmed where nobody was checked in) or were on the same "
            "project team; the diagonal is contact within a sector."
        ),
        columns=columns,
        rows=_sector_matrix(period),
        previous=_sector_matrix(period.previous_year()),
        chart="heatmap",
        x=columns[1],
        y=columns[0],
        series=columns[2],
    )


# Cross-sector share -------------------------------------------------------------------------

_CROSS_SECTOR = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """,
    per_meetup AS (
        SELECT month, activity, count(DISTINCT sector) AS sectors
        FROM at_meetups GROUP BY 1, 2
    ),
    per_project AS (
        SELECT month, activity, count(DISTINCT sector) AS sectors
        FROM team_months GROUP BY 1, 2
    )
    SELECT 'meetups', month, count(*) FILTER (WHERE sectors >= 2), count(*)
    FROM per_meetup GROUP BY 2
    UNION ALL
    SELECT 'projects', month, count(*) FILTER (WHERE sectors >= 2), count(*)
    FROM per_project GROUP BY 2
"""
)


def _kinds() -> list[tuple[str, str]]:
    return [("meetups", _("Meetups")), ("projects", _("Projects"))]


def _cross_sector(period: Period) -> tuple[tuple, ...]:
    found = {
        (month, kind): (cross, total, _share(cross, total))
        for kind, month, cross, total in _fetch(_CROSS_SECTOR, _series_params(period))
    }
    return tuple(_month_grid(period, found, _kinds(), empty=(0, 0, None)))


def _cross_sector_figure(period: Period) -> Figure:
    columns = (_("Month"), _("Kind"), _("Cross-sector"), _("All"), _("Cross-sector (%)"))
    return Figure(
        key="cross_sector_share",
        title=_("Cross-sector meetups and projects"),
        definition=_(
            "Of the meetups held and the projects with a team in the month, the share "
            "where people from two or more sectors took part."
        ),
        columns=columns,
        rows=_cross_sector(period),
        previous=_cross_sector(period.previous_year()),
        chart="lines",
        x=columns[0],
        y=columns[4],
        series=columns[1],
    )


# Participants per sector --------------------------------------------------------------------

_PARTICIPANTS = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """
    SELECT month, sector, count(*)
    FROM (
        SELECT month, person, sector FROM at_meetups
        UNION
        SELECT month, person, sector FROM team_months
    ) AS taking_part
    GROUP BY 1, 2
"""
)


def _participants(period: Period) -> tuple[tuple, ...]:
    found = {
        (month, sector): (n,) for month, sector, n in _fetch(_PARTICIPANTS, _series_params(period))
    }
    return tuple(_month_grid(period, found, _sectors()))


def _participants_figure(period: Period) -> Figure:
    columns = (_("Month"), _("Sector"), _("People"))
    return Figure(
        key="participants_per_sector",
        title=_("People taking part, per sector"),
        definition=_(
            "Different people who took part in a meetup or were on a project team in the "
            "month, by the sector they had then."
        ),
        columns=columns,
        rows=_participants(period),
        previous=_participants(period.previous_year()),
        chart="lines",
        x=columns[0],
        y=columns[2],
        series=columns[1],
    )


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


# Transitions ---------------------------------------------------------------------------------

_TRANSITIONS = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """
    SELECT 'meetups', theme, count(*)
    FROM meetups, unnest(meetups.target_transitions) AS theme
    GROUP BY 2
    UNION ALL
    SELECT 'projects', theme, count(*)
    FROM projects_project p, unnest(p.transitions) AS theme
    WHERE p.id IN (SELECT activity FROM on_teams)
    GROUP BY 2
"""
)


def _transitions(period: Period) -> tuple[tuple, ...]:
    found = {(theme, kind): n for kind, theme, n in _fetch(_TRANSITIONS, _series_params(period))}
    return tuple(
        (str(label), kind_label, found.get((code, kind), 0))
        for code, label in Transition.choices
        for kind, kind_label in _kinds()
    )


def _transitions_figure(period: Period) -> Figure:
    columns = (_("Transition"), _("Kind"), _("Number"))
    return Figure(
        key="transitions",
        title=_("Meetups and projects per transition"),
        definition=_(
            "Meetups held and projects with a team in the period, per transition they are "
            "about (one can be about several)."
        ),
        columns=columns,
        rows=_transitions(period),
        previous=_transitions(period.previous_year()),
        chart="grouped_bars",
        x=columns[0],
        y=columns[2],
        series=columns[1],
    )


# Meetups: attendance and waiting lists ------------------------------------------------------

_ATTENDANCE = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """
    SELECT m.month,
           count(DISTINCT m.id),
           count(s.id) FILTER (WHERE s.status = 'confirmed' AND NOT s.walk_in),
           count(s.id) FILTER (
               WHERE s.status = 'confirmed' AND (s.checked_in_at IS NOT NULL OR NOT s.door)
           ),
           count(s.id) FILTER (WHERE s.door AND s.status = 'confirmed' AND NOT s.walk_in),
           count(s.id) FILTER (
               WHERE s.door AND s.status = 'confirmed' AND NOT s.walk_in
                 AND s.checked_in_at IS NULL
           )
    FROM meetups m LEFT JOIN sign_ups s ON s.event_id = m.id
    GROUP BY 1
"""
)


def _attendance(period: Period) -> tuple[tuple, ...]:
    found = {
        month: (meetups, signed_up, came, _share(no_shows, expected))
        for month, meetups, signed_up, came, expected, no_shows in _fetch(
            _ATTENDANCE, _series_params(period)
        )
    }
    return tuple(
        (month_label(first), *found.get(first, (0, 0, 0, None))) for first in months(period)
    )


def _attendance_figure(period: Period) -> Figure:
    columns = (_("Month"), _("Meetups"), _("Sign-ups"), _("Came"), _("No-show (%)"))
    return Figure(
        key="event_attendance",
        title=_("Sign-ups and attendance at meetups"),
        definition=_(
            "Per month: meetups held, confirmed sign-ups in advance, people who came "
            "(checked in, walk-ins included; confirmed where nobody was checked in) and the "
            "share of confirmed sign-ups who did not check in, at meetups where the door "
            "checked people in."
        ),
        columns=columns,
        rows=_attendance(period),
        previous=_attendance(period.previous_year()),
        chart="bars",
        x=columns[0],
        y=columns[3],
    )


# A sign-up waited when it was not confirmed at once: still waiting, cancelled
# from the waiting list (never confirmed), or given a place later.
_WAITING = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """,
    waited AS (
        SELECT event_id, count(*) AS people FROM sign_ups
        WHERE confirmed_at IS NULL OR confirmed_at > created_at
        GROUP BY 1
    )
    SELECT m.month, count(*), count(w.event_id), COALESCE(sum(w.people), 0)::int
    FROM meetups m LEFT JOIN waited w ON w.event_id = m.id
    GROUP BY 1
"""
)


def _waiting(period: Period) -> tuple[tuple, ...]:
    found = {
        month: (meetups, full, _share(full, meetups), people)
        for month, meetups, full, people in _fetch(_WAITING, _series_params(period))
    }
    return tuple(
        (month_label(first), *found.get(first, (0, 0, None, 0))) for first in months(period)
    )


def _waiting_figure(period: Period) -> Figure:
    columns = (
        _("Month"),
        _("Meetups"),
        _("Full meetups"),
        _("Full (%)"),
        _("People on a waiting list"),
    )
    return Figure(
        key="waiting_list",
        title=_("Full meetups and waiting lists"),
        definition=_(
            "Per month: meetups held, those where someone had to wait for a place (full, or "
            "the places for their sector taken), and how many sign-ups waited."
        ),
        columns=columns,
        rows=_waiting(period),
        previous=_waiting(period.previous_year()),
        chart="bars",
        x=columns[0],
        y=columns[2],
    )


# Spaces ----------------------------------------------------------------------------------------

# Members' bookings in the period (cut to it), by counted people.
_BOOKINGS = """
    SELECT b.id, b.resource_id, b.organisation_id, b.status, b.checked_in_at,
           GREATEST(b.start, %(start)s) AS start, LEAST(b."end", %(end)s) AS "end"
    FROM spaces_booking b
    WHERE b.kind = 'booking' AND b.start < %(end)s AND b."end" > %(start)s
      AND b.booker_id NOT IN (SELECT id FROM excluded)
"""

# Open hours per resource: every day of the period, its space's opening hours
# on that weekday ("closes" 00:00 is midnight), except closure days; minus the
# coordinators' blocks.
_OCCUPANCY = f"""
    WITH excluded AS ({_EXCLUDED}),
    days AS (
        SELECT d::date AS day
        FROM generate_series(%(first_day)s::timestamp, %(last_day)s::timestamp,
                             interval '1 day') AS d
    ),
    open_hours AS (
        SELECT r.id AS resource,
               sum(EXTRACT(epoch FROM
                   CASE WHEN o.closes = time '00:00' THEN interval '24 hours'
                        ELSE o.closes::interval END - o.opens::interval)) / 3600 AS hours
        FROM spaces_resource r
        JOIN spaces_openinghours o ON o.space_id = r.space_id
        JOIN days ON EXTRACT(isodow FROM days.day) - 1 = o.weekday
        WHERE NOT EXISTS (
            SELECT 1 FROM spaces_closure c WHERE c.space_id = r.space_id AND c.date = days.day
        )
        GROUP BY 1
    ),
    -- One pass over the period's bookings: blocks, and members' booked and used hours.
    spans AS (
        SELECT b.resource_id, b.kind, b.status, b.checked_in_at,
               b.booker_id NOT IN (SELECT id FROM excluded) AS counted,
               EXTRACT(epoch FROM LEAST(b."end", %(end)s) - GREATEST(b.start, %(start)s))
               / 3600 AS hours
        FROM spaces_booking b
        WHERE b.start < %(end)s AND b."end" > %(start)s AND b.status = 'confirmed'
    ),
    used AS (
        SELECT resource_id AS resource,
               sum(hours) FILTER (WHERE kind = 'block') AS blocked,
               sum(hours) FILTER (WHERE kind = 'booking' AND counted) AS booked,
               sum(hours) FILTER (
                   WHERE kind = 'booking' AND counted AND checked_in_at IS NOT NULL
               ) AS used
        FROM spans GROUP BY 1
    )
    SELECT s.name, r.name,
           COALESCE(o.hours, 0) - COALESCE(u.blocked, 0),
           COALESCE(u.booked, 0), COALESCE(u.used, 0)
    FROM spaces_resource r
    JOIN spaces_space s ON s.id = r.space_id
    LEFT JOIN open_hours o ON o.resource = r.id
    LEFT JOIN used u ON u.resource = r.id
    WHERE r.active OR u.booked IS NOT NULL
    ORDER BY s.name, r.name, r.id
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _hours(value) -> float:
    return round(float(value or 0), 1)


def _occupancy(period: Period) -> tuple[tuple, ...]:
    params = _params(period, first_day=period.start, last_day=period.last_day)
    rows = []
    for space, resource, open_hours, booked, used in _fetch(_OCCUPANCY, params):
        bookable = max(_hours(open_hours), 0.0)
        rows.append(
            (
                f"{resource} ({space})",
                bookable,
                _hours(booked),
                _hours(used),
                _share(float(booked or 0), bookable),
            )
        )
    return tuple(rows)


def _occupancy_figure(period: Period) -> Figure:
    columns = (
        _("Resource"),
        _("Bookable hours"),
        _("Booked hours"),
        _("Used hours"),
        _("Occupancy (%)"),
    )
    return Figure(
        key="space_occupancy",
        title=_("Occupancy of the spaces"),
        definition=_(
            "Per resource: hours open for booking (opening hours, less closure days and "
            "coordinators' blocks), hours booked by members, hours used (someone checked "
            "in), and booked hours as a share of bookable hours."
        ),
        columns=columns,
        rows=_occupancy(period),
        previous=_occupancy(period.previous_year()),
        chart="bars",
        x=columns[0],
        y=columns[4],
    )


# Each booking cut into the clock hours it covers (local time), with the minutes
# in each. Bookings come in few shapes (weekday, start and end on the clock), so
# they are counted per shape first and only the shapes are cut into hours: a
# school year of the bench's 60 000 bookings is a few thousand shapes.
_HEATMAP = f"""
    WITH excluded AS ({_EXCLUDED}),
    bookings AS ({_BOOKINGS}),
    local AS (
        SELECT checked_in_at IS NOT NULL AS used, start AT TIME ZONE %(tz)s AS start,
               "end" AT TIME ZONE %(tz)s AS "end"
        FROM bookings WHERE status = 'confirmed'
    ),
    shapes AS (
        SELECT EXTRACT(isodow FROM start)::int - 1 AS weekday,
               (EXTRACT(epoch FROM start - date_trunc('day', start)) / 60)::int AS first,
               (EXTRACT(epoch FROM "end" - date_trunc('day', start)) / 60)::int AS last,
               used, count(*) AS n
        FROM local GROUP BY 1, 2, 3, 4
    ),
    hours AS (
        SELECT (weekday + hour / 24) %% 7 AS weekday, hour %% 24 AS hour, used,
               n * (LEAST(last, hour * 60 + 60) - GREATEST(first, hour * 60)) AS minutes
        FROM shapes, generate_series(first / 60, (last - 1) / 60) AS hour
    )
    SELECT weekday, hour, sum(minutes) / 60.0, COALESCE(sum(minutes) FILTER (WHERE used), 0) / 60.0
    FROM hours GROUP BY 1, 2
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _heatmap(period: Period) -> tuple[tuple, ...]:
    found = {
        (weekday, hour): (_hours(booked), _hours(used))
        for weekday, hour, booked, used in _fetch(_HEATMAP, _params(period))
    }
    if not found:
        return ()
    hours = range(min(h for _w, h in found), max(h for _w, h in found) + 1)
    return tuple(
        (str(label), f"{hour:02d}:00", booked, used, _share(used, booked))
        for weekday, label in Weekday.choices
        for hour in hours
        for booked, used in [found.get((weekday, hour), (0.0, 0.0))]
    )


def _heatmap_figure(period: Period) -> Figure:
    columns = (_("Weekday"), _("Hour"), _("Booked hours"), _("Used hours"), _("Used (%)"))
    return Figure(
        key="space_heatmap",
        title=_("When the spaces are booked and used"),
        definition=_(
            "Hours booked by members per weekday and clock hour over the period, and the "
            "hours of those bookings someone checked in to."
        ),
        columns=columns,
        rows=_heatmap(period),
        previous=_heatmap(period.previous_year()),
        chart="heatmap",
        x=columns[1],
        y=columns[0],
        series=columns[2],
    )


_PER_ORGANISATION = f"""
    WITH excluded AS ({_EXCLUDED}),
    bookings AS ({_BOOKINGS})
    SELECT o.name, count(*), sum(EXTRACT(epoch FROM b."end" - b.start)) / 3600
    FROM bookings b JOIN members_organisation o ON o.id = b.organisation_id
    WHERE b.status IN ('confirmed', 'released')
    GROUP BY o.id, o.name
    ORDER BY 2 DESC, o.name
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _per_organisation(period: Period) -> tuple[tuple, ...]:
    return tuple(
        (name, n, _hours(hours)) for name, n, hours in _fetch(_PER_ORGANISATION, _params(period))
    )


def _per_organisation_figure(period: Period) -> Figure:
    columns = (_("Organisation"), _("Bookings"), _("Hours"))
    return Figure(
        key="bookings_per_organisation",
        title=_("Bookings per organisation"),
        definition=_(
            "Bookings members made on behalf of an organisation (start-ups and others) in "
            "the period, not cancelled, and their hours."
        ),
        columns=columns,
        rows=_per_organisation(period),
        previous=_per_organisation(period.previous_year()),
        chart="bars",
        x=columns[0],
        y=columns[1],
    )


# The dashboard ---------------------------------------------------------------------------

FIGURES = {
    "sector_matrix": _sector_matrix_figure,
    "cross_sector_share": _cross_sector_figure,
    "participants_per_sector": _participants_figure,
    "new_members": _new_members_figure,
    "transitions": _transitions_figure,
    "event_attendance": _attendance_figure,
    "waiting_list": _waiting_figure,
    "space_occupancy": _occupancy_figure,
    "space_heatmap": _heatmap_figure,
    "bookings_per_organisation": _per_organisation_figure,
}
KEYS = tuple(FIGURES)


def figure(key: str, period: Period) -> Figure:
    """One figure for ``period`` (KeyError for an unknown key); two queries."""
    return FIGURES[key](period)


def dashboard_figures(period: Period) -> list[Figure]:
    """Every figure for ``period``, in the dashboard's order; two queries per figure."""
    return [build(period) for build in FIGURES.values()]


__all__ = ["KEYS", "Figure", "dashboard_figures", "figure", "suppress_small"]
