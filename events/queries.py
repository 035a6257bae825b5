"""Reads about meetups that span models or depend on the viewer.

Every function here costs a fixed number of queries, whatever the number of
meetups or sign-ups it shows (see the docstrings); the pages' query counts are
tested for one and for several rows.
"""

import calendar
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypedDict

from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext, ngettext

from events.models import Event, Registration
from events.services import Places, waiting_position
from lef.choices import Sector
from lef.hooks import NextThing
from lef.pagination import read_page
from lef.templatetags.lef_tags import datetime_attr, sector_mix, timespan
from members.models import Profile, audience, is_shown
from members.templatetags.avatars import Avatar, avatar_for

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
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    sql, params = _groups_sql(viewer_id, of_events="= ANY(%s)", by_event=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, list(counts)])
        for event_id, *group in cursor.fetchall():
            _add(counts[event_id], group)
    return counts


_REGISTRATIONS = Registration._meta.db_table


def _condition(queryset) -> tuple[str, list]:
    """The condition of a QuerySet method on registrations, as SQL and its parameters.

    A plain statement embeds it, so the QuerySet method stays the one owner of
    its rule (``holding_a_place()``: which sign-ups take a place).
    """
    query = queryset.query
    return query.where.as_sql(query.get_compiler(connection=connection), connection)


def _groups_sql(viewer_id: int | None, *, of_events: str, by_event: bool = False):
    """The groups of active registrations (``Registration.objects.active()``) of the
    meetups whose id is ``of_events`` (SQL: "= ANY(%s)"), as SQL and the parameters
    before those of ``of_events``.

    Each group: ([meetup,] status, sector, holding a place, how many, how many
    of them the viewer's); see :func:`_add`. Holding a place is
    ``Registration.objects.holding_a_place()``, its SQL embedded. Plain SQL:
    the ORM's grouped, filtered count cost a meetup's page more to build and
    compile than to run.
    """
    holding, holding_params = _condition(Registration.objects.holding_a_place())
    active, active_params = _condition(Registration.objects.active())
    event = f"{_REGISTRATIONS}.event_id, " if by_event else ""
    sql = f"""
        SELECT {event}{_REGISTRATIONS}.status, {_REGISTRATIONS}.sector, {holding} AS holding,
               COUNT(*) AS n, COUNT(*) FILTER (WHERE {_REGISTRATIONS}.member_id = %s) AS mine
        FROM {_REGISTRATIONS}
        WHERE {active} AND {_REGISTRATIONS}.event_id {of_events}
        GROUP BY {event}{_REGISTRATIONS}.status, {_REGISTRATIONS}.sector, holding
    """  # noqa: S608 -- the ORM's own conditions; every value is a parameter
    return sql, [*holding_params, viewer_id, *active_params]


def _add(row: Counts, group) -> None:
    # One group of a meetup's active registrations, counted into its row:
    # (status, sector, holding a place, how many, how many of them the viewer's).
    status, sector, holding, n, mine = group
    if mine:
        row.mine = status
    if status == Registration.Status.WAITING:
        row.waiting += n
        return
    row.present_mix[sector] += n
    if holding:
        row.taken += n
        row.taken_by_sector[sector] += n


def _tally(viewer_id: int | None) -> RawSQL:
    """A card's counts, in the statement that reads its meetup: :func:`_groups_sql`'s
    groups as a JSON list, for the page's few meetups only (PostgreSQL runs it
    after the LIMIT)."""
    groups, params = _groups_sql(viewer_id, of_events="= events_event.id")
    sql = f"""
        SELECT jsonb_agg(jsonb_build_array(t.status, t.sector, t.holding, t.n, t.mine))
        FROM ({groups}) AS t
    """  # noqa: S608 -- the ORM's own conditions; every value is a parameter
    return RawSQL(sql, params, output_field=JSONField())  # noqa: S611 -- as above


def _count_of(queryset) -> Subquery:
    """The number of rows of ``queryset``, as a subquery to annotate another query with.

    COUNT(*) as a plain function: the aggregate Count() would group the outer query.
    """
    counted = queryset.order_by().annotate(
        n=Func(template="COUNT(*)", output_field=IntegerField())
    )
    return Subquery(counted.values("n"), output_field=IntegerField())


