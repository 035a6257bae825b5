"""Reads that span models or depend on the viewer: the overview, the grid, my bookings.

Each costs a fixed number of queries whatever the number of resources or
bookings: rows are fetched in one go per model and put together in Python.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    JSONField,
    Prefetch,
    Q,
    Sum,
    TextField,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from lef.pagination import read_page
from lef.templatetags.lef_tags import EN_DASH
from members.models import Organisation, User
from spaces import timeslots
from spaces.models import MAX_SPAN, Booking, Closure, OpeningHours, Resource, Space
from spaces.permissions import BookingPermissions, booking_permissions


def _hours_by_space(space_ids: Iterable[int]) -> dict[int, list[OpeningHours]]:
    hours = defaultdict(list)
    for row in OpeningHours.objects.filter(space_id__in=set(space_ids)):
        hours[row.space_id].append(row)
    return hours


def _closures(space_ids: Iterable[int], first: date, last: date) -> set[tuple[int, date]]:
    return set(
        Closure.objects.filter(
            space_id__in=set(space_ids), date__gte=first, date__lte=last
        ).values_list("space_id", "date")
    )


@dataclass(frozen=True)
class Hours:
    """An opening range read from ``with_calendar``'s annotation (like OpeningHours)."""

    weekday: int
    opens: time
    closes: time


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _sql(sql: str, params: list, output_field) -> RawSQL:
    """A SQL expression of this module: table names from the models, every value a parameter."""
    return RawSQL(sql, params, output_field=output_field)  # noqa: S611


def with_calendar(resources, first: date, last: date):
    """``resources`` with their space's opening hours and closures in [first, last] attached.

    Both ride along in the resources' own query, so pages that show
    availability need no extra query for them; read them with
    :func:`calendar_of`. Written as SQL: compiling them as ORM subqueries cost
    more than the rest of the page's query.
    """
    resource, hours, closure = _table(Resource), _table(OpeningHours), _table(Closure)
    return resources.annotate(
        calendar_hours=_sql(
            f"""ARRAY(SELECT concat_ws(' ', h.weekday, h.opens, h.closes) FROM {hours} AS h
                WHERE h.space_id = {resource}.space_id)""",  # noqa: S608
            [],
            ArrayField(TextField()),
        ),
        calendar_closed=_sql(
            f"""ARRAY(SELECT c.date FROM {closure} AS c
                WHERE c.space_id = {resource}.space_id AND c.date BETWEEN %s AND %s)""",  # noqa: S608
            [first, last],
            ArrayField(DateField()),
        ),
    )


def calendar_of(resources: Sequence[Resource], first: date, last: date):
    """(hours by space, closed (space, date) pairs): from the annotations, else two queries."""
    if resources and all(hasattr(r, "calendar_hours") for r in resources):
        hours = {}
        for r in resources:
            rows = hours[r.space_id] = []
            for row in r.calendar_hours:
                weekday, opens, closes = row.split(" ")
                rows.append(Hours(int(weekday), time.fromisoformat(opens),
                                  time.fromisoformat(closes)))  # fmt: skip
        closures = {(r.space_id, day) for r in resources for day in r.calendar_closed}
        return hours, closures
    space_ids = {r.space_id for r in resources}
    return _hours_by_space(space_ids), _closures(space_ids, first, last)


def windows_for(space_id, day, hours, closures) -> list[timeslots.Window]:
    return timeslots.open_windows(day, hours.get(space_id, ()), closed=(space_id, day) in closures)


