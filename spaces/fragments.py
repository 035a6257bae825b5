"""The spaces pages' cached parts, and the data they are made from (see spaces.caching).

* A resource page: the resource, its days' opening hours and closures and the
  bookings and blocks in them, kept under the spaces generation
  (:func:`resource_page`); its grid section, a rendered part, from
  :class:`GridInputs` (those days as this viewer may see them, whether they
  may book, the slot that is current, the page's links).
* The overview and the search: the resources shown, kept under the
  generation (:func:`overview`, :func:`search`); their cards, rendered parts,
  from :class:`CardInputs` (with how free each is for the rest of today, worked
  out per request).
* My bookings: the coming bookings, with what the member may do with each
  until the clock changes it, and a page of earlier ones, kept under the
  generation (:func:`my_bookings`); each coming booking's line and the list of
  earlier ones are rendered parts.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lef.templatetags.lef_tags import EN_DASH, day_format
from spaces import queries, timeslots
from spaces.caching import Fragment, cached_data, render
from spaces.models import Resource, Space

# -- the grid of a resource page --------------------------------------------------------


@dataclass(frozen=True)
class GridInputs:
    """Everything the grid section of a resource page shows: its template gets only this."""

    here: str  # the resource page's path
    book: str  # the booking form's path; "" when the viewer may not book
    name: str
    view: str  # "day" or "week"
    day: date
    days: tuple[date, ...]
    today: date | None  # today, when it is one of the days
    slot_minutes: int
    windows: tuple[tuple[timeslots.Window, ...], ...]  # the open periods of each day
    holds: tuple[queries.Hold, ...]
    now: datetime  # the slot boundary that decides which free slots are past
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceDays:
    """A resource page as read from the database: the resource, its space, and its days.

    The columns of the resource and its space (the page shows them), the open
    windows of each day and the rows that hold time in them (queries.held_rows).
    """

    resource: dict[str, Any]
    space: dict[str, Any]
    windows: tuple[tuple[timeslots.Window, ...], ...]
    held: tuple[tuple, ...]


@dataclass
class ResourcePage:
    resource: Resource  # not saved: built from the columns read
    grid: GridInputs
    store: dict[str, Any]  # its data, when read anew: stored with the grid section

    def grid_html(self) -> SafeString:
        """The grid section's HTML (the page's ``#grid``, which htmx swaps)."""
        [html] = render([(GRID, self.grid)], store=self.store)
        return html


def resource_page(
    slug: str,
    *,
    days: Sequence[date],
    day: date,
    view: str,
    viewer,
    profile,
    errors: Sequence[str] = (),
    now: datetime,
) -> ResourcePage | None:
    """An active resource and its grid section's inputs, or None (one query when cached).

    What is read from the database is kept under the spaces generation: the
    resource and its space, the days' opening hours and closures, and the
    bookings and blocks in them (with the bookers' names for coordinators).
    Who the viewer is (their own bookings, whether they may book) is worked
    out per request.
    """
    from spaces.permissions import can_book_resource, can_see_booker  # noqa: PLC0415

    names = can_see_booker(viewer)
    begin, finish = queries.day_bounds(days)

    def read() -> tuple[ResourceDays | None, None]:
        resource = (
            queries.with_availability(
                Resource.objects.active().select_related("space"), days, names=names
            )
            .filter(slug=slug)
            .first()
        )
        if resource is None:
            return None, None
        hours, closures = queries.calendar_of([resource], days[0], days[-1])
        windows = tuple(
            tuple(queries.windows_for(resource.space_id, day, hours, closures)) for day in days
        )
        held = queries.held_rows(resource=resource, begin=begin, finish=finish, names=names)
        return ResourceDays(
            resource=_columns(resource),
            space=_columns(resource.space),
            windows=windows,
            held=tuple(held),
        ), None

    store = {}
    key = (slug, days[0], days[-1], names)
    found = cached_data("resource", key, read, now=now, store=store)
    if found is None:
        return None
    resource = Resource(**found.resource)
    resource.space = Space(**found.space)
    can_book = can_book_resource(viewer, resource, profile=profile)
    today = timeslots.local_date(now)
    return ResourcePage(
        resource=resource,
        store=store,
        grid=GridInputs(
            here=resource.get_absolute_url(),
            book=reverse("spaces:book", kwargs={"slug": resource.slug}) if can_book else "",
            name=resource.name,
            view=view,
            day=day,
            days=tuple(days),
            today=today if today in days else None,
            slot_minutes=resource.slot_minutes,
            windows=found.windows,
            holds=tuple(queries.holds_of(found.held, viewer=viewer)),
            # Clamped to the days shown: a week wholly past or to come has one grid.
            now=min(max(timeslots.next_boundary(now, resource.slot_minutes), begin), finish),
            errors=tuple(str(error) for error in errors),
        ),
    )