# The list, the calendar -------------------------------------------------------------


def visible_events(*, when: str = "", sector: str = "", transition: str = ""):
    """The listed meetups, upcoming (soonest first) or past (latest first)."""
    events = Event.objects.listed()
    events = events.past() if when == "past" else events.upcoming()
    if sector:
        events = events.for_sector(sector)
    if transition:
        events = events.for_transition(transition)
    return events


@dataclass(frozen=True, slots=True)
class MixBar:
    """What the sector_mix tag shows for a card (lef_tags.sector_mix), ready to write out.

    Each segment is (code, x, width, legend): its position and width as text,
    and its legend ("po 4"), so the list writes each card's bar with a few
    plain variables.
    """

    total: int
    described: str  # "po 4, vo 7", for screen readers
    segments: tuple[tuple[str, str, str, str], ...]

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> "MixBar":
        bar = sector_mix(counts)
        return cls(
            total=bar["total"],
            described=bar["described"],
            segments=tuple(
                (code, x, width, f"{name} {count}")
                for code, name, count, x, width in bar["segments"]
            ),
        )


@dataclass(frozen=True, slots=True)
class Card:
    """Everything a meetup's card in the list shows: plain values, no model instance."""

    pk: int
    title: str
    url: str
    title_id: str  # "event-12-title", the heading's id that the card is labelled by
    # The start as the card writes it (in Amsterdam, in the page's language):
    day: str  # "7", the date filter's "j"
    month: str  # "Dec", the date filter's "M"
    iso: str  # for <time datetime>: datetime_attr, to the second
    when: str  # as the timespan filter writes it: "Mon 7 Dec 2026, 06:00-07:00"
    venue: str  # the venue's name, or "" for online only
    online: bool
    summary: str
    sectors: tuple[str, ...]
    transitions: tuple[str, ...]
    cancelled: bool
    past: bool
    unlimited: bool
    full: bool
    # The number under a card, as a sentence: "8 places left", "3 waiting",
    # "20 people signed up"; "" when none is shown.
    count_text: str
    mix: MixBar  # who is coming, by sector: the sector_mix tag's bar, written out by the list
    mine: str  # the viewer's registration: "confirmed", "waiting" or ""


# What a card shows of a meetup, read as plain values: a page of cards needs no
# model instances (building them cost more than the query).
_CARD_FIELDS = (
    "pk", "title", "slug", "starts_at", "ends_at", "venue__name", "online_url", "summary",
    "target_sectors", "target_transitions", "status", "capacity",
)  # fmt: skip


def event_card_page(
    events, *, number, per_page: int, viewer, past: bool = False
) -> tuple[Page, list[Card]]:
    """Page ``number`` of ``events`` as cards, with its Page ("page 2 of 35"). One query.

    The page's meetups with their total and their counts (and the viewer's own
    sign-ups), in one statement. ``number`` as Paginator.get_page takes it (not
    a number: the first page; below 1 or past the end: the last), through
    :func:`lef.pagination.read_page`. Only a page past the end costs a read of
    the first page (for the total) and of the last.
    """
    # Past meetups are read backwards along the start index and the scan stops
    # after a page: the total is a subquery that PostgreSQL runs once and counts
    # from the index alone. Coming meetups, soonest first, are no index's order:
    # PostgreSQL reads and sorts every match anyway, and counts them on the way
    # (a window over all of them).
    in_all = _count_of(events) if past else Window(Count("*"))
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    with_total = events.annotate(in_all=in_all, tally=_tally(viewer_id)).values_list(
        *_CARD_FIELDS, "in_all", "tally"
    )

    def read(offset: int, limit: int) -> tuple[list[tuple], int | None]:
        rows = list(with_total[offset : offset + limit])
        return rows, rows[0][-2] if rows else None

    page = read_page(read, number=number, per_page=per_page)
    detail = reverse("events:list")  # "/events/<slug>/" without a reverse() per meetup
    return page, [_card(row, detail, past=past) for row in page.object_list]