def _overlap_minutes(windows: Sequence[timeslots.Window], start, end) -> int:
    total = 0
    for window in windows:
        first, last = max(window.start, start), min(window.end, end)
        if last > first:
            total += int((last - first).total_seconds() // 60)
    return total


# The overview ----------------------------------------------------------------------


@dataclass(frozen=True)
class Today:
    """How free a resource is for the rest of a day (from now, or from opening)."""

    open_minutes: int  # left in opening hours
    free_minutes: int

    @property
    def is_open(self) -> bool:
        return self.open_minutes > 0

    @property
    def free_share(self) -> int:
        """Percentage of what is left of today's opening hours that is free."""
        return round(100 * self.free_minutes / self.open_minutes) if self.open_minutes else 0


def today_of(
    windows: Sequence[timeslots.Window],
    taken: Iterable[tuple[datetime, datetime]],
    *,
    day: date,
    now: datetime,
) -> Today:
    """How free the rest of ``day`` is, from its open ``windows`` and the ``taken`` spans."""
    begin = max(timeslots.local_midnight(day), now)
    finish = timeslots.local_midnight(day + timedelta(days=1))
    if begin >= finish:
        return Today(0, 0)
    open_minutes = _overlap_minutes(windows, begin, finish)
    booked = sum(_overlap_minutes(windows, max(start, begin), end) for start, end in taken)
    return Today(open_minutes, max(open_minutes - booked, 0))


def free_resources(
    *,
    start: datetime,
    end: datetime,
    seats: int = 1,
    amenity: str = "",
    kind: str = "",
) -> list[Resource]:
    """Active resources open and free for all of [``start``, ``end``) with enough seats.

    Slot alignment and the per-resource booking rules are left to the booking
    form; this answers "where could I sit then". One query.
    """
    day = timeslots.local_date(start)
    resources = with_calendar(
        Resource.objects.active().select_related("space").filter(seats__gte=seats), day, day
    )
    if amenity:
        resources = resources.filter(amenities__contains=[amenity])
    if kind:
        resources = resources.filter(kind=kind)
    taken, values = _taken_sql(start, end)
    resources = list(
        resources.alias(taken=_sql(taken, values, BooleanField())).filter(taken=False)
    )
    hours, closures = calendar_of(resources, day, day)
    return [
        resource
        for resource in resources
        if any(
            window.contains(start, end)
            for window in windows_for(resource.space_id, day, hours, closures)
        )
    ]


def open_days(
    first: date, last: date, *, seats: int = 1, amenity: str = "", kind: str = ""
) -> dict[date, list[timeslots.Window]]:
    """When resources like these can be booked at all, day by day from ``first`` to ``last``.

    The opening windows (merged over all spaces with an active resource with
    ``seats``, ``amenity`` and ``kind``) of each day on which one is open;
    closed days are left out. Bookings are not looked at: this says when 't LEF
    is open, not what is free. One query.
    """
    resources = Resource.objects.active().filter(seats__gte=seats)
    if amenity:
        resources = resources.filter(amenities__contains=[amenity])
    if kind:
        resources = resources.filter(kind=kind)
    # One resource per space is enough: they share the space's hours.
    one_per_space = resources.order_by("space_id").distinct("space_id")
    resources = list(with_calendar(one_per_space, first, last))
    hours, closures = calendar_of(resources, first, last)
    return days_open(first, last, hours, closures)


def days_open(
    first: date, last: date, hours: dict[int, list], closures: set[tuple[int, date]]
) -> dict[date, list[timeslots.Window]]:
    """The open windows, merged over the spaces in ``hours``, of each day that has one."""
    days = {}
    day = first
    while day <= last:
        windows = timeslots.merged_windows(
            (window.start, window.end)
            for space_id in hours
            for window in windows_for(space_id, day, hours, closures)
        )
        if windows:
            days[day] = windows
        day += timedelta(days=1)
    return days


# How far the search looks for the next day on which the same times are open.
OPEN_AHEAD_DAYS = 14

# The search's first question: two hours from the next whole hour, not before nine.
SEARCH_FROM = time(9)
SEARCH_SPAN = timedelta(hours=2)
SEARCH_SHORTEST = timedelta(hours=1)


def _next_whole_hour(moment: datetime) -> datetime:
    """``moment`` rounded up to a whole hour (Amsterdam's offsets are whole hours)."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    return hour if hour == moment else hour + timedelta(hours=1)


def search_start(
    now: datetime, days: dict[date, list[timeslots.Window]]
) -> tuple[datetime, datetime] | None:
    """Where the search starts: the first open hours still to come, as (start, end).

    Today from the next whole hour, later days from 09:00 (or the first whole
    hour the places open), for two hours or until they close, and at least an
    hour: late in the evening that is the next open day, not hours already
    past. ``days`` are the open windows by day (see :func:`days_open`); None
    when none of them has such a time.
    """
    today = timeslots.local_date(now)
    for day in sorted(days):
        if day < today:
            continue
        earliest = timeslots.at(day, SEARCH_FROM)
        if day == today:
            earliest = max(earliest, _next_whole_hour(now + timedelta(microseconds=1)))
        for window in days[day]:
            start = _next_whole_hour(max(earliest, window.start))
            end = min(start + SEARCH_SPAN, window.end)
            if end - start >= SEARCH_SHORTEST:
                return start, end
    return None


@dataclass(frozen=True)
class ClosedThen:
    """Why a search found nothing when the places are not open then (rather than taken)."""

    windows: tuple[timeslots.Window, ...]  # when they are open that day; () when closed
    next_day: date | None  # the next day on which the same times are open, if soon

    @property
    def hours(self) -> str:
        """The open windows as people read them: "09:00-12:30, 13:00-17:00" (en dashes)."""
        return ", ".join(
            f"{timeslots.local(w.start):%H:%M}{EN_DASH}{timeslots.local(w.end):%H:%M}"
            for w in self.windows
        )


def closed_then(
    *, start: datetime, end: datetime, seats: int = 1, amenity: str = "", kind: str = ""
) -> ClosedThen | None:
    """None when places like these are open for all of [start, end), else why not (one query)."""
    day = timeslots.local_date(start)
    days = open_days(
        day, day + timedelta(days=OPEN_AHEAD_DAYS), seats=seats, amenity=amenity, kind=kind
    )
    windows = days.get(day, [])
    if any(window.contains(start, end) for window in windows):
        return None
    next_day = None
    for later in range(1, OPEN_AHEAD_DAYS + 1):
        same_start = timeslots.same_wall_time_days_later(start, later)
        same_end = timeslots.same_wall_time_days_later(end, later)
        later_day = day + timedelta(days=later)
        if any(w.contains(same_start, same_end) for w in days.get(later_day, ())):
            next_day = later_day
            break
    return ClosedThen(windows=tuple(windows), next_day=next_day)


# The availability grid ---------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    """A row that holds time on a grid, as far as the viewer may see it.

    All that a cell shows of a booking or block: its time, whether it is the
    viewer's own, a block's reason and (for coordinators only) who booked it.
    """

    start: datetime
    end: datetime
    state: str  # "blocked", "mine" or "taken"
    note: str = ""  # a block's reason, shown to everyone
    booker: str = ""  # who booked, only for viewers who may see it


def _held_where(begin: datetime, finish: datetime) -> tuple[str, list]:
    """SQL for "booking b holds time of the query's resource in [begin, finish)", and its values.

    The same rows as ``Booking.objects.blocking().overlapping(begin, finish,
    resource=...)``, written as SQL for the reason :func:`with_calendar` gives.
    """
    resource = _table(Resource)
    sql = f"""b.resource_id = {resource}.id AND b.status = %s
        AND b.start < %s AND b."end" > %s AND b.start > %s
        -- the exclusion constraint's expressions: its GiST index finds the rows
        AND int8range(b.resource_id, b.resource_id, '[]')
            && int8range({resource}.id, {resource}.id, '[]')
        AND tstzrange(b.start, b."end", '[)') && tstzrange(%s, %s, '[)')"""
    return sql, [Booking.Status.CONFIRMED, finish, begin, begin - MAX_SPAN, begin, finish]


def _taken_sql(begin: datetime, finish: datetime) -> tuple[str, list]:
    """SQL for "some of [begin, finish) of the query's resource is held", and its values.

    Holds the same rows as :func:`_held_where` say (tests/spaces/test_queries.py
    compares them), found faster: the exclusion constraint keeps a resource's
    confirmed rows from overlapping, so if any of them meets [begin, finish),
    the last one to start before ``finish`` does. Reading the (resource, start)
    index backwards, that is one row per resource, where probing the GiST
    index per resource cost the search 2.3 ms for the bench's 61 resources
    (now 0.2 ms).
    """
    sql = f"""coalesce((SELECT b."end" > %s FROM {_table(Booking)} AS b
        WHERE b.resource_id = {_table(Resource)}.id AND b.status = %s AND b.start < %s
        ORDER BY b.start DESC LIMIT 1), false)"""  # noqa: S608
    return sql, [begin, Booking.Status.CONFIRMED, finish]


def day_bounds(days: Sequence[date]) -> tuple[datetime, datetime]:
    """[the first day's midnight, the midnight after the last day), as UTC moments."""
    return (
        timeslots.local_midnight(days[0]),
        timeslots.local_midnight(days[-1] + timedelta(days=1)),
    )


def with_holds(resources, begin: datetime, finish: datetime, *, names: bool = False):
    """``resources`` with the confirmed bookings and blocks that meet [begin, finish) attached.

    They ride along in the resources' own query, soonest first, as
    (start, end, kind, booker id, purpose, who booked) rows; read them with
    :func:`holds_of`. Who booked is left empty unless ``names`` (see
    ``can_see_booker``). Written as SQL for the reason :func:`with_calendar` gives.
    """
    where, values = _held_where(begin, finish)
    who, join = "''", ""
    if names:
        # A member's name as User.__str__ gives it: the name, else the username.
        who = "coalesce(nullif(u.name, ''), u.username)"
        join = f"JOIN {_table(User)} AS u ON u.id = b.booker_id"
    held = f"""(SELECT coalesce(jsonb_agg(
            jsonb_build_array(b.start, b."end", b.kind, b.booker_id, b.purpose, {who})
            ORDER BY b.start, b.id), '[]')
        FROM {_table(Booking)} AS b {join} WHERE {where})"""  # noqa: S608
    return resources.annotate(held=_sql(held, values, JSONField()))


def holds_of(resource: Resource, viewer) -> list[Hold]:
    """The holds :func:`with_holds` attached to ``resource``, as ``viewer`` may see them.

    Blocked (with the reason), the viewer's own, or taken (with who booked it,
    when the annotation carries names).
    """
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    found = []
    for first, last, kind, booker_id, purpose, who in resource.held:
        start, end = datetime.fromisoformat(first), datetime.fromisoformat(last)
        if kind == Booking.Kind.BLOCK:
            found.append(Hold(start, end, "blocked", note=purpose))
        elif booker_id == viewer_id:
            found.append(Hold(start, end, "mine"))
        else:
            found.append(Hold(start, end, "taken", booker=who))
    return found


def holds(*, resource, begin: datetime, finish: datetime, viewer) -> list[Hold]:
    """The confirmed bookings and blocks of ``resource`` that meet [begin, finish), soonest first.

    As ``viewer`` may see them (see :func:`holds_of`). One query; the exclusion
    constraint keeps them from overlapping.
    """
    from spaces.permissions import can_see_booker  # noqa: PLC0415

    pk = getattr(resource, "pk", resource)
    row = with_holds(
        Resource.objects.filter(pk=pk).only("pk"), begin, finish, names=can_see_booker(viewer)
    ).get()
    return holds_of(row, viewer)


@dataclass(slots=True)
class Cell:
    start: datetime
    end: datetime
    state: str  # "free", "taken", "mine", "blocked", "closed", "past"
    hold: Hold | None = None
    fold: int = 0

    @property
    def local_start(self) -> datetime:
        return timeslots.local(self.start)

    @property
    def local_end(self) -> datetime:
        return timeslots.local(self.end)

    @property
    def bookable(self) -> bool:
        return self.state == "free"


@dataclass
class Row:
    wall: time
    fold: int
    cells: list[Cell | None]  # one per day; None where this clock time does not exist


@dataclass
class Grid:
    days: list[date]
    rows: list[Row]
    windows: dict[date, list[timeslots.Window]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def cells_of(self, day_index: int) -> list[Cell]:
        return [row.cells[day_index] for row in self.rows if row.cells[day_index] is not None]


def availability(
    *, resource: Resource, days: Sequence[date], viewer, now: datetime | None = None
) -> Grid:
    """The slots of ``resource`` on ``days``, in local time, with what holds each.

    No query for a resource from :func:`with_calendar` and :func:`with_holds`
    (names as ``can_see_booker(viewer)`` says) for these days; else one for
    each that is missing. See :func:`grid`.
    """
    hours, closures = calendar_of([resource], days[0], days[-1])
    windows = {day: windows_for(resource.space_id, day, hours, closures) for day in days}
    if hasattr(resource, "held"):
        found = holds_of(resource, viewer)
    else:
        begin, finish = day_bounds(days)
        found = holds(resource=resource, begin=begin, finish=finish, viewer=viewer)
    return grid(
        days=days,
        windows=windows,
        slot_minutes=resource.slot_minutes,
        holds=found,
        now=now or timezone.now(),
    )


def grid(
    *,
    days: Sequence[date],
    windows: dict[date, list[timeslots.Window]],
    slot_minutes: int,
    holds: Sequence[Hold],
    now: datetime,
) -> Grid:
    """The grid of ``days`` (in order) from their open windows and the holds in them.

    Rows are clock times (with the fold: on 25 October 02:00 and 02:30 come
    twice), cells the slots of each day; only the clock times at which the
    space is open on some day are shown. A free slot that started before
    ``now`` is past. Nothing else goes in: a grid is a function of these.
    """
    if list(days) != sorted(days):
        raise ValueError("The days of a grid go in order.")
    step = timedelta(minutes=slot_minutes)
    rows = [
        Row(wall=wall, fold=fold, cells=cells)
        for (wall, fold), cells in sorted(_open_cells(days, windows, step, holds, now).items())
    ]
    _fill_closed(rows, days, step)
    return Grid(days=list(days), rows=rows, windows=dict(windows))


def _open_cells(days, windows, step, holds, now) -> dict[tuple[time, int], list[Cell | None]]:
    """The cells of the open slots, by (clock time, fold)."""
    cells: dict[tuple[time, int], list[Cell | None]] = {}
    width = len(days)
    # Slots and holds both come in time order: walk them together.
    next_hold, count = 0, len(holds)
    for index, day in enumerate(days):
        for start in _window_slots(day, windows[day], step):
            end = start + step
            while next_hold < count and holds[next_hold].end <= start:
                next_hold += 1
            hold = None
            if next_hold < count and holds[next_hold].start < end:
                hold = holds[next_hold]
            state = hold.state if hold is not None else "past" if start < now else "free"
            wall = timeslots.local(start)
            key = (wall.time().replace(fold=0), wall.fold)
            row = cells.get(key)
            if row is None:
                row = cells[key] = [None] * width
            row[index] = Cell(start=start, end=end, state=state, hold=hold, fold=wall.fold)
    return cells


def _fill_closed(rows: list[Row], days, step) -> None:
    """Where a clock time exists on a day but the space is closed then, say so."""
    for index, day in enumerate(days):
        regular = _is_regular(day)
        for row in rows:
            if row.cells[index] is not None:
                continue
            if regular:
                # Every clock time happens once on a day without a clock change.
                if row.fold:
                    continue
                start = timeslots.at(day, row.wall)
            else:
                if not timeslots.wall_exists(day, row.wall):
                    continue
                start = timeslots.at(day, row.wall.replace(fold=row.fold))
                if timeslots.local(start).fold != row.fold:
                    continue
            row.cells[index] = Cell(start=start, end=start + step, state="closed", fold=row.fold)


def _is_regular(day: date) -> bool:
    """Whether ``day`` has 24 hours in Amsterdam (no clock change)."""
    length = timeslots.local_midnight(day + timedelta(days=1)) - timeslots.local_midnight(day)
    return length == timedelta(hours=24)


def _window_slots(day, windows, step):
    """The slot starts of ``day`` that lie wholly inside an open window."""
    midnight = timeslots.local_midnight(day)
    for window in windows:
        # The first slot boundary at or after the window opens, counted from midnight.
        offset = (window.start - midnight) % step
        start = window.start if not offset else window.start + (step - offset)
        while start + step <= window.end:
            yield start
            start += step


# My bookings ----------------------------------------------------------------------


@dataclass(frozen=True)
class BookingLine:
    """A coming booking as my bookings and Mijn LEF list it, with what the member may do now."""

    pk: int
    url: str  # the resource's grid on the booking's day
    check_in_url: str
    cancel_url: str
    name: str
    space: str
    start: datetime
    end: datetime
    people: int
    organisation: str  # on whose behalf, or ""
    purpose: str
    checked_in: bool
    perms: BookingPermissions  # what the member may do with it now
    series: uuid.UUID | None = None  # the weekly series it belongs to

    @property
    def can_check_in(self) -> bool:
        return self.perms.check_in

    @property
    def can_cancel(self) -> bool:
        return self.perms.cancel


def _upcoming_sql() -> str:
    """SQL for the member's confirmed bookings that have not ended, soonest first.

    Parameters: the member's id, now, and now minus MAX_SPAN (no booking is
    longer, so the bound lets the (booker, start) index work). The columns are
    the ones :func:`_line` reads. Written as SQL for the reason
    :func:`with_calendar` gives: compiling it as a QuerySet cost more than
    running it.
    """
    return f"""SELECT b.id, b.start, b."end", b.status, b.kind, b.booker_id, b.checked_in_at,
            b.people, b.purpose, r.name, r.slug, s.name, o.name, b.series
        FROM {_table(Booking)} AS b
        JOIN {_table(Resource)} AS r ON r.id = b.resource_id
        JOIN {_table(Space)} AS s ON s.id = r.space_id
        LEFT JOIN {_table(Organisation)} AS o ON o.id = b.organisation_id
        WHERE b.booker_id = %s AND b.kind = '{Booking.Kind.BOOKING.value}'
            AND b.status = '{Booking.Status.CONFIRMED.value}'
            AND b."end" > %s AND b.start > %s
        ORDER BY b.start, b.id"""  # noqa: S608 -- names and choices from the models


def _upcoming_params(user, now: datetime) -> list:
    return [user.pk, now, now - MAX_SPAN]


@dataclass(frozen=True)
class _Paths:
    """The addresses BookingLines link to, with "-" for a slug and 0 for a booking's pk."""

    resource: str
    check_in: str
    cancel: str


def _paths() -> _Paths:
    """Reversed once for all lines: a reverse() a line costs more than the line."""
    return _Paths(
        resource=reverse("spaces:resource", args=["-"]),
        check_in=reverse("spaces:check_in", args=[0]),
        cancel=reverse("spaces:cancel", args=[0]),
    )


def _line(user, row: Sequence, *, now: datetime, paths: _Paths) -> BookingLine:
    """A BookingLine from a row of :func:`_upcoming_sql`, with what ``user`` may do with it now."""
    pk, start, end, status, kind, booker_id, checked_in_at, people, purpose, *names = row
    name, slug, space, organisation, series = names
    # The columns the permissions read; no resource or organisation instances.
    booking = Booking(
        pk=pk,
        start=start,
        end=end,
        status=status,
        kind=kind,
        booker_id=booker_id,
        checked_in_at=checked_in_at,
    )
    return BookingLine(
        pk=pk,
        url=f"{paths.resource.replace('/-/', f'/{slug}/')}?date={timeslots.local_date(start)}",
        check_in_url=paths.check_in.replace("/0/", f"/{pk}/"),
        cancel_url=paths.cancel.replace("/0/", f"/{pk}/"),
        name=name,
        space=space,
        start=start,
        end=end,
        people=people,
        organisation=organisation or "",
        purpose=purpose,
        checked_in=checked_in_at is not None,
        perms=booking_permissions(user, booking, now=now),
        series=series,
    )


def upcoming_bookings(user, *, now: datetime | None = None) -> list[BookingLine]:
    """The member's confirmed bookings that have not ended, soonest first (one query).

    Read as columns, not as model instances with their resource, space and
    organisation: four instances a row cost more than the rest of the page.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_upcoming_sql(), _upcoming_params(user, now))
        rows = cursor.fetchall()
    paths = _paths()
    return [_line(user, row, now=now, paths=paths) for row in rows]


def coming_in_series(booking: Booking, *, now: datetime) -> list[Booking]:
    """The confirmed dates of ``booking``'s series by its booker that have not ended.

    ``booking`` alone when it is no series; in time order.
    """
    if booking.series is None:
        return [booking]
    return list(
        Booking.objects.bookings()
        .filter(
            series=booking.series,
            booker_id=booking.booker_id,
            status=Booking.Status.CONFIRMED,
            end__gt=now,
        )
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class SeriesLines:
    """The coming dates of one weekly series, shown as one entry in my bookings."""

    lines: list[BookingLine]  # two or more, soonest first

    @property
    def first(self) -> BookingLine:
        return self.lines[0]


def grouped(lines: Sequence[BookingLine]) -> list[BookingLine | SeriesLines]:
    """``lines`` with the dates of each weekly series as one entry, where its first date is.

    A series with one coming date left is shown as the booking it is.
    """
    by_series = defaultdict(list)
    for line in lines:
        if line.series is not None:
            by_series[line.series].append(line)
    entries, seen = [], set()
    for line in lines:
        dates = by_series.get(line.series, ())
        if len(dates) < 2:
            entries.append(line)
        elif line.series not in seen:
            seen.add(line.series)
            entries.append(SeriesLines(lines=dates))
    return entries


@dataclass(frozen=True)
class MyLefBookings:
    """What Mijn LEF shows of spaces: the next bookings, and when desks are open."""

    upcoming: list[BookingLine]
    desk_days: dict[date, list[timeslots.Window]]  # see days_open


def _desk_calendar_sql() -> str:
    """SQL for the opening hours and closures in [%s, %s] of the spaces with an active desk.

    Two arrays of "space weekday opens closes" and "space date".
    """
    desk_spaces = f"""SELECT r.space_id FROM {_table(Resource)} AS r
        WHERE r.active AND r.kind = '{Resource.Kind.DESK.value}'"""  # noqa: S608
    return f"""ARRAY(SELECT concat_ws(' ', h.space_id, h.weekday, h.opens, h.closes)
            FROM {_table(OpeningHours)} AS h WHERE h.space_id IN ({desk_spaces})),
        ARRAY(SELECT concat_ws(' ', c.space_id, c.date) FROM {_table(Closure)} AS c
            WHERE c.date BETWEEN %s AND %s AND c.space_id IN ({desk_spaces}))"""  # noqa: S608


def my_lef_bookings(user, *, now: datetime, limit: int, first: date, last: date) -> MyLefBookings:
    """The member's next ``limit`` bookings, and the days in [first, last] desks are open.

    One query: Mijn LEF gathers every app and may spend one per section. Each
    row is a coming booking (or one row of nothing, when there is none) with
    the opening hours and closure days of the spaces with an active desk.
    """
    sql = f"""SELECT {_desk_calendar_sql()}, coming.*
        FROM (VALUES (1)) AS one
        LEFT JOIN LATERAL ({_upcoming_sql()} LIMIT %s) AS coming ON TRUE
        ORDER BY coming.start, coming.id"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, last, *_upcoming_params(user, now), limit])
        rows = cursor.fetchall()
    paths = _paths()
    upcoming = [_line(user, row[2:], now=now, paths=paths) for row in rows if row[2] is not None]
    by_space = defaultdict(list)
    for row in rows[0][0]:
        space_id, weekday, opens, closes = row.split(" ")
        by_space[int(space_id)].append(
            Hours(int(weekday), time.fromisoformat(opens), time.fromisoformat(closes))
        )
    closures = set()
    for row in rows[0][1]:
        space_id, day = row.split(" ")
        closures.add((int(space_id), date.fromisoformat(day)))
    return MyLefBookings(upcoming=upcoming, desk_days=days_open(first, last, by_space, closures))


@dataclass(frozen=True)
class PastRow:
    """An earlier, cancelled or released booking as my bookings lists it."""

    name: str
    slug: str
    space: str
    start: datetime
    end: datetime
    status: str
    checked_in: bool
    message: str  # 't LEF's message, when a coordinator cancelled it
    people: int
    purpose: str
    again_url: str  # "book again": the same times a week on, from tomorrow


def _past_sql() -> str:
    """SQL from FROM to WHERE for the member's bookings that ended, were cancelled or released.

    Parameters: the member's id and now. Written as SQL for the reason
    :func:`_upcoming_sql` gives.
    """
    return f"""FROM {_table(Booking)} AS b
        JOIN {_table(Resource)} AS r ON r.id = b.resource_id
        JOIN {_table(Space)} AS s ON s.id = r.space_id
        WHERE b.booker_id = %s AND b.kind = '{Booking.Kind.BOOKING.value}'
            AND (b."end" <= %s OR b.status <> '{Booking.Status.CONFIRMED.value}')"""


def _past_rows(user, now: datetime, *, offset: int, limit: int) -> tuple[list[tuple], int]:
    """(``limit`` of the member's past bookings from ``offset``, how many they have), latest first.

    One query; the rows are in :func:`_past_row`'s order, with the booking's id
    first. The count comes in a row of its own when the window is empty.
    """
    past = _past_sql()
    sql = f"""SELECT total.n, page.* FROM (SELECT count(*) {past}) AS total(n)
        LEFT JOIN LATERAL (
            SELECT b.id, r.name, r.slug, s.name, b.start, b."end", b.status, b.checked_in_at,
                b.cancel_message, b.cancelled_by_id, b.booker_id, b.people, b.purpose
            {past} ORDER BY b.start DESC, b.id DESC LIMIT %s OFFSET %s
        ) AS page ON TRUE
        ORDER BY page.start DESC, page.id DESC"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, now, user.pk, now, limit, offset])
        found = cursor.fetchall()
    return [row[2:] for row in found if row[1] is not None], found[0][0]


def _past_row(values, *, book_path: str, today: date) -> PastRow:
    name, slug, space, start, end, status, checked_in_at, message, by, booker, people, purpose = (
        values
    )
    return PastRow(
        name=name,
        slug=slug,
        space=space,
        start=start,
        end=end,
        status=status,
        checked_in=checked_in_at is not None,
        message=message if by is not None and by != booker else "",
        people=people,
        purpose=purpose,
        again_url=_book_again_url(
            book_path.replace("/-/", f"/{slug}/"),
            start=start,
            end=end,
            people=people,
            purpose=purpose,
            today=today,
        ),
    )


def _book_again_url(path: str, *, start, end, people: int, purpose: str, today: date) -> str:
    """The booking form for the same resource and clock times, a week after it (or later)."""
    start, end = timeslots.local(start), timeslots.local(end)
    day = start.date() + timedelta(days=7)
    while day < today + timedelta(days=1):
        day += timedelta(days=7)
    query = {
        "day": day.isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": "00:00" if end.time() == time(0) else end.strftime("%H:%M"),
        "people": people,
    }
    if purpose:
        query["purpose"] = purpose
    return f"{path}?{urlencode(query)}"


def past_page(user, number, *, per_page: int, now: datetime | None = None) -> Page:
    """A page of the member's earlier, cancelled and released bookings as PastRows.

    The page ``Paginator.get_page(number)`` gives (:func:`lef.pagination.read_page`),
    latest first: one query, two for a page number out of range (then the last page).
    """
    now = now or timezone.now()
    page = read_page(
        lambda offset, limit: _past_rows(user, now, offset=offset, limit=limit),
        number=number,
        per_page=per_page,
    )
    book_path = reverse("spaces:book", kwargs={"slug": "-"})
    today = timeslots.local_date(now)
    page.object_list = [_past_row(row, book_path=book_path, today=today) for row in page]
    return page


def counted_page(queryset, number, *, per_page: int) -> Page:
    """The page ``Paginator.get_page(number)`` gives of ``queryset``'s instances.

    One query: the number of rows rides along as a window count, where a
    Paginator counts them in a query of its own. Paged by
    :func:`lef.pagination.read_page`: a page number past the end costs a read
    of the first page (for the total) and of the last.
    """
    counted = queryset.annotate(page_total=Window(Count("pk")))

    def read(offset: int, limit: int) -> tuple[list, int | None]:
        rows = list(counted[offset : offset + limit])
        return rows, rows[0].page_total if rows else None

    return read_page(read, number=number, per_page=per_page)


# Occupancy (admin) --------------------------------------------------------------------


@dataclass
class Occupancy:
    resource: Resource
    bookable_minutes: int
    blocked_minutes: int
    booked_minutes: int
    used_minutes: int
    released_minutes: int = 0

    @staticmethod
    def _hours(minutes: int) -> float:
        return round(minutes / 60, 1)

    @property
    def bookable_hours(self) -> float:
        return self._hours(self.bookable_minutes)

    @property
    def blocked_hours(self) -> float:
        return self._hours(self.blocked_minutes)

    @property
    def booked_hours(self) -> float:
        return self._hours(self.booked_minutes)

    @property
    def used_hours(self) -> float:
        return self._hours(self.used_minutes)

    @property
    def released_hours(self) -> float:
        return self._hours(self.released_minutes)

    @property
    def booked_share(self) -> int:
        if not self.bookable_minutes:
            return 0
        return round(100 * self.booked_minutes / self.bookable_minutes)

    @property
    def used_share(self) -> int:
        if not self.bookable_minutes:
            return 0
        return round(100 * self.used_minutes / self.bookable_minutes)


def occupancy(*, monday: date, space: Space | None = None) -> list[Occupancy]:
    """Per resource, for the week from ``monday``: open hours, blocked, booked and used hours.

    Bookable = opening hours minus closure days minus coordinators' blocks.
    Booked = members' confirmed bookings; used = those someone checked in to;
    released = no-shows freed by ``release_no_shows``. Four queries.
    """
    days = [monday + timedelta(days=i) for i in range(7)]
    begin = timeslots.local_midnight(days[0])
    finish = timeslots.local_midnight(days[-1] + timedelta(days=1))
    resources = Resource.objects.select_related("space")
    if space is not None:
        resources = resources.filter(space=space)
    resources = list(resources)
    space_ids = {r.space_id for r in resources}
    hours = _hours_by_space(space_ids)
    closures = _closures(space_ids, days[0], days[-1])
    clipped = Least("end", finish) - Greatest("start", begin)
    in_week = Booking.objects.filter(resource__in=resources).overlapping(begin, finish)
    sums = {
        row["resource_id"]: row
        for row in in_week.values("resource_id").annotate(
            blocked=Sum(clipped, filter=Q(kind=Booking.Kind.BLOCK, status="confirmed")),
            booked=Sum(
                clipped, filter=Q(kind=Booking.Kind.BOOKING, status=Booking.Status.CONFIRMED)
            ),
            released=Sum(
                clipped, filter=Q(kind=Booking.Kind.BOOKING, status=Booking.Status.RELEASED)
            ),
            used=Sum(clipped, filter=Q(kind=Booking.Kind.BOOKING, checked_in_at__isnull=False)),
        )
    }

    def minutes(value) -> int:
        return int(value.total_seconds() // 60) if value else 0

    rows = []
    for resource in resources:
        open_minutes = sum(
            w.minutes for day in days for w in windows_for(resource.space_id, day, hours, closures)
        )
        found = sums.get(resource.pk, {})
        blocked = minutes(found.get("blocked"))
        rows.append(
            Occupancy(
                resource=resource,
                bookable_minutes=max(open_minutes - blocked, 0),
                blocked_minutes=blocked,
                booked_minutes=minutes(found.get("booked")),
                used_minutes=minutes(found.get("used")),
                released_minutes=minutes(found.get("released")),
            )
        )
    return rows


def spaces_with_resources():
    return Space.objects.prefetch_related(
        Prefetch("resources", queryset=Resource.objects.active())
    )


def no_shows_of_today(now: datetime, *, limit: int) -> list[Booking]:
    """Today's bookings that ``services.release_no_shows`` frees unless the booker checks in.

    Members' confirmed bookings of resources that release no-shows, starting on
    the local day of ``now``, not checked in (yet), soonest first: at most
    ``limit``, with their resource, space and booker. One query.
    """
    day = timeslots.local_date(now)
    return list(
        Booking.objects.bookings()
        .blocking()
        .filter(
            resource__auto_release=True,
            checked_in_at__isnull=True,
            start__gte=timeslots.local_midnight(day),
            start__lt=timeslots.local_midnight(day + timedelta(days=1)),
        )
        .select_related("resource__space", "booker")
        .order_by("start", "pk")[:limit]
    )
