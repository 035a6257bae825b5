"""The dashboard's figures: is 't LEF connecting po, vo, mbo and ho?

Each figure is counted by PostgreSQL in one statement, for the period and the
same period a year earlier together, never by loading rows into Python, and comes
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
from spaces.models import MAX_SPAN, Weekday

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


# The period (n = 0) and the same period a year earlier (n = 1), so that one
# statement counts a figure for both.
_PERIODS = """
    SELECT * FROM (VALUES (0, %(start)s::timestamptz, %(end)s::timestamptz),
                          (1, %(before_start)s::timestamptz, %(before_end)s::timestamptz))
    AS periods(n, start, "end")
"""


def _periods_params(period: Period, **extra) -> dict:
    before = period.previous_year()
    return _params(
        period,
        before_start=before.start_at,
        before_end=before.end_at,
        max_span=MAX_SPAN,
        **extra,
    )


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

# Sectors as small numbers (1 po ... 5 other: their place in Sector.values), so
# that pairs and people are grouped on integers rather than sorted as text.
_SECTOR = "array_position(%(sectors)s::text[], {column}::text)"

# Meetups held in the periods: published (not a draft, not cancelled), started
# in the period and before now; ``door`` says whether anyone was checked in.
_MEETUPS = """
    SELECT p.n, e.id, e.target_transitions,
           date_trunc('month', e.starts_at AT TIME ZONE %(tz)s)::date AS month,
           EXISTS (
               SELECT 1 FROM events_registration c
               WHERE c.event_id = e.id AND c.checked_in_at IS NOT NULL
           ) AS door
    FROM periods p
    JOIN events_event e ON e.status = 'published' AND e.starts_at >= p.start
                       AND e.starts_at < p."end"
    WHERE e.starts_at < now()
"""

# Who took part in a meetup: checked in at the door; at a meetup where nobody
# was checked in, every confirmed sign-up. A guest without an account is a
# person of their own (a negative id, never a user's). Cancelled sign-ups and
# waiting lists never count; the sector is the one kept on the sign-up.
_AT_MEETUPS = f"""
    SELECT m.n, m.id AS activity, m.month, COALESCE(r.member_id, -r.id) AS person,
           {_SECTOR.format(column="r.sector")} AS sector
    FROM meetups m JOIN events_registration r ON r.event_id = m.id
    WHERE r.status = 'confirmed' AND (r.checked_in_at IS NOT NULL OR NOT m.door)
      AND (r.member_id IS NULL OR r.member_id NOT IN (SELECT id FROM excluded))
"""  # noqa: S608 -- constant SQL; every value is a parameter

# Who was on a project team in the period: from joining until leaving, or until
# the project's end date if that comes first (and never after today: the rest of
# a school year has not happened yet), with the sector kept on the membership
# when it started.
_ON_TEAMS = f"""
    SELECT p.n, t.project_id AS activity, t.member_id AS person,
           {_SECTOR.format(column="t.sector")} AS sector,
           t.joined_at AS since, LEAST(t.ended_at, pr.ends, now()) AS until
    FROM periods p
    JOIN projects_membership t ON t.joined_at < p."end"
                              AND (t.ended_at IS NULL OR t.ended_at > p.start)
    -- Each project's end as a moment, worked out once a project (OFFSET 0 keeps
    -- the subquery whole), not once a membership and period.
    JOIN (
        SELECT id, (end_date + 1)::timestamp AT TIME ZONE %(tz)s AS ends
        FROM projects_project OFFSET 0
    ) AS pr ON pr.id = t.project_id
    WHERE t.joined_at IS NOT NULL AND t.sector <> ''
      AND (pr.ends IS NULL OR pr.ends > p.start)
      AND p.start < now()  -- a team place counts until today, not into the future
      AND t.member_id NOT IN (SELECT id FROM excluded)
"""  # noqa: S608 -- constant SQL; every value is a parameter

# Sign-ups of the counted people (and guests) at the periods' meetups.
_SIGN_UPS = """
    SELECT r.*, m.n, m.month, m.door
    FROM meetups m JOIN events_registration r ON r.event_id = m.id
    WHERE r.member_id IS NULL OR r.member_id NOT IN (SELECT id FROM excluded)
