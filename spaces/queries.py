"""Reads that span models or depend on the viewer: the overview, the grid, my bookings.

Each costs a fixed number of queries whatever the number of resources or
bookings: rows are fetched in one go per model and put together in Python.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Greatest, JSONObject, Least
from django.utils import timezone

from spaces import timeslots
from spaces.models import Booking, Closure, OpeningHours, Resource, Space
from spaces.permissions import can_check_in


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


def with_calendar(resources, first: date, last: date):
    """``resources`` with their space's opening hours and closures in [first, last] attached.

    Both ride along in the resources' own query (array subqueries), so pages
    that show availability need no extra query for them; read them with
    :func:`calendar_of`.
    """
    return resources.annotate(
        calendar_hours=ArraySubquery(
            OpeningHours.objects.filter(space_id=OuterRef("space_id"))
            .order_by()
            .values(row=JSONObject(weekday="weekday", opens="opens", closes="closes"))
        ),
        calendar_closed=ArraySubquery(
            Closure.objects.filter(space_id=OuterRef("space_id"), date__gte=first, date__lte=last)
            .order_by()
            .values("date")
        ),
    )


def calendar_of(resources: Sequence[Resource], first: date, last: date):
    """(hours by space, closed (space, date) pairs): from the annotations, else two queries."""
    if resources and all(hasattr(r, "calendar_hours") for r in resources):
        hours = {
            r.space_id: [
                Hours(row["weekday"], time.fromisoformat(row["opens"]),
                      time.fromisoformat(row["closes"]))
                for row in r.calendar_hours
            ]
            for r in resources
        }  # fmt: skip
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


@dataclass
class ResourceCard:
    resource: Resource
    open_minutes: int  # left today from now (or from opening), in opening hours
    free_minutes: int
    windows: list[timeslots.Window]

    @property
    def is_open(self) -> bool:
        return self.open_minutes > 0

    @property
    def free_share(self) -> int:
        """Percentage of what is left of today's opening hours that is free."""
        return round(100 * self.free_minutes / self.open_minutes) if self.open_minutes else 0