def _card(row: tuple, detail: str, *, past: bool) -> Card:
    pk, title, slug, starts_at, ends_at, venue, online_url, summary, *rest = row
    sectors, transitions, status, capacity, _in_all, tally = rest
    counts = Counts(capacity=capacity)
    for group in tally or ():
        _add(counts, group)
    cancelled = status == Event.Status.CANCELLED
    start = timezone.localtime(starts_at)
    return Card(
        pk=pk,
        title=title,
        url=f"{detail}{slug}/",
        title_id=f"event-{pk}-title",
        day=str(start.day),
        month=MONTHS_3[start.month].title(),
        iso=datetime_attr(start),
        when=timespan(start, ends_at),
        venue=venue or "",
        online=bool(online_url),
        summary=summary,
        sectors=tuple(sectors),
        transitions=tuple(transitions),
        cancelled=cancelled,
        past=past,
        unlimited=counts.capacity is None,
        full=counts.is_full,
        count_text="" if cancelled else _count_text(counts, past=past),
        mix=MixBar.of(counts.present_mix),
        mine=counts.mine,
    )


def _count_text(counts: Counts, *, past: bool) -> str:
    # A plural per card: in Python it costs a tenth of a {% blocktranslate %}.
    if past:
        n = counts.taken
        text = ngettext("%(counter)s person signed up", "%(counter)s people signed up", n)
    elif counts.capacity is None:
        return ""
    elif counts.is_full:
        n = counts.waiting
        if not n:
            return ""
        text = ngettext("%(counter)s waiting", "%(counter)s waiting", n)
    else:
        n = counts.places_left
        text = ngettext("%(counter)s place left", "%(counter)s places left", n)
    return text % {"counter": n}


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """A meetup as the month calendar shows it."""

    url: str
    title: str
    time: str  # "15:30", Amsterdam
    venue: str  # the venue's name, "" when online only
    cancelled: bool


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    events: tuple[CalendarEvent, ...]


@dataclass(frozen=True, slots=True)
class Month:
    """One month of the calendar: its weeks, Monday first, with the meetups per day."""

    first: date
    filtered: bool  # the empty state says "match these filters"
    weeks: tuple[tuple[CalendarDay, ...], ...]

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)

    @property
    def days_with_events(self) -> list[CalendarDay]:
        return [day for week in self.weeks for day in week if day.in_month and day.events]


def month_calendar(*, year: int, month: int, sector: str = "", transition: str = "") -> Month:
    """The weeks (Monday first) around one month, with the visible meetups per day. One query."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    events = Event.objects.listed().filter(
        starts_at__gte=_local_midnight(start), starts_at__lt=_local_midnight(end)
    )
    if sector:
        events = events.for_sector(sector)
    if transition:
        events = events.for_transition(transition)
    detail = reverse("events:list")  # "/events/<slug>/" without a reverse() per meetup
    by_day = defaultdict(list)
    rows = events.order_by("starts_at", "pk").values_list(
        "slug", "title", "starts_at", "status", "venue__name"
    )
    for slug, title, starts_at, status, venue in rows:
        start_local = timezone.localtime(starts_at)
        by_day[start_local.date()].append(
            CalendarEvent(
                url=f"{detail}{slug}/",
                title=title,
                time=f"{start_local:%H:%M}",
                venue=venue or "",
                cancelled=status == Event.Status.CANCELLED,
            )
        )
    today = timezone.localdate()
    return Month(
        first=date(year, month, 1),
        filtered=bool(sector or transition),
        weeks=tuple(
            tuple(
                CalendarDay(day, day.month == month, day == today, tuple(by_day.get(day, ())))
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


# What the page reads of an organiser: name and link, avatar, sector, and what
# is_shown asks. Only these columns: a whole profile carries its search vector and
# biography, and reading them cost a third of the query; tests/events pin the
# page's queries, so a field missing here shows as a query per person.
_ORGANISER_FIELDS = (
    "name", "username", "is_active", "profile__primary_sector", "profile__avatar",
    "profile__visibility", "profile__onboarded_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Organiser:
    """An organiser as the meetup's page shows them to one viewer: who they are only
    when :func:`members.models.is_shown`, else "a member of 't LEF"."""

    shown: bool
    name: str  # "" when not shown
    url: str  # their profile, "" when not shown
    avatar: Avatar  # a placeholder when not shown
    sector: str  # their primary sector, "" when not shown


def organisers_of(event: Event, *, viewer) -> list[Organiser]:
    """The organisers as ``viewer`` may see them, by name. One query."""
    seen_by = audience(viewer)
    organisers = []
    for person in (
        event.organisers.select_related("profile")
        .only(*_ORGANISER_FIELDS)
        .order_by("name", "username")
    ):
        shown = is_shown(person, seen_by)
        profile = person.profile if shown else None
        organisers.append(
            Organiser(
                shown=shown,
                name=str(person) if shown else "",
                url=person.get_absolute_url() if shown else "",
                avatar=avatar_for(profile, 40, name_shown=True),
                sector=profile.primary_sector if shown else "",
            )
        )
    return organisers


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


# A waiting sign-up's place in line (1 = next), beside a statement on
# events_registration: those waiting for the same meetup who came before it, and
# itself, in Registration.objects.waiting()'s order (created_at, pk), as
# services.waiting_position counts it. Plain SQL: Mijn LEF opens with it, and the
# ORM's subquery cost more to build and compile than to run.
_PLACE_IN_LINE_SQL = """
SELECT COUNT(*) FROM events_registration AS w
WHERE w.event_id = events_registration.event_id AND w.status = %s
  AND (w.created_at, w.id) <= (events_registration.created_at, events_registration.id)