"""

# The first and last month of both periods (local time).
_MONTHS = """
    SELECT * FROM (VALUES (0, %(first_month)s::timestamp, %(last_month)s::timestamp),
                          (1, %(before_first_month)s::timestamp, %(before_last_month)s::timestamp))
    AS period_months(n, first, last)
"""

_WITH = f"""
    WITH excluded AS ({_EXCLUDED}),
    periods AS ({_PERIODS}),
    meetups AS ({_MEETUPS}),
    at_meetups AS ({_AT_MEETUPS}),
    on_teams AS ({_ON_TEAMS}),
    sign_ups AS ({_SIGN_UPS}),
    period_months AS ({_MONTHS}),
    -- Each team place in each month of the period it covers: from the month it
    -- started to the month of its last moment, each place's own months only.
    team_months AS (
        SELECT t.n, g.month::date AS month, t.activity, t.person, t.sector
        FROM on_teams t
        JOIN period_months pm ON pm.n = t.n,
        generate_series(
            GREATEST(date_trunc('month', t.since AT TIME ZONE %(tz)s), pm.first),
            LEAST(
                date_trunc('month', (t.until - interval '1 microsecond') AT TIME ZONE %(tz)s),
                pm.last
            ),
            interval '1 month'
        ) AS g(month)
    )
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _series_params(period: Period) -> dict:
    all_months = months(period)
    before = months(period.previous_year())
    return _periods_params(
        period,
        first_month=all_months[0],
        last_month=all_months[-1],
        before_first_month=before[0],
        before_last_month=before[-1],
        sectors=list(Sector.values),
    )


def _by_period(rows) -> tuple[list, list]:
    """Rows that start with their period (0 the period, 1 a year earlier), split in two."""
    split = ([], [])
    for n, *rest in rows:
        split[n].append(rest)
    return split


def _sector_code(number: int | None) -> str | None:
    """A sector's code from its number in the SQL (:data:`_SECTOR`)."""
    return Sector.values[number - 1] if number else None


def _share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


# Sector meeting matrix ----------------------------------------------------------------------

_SECTOR_MATRIX = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """,
    together AS (
        SELECT n, 0 AS kind, activity, person, sector, NULL::timestamptz AS since,
               NULL::timestamptz AS until
        FROM at_meetups
        UNION ALL
        SELECT n, 1, activity, person, sector, since, until FROM on_teams
    ),
    -- Each pair once per pair of sectors, grouped on numbers (hashed, not sorted).
    pairs AS (
        SELECT a.n, LEAST(a.sector, b.sector) AS one, GREATEST(a.sector, b.sector) AS other,
               a.person AS first, b.person AS second
        FROM together a
        JOIN together b ON b.n = a.n AND b.kind = a.kind AND b.activity = a.activity
                       AND a.person < b.person
        WHERE a.kind = 0
           OR (a.since < COALESCE(b.until, 'infinity')
               AND b.since < COALESCE(a.until, 'infinity'))
        GROUP BY 1, 2, 3, 4, 5
    )
    SELECT n, one, other, count(*) FROM pairs GROUP BY 1, 2, 3
"""
)


def _sector_matrix_rows(found: dict) -> tuple[tuple, ...]:
    sectors = _sectors()
    return tuple(
        (label, other_label, found.get((code, other_code), 0))
        for code, label in sectors
        for other_code, other_label in sectors
    )


def _sector_matrix(period: Period) -> tuple[tuple, tuple]:
    found = ({}, {})
    for n, one_number, other_number, pairs in _fetch(_SECTOR_MATRIX, _series_params(period)):
        one, other = _sector_code(one_number), _sector_code(other_number)
        found[n][one, other] = found[n][other, one] = pairs
    return _sector_matrix_rows(found[0]), _sector_matrix_rows(found[1])


