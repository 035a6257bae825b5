"""Pieces of meetup pages rendered once per content: cards, door-list rows, months, descriptions.

A page of meetups shows a dozen cards and a door list up to a few hundred
rows; rendering them through the template engine is most of those pages'
time. Each piece is described by a small frozen dataclass of plain values
(a *view*): its template sees only that view, so the view is everything the
piece shows. The rendered HTML is memoised per process under the view itself,
plus the language, the time zone and the URL prefix: the same content always
gives the same HTML, and different content is a different key. Nothing is
ever invalidated, because nothing can go stale; nothing is shared between
processes, because nothing needs to be. Old entries fall out of a bounded
LRU. To show something new in a card, add it to the view (the template
cannot reach anything else).
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from events.forms import EventFilterForm, GuestWalkInForm
from lef.markdown import render_markdown

FRAGMENTS_PER_PROCESS = 4096
# Whole lists (a door list: up to a few hundred rows, some 100 kB): fewer of them.
JOINED_PER_PROCESS = 64


@functools.lru_cache(maxsize=FRAGMENTS_PER_PROCESS)
def _render(template: str, view, language: str, zone: str, prefix: str) -> str:
    # language, zone and prefix are part of the key; rendering uses the active ones.
    del language, zone, prefix
    return str(render_to_string(template, {"view": view}))


def render_fragment(template: str, view) -> SafeString:
    """``template`` rendered with ``{"view": view}`` (a frozen dataclass), memoised."""
    html = _render(
        template, view, get_language(), timezone.get_current_timezone_name(), get_script_prefix()
    )
    # Rendered by the template engine, with autoescaping.
    return mark_safe(html)  # noqa: S308


@functools.lru_cache(maxsize=JOINED_PER_PROCESS)
def _join(template: str, views: tuple, language: str, zone: str, prefix: str) -> str:
    # Each piece from _render's own memo: one changed row renders one row again.
    return "".join(_render(template, view, language, zone, prefix) for view in views)


def join_fragments(template: str, views) -> SafeString:
    """Each of ``views`` rendered with ``template`` (memoised), as one piece of HTML.

    The joined HTML is memoised too, under the whole tuple of views: an
    unchanged list (a door list opened again) is one look-up, not one per row.
    """
    html = _join(
        template,
        tuple(views),
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )
    # Rendered by the template engine, with autoescaping.
    return mark_safe(html)  # noqa: S308


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
