"""Reads about meetups that span models or depend on the viewer.

Every function here costs a fixed number of queries, whatever the number of
meetups or sign-ups it shows (see the docstrings); the pages' query counts are
tested for one and for several rows.
"""

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Func, IntegerField, Q, Subquery, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from events.caching import cached_data
from events.fragments import (
    AttendanceView,
    CalendarDayView,
    CalendarEventView,
    CardView,
    DoorHeadView,
    DoorRowView,
    MonthView,
)
from events.models import Event, Registration
from events.services import Places, waiting_position
from lef.choices import Sector
from lef.overview import NextThing
from members.models import Profile

# Statuses of a meetup's sign-up box, from the viewer's point of view.
CANCELLED = "cancelled"
ENDED = "ended"
REGISTERED = "registered"
WAITING = "waiting"
STARTED = "started"
DRAFT = "draft"
NOT_OPEN = "not_open"
CLOSED = "closed"
FULL = "full"
SECTOR_FULL = "sector_full"
OPEN = "open"


@dataclass
class Counts:
    """What a meetup's registrations add up to (one row of :func:`registration_counts`)."""

    capacity: int | None = None
    taken: int = 0  # confirmed sign-ups, walk-ins not included: what the capacity limits
    taken_by_sector: Counter = field(default_factory=Counter)
    present_mix: Counter = field(default_factory=Counter)  # everyone with a place, by sector
    waiting: int = 0
    mine: str = ""  # the viewer's own registration, when asked for: confirmed, waiting or ""

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity

    @property
    def mix(self) -> dict[str, int]:
        return dict(self.present_mix)


def registration_counts(events: list[Event], *, viewer=None) -> dict[int, Counts]:
    """Per meetup: places taken (by sector), the sector mix, the waiting list. One query.

    With a signed-in ``viewer``, each row's ``mine`` is also set: the status of
    the viewer's own active registration ("confirmed", "waiting" or ""), in the
    same query.
    """
    return _counts({event.pk: event.capacity for event in events}, viewer=viewer)


def _counts(capacities: dict[int, int | None], *, viewer) -> dict[int, Counts]:
    # registration_counts() for meetups given as {pk: capacity}.
    counts = {pk: Counts(capacity=capacity) for pk, capacity in capacities.items()}
    if not counts:
        return counts
    mine = {}
    if viewer is not None and viewer.is_authenticated:
        mine = {"mine": Count("pk", filter=Q(member=viewer.pk))}
    rows = (
        Registration.objects.active()
        .filter(event_id__in=list(counts))
        .values_list("event_id", "status", "sector", "walk_in")
        .annotate(n=Count("pk"), **mine)
        .order_by()
    )
    for event_id, status, sector, walk_in, n, *own in rows:
        row = counts[event_id]
        if own and own[0]:
            row.mine = status
        if status == Registration.Status.WAITING:
            row.waiting += n
            continue
        row.present_mix[sector] += n
        if not walk_in:
            row.taken += n
            row.taken_by_sector[sector] += n
    return counts


# The list, the calendar -------------------------------------------------------------


def visible_events(*, when: str = "", sector: str = "", transition: str = ""):
    """Published and cancelled meetups, upcoming (soonest first) or past (latest first)."""
    events = Event.objects.visible()
    events = events.past() if when == "past" else events.upcoming()
    if sector:
        events = events.for_sector(sector)
    if transition:
        events = events.for_transition(transition)
    return events


# What a card shows of a meetup, read as plain values: a page of cards needs no
# model instances (building them cost more than the query).
_CARD_FIELDS = (
    "pk", "title", "slug", "starts_at", "ends_at", "venue__name", "online_url", "summary",
    "target_sectors", "target_transitions", "status", "capacity",
)  # fmt: skip


def _cards(rows: list[tuple], *, viewer, past: bool) -> list[CardView]:
    # Counts for each meetup and the viewer's own sign-ups: one query.
    counts = _counts({row[0]: row[-1] for row in rows}, viewer=viewer)
    return [_card(row, counts=counts[row[0]], past=past) for row in rows]