def resource_cards(
    *, day: date, resources: Sequence[Resource] | None = None, now: datetime | None = None
) -> list[ResourceCard]:
    """Every active resource with how free it is on ``day`` (the rest of today, if today).

    One query besides the resources (the day's bookings) when they come from
    :func:`with_calendar`, three otherwise.
    """
    if resources is None:
        resources = list(Resource.objects.active().select_related("space"))
    now = now or timezone.now()
    hours, closures = calendar_of(resources, day, day)
    begin = max(timeslots.local_midnight(day), now)
    finish = timeslots.local_midnight(day + timedelta(days=1))
    taken = defaultdict(list)
    if resources and begin < finish:
        for resource_id, start, end in (
            Booking.objects.blocking()
            .filter(resource__in=resources)
            .overlapping(begin, finish)
            .values_list("resource_id", "start", "end")
        ):
            taken[resource_id].append((start, end))
    cards = []
    for resource in resources:
        windows = windows_for(resource.space_id, day, hours, closures)
        open_minutes = _overlap_minutes(windows, begin, finish) if begin < finish else 0
        booked = sum(_overlap_minutes(windows, max(s, begin), e) for s, e in taken[resource.pk])
        cards.append(
            ResourceCard(
                resource=resource,
                open_minutes=open_minutes,
                free_minutes=max(open_minutes - booked, 0),
                windows=windows,
            )
        )
    return cards


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
    form; this answers "where could I sit then". Four queries.
    """
    day = timeslots.local_date(start)
    resources = with_calendar(
        Resource.objects.active().select_related("space").filter(seats__gte=seats), day, day
    )
    if amenity:
        resources = resources.filter(amenities__contains=[amenity])
    if kind:
        resources = resources.filter(kind=kind)
    resources = resources.exclude(
        pk__in=Booking.objects.blocking().overlapping(start, end).values("resource_id")
    )
    resources = list(resources)
    hours, closures = calendar_of(resources, day, day)
    return [
        resource
        for resource in resources
        if any(
            window.contains(start, end)
            for window in windows_for(resource.space_id, day, hours, closures)
        )
    ]


# The availability grid ---------------------------------------------------------------


@dataclass
class Cell:
    start: datetime
    end: datetime
    state: str  # "free", "taken", "mine", "blocked", "closed", "past"
    booking: Booking | None = None
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
    resource: Resource
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

    Rows are clock times (with the fold: on 25 October 02:00 and 02:30 come
    twice), cells the slots of each day; only the clock times at which the
    space is open on some day are shown. Bookings come with their booker only
    when ``viewer`` may see who booked (coordinators). One query for a resource
    from :func:`with_calendar` (covering ``days``), three otherwise.
    """
    from spaces.permissions import can_see_booker  # noqa: PLC0415

    now = now or timezone.now()
    hours, closures = calendar_of([resource], days[0], days[-1])
    begin = timeslots.local_midnight(days[0])
    finish = timeslots.local_midnight(days[-1] + timedelta(days=1))
    bookings = Booking.objects.blocking().overlapping(begin, finish, resource=resource)
    if can_see_booker(viewer):
        bookings = bookings.select_related("booker", "organisation")
    else:
        bookings = bookings.only("pk", "start", "end", "kind", "booker_id", "status", "purpose")
    bookings = list(bookings)
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    step = timedelta(minutes=resource.slot_minutes)
    grid_rows: dict[tuple[time, int], list[Cell | None]] = {}
    windows = {}
    for index, day in enumerate(days):
        windows[day] = windows_for(resource.space_id, day, hours, closures)
        for start in _window_slots(day, windows[day], step):
            end = start + step
            wall = timeslots.local(start)
            key = (wall.time().replace(fold=0), wall.fold)
            holder = next((b for b in bookings if b.start < end and b.end > start), None)
            state = _state(holder, start, viewer_id=viewer_id, now=now)
            row = grid_rows.setdefault(key, [None] * len(days))
            row[index] = Cell(start=start, end=end, state=state, booking=holder, fold=wall.fold)
    rows = [
        Row(wall=wall, fold=fold, cells=cells) for (wall, fold), cells in sorted(grid_rows.items())
    ]
    # Where a clock time exists on a day but the space is closed then, say so.
    for row in rows:
        for index, day in enumerate(days):
            if row.cells[index] is None and timeslots.wall_exists(day, row.wall):
                start = timeslots.at(day, row.wall.replace(fold=row.fold))
                if timeslots.local(start).fold == row.fold:
                    row.cells[index] = Cell(
                        start=start, end=start + step, state="closed", fold=row.fold
                    )
    return Grid(resource=resource, days=list(days), rows=rows, windows=windows)


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


def _state(holder, start, *, viewer_id, now) -> str:
    if holder is None:
        return "past" if start < now else "free"
    if holder.kind == Booking.Kind.BLOCK:
        return "blocked"
    return "mine" if holder.booker_id == viewer_id else "taken"


# My bookings ----------------------------------------------------------------------


@dataclass
class MyBooking:
    booking: Booking
    can_check_in: bool
    can_cancel: bool


def upcoming_bookings(user, *, now: datetime | None = None, limit: int | None = None):
    """The member's confirmed bookings that have not ended, soonest first (one query)."""
    from spaces.permissions import can_cancel_booking  # noqa: PLC0415

    now = now or timezone.now()
    bookings = (
        Booking.objects.bookings()
        .blocking()
        .filter(booker=user, end__gt=now)
        .select_related("resource__space", "organisation")
        .order_by("start", "pk")
    )
    if limit is not None:
        bookings = bookings[:limit]
    return [
        MyBooking(
            booking=b,
            can_check_in=can_check_in(user, b, now=now),
            can_cancel=can_cancel_booking(user, b, now=now),
        )
        for b in bookings
    ]


def past_bookings(user, *, now: datetime | None = None):
    """The member's bookings that ended, were cancelled or released, latest first."""
    now = now or timezone.now()
    return (
        Booking.objects.bookings()
        .filter(booker=user)
        .filter(Q(end__lte=now) | ~Q(status=Booking.Status.CONFIRMED))
        .select_related("resource__space", "organisation")
        .order_by("-start", "-pk")
    )


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