"""

# Not among the member's active sign-ups, beside a statement on events_event.
_NOT_SIGNED_UP_SQL = """
NOT EXISTS (
    SELECT 1 FROM events_registration AS r
    WHERE r.event_id = events_event.id AND r.member_id = %s AND r.status = ANY(%s)
)
"""


def my_meetups(user) -> dict | None:
    """Mijn LEF's "my meetups": coming sign-ups (waiting ones with their place in line),
    and the next meetups for the member's sector they have not signed up for. One query.

    Both lists are read in one statement (UNION ALL of two limited selects);
    a row with a registration status is the member's own.
    """
    now = timezone.now()
    detail = reverse("events:list")
    sector = _viewer_sector(user)
    line = [f"event__{name}" for name in _LINE_FIELDS]
    ahead = RawSQL(  # noqa: S611 -- a constant statement, its one value a parameter
        _PLACE_IN_LINE_SQL, (Registration.Status.WAITING,), output_field=IntegerField()
    )
    rows = (
        Registration.objects.active()
        # The meetup visible to them and coming (Event.objects.visible_to(user).upcoming()).
        .filter(
            member=user,
            event__status__in=sorted(Event.statuses_visible_to(user)),
            event__ends_at__gt=now,
        )
        .annotate(ahead=ahead)
        .order_by("event__starts_at", "event_id")
        .values_list(*line, "event_id", "status", "ahead")[:OVERVIEW_MINE]
    )
    if sector:
        not_mine = RawSQL(  # noqa: S611 -- a constant statement, its values parameters
            _NOT_SIGNED_UP_SQL, (user.pk, list(Registration.ACTIVE)), output_field=BooleanField()
        )
        suggested = (
            Event.objects.published()
            .not_started(now)
            .for_sector(sector)
            .filter(not_mine)
            .annotate(mine=Value(""), ahead=Value(None, output_field=IntegerField()))
            .values_list(*_LINE_FIELDS, "pk", "mine", "ahead")[:OVERVIEW_SUGGESTED]
        )
        rows = rows.union(suggested, all=True).order_by()  # no default ordering outside
    # Each part in its own order: by start, then meetup.
    rows = sorted(rows, key=lambda row: (not row[7], row[2], row[6]))
    waiting = Registration.Status.WAITING
    mine = tuple(
        MySignUp(
            event=_meetup_line(detail, row[:6]),
            waiting=row[7] == waiting,
            ahead=row[8] if row[7] == waiting else None,
        )
        for row in rows
        if row[7]
    )
    suggested = tuple(_meetup_line(detail, row[:6]) for row in rows if not row[7])
    return {"registrations": mine, "suggested": suggested, "sector": sector}


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
    web); members see the published meetups. One query; None hides the section.
    """
    if not viewer.is_authenticated:
        return None
    detail = reverse("events:list")
    events = [
        _meetup_line(detail, row)
        for row in Event.objects.published()
        .upcoming()
        # One active sign-up per person per meetup (a constraint): no duplicates.
        .filter(
            registrations__member=member,
            registrations__status=Registration.Status.CONFIRMED,
        )
        .values_list(*_LINE_FIELDS)[:PROFILE_MEETUPS]
    ]
    if not events and viewer.pk != member.pk:
        return None
    return {"events": events, "member": member, "is_owner": viewer.pk == member.pk}