def _sector_matrix_figure(period: Period) -> Figure:
    columns = (_("Sector"), _("Met sector"), _("Pairs of people"))
    rows, previous = _sector_matrix(period)
    return Figure(
        key="sector_matrix",
        title=_("Who meets whom"),
        definition=_(
            "Distinct pairs of people from two sectors who took part in the same meetup "
            "(checked in, or confirmed where nobody was checked in) or were on the same "
            "project team; the diagonal is contact within a sector."
        ),
        columns=columns,
        rows=rows,
        previous=previous,
        chart="heatmap",
        x=columns[1],
        y=columns[0],
        series=columns[2],
    )


# Cross-sector share -------------------------------------------------------------------------

# Two or more sectors took part where the lowest sector number is not the highest.
_CROSS_SECTOR = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """,
    per_meetup AS (
        SELECT n, month, activity, min(sector) <> max(sector) AS cross_sector
        FROM at_meetups GROUP BY 1, 2, 3
    ),
    per_project AS (
        SELECT n, month, activity, min(sector) <> max(sector) AS cross_sector
        FROM team_months GROUP BY 1, 2, 3
    )
    SELECT n, 'meetups', month, count(*) FILTER (WHERE cross_sector), count(*)
    FROM per_meetup GROUP BY 1, 3
    UNION ALL
    SELECT n, 'projects', month, count(*) FILTER (WHERE cross_sector), count(*)
    FROM per_project GROUP BY 1, 3
"""
)


def _kinds() -> list[tuple[str, str]]:
    return [("meetups", _("Meetups")), ("projects", _("Projects"))]


def _cross_sector(period: Period) -> tuple[tuple, tuple]:
    found = ({}, {})
    for n, kind, month, cross, total in _fetch(_CROSS_SECTOR, _series_params(period)):
        found[n][month, kind] = (cross, total, _share(cross, total))
    return tuple(
        tuple(_month_grid(each, found[n], _kinds(), empty=(0, 0, None)))
        for n, each in enumerate((period, period.previous_year()))
    )


def _cross_sector_figure(period: Period) -> Figure:
    columns = (_("Month"), _("Kind"), _("Cross-sector"), _("All"), _("Cross-sector (%)"))
    rows, previous = _cross_sector(period)
    return Figure(
        key="cross_sector_share",
        title=_("Cross-sector meetups and projects"),
        definition=_(
            "Of the meetups held and the projects with a team in the month, the share "
            "where people from two or more sectors took part."
        ),
        columns=columns,
        rows=rows,
        previous=previous,
        chart="lines",
        x=columns[0],
        y=columns[4],
        series=columns[1],
    )


# Participants per sector --------------------------------------------------------------------

_PARTICIPANTS = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """,
    taking_part AS (
        SELECT n, month, sector FROM (
            SELECT n, month, person, sector FROM at_meetups
            UNION ALL
            SELECT n, month, person, sector FROM team_months
        ) AS each_place
        GROUP BY n, month, sector, person
    )
    SELECT n, month, sector, count(*) FROM taking_part GROUP BY 1, 2, 3
"""
)


def _per_month_and_sector(
    sql: str, params: dict, period: Period, *, numbered: bool = False
) -> tuple[tuple, tuple]:
    """A count per month and sector of both periods, from rows (n, month, sector, count);
    ``numbered``: the sectors come as numbers (:data:`_SECTOR`)."""
    found = ({}, {})
    for n, month, sector, count in _fetch(sql, params):
        found[n][month, _sector_code(sector) if numbered else sector] = (count,)
    return tuple(
        tuple(_month_grid(each, found[n], _sectors()))
        for n, each in enumerate((period, period.previous_year()))
    )


def _participants_figure(period: Period) -> Figure:
    columns = (_("Month"), _("Sector"), _("People"))
    rows, previous = _per_month_and_sector(
        _PARTICIPANTS, _series_params(period), period, numbered=True
    )
    return Figure(
        key="participants_per_sector",
        title=_("People taking part, per sector"),
        definition=_(
            "Different people who took part in a meetup or were on a project team in the "
            "month, by the sector they had then."
        ),
        columns=columns,
        rows=rows,
        previous=previous,
        chart="lines",
        x=columns[0],
        y=columns[2],
        series=columns[1],
    )


# New members ------------------------------------------------------------------------------