def event_card_page(
    events, *, number, per_page: int, viewer, past: bool = False
) -> tuple[Page, list[CardView]]:
    """Page ``number`` of ``events`` as cards, with its Page ("page 2 of 35"). Two queries.

    ``number`` as Paginator.get_page takes it (not a number: the first page;
    past the end: the last). The total comes with the page's rows instead of
    from a count query of its own; only an empty list or a page past the end
    costs the count, and the last page's rows then.
    """
    paginator = Paginator(events, per_page)
    if past:
        # Past meetups are read backwards along the start index and the scan
        # stops after a page: the total is a subquery that PostgreSQL runs once
        # and counts from the index alone. COUNT(*) as a plain function: the
        # aggregate Count() would group by the meetup.
        total = events.order_by().annotate(
            n=Func(template="COUNT(*)", output_field=IntegerField())
        )
        in_all = Subquery(total.values("n"))
    else:
        # Coming meetups, soonest first, are no index's order: PostgreSQL reads
        # and sorts every match anyway, and counts them on the way (a window
        # over all of them). The filters are compiled and applied once, not
        # twice as in a subquery.
        in_all = Window(Count("*"))
    with_total = events.annotate(in_all=in_all).values_list(*_CARD_FIELDS, "in_all")

    def rows_of(page_number: int) -> list[tuple]:
        bottom = (page_number - 1) * per_page
        return list(with_total[bottom : bottom + per_page])

    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1  # what get_page makes of anything but a number
    rows = rows_of(wanted) if wanted >= 1 else []
    if rows:
        paginator.count = rows[0][-1]
    page = paginator.get_page(number)  # counts when the rows did not say
    if page.number != wanted:
        rows = rows_of(page.number)
    return page, _cards([row[:-1] for row in rows], viewer=viewer, past=past)


def _card(row: tuple, *, counts: Counts, past: bool) -> CardView:
    # Plain values only; the card's template formats dates and addresses, once per content.
    pk, title, slug, starts_at, ends_at, venue, online_url, summary, *rest = row
    sectors, transitions, status, _capacity = rest
    return CardView(
        pk=pk,
        title=title,
        slug=slug,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue or "",
        online=bool(online_url),
        summary=summary,
        sectors=tuple(sectors),
        transitions=tuple(transitions),
        cancelled=status == Event.Status.CANCELLED,
        past=past,
        unlimited=counts.capacity is None,
        full=counts.is_full,
        places_left=counts.places_left or 0,
        taken=counts.taken,
        waiting=counts.waiting,
        mix=tuple(sorted(counts.present_mix.items())),
        mine=counts.mine,
    )


def month_calendar(*, year: int, month: int, sector: str = "", transition: str = "") -> MonthView:
    """The weeks (Monday first) around one month, with the visible meetups per day. One query.

    Returned as a frozen view (events.fragments), so the month renders once per content.
    """
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    events = Event.objects.visible().filter(
        starts_at__gte=_local_midnight(start), starts_at__lt=_local_midnight(end)
    )
    if sector:
        events = events.for_sector(sector)
    if transition:
        events = events.for_transition(transition)
    # "/events/<slug>/" (events:detail) without a reverse() per meetup.
    detail = reverse("events:list")
    by_day = defaultdict(list)
    rows = events.order_by("starts_at", "pk").values_list(
        "slug", "title", "starts_at", "status", "venue__name"
    )
    for slug, title, starts_at, status, venue in rows:
        start_local = timezone.localtime(starts_at)
        by_day[start_local.date()].append(
            CalendarEventView(
                url=f"{detail}{slug}/",
                title=title,
                time=start_local.strftime("%H:%M"),
                venue=venue or "",
                cancelled=status == Event.Status.CANCELLED,
            )
        )
    today = timezone.localdate()
    return MonthView(
        first=date(year, month, 1),
        filtered=bool(sector or transition),
        weeks=tuple(
            tuple(
                CalendarDayView(day, day.month == month, day == today, tuple(by_day.get(day, ())))
                for day in week
            )
            for week in weeks
        ),
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_default_timezone())


# One meetup --------------------------------------------------------------------------


@dataclass
class SignUp:
    """The state of the sign-up box on a meetup's page, for one viewer."""

    state: str
    registration: Registration | None = None
    position: int | None = None
    sector: str = ""  # the viewer's sector, for "the places for po are taken"


