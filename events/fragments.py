"""The views of meetup pages' pieces (cards, door-list rows, months), and descriptions.

Each view is a frozen dataclass of plain values that its template sees alone;
:mod:`lef.fragments` renders each once per content and process.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.utils.safestring import SafeString, mark_safe

from events.forms import EventFilterForm, GuestWalkInForm
from lef.markdown import render_markdown


@functools.lru_cache(maxsize=256)
def _description_html(text: str) -> str:
    return str(render_markdown(text))


def description_html(text: str) -> SafeString:
    """A meetup's description (Markdown) as sanitised HTML, converted once per text."""
    return mark_safe(_description_html(text or ""))  # noqa: S308 -- cleaned by lef.markdown


@dataclass(frozen=True, slots=True)
class CardView:
    """Everything a meetup's card in the list shows."""

    pk: int
    title: str
    slug: str
    starts_at: datetime
    ends_at: datetime
    venue: str  # the venue's name, or "" for online only
    online: bool
    summary: str
    sectors: tuple[str, ...]
    transitions: tuple[str, ...]
    cancelled: bool
    past: bool
    unlimited: bool
    full: bool
    places_left: int
    taken: int
    waiting: int
    mix: tuple[tuple[str, int], ...]
    mine: str  # the viewer's registration: "confirmed", "waiting" or ""

    @property
    def mix_counts(self) -> dict[str, int]:
        return dict(self.mix)


@dataclass(frozen=True, slots=True)
class DoorRowView:
    """One person on a meetup's door list."""

    pk: int
    name: str
    sector: str
    waiting: bool
    walk_in: bool
    checked_in: str  # "15:42", or "" when not here yet
    note: str
    toggle_url: str


@dataclass(frozen=True, slots=True)
class ControlsView:
    """Above a list or calendar of meetups: the tabs and the sector and transition filters.

    The filter form is rebuilt from what was sent alone (``data``: each
    filter's value, None when not sent), so its choices, values and errors
    depend on the view and the language only.
    """

    current: str  # the tab: "upcoming", "past" or "calendar"
    action: str  # the page's address, where the filters go
    target: str  # CSS selector of the region htmx replaces
    hidden: tuple[tuple[str, str], ...]  # extra fields the filters keep
    data: tuple[tuple[str, str | None], ...]

    @property
    def form(self) -> EventFilterForm:
        return EventFilterForm(dict(self.data))

    @property
    def hidden_fields(self) -> dict[str, str]:
        return dict(self.hidden)

    @property
    def filter_query(self) -> str:
        return urlencode(self.form.active_params())


@dataclass(frozen=True, slots=True)
class DoorHeadView:
    """The top of a meetup's door page: which meetup, when, where."""

    title: str
    url: str
    starts_at: datetime
    ends_at: datetime
    venue: str  # the venue's name, or "" for online only
    cancelled: bool


@dataclass(frozen=True, slots=True)
class GuestFormView:
    """The door's walk-in form for a guest: what was sent, field by field (None: not sent).

    The form is rebuilt from these values alone, so its labels, choices,
    values and errors depend on the view and the language only.
    """

    data: tuple[tuple[str, str | None], ...] | None = None

    @property
    def form(self) -> GuestWalkInForm:
        return GuestWalkInForm(None if self.data is None else dict(self.data))


@dataclass(frozen=True, slots=True)
class AttendanceView:
    """Present and expected, per sector and in total, at the top of the door list."""

    rows: tuple[tuple[str, int, int], ...]  # (sector, present, expected), in sector order
    present: int
    expected: int
    mix: tuple[tuple[str, int], ...]  # (sector, present), those with anyone present

    @property
    def present_mix(self) -> dict[str, int]:
        return dict(self.mix)


@dataclass(frozen=True, slots=True)
class CalendarEventView:
    """A meetup as the month calendar shows it."""

    url: str
    title: str
    time: str  # "15:30", Amsterdam
    venue: str  # the venue's name, "" when online only
    cancelled: bool


@dataclass(frozen=True, slots=True)
class CalendarDayView:
    day: date
    in_month: bool
    is_today: bool
    events: tuple[CalendarEventView, ...]


@dataclass(frozen=True, slots=True)
class MonthView:
    """One month of the calendar: its weeks, Monday first, with the meetups per day."""

    first: date
    filtered: bool  # the empty state says "match these filters"
    weeks: tuple[tuple[CalendarDayView, ...], ...]

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)

    @property
    def days_with_events(self) -> list[CalendarDayView]:
        return [day for week in self.weeks for day in week if day.in_month and day.events]