def _columns(instance) -> dict[str, Any]:
    """A model instance's columns (attribute names), to make it again from."""
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def _grid_context(inputs: GridInputs) -> dict[str, Any]:
    windows = zip(inputs.days, inputs.windows, strict=True)
    grid = queries.grid(
        days=inputs.days,
        windows={day: list(periods) for day, periods in windows},
        slot_minutes=inputs.slot_minutes,
        holds=inputs.holds,
        now=inputs.now,
    )
    step = timedelta(days=7 if inputs.view == "week" else 1)
    labels = [date_format(day, day_format(year=False)) for day in inputs.days]
    return {
        "g": inputs,
        "grid": grid,
        "headers": [
            (label, day == inputs.today) for label, day in zip(labels, inputs.days, strict=True)
        ],
        "rows": _shown_rows(grid, book_url=inputs.book, day_labels=labels),
        # ISO dates for the links and the date input (|date in a template costs more).
        "shown_day": inputs.day.isoformat(),
        "previous": (inputs.days[0] - step).isoformat(),
        "next": (inputs.days[0] + step).isoformat(),
    }


GRID = Fragment("spaces/includes/grid.html", _grid_context)


@dataclass
class ShownRow:
    """A row of the grid as the template shows it."""

    time: str  # "09:30"
    fold: int  # 1: the second 02:00-02:59 on the day the clocks go back
    # Per day: (state, text, link to book it, screen-reader words, a block's reason);
    # state "none" where the clock time does not exist that day.
    cells: list[tuple[str, str, str, str, str]]


def _shown_rows(grid: queries.Grid, *, book_url: str, day_labels: list[str]) -> list[ShownRow]:
    """Every cell's text, link and screen-reader words, once per grid, as plain tuples.

    Done here rather than with tags and filters in the template: a week has a
    few hundred cells, and formatting each with {% url %} and |date, or
    looking up attributes of cell objects, costs more than the rest of the page.
    """
    labels = {
        "free": _("Free"),
        "mine": _("Yours"),
        "taken": _("Taken"),
        "blocked": _("Blocked"),
        "past": _("Past"),
        "closed": _("Closed"),
    }
    missing = ("none", "", "", _("This time does not exist on this day"), "")
    book_word = _("book")
    days = [(day.isoformat(), label) for day, label in zip(grid.days, day_labels, strict=True)]
    rows = []
    for row in grid.rows:
        wall = row.wall.strftime("%H:%M")
        fold = "&fold=1" if row.fold else ""
        cells = []
        for index, cell in enumerate(row.cells):
            if cell is None:
                cells.append(missing)
                continue
            state, text, href, words, note = cell.state, labels[cell.state], "", "", ""
            if state == "free" and book_url:
                day, day_label = days[index]
                href = f"{book_url}?day={day}&start_time={wall}{fold}"
                words = f"{day_label} {wall}: {book_word}"
            elif state == "taken" and cell.hold.booker:
                text = cell.hold.booker
            elif state == "blocked" and cell.start == cell.hold.start:
                note = cell.hold.note
            cells.append((state, text, href, words, note))
        rows.append(ShownRow(time=wall, fold=row.fold, cells=cells))
    return rows


# -- resource cards: the overview and the search ---------------------------------------


@dataclass(frozen=True)
class CardInputs:
    """Everything a resource card shows: its template gets only this."""

    pk: int
    url: str
    name: str
    kind: str
    kind_label: str
    space: str
    seats: int
    amenities: tuple[str, ...]  # labels
    photo: str  # the photo's URL, or ""
    startups: bool  # only for members of start-ups and initiatives
    # How free it is for the rest of today, on the overview: (open at all, % free).
    today: tuple[bool, int] | None = None
    book_query: str = ""  # in search results: the booking form's prefill