_NEW_MEMBERS = f"""
    WITH periods AS ({_PERIODS})
    SELECT p.n, date_trunc('month', u.date_joined AT TIME ZONE %(tz)s)::date AS month,
           p_.primary_sector, count(*)
    FROM periods p
    JOIN members_user u ON u.date_joined >= p.start AND u.date_joined < p."end"
    JOIN members_profile p_ ON p_.user_id = u.id
    WHERE p_.primary_sector <> ''
      AND u.id NOT IN ({_EXCLUDED})
    GROUP BY 1, 2, 3
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _new_members_figure(period: Period) -> Figure:
    rows, previous = _per_month_and_sector(_NEW_MEMBERS, _periods_params(period), period)
    return Figure(
        key="new_members",
        title=_("New members per sector"),
        definition=_(
            "Accounts created in the month, by the primary sector the member chose "
            "(staff and test accounts left out)."
        ),
        columns=(_("Month"), _("Sector"), _("New members")),
        rows=rows,
        previous=previous,
        chart="stacked_bars",
        x=_("Month"),
        y=_("New members"),
        series=_("Sector"),
    )


# Transitions ---------------------------------------------------------------------------------

_TRANSITIONS = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """
    SELECT n, 'meetups', theme, count(*)
    FROM meetups, unnest(meetups.target_transitions) AS theme
    GROUP BY 1, 3
    UNION ALL
    SELECT teams.n, 'projects', theme, count(*)
    FROM (SELECT DISTINCT n, activity FROM on_teams) AS teams
    JOIN projects_project p ON p.id = teams.activity, unnest(p.transitions) AS theme
    GROUP BY 1, 3
"""
)


def _transitions(period: Period) -> tuple[tuple, tuple]:
    found = ({}, {})
    for n, kind, theme, count in _fetch(_TRANSITIONS, _series_params(period)):
        found[n][theme, kind] = count
    return tuple(
        tuple(
            (str(label), kind_label, found[n].get((code, kind), 0))
            for code, label in Transition.choices
            for kind, kind_label in _kinds()
        )
        for n in (0, 1)
    )


def _transitions_figure(period: Period) -> Figure:
    columns = (_("Transition"), _("Kind"), _("Number"))
    rows, previous = _transitions(period)
    return Figure(
        key="transitions",
        title=_("Meetups and projects per transition"),
        definition=_(
            "Meetups held and projects with a team in the period, per transition they are "
            "about (one can be about several)."
        ),
        columns=columns,
        rows=rows,
        previous=previous,
        chart="grouped_bars",
        x=columns[0],
        y=columns[2],
        series=columns[1],
    )


# Meetups: attendance and waiting lists ------------------------------------------------------

_ATTENDANCE = (
    _WITH  # noqa: S608 -- constant SQL; every value is a parameter
    + """,
    per_meetup AS (
        SELECT m.n, m.month,
               count(s.id) FILTER (WHERE s.status = 'confirmed' AND NOT s.walk_in) AS signed_up,
               count(s.id) FILTER (
                   WHERE s.status = 'confirmed' AND (s.checked_in_at IS NOT NULL OR NOT s.door)
               ) AS came,
               count(s.id) FILTER (
                   WHERE s.door AND s.status = 'confirmed' AND NOT s.walk_in
               ) AS expected,
               count(s.id) FILTER (
                   WHERE s.door AND s.status = 'confirmed' AND NOT s.walk_in
                     AND s.checked_in_at IS NULL
               ) AS no_shows
        FROM meetups m LEFT JOIN sign_ups s ON s.event_id = m.id
        GROUP BY m.n, m.month, m.id
    )
    SELECT n, month, count(*), sum(signed_up)::int, sum(came)::int, sum(expected)::int,
           sum(no_shows)::int
    FROM per_meetup
    GROUP BY 1, 2