def sign_up_state(  # noqa: PLR0911 -- one return per state of the box, in order
    event: Event, *, viewer, counts: Counts, now=None
) -> SignUp:
    """Which button the viewer gets (open, full, waiting at N, closed, ...).

    ``counts`` must come from :func:`registration_counts` with this viewer, so
    it says whether they are signed up: only then one query reads their
    registration (and one more their place in line when waiting). The viewer's
    sector comes from their profile, which the layout reads anyway.
    """
    now = now or timezone.now()
    if event.is_cancelled:
        return SignUp(CANCELLED)
    if event.has_ended(now):
        return SignUp(ENDED)
    if counts.mine:
        registration = list(Registration.objects.active().filter(event=event, member=viewer)[:1])
        if registration:
            if registration[0].status == Registration.Status.WAITING:
                position = waiting_position(registration[0])
                return SignUp(WAITING, registration[0], position=position)
            return SignUp(REGISTERED, registration[0])
    if event.has_started(now):
        return SignUp(STARTED)
    phase = event.sign_up_phase(now)
    if phase != "open":
        return SignUp({"draft": DRAFT, "not_open": NOT_OPEN, "closed": CLOSED}[phase])
    sector = _viewer_sector(viewer)
    places = Places(
        capacity=event.capacity,
        sector_limit=event.sector_limit,
        taken=counts.taken,
        by_sector=counts.taken_by_sector,
    )
    if sector and places.sector_is_full(sector):
        return SignUp(SECTOR_FULL, sector=sector)
    if places.is_full:
        return SignUp(FULL, sector=sector)
    return SignUp(OPEN, sector=sector)


def _viewer_sector(viewer) -> str:
    if not viewer.is_authenticated:
        return ""
    try:
        return viewer.profile.primary_sector
    except Profile.DoesNotExist:
        return ""


# What the page shows of an organiser: name and link, avatar, sector. Only these
# columns: a whole profile carries its search vector and biography, and reading
# them cost a third of the query; tests/events pin the page's queries, so a field
# the template starts to use without adding it here shows as a query per person.
_ORGANISER_FIELDS = ("name", "username", "profile__primary_sector", "profile__avatar")


def organisers_of(event: Event) -> list:
    """The organisers with their profiles (for avatars), by name. One query."""
    return list(
        event.organisers.select_related("profile")
        .only(*_ORGANISER_FIELDS)
        .order_by("name", "username")
    )


# Mijn LEF, profiles, the home page ----------------------------------------------------

OVERVIEW_MINE = 5
OVERVIEW_SUGGESTED = 3
PROFILE_MEETUPS = 5


def with_waiting_position(registrations):
    """Annotate ``ahead``: a waiting registration's place in line (1 = next), same query."""
    siblings = "event__registrations"
    return registrations.annotate(
        ahead=Count(
            siblings,
            filter=Q(**{f"{siblings}__status": Registration.Status.WAITING})
            & (
                Q(**{f"{siblings}__created_at__lt": F("created_at")})
                | Q(
                    **{f"{siblings}__created_at": F("created_at"), f"{siblings}__pk__lte": F("pk")}
                )
            ),
        )
    )


@dataclass(frozen=True, slots=True)
class MeetupLine:
    """A meetup as one line on Mijn LEF or a profile: plain values, no model instance."""

    url: str
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str  # the venue's name, "" when online only
    cancelled: bool


@dataclass(frozen=True, slots=True)
class MySignUp:
    """One of the member's own coming sign-ups, for Mijn LEF's "next up"."""

    event: MeetupLine
    waiting: bool
    ahead: int | None = None  # a waiting sign-up's place in line (1 = next)


# What a MeetupLine is read from (values_list of an Event queryset).
_LINE_FIELDS = ("slug", "title", "starts_at", "ends_at", "venue__name", "status")


def _meetup_line(detail: str, row: tuple) -> MeetupLine:
    # ``row``: the values of _LINE_FIELDS.
    slug, title, starts_at, ends_at, venue, status = row
    return MeetupLine(
        url=f"{detail}{slug}/",  # events:detail, without a reverse() per meetup
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue or "",
        cancelled=status == Event.Status.CANCELLED,
    )


def _places_in_line(waiting: list[tuple[int, int]]) -> dict[int, int]:
    """Each of ``waiting`` (event id, registration id): its place in line (1 = next). One query."""
    if not waiting:
        return {}
    lines = defaultdict(list)
    for event_id, pk in (
        Registration.objects.waiting()
        .filter(event_id__in={event_id for event_id, _pk in waiting})
        .values_list("event_id", "pk")
    ):
        lines[event_id].append(pk)  # in line order: waiting() orders by arrival
    return {pk: lines[event_id].index(pk) + 1 for event_id, pk in waiting}