# What the home page shows of a meetup: not its description and the rest (tests/events
# pin the query count, so a field the template starts to use shows as a query).
_HOME_FIELDS = ("title", "slug", "starts_at", "ends_at", "capacity", "status", "venue__name")


def upcoming_public_events(limit: int = 3) -> list[Event]:
    """The next published meetups, for the visitors' home page; each with ``counts``. One query.

    Only the places taken are counted (a subquery per meetup shown). Cancelled
    meetups are left out (the list shows them; a home page should not lead
    with them).
    """
    taken = _count_of(Registration.objects.holding_a_place().filter(event=OuterRef("pk")))
    events = list(
        Event.objects.published()
        .not_started()
        .select_related("venue")
        .only(*_HOME_FIELDS)
        .annotate(taken=taken)[:limit]
    )
    for event in events:
        event.counts = Counts(capacity=event.capacity, taken=event.taken)
    return events


# At the door ----------------------------------------------------------------------------

CHECK_IN_SEARCH_LIMIT = 200
WALK_IN_SUGGESTIONS = 8


class DoorRow(TypedDict):
    """One person on a meetup's door list, with what their row writes out as text.

    A dict: the template finds a key at its first try, an attribute only after a
    failed key lookup, and the list writes a hundred rows of these.
    """

    pk: int
    dom_id: str  # "registration-12": the row's id, that a check-in's answer replaces
    name: str
    sector: str
    waiting: bool
    walk_in: bool
    checked_in: str  # "15:42", or "" when not here yet
    here_since: str  # "here since 15:42", or ""
    note: str
    email: str  # a guest's, left at the door for the organisers ("" for members)
    toggle_url: str


def door_row_id(pk: int) -> str:
    """The id of a person's row on the door list, that a check-in's answer replaces."""
    return f"registration-{pk}"


# The door list: Registration.objects.active() of one meetup with each member's
# name, the first CHECK_IN_SEARCH_LIMIT as they signed up. Plain SQL: the ORM's
# statement cost as long to build and compile as to run. A name is found as the
# ORM's icontains finds it (UPPER ... LIKE UPPER, the pattern escaped); without
# ``like`` or ``pk`` their condition is a NULL test that PostgreSQL drops.
_DOOR_SQL = """
SELECT r.id, r.sector, r.status, r.walk_in, r.checked_in_at, r.note, r.guest_name,
       r.guest_email, r.member_id, u.name, u.username, u.is_active
FROM events_registration AS r
LEFT JOIN members_user AS u ON u.id = r.member_id
WHERE r.event_id = %(event)s AND r.status = ANY(%(active)s)
  AND (%(like)s::text IS NULL
       OR UPPER(u.name::text) LIKE UPPER(%(like)s)
       OR UPPER(r.guest_name::text) LIKE UPPER(%(like)s))
  AND (%(pk)s::bigint IS NULL OR r.id = %(pk)s)
ORDER BY r.created_at, r.id
LIMIT %(limit)s
"""