"""
)


def _attendance(period: Period) -> tuple[tuple, tuple]:
    found = ({}, {})
    for n, month, meetups, signed_up, came, expected, no_shows in _fetch(
        _ATTENDANCE, _series_params(period)
    ):
        found[n][month] = (meetups, signed_up, came, _share(no_shows, expected))
    return tuple(
        tuple(
            (month_label(first), *found[n].get(first, (0, 0, 0, None))) for first in months(each)
        )
        for n, each in enumerate((period, period.previous_year()))
    )


def _attendance_figure(period: Period) -> Figure:
    columns = (_("Month"), _("Meetups"), _("Sign-ups"), _("Came"), _("No-show (%)"))
    rows, previous = _attendance(period)
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
        rows=rows,
        previous=previous,
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
    SELECT m.n, m.month, count(*), count(w.event_id), COALESCE(sum(w.people), 0)::int
    FROM meetups m LEFT JOIN waited w ON w.event_id = m.id
    GROUP BY 1, 2
"""
)


def _waiting(period: Period) -> tuple[tuple, tuple]:
    found = ({}, {})
    for n, month, meetups, full, people in _fetch(_WAITING, _series_params(period)):
        found[n][month] = (meetups, full, _share(full, meetups), people)
    return tuple(
        tuple(
            (month_label(first), *found[n].get(first, (0, 0, None, 0))) for first in months(each)
        )
        for n, each in enumerate((period, period.previous_year()))
    )


def _waiting_figure(period: Period) -> Figure:
    columns = (
        _("Month"),
        _("Meetups"),
        _("Full meetups"),
        _("Full (%)"),
        _("People on a waiting list"),
    )
    rows, previous = _waiting(period)
    return Figure(
        key="waiting_list",
        title=_("Full meetups and waiting lists"),
        definition=_(
            "Per month: meetups held, those where someone had to wait for a place (full, or "
            "the places for their sector taken), and how many sign-ups waited."
        ),
        columns=columns,
        rows=rows,
        previous=previous,
        chart="bars",
        x=columns[0],
        y=columns[2],
    )


# Spaces ----------------------------------------------------------------------------------------

# Bookings and blocks of both periods, read once through the index
# spaces_booking_dashboard (start, end and what the figures read, so the table
# itself is not touched): a booking ends at most MAX_SPAN after it starts, so
# those that overlap a period start less than MAX_SPAN before it.
_IN_PERIODS = """
    FROM periods p
    JOIN spaces_booking b ON b.start < p."end" AND b.start > p.start - %(max_span)s
                         AND b."end" > p.start
"""