CARD = Fragment("spaces/includes/resource_card.html", lambda card: {"card": card})


def _cards_of(resources: Sequence[Resource], *, book_query: str = "") -> list[CardInputs]:
    # One reverse() for all cards: a slug never holds a slash.
    path = reverse("spaces:resource", kwargs={"slug": "-"})
    return [
        CardInputs(
            pk=resource.pk,
            url=path.replace("/-/", f"/{resource.slug}/"),
            name=resource.name,
            kind=resource.kind,
            kind_label=str(resource.get_kind_display()),
            space=resource.space.name,
            seats=resource.seats,
            amenities=tuple(str(label) for label in resource.amenity_labels),
            photo=resource.photo.url if resource.photo else "",
            startups=resource.audience == Resource.Audience.STARTUPS,
            book_query=book_query,
        )
        for resource in resources
    ]


@dataclass(frozen=True)
class TodayRow:
    """A resource on the overview: its card, and what decides how free it is today."""

    card: CardInputs
    windows: tuple[timeslots.Window, ...]
    taken: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True)
class Overview:
    """A page of the overview, as read from the database."""

    rows: tuple[TodayRow, ...]
    number: int
    count: int


@dataclass(frozen=True)
class OverviewCard:
    """A resource on the overview and how free it is for the rest of today."""

    resource: CardInputs
    today: queries.Today

    @property
    def open_minutes(self) -> int:
        return self.today.open_minutes

    @property
    def free_minutes(self) -> int:
        return self.today.free_minutes

    @property
    def free_share(self) -> int:
        return self.today.free_share


@dataclass
class OverviewPage:
    page: Page  # of OverviewCards
    cards: list[SafeString]


def overview(*, day: date, number: int, per_page: int, now: datetime) -> OverviewPage:
    """A page of the active resources with how free each is for the rest of ``day``.

    The rows are kept under the spaces generation (no clock in them); how free
    each is now is worked out per request, and the cards are rendered parts.
    Two queries when cached: the rows (with the generation), the cards.
    """

    def read() -> tuple[Overview, None]:
        page = queries.counted_page(
            queries.with_availability(
                Resource.objects.active().select_related("space"), [day], names=False
            ),
            number,
            per_page=per_page,
        )
        resources = list(page.object_list)
        rows = []
        for resource, card in zip(resources, _cards_of(resources), strict=True):
            windows, taken = queries.day_of(resource, day)
            rows.append(TodayRow(card=card, windows=tuple(windows), taken=tuple(taken)))
        return Overview(rows=tuple(rows), number=page.number, count=page.paginator.count), None

    store = {}
    key = (day, number, per_page, get_language())
    found = cached_data("overview", key, read, now=now, store=store)
    cards = []
    for row in found.rows:
        today = queries.today_of(row.windows, row.taken, day=day, now=now)
        card = dataclasses.replace(row.card, today=(today.is_open, today.free_share))
        cards.append(OverviewCard(resource=card, today=today))
    return OverviewPage(
        page=_page(cards, found.number, found.count, per_page),
        cards=render([(CARD, card.resource) for card in cards], store=store),
    )


def _page(rows: list, number: int, count: int, per_page: int) -> Page:
    """The page ``number`` of ``count`` rows, holding ``rows``, as a Paginator makes it."""
    paginator = Paginator([], per_page)
    paginator.count = count
    return Page(rows, number, paginator)


# How far the search looks for the next day on which the same times are open.
OPEN_AHEAD_DAYS = 14


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


@dataclass
class SearchResults:
    results: tuple[CardInputs, ...]
    cards: list[SafeString]
    closed: ClosedThen | None = None