def my_meetups(user) -> dict | None:
    """Mijn LEF's "my meetups": coming sign-ups (waiting ones with their place in line),
    and the next meetups for the member's sector they have not signed up for.

    Plain values (``MySignUp``, ``MeetupLine``), cached under the meetups
    generation until one of them starts or ends (events.caching): one query
    when cached; otherwise two, and a third only when the member waits
    somewhere (their places in line).
    """
    now = timezone.now()
    detail = reverse("events:list")
    sector = _viewer_sector(user)
    mine, suggested = cached_data(
        "my-meetups",
        (user.pk, sector, detail),
        lambda: _read_my_meetups(user, sector, detail, now=now),
        now=now,
    )
    return {"registrations": mine, "suggested": suggested, "sector": sector}


def _read_my_meetups(user, sector: str, detail: str, *, now: datetime):
    rows = list(
        Event.objects.visible()
        .upcoming(now)
        # One active sign-up per person per meetup (a constraint): one row per meetup.
        # A join on Registration.ACTIVE, not a subquery of active(): half the cost.
        .filter(registrations__member=user, registrations__status__in=Registration.ACTIVE)
        .values_list(*_LINE_FIELDS, "pk", "registrations__pk", "registrations__status")[
            :OVERVIEW_MINE
        ]
    )
    waiting = Registration.Status.WAITING
    ahead = _places_in_line([(row[6], row[7]) for row in rows if row[8] == waiting])
    mine = tuple(
        MySignUp(
            event=_meetup_line(detail, row[:6]),
            waiting=row[8] == waiting,
            ahead=ahead.get(row[7]),
        )
        for row in rows
    )
    suggested = ()
    if sector:
        suggested = tuple(
            _meetup_line(detail, row)
            for row in Event.objects.published()
            .not_started(now)
            .for_sector(sector)
            .exclude(pk__in=Registration.objects.active().filter(member=user).values("event_id"))
            .values_list(*_LINE_FIELDS)[:OVERVIEW_SUGGESTED]
        )
    # Mine drop out when they end, suggestions when they start.
    changes = [s.event.ends_at for s in mine] + [line.starts_at for line in suggested]
    return (mine, suggested), min(changes, default=None)


def my_next_meetups(context: dict) -> list[NextThing]:
    """The member's coming sign-ups for Mijn LEF's "next up", from :func:`my_meetups`."""
    things = []
    for sign_up in context["registrations"]:
        event = sign_up.event
        if event.cancelled:
            status, tone = gettext("Cancelled"), "cancelled"
        elif sign_up.waiting:
            status = gettext("Waiting list: number %(position)s") % {"position": sign_up.ahead}
            tone = "waiting"
        else:
            status, tone = gettext("You have a place"), "ok"
        things.append(
            NextThing(
                url=event.url,
                title=event.title,
                start=event.starts_at,
                end=event.ends_at,
                detail=event.venue or gettext("Online"),
                status=status,
                tone=tone,
                icon="people",
            )
        )
    return things


def meetups_of(member, viewer) -> dict | None:
    """A profile's "meetups they go to": coming meetups with a place. For members only.

    Visitors see nothing (where someone will be is for the community, not the
    web); members see the published meetups. Cached under the meetups
    generation until one of them ends (events.caching): one query; None hides
    the section.
    """
    if not viewer.is_authenticated:
        return None
    now = timezone.now()
    detail = reverse("events:list")

    def read() -> tuple[tuple[MeetupLine, ...], datetime | None]:
        events = tuple(
            _meetup_line(detail, row)
            for row in Event.objects.published()
            .upcoming(now)
            # One active sign-up per person per meetup (a constraint): no duplicates.
            .filter(
                registrations__member=member,
                registrations__status=Registration.Status.CONFIRMED,
            )
            .values_list(*_LINE_FIELDS)[:PROFILE_MEETUPS]
        )
        return events, min((line.ends_at for line in events), default=None)

    events = cached_data("meetups-of", (member.pk, detail), read, now=now)
    if not events and viewer.pk != member.pk:
        return None
    return {"events": events, "member": member, "is_owner": viewer.pk == member.pk}