# Open hours per resource: every day of the period, its space's opening hours
# on that weekday ("closes" 00:00 is midnight), except closure days; minus the
# coordinators' blocks.
_OCCUPANCY = f"""
    WITH excluded AS ({_EXCLUDED}),
    periods AS ({_PERIODS}),
    days AS (
        SELECT 0 AS n, d::date AS day
        FROM generate_series(%(first_day)s::timestamp, %(last_day)s::timestamp,
                             interval '1 day') AS d
        UNION ALL
        SELECT 1, d::date
        FROM generate_series(%(before_first_day)s::timestamp, %(before_last_day)s::timestamp,
                             interval '1 day') AS d
    ),
    -- Days per space and weekday, closure days left out: a few thousand rows,
    -- however many resources share a space.
    day_counts AS (
        SELECT days.n, s.id AS space, EXTRACT(isodow FROM days.day)::int - 1 AS weekday,
               count(*) AS days
        FROM days CROSS JOIN spaces_space s
        WHERE NOT EXISTS (
            SELECT 1 FROM spaces_closure c WHERE c.space_id = s.id AND c.date = days.day
        )
        GROUP BY 1, 2, 3
    ),
    open_hours AS (
        SELECT d.n, d.space,
               sum(d.days * EXTRACT(epoch FROM
                   CASE WHEN o.closes = time '00:00' THEN interval '24 hours'
                        ELSE o.closes::interval END - o.opens::interval)) / 3600 AS hours
        FROM day_counts d
        JOIN spaces_openinghours o ON o.space_id = d.space AND o.weekday = d.weekday
        GROUP BY 1, 2
    ),
    -- One pass over the periods' bookings: blocks, and members' booked and used
    -- hours, summed as whole seconds (date_part, not the slower numeric EXTRACT),
    -- each row's seconds worked out once (OFFSET 0 keeps the subquery whole).
    spans AS (
        SELECT p.n, b.resource_id, b.kind, b.checked_in_at IS NOT NULL AS checked_in,
               b.booker_id NOT IN (SELECT id FROM excluded) AS counted,
               date_part('epoch', LEAST(b."end", p."end") - GREATEST(b.start, p.start))::bigint
               AS seconds
        {_IN_PERIODS}
        WHERE b.status = 'confirmed'
        OFFSET 0
    ),
    used AS (
        SELECT n, resource_id AS resource,
               sum(seconds) FILTER (WHERE kind = 'block') / 3600.0 AS blocked,
               sum(seconds) FILTER (WHERE kind = 'booking' AND counted) / 3600.0 AS booked,
               sum(seconds) FILTER (WHERE kind = 'booking' AND counted AND checked_in)
               / 3600.0 AS used
        FROM spans
        GROUP BY 1, 2
    )
    SELECT p.n, s.name, r.name,
           COALESCE(o.hours, 0) - COALESCE(u.blocked, 0),
           COALESCE(u.booked, 0), COALESCE(u.used, 0)
    FROM periods p
    CROSS JOIN spaces_resource r
    JOIN spaces_space s ON s.id = r.space_id
    LEFT JOIN open_hours o ON o.n = p.n AND o.space = r.space_id
    LEFT JOIN used u ON u.n = p.n AND u.resource = r.id
    WHERE r.active OR u.booked IS NOT NULL
    ORDER BY p.n, s.name, r.name, r.id
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _hours(value) -> float:
    return round(float(value or 0), 1)


def _occupancy(period: Period) -> tuple[tuple, tuple]:
    before = period.previous_year()
    params = _periods_params(
        period,
        first_day=period.start,
        last_day=period.last_day,
        before_first_day=before.start,
        before_last_day=before.last_day,
    )
    rows = ([], [])
    for n, space, resource, open_hours, booked, used in _fetch(_OCCUPANCY, params):
        bookable = max(_hours(open_hours), 0.0)
        rows[n].append(
            (
                f"{resource} ({space})",
                bookable,
                _hours(booked),
                _hours(used),
                _share(float(booked or 0), bookable),
            )
        )
    return tuple(rows[0]), tuple(rows[1])


def _occupancy_figure(period: Period) -> Figure:
    columns = (
        _("Resource"),
        _("Bookable hours"),
        _("Booked hours"),
        _("Used hours"),
        _("Occupancy (%)"),
    )
    rows, previous = _occupancy(period)
    return Figure(
        key="space_occupancy",
        title=_("Occupancy of the spaces"),
        definition=_(
            "Per resource: hours open for booking (opening hours, less closure days and "
            "coordinators' blocks), hours booked by members, hours used (someone checked "
            "in), and booked hours as a share of bookable hours."
        ),
        columns=columns,
        rows=rows,
        previous=previous,
        chart="bars",
        x=columns[0],
        y=columns[4],
    )


# Each booking cut into the clock hours it covers (local time), with the minutes
# in each. Bookings come in few spans (many resources are booked for the same
# hours) and the spans in fewer shapes (weekday, start and end on the clock), so
# the bookings are counted per span first, straight from the index, and only
# the spans are put in local time and the shapes cut into hours: a school year
# of the bench's 60 000 bookings is some 5 000 spans and 200 shapes.
_HEATMAP = f"""
    WITH excluded AS ({_EXCLUDED}),
    periods AS ({_PERIODS}),
    spans AS (
        SELECT p.n, b.start, b."end", count(*) AS booked,
               count(*) FILTER (WHERE b.checked_in_at IS NOT NULL) AS used
        {_IN_PERIODS}
        WHERE b.kind = 'booking' AND b.status = 'confirmed'
          AND b.booker_id NOT IN (SELECT id FROM excluded)
        GROUP BY 1, 2, 3
    ),
    local AS (
        SELECT s.n, s.booked, s.used,
               GREATEST(s.start, p.start) AT TIME ZONE %(tz)s AS start,
               LEAST(s."end", p."end") AT TIME ZONE %(tz)s AS "end"
        FROM spans s JOIN periods p ON p.n = s.n
    ),
    shapes AS (
        SELECT n, EXTRACT(isodow FROM start)::int - 1 AS weekday,
               (EXTRACT(epoch FROM start - date_trunc('day', start)) / 60)::int AS first,
               (EXTRACT(epoch FROM "end" - date_trunc('day', start)) / 60)::int AS last,
               sum(booked) AS booked, sum(used) AS used
        FROM local GROUP BY 1, 2, 3, 4
    ),
    hours AS (
        SELECT n, (weekday + hour / 24) %% 7 AS weekday, hour %% 24 AS hour,
               LEAST(last, hour * 60 + 60) - GREATEST(first, hour * 60) AS minutes, booked, used
        FROM shapes, generate_series(first / 60, (last - 1) / 60) AS hour
    )
    SELECT n, weekday, hour, sum(booked * minutes) / 60.0, sum(used * minutes) / 60.0
    FROM hours GROUP BY 1, 2, 3
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _heatmap_rows(found: dict) -> tuple[tuple, ...]:
    if not found:
        return ()
    hours = range(min(h for _w, h in found), max(h for _w, h in found) + 1)
    return tuple(
        (str(label), f"{hour:02d}:00", booked, used, _share(used, booked))
        for weekday, label in Weekday.choices
        for hour in hours
        for booked, used in [found.get((weekday, hour), (0.0, 0.0))]
    )