def _closed_then(*, start, end, seats, amenity, kind) -> ClosedThen | None:
    """None when places like these are open for all of [start, end), else why not (one query)."""
    day = timeslots.local_date(start)
    days = queries.open_days(
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


def search(
    *,
    start: datetime,
    end: datetime,
    seats: int,
    amenity: str,
    kind: str,
    book_query: str,
    now: datetime,
) -> SearchResults:
    """The resources free for all of [start, end) (see queries.free_resources), as cards.

    Kept under the spaces generation; two queries when cached.
    """

    def read() -> tuple[tuple[tuple[CardInputs, ...], ClosedThen | None], None]:
        free = queries.free_resources(
            start=start, end=end, seats=seats, amenity=amenity, kind=kind
        )
        closed = (
            None
            if free
            else _closed_then(start=start, end=end, seats=seats, amenity=amenity, kind=kind)
        )
        return (tuple(_cards_of(free, book_query=book_query)), closed), None

    key = (start, end, seats, amenity, kind, book_query, get_language())
    store = {}
    results, closed = cached_data("search", key, read, now=now, store=store)
    cards = render([(CARD, card) for card in results], store=store)
    return SearchResults(results=results, cards=cards, closed=closed)


# -- my bookings ------------------------------------------------------------------------

LINE = Fragment("spaces/includes/booking_line.html", lambda line: {"line": line})


@dataclass(frozen=True)
class PastList:
    """Everything a page of my earlier bookings shows: its template gets only this."""

    rows: tuple[queries.PastRow, ...]
    book: str  # the booking form's path with "-" for the resource's slug
    today: date  # "book again" offers the first same weekday from tomorrow on


def _past_context(past: PastList) -> dict[str, Any]:
    return {"entries": [(row, _book_again_url(row, past.book, past.today)) for row in past.rows]}


PAST = Fragment("spaces/includes/past_bookings.html", _past_context)


def _book_again_url(row: queries.PastRow, book: str, today: date) -> str:
    """The booking form for the same resource and clock times, a week after it (or later)."""
    start, end = timeslots.local(row.start), timeslots.local(row.end)
    day = start.date() + timedelta(days=7)
    while day < today + timedelta(days=1):
        day += timedelta(days=7)
    query = {
        "day": day.isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": "00:00" if end.time() == time(0) else end.strftime("%H:%M"),
        "people": row.people,
    }
    if row.purpose:
        query["purpose"] = row.purpose
    return f"{book.replace('/-/', f'/{row.slug}/')}?{urlencode(query)}"


@dataclass(frozen=True)
class Bookings:
    """A member's coming bookings and a page of the earlier ones, as read from the database."""

    lines: tuple[queries.BookingLine, ...]
    past: tuple[queries.PastRow, ...]
    number: int
    count: int


@dataclass
class MyBookingsPage:
    lines: tuple[queries.BookingLine, ...]
    page: Page  # of queries.PastRow
    upcoming_html: list[SafeString]  # a line each
    past_html: SafeString  # "" when there is none


def my_bookings(user, *, number: int, per_page: int, now: datetime) -> MyBookingsPage:
    """The member's coming bookings (what they may do with each now) and earlier ones.

    Kept under the spaces generation until the clock changes what a member may
    do with one of them (it starts, its check-in time ends, it ends); two
    queries when cached: the data (with the generation), the lines and the
    list. A line each, so a change to one booking renders one line again.
    """
    from spaces.permissions import is_coordinator  # noqa: PLC0415

    def read() -> tuple[Bookings, datetime | None]:
        upcoming = queries.upcoming_bookings(user, now=now)
        page = queries.past_page(user, number, per_page=per_page, now=now)
        lines = tuple(item.line for item in upcoming)
        found = Bookings(
            lines=lines,
            past=tuple(page.object_list),
            number=page.number,
            count=page.paginator.count,
        )
        return found, queries.next_change(lines, now=now)

    # Coordinators may cancel at any time: what a member may do depends on it.
    key = (user.pk, number, per_page, is_coordinator(user))
    store = {}
    found = cached_data("bookings", key, read, now=now, store=store)
    parts = [(LINE, line) for line in found.lines]
    if found.past:
        book = reverse("spaces:book", kwargs={"slug": "-"})
        today = timeslots.local_date(now)
        parts.append((PAST, PastList(rows=found.past, book=book, today=today)))
    html = render(parts, store=store)
    return MyBookingsPage(
        lines=found.lines,
        page=_page(list(found.past), found.number, found.count, per_page),
        upcoming_html=html[: len(found.lines)],
        past_html=html[-1] if found.past else mark_safe(""),
    )