def upcoming_public_events(limit: int = 3) -> list[Event]:
    """The next published meetups, for the visitors' home page; each with ``counts``.

    Cached under the meetups generation until the first of them starts
    (events.caching): one query; two more when it is computed. Cancelled
    meetups are left out (the list shows them; a home page should not lead
    with them).
    """
    now = timezone.now()

    def read() -> tuple[list[Event], datetime | None]:
        events = list(Event.objects.published().not_started(now).select_related("venue")[:limit])
        counts = registration_counts(events)
        for event in events:
            event.counts = counts[event.pk]
        return events, min((event.starts_at for event in events), default=None)

    return cached_data("home-meetups", (limit,), read, now=now)


# At the door ----------------------------------------------------------------------------

CHECK_IN_SEARCH_LIMIT = 200
WALK_IN_SUGGESTIONS = 8


def door_head(event: Event) -> DoorHeadView:
    """What the door page says of its meetup, as a frozen view (events.fragments)."""
    return DoorHeadView(
        title=event.title,
        url=event.get_absolute_url(),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue=event.venue.name if event.venue else "",
        cancelled=event.is_cancelled,
    )


def door_list(event: Event, *, q: str = "") -> list[DoorRowView]:
    """Everyone confirmed (walk-ins included) or waiting, by name: confirmed first. One query."""
    registrations = Registration.objects.active().filter(event=event)
    if q:
        registrations = registrations.filter(
            Q(member__name__icontains=q) | Q(guest_name__icontains=q)
        )
    deleted = gettext("Deleted account")
    door = reverse("events:check_in", kwargs={"slug": event.slug})
    rows = []
    fields = (
        "pk", "sector", "status", "walk_in", "checked_in_at", "note", "guest_name",
        "member_id", "member__name", "member__username", "member__is_active",
    )  # fmt: skip
    for values in registrations.values_list(*fields)[:CHECK_IN_SEARCH_LIMIT]:
        pk, sector, status, walk_in, checked_in_at, note, guest = values[:7]
        member_id, name, username, active = values[7:]
        shown = guest if member_id is None else (name or username) if active else deleted
        rows.append(
            DoorRowView(
                pk=pk,
                name=shown,
                sector=sector,
                waiting=status == Registration.Status.WAITING,
                walk_in=walk_in,
                checked_in=timezone.localtime(checked_in_at).strftime("%H:%M")
                if checked_in_at
                else "",
                note=note,
                toggle_url=f"{door}{pk}/",  # events:check_in_toggle
            )
        )
    return sorted(rows, key=lambda row: (row.waiting, row.name.lower(), row.pk))


def attendance(event: Event, *, door: list[DoorRowView] | None = None) -> AttendanceView:
    """Checked in against confirmed, by sector (walk-ins are expected once there).

    Returned as a frozen view (events.fragments), so the counts render once per content.

    One query; none when given the whole, unsearched door list (it holds every
    confirmed person), unless that list was cut off at its limit.
    """
    by_sector: dict[str, tuple[int, int]] = {}
    if door is not None and len(door) < CHECK_IN_SEARCH_LIMIT:
        for row in door:
            if not row.waiting:
                present, expected = by_sector.get(row.sector, (0, 0))
                by_sector[row.sector] = (present + bool(row.checked_in), expected + 1)
    else:
        rows = (
            Registration.objects.confirmed()
            .filter(event=event)
            .values_list("sector")
            .annotate(
                expected=Count("pk"),
                present=Count("pk", filter=Q(checked_in_at__isnull=False)),
            )
            .order_by()
        )
        by_sector = {sector: (present, expected) for sector, expected, present in rows}
    table = tuple((code, *by_sector[code]) for code in Sector.values if code in by_sector)
    return AttendanceView(
        rows=table,
        present=sum(p for p, _e in by_sector.values()),
        expected=sum(e for _p, e in by_sector.values()),
        mix=tuple((code, present) for code, present, _e in table if present),
    )


def walk_in_candidates(event: Event, *, q: str) -> list[Profile]:
    """Members matching ``q`` who are not on the door list yet (to add as walk-ins). One query."""
    if len(q) < 2:
        return []
    on_list = Registration.objects.active().filter(event=event, member__isnull=False)
    return list(
        Profile.objects.listed()
        .filter(user__name__icontains=q)
        .exclude(user__in=on_list.values("member_id"))
        .select_related("user")
        .order_by("user__name")[:WALK_IN_SUGGESTIONS]
    )