def _heatmap(period: Period) -> tuple[tuple, tuple]:
    found = ({}, {})
    for n, weekday, hour, booked, used in _fetch(_HEATMAP, _periods_params(period)):
        found[n][weekday, hour] = (_hours(booked), _hours(used))
    return _heatmap_rows(found[0]), _heatmap_rows(found[1])


def _heatmap_figure(period: Period) -> Figure:
    columns = (_("Weekday"), _("Hour"), _("Booked hours"), _("Used hours"), _("Used (%)"))
    rows, previous = _heatmap(period)
    return Figure(
        key="space_heatmap",
        title=_("When the spaces are booked and used"),
        definition=_(
            "Hours booked by members per weekday and clock hour over the period, and the "
            "hours of those bookings someone checked in to."
        ),
        columns=columns,
        rows=rows,
        previous=previous,
        chart="heatmap",
        x=columns[1],
        y=columns[0],
        series=columns[2],
    )


# Members' bookings for an organisation in the period (cut to it), not cancelled.
_PER_ORGANISATION = f"""
    WITH excluded AS ({_EXCLUDED}),
    periods AS ({_PERIODS})
    SELECT p.n, o.name, count(*),
           sum(date_part('epoch', LEAST(b."end", p."end") - GREATEST(b.start, p.start))::bigint)
           / 3600.0
    {_IN_PERIODS}
    JOIN members_organisation o ON o.id = b.organisation_id
    WHERE b.kind = 'booking' AND b.status IN ('confirmed', 'released')
      AND b.booker_id NOT IN (SELECT id FROM excluded)
    GROUP BY p.n, o.id, o.name
    ORDER BY p.n, 3 DESC, o.name
"""  # noqa: S608 -- constant SQL; every value is a parameter


def _per_organisation(period: Period) -> tuple[tuple, tuple]:
    rows = ([], [])
    for n, name, count, hours in _fetch(_PER_ORGANISATION, _periods_params(period)):
        rows[n].append((name, count, _hours(hours)))
    return tuple(rows[0]), tuple(rows[1])


def _per_organisation_figure(period: Period) -> Figure:
    columns = (_("Organisation"), _("Bookings"), _("Hours"))
    rows, previous = _per_organisation(period)
    return Figure(
        key="bookings_per_organisation",
        title=_("Bookings per organisation"),
        definition=_(
            "Bookings members made on behalf of an organisation (start-ups and others) in "
            "the period, not cancelled, and their hours."
        ),
        columns=columns,
        rows=rows,
        previous=previous,
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
    """One figure for ``period`` (KeyError for an unknown key); one query."""
    return FIGURES[key](period)


def dashboard_figures(period: Period) -> list[Figure]:
    """Every figure for ``period``, in the dashboard's order; one query per figure."""
    return [build(period) for build in FIGURES.values()]


__all__ = ["KEYS", "Figure", "dashboard_figures", "figure", "suppress_small"]