def door_list(event: Event, *, q: str = "", pk: int | None = None) -> list[DoorRow]:
    """Everyone confirmed (walk-ins included) or waiting, by name: confirmed first. One query.

    ``q`` finds names; ``pk`` reads one person's row (after checking them in).
    """
    params = {
        "event": event.pk,
        "active": list(Registration.ACTIVE),
        "like": f"%{connection.ops.prep_for_like_query(q)}%" if q else None,
        "pk": pk,
        "limit": CHECK_IN_SEARCH_LIMIT,
    }
    with connection.cursor() as cursor:
        cursor.execute(_DOOR_SQL, params)
        found = cursor.fetchall()
    deleted = gettext("Deleted account")
    here_since = gettext("here since %(time)s")
    door = reverse("events:check_in", kwargs={"slug": event.slug})
    waiting_status = Registration.Status.WAITING
    rows = []
    for values in found:
        row_pk, sector, status, walk_in, checked_in_at, note, guest, email = values[:8]
        member_id, name, username, active = values[8:]
        shown = guest if member_id is None else (name or username) if active else deleted
        checked_in = f"{timezone.localtime(checked_in_at):%H:%M}" if checked_in_at else ""
        rows.append(
            DoorRow(
                pk=row_pk,
                dom_id=door_row_id(row_pk),
                name=shown,
                sector=sector,
                waiting=status == waiting_status,
                walk_in=walk_in,
                checked_in=checked_in,
                here_since=here_since % {"time": checked_in} if checked_in else "",
                note=note,
                email=email,
                toggle_url=f"{door}{row_pk}/",  # events:check_in_toggle
            )
        )
    return sorted(rows, key=lambda row: (row["waiting"], row["name"].lower(), row["pk"]))


@dataclass(frozen=True, slots=True)
class Attendance:
    """Present and expected, per sector and in total, at the top of the door list."""

    rows: tuple[tuple[str, int, int], ...]  # (sector, present, expected), in sector order
    present: int
    expected: int
    present_mix: dict[str, int]  # sector: present, those with anyone present


def attendance(event: Event, *, door: list[DoorRow] | None = None) -> Attendance:
    """Checked in against confirmed, by sector (walk-ins are expected once there).

    One query; none when given the whole, unsearched door list (it holds every
    confirmed person), unless that list was cut off at its limit.
    """
    by_sector: dict[str, tuple[int, int]] = {}
    if door is not None and len(door) < CHECK_IN_SEARCH_LIMIT:
        for row in door:
            if not row["waiting"]:
                present, expected = by_sector.get(row["sector"], (0, 0))
                by_sector[row["sector"]] = (present + bool(row["checked_in"]), expected + 1)
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
    return Attendance(
        rows=table,
        present=sum(p for p, _e in by_sector.values()),
        expected=sum(e for _p, e in by_sector.values()),
        present_mix={code: present for code, present, _e in table if present},
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


# The coordinators' today (the admin index) -------------------------------------------


def meetups_to_see_to(now: datetime) -> list[Event]:
    """Published meetups a coordinator sees to today, with their numbers. One query.

    Today's and tonight's meetups (those on the local day of ``now``, ended or
    not), and coming ones with a waiting list or sign-ups cancelled in the last
    seven days, soonest first. Each is annotated with ``expected`` (confirmed,
    walk-ins included, as the door list counts), ``present`` (checked in),
    ``waiting``, ``cancelled_day`` (in the last 24 hours) and ``cancelled_week``.
    """
    today = timezone.localdate(now)
    day_start, day_end = _local_midnight(today), _local_midnight(today + timedelta(days=1))
    status = "registrations__status"
    cancelled = Q(**{status: Registration.Status.CANCELLED})
    return list(
        Event.objects.published()
        .filter(ends_at__gt=day_start)
        .annotate(
            expected=Count("registrations", filter=Q(**{status: Registration.Status.CONFIRMED})),
            present=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
            waiting=Count("registrations", filter=Q(**{status: Registration.Status.WAITING})),
            cancelled_day=Count(
                "registrations",
                filter=cancelled & Q(registrations__cancelled_at__gt=now - timedelta(days=1)),
            ),
            cancelled_week=Count(
                "registrations",
                filter=cancelled & Q(registrations__cancelled_at__gt=now - timedelta(days=7)),
            ),
        )
        .filter(
            Q(starts_at__lt=day_end)
            | Q(ends_at__gt=now) & (Q(waiting__gt=0) | Q(cancelled_week__gt=0))
        )
        .select_related("venue")
        .order_by("starts_at", "pk")
    )
