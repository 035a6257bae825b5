"""How an app joins what spans every app: one ``hooks.py`` per app, the same names in each.

Mijn LEF, a member's profile page, the personal calendar feed, the data export,
deactivating a member and deleting an account read every app, while lef and
members must not import the apps built on them. So an app that has a part in
them writes ``<app>/hooks.py`` with these names (each one optional), and
:func:`discover` finds the modules at start-up, the way the admin finds
``admin.py``::

    ORDER = 20  # where the app's sections come: members 5, projects 10, events 20, ...

    OVERVIEW_TEMPLATE = "events/includes/overview_meetups.html"

    def overview(user) -> dict | None:
        # Mijn LEF: the context of the app's section, None to leave it out.
        # A fixed, small number of queries.

    def overview_next_things(context: dict) -> list[NextThing]:
        # The lines the section adds to Mijn LEF's "next up", picked from that
        # same context without a query.

    PROFILE_TEMPLATE = "events/includes/profile_meetups.html"

    def profile(member, viewer) -> dict | None:
        # A member's profile page: the app's section, only what ``viewer`` may see.

    def calendar_entries(user) -> Iterable[CalendarEntry]:
        # The member's entries in their personal calendar feed.

    def export(user) -> dict:
        # The app's sections of the member's data export, by name (JSON-able).

    def deactivate(user) -> list[str]:
        # Inside the deactivation's transaction: give up what an inactive member
        # holds (places, bookings, the lead of a project) through the app's
        # services, with their mail; returns what was done, one sentence each.

    def delete_account(user) -> None:
        # Inside the account deletion's transaction (after ``deactivate``):
        # clear what identifies the member, keep the rows that counts need.

    def coordinator_today(now) -> list[TodayList]:
        # The admin index, for coordinators: what needs seeing to today
        # (meetups at the door, waiting lists, cancellations, no-shows), each
        # line linking to where it is handled. One or two queries, whatever
        # the number of rows.

    def object_links(obj, viewer) -> list[ObjectPart]:
        # What the app adds to another app's object page: a meetup's, a
        # project's, the door list ({% hook_links object %}, lef's hook_tags):
        # links, a list of links, a button. Only what ``viewer`` may see; []
        # for an object the app has nothing to say about. A fixed, small number
        # of queries, whatever the number of links.

And, not a function but a table:

    AUDIT_LABELS = {"events.registration.signed_up": _("Signed up"), ...}
        # The history (lef.audit): the words for each action code the app
        # records, lazily translated; a value may be a function of the
        # entry's data instead.

Templates receive the hook's context as ``data``. The set of apps is fixed when
the process starts, from code: configuration, not shared state.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

HOOK_NAMES = frozenset(
    {"overview", "overview_next_things", "profile", "calendar_entries", "export",
     "deactivate", "delete_account", "coordinator_today",
     "object_links"}
)  # fmt: skip

_apps: dict[str, ModuleType] = {}


def discover() -> None:
    """Find every installed app's ``hooks`` module (from lef's AppConfig.ready())."""
    for app_config in apps.get_app_configs():
        if app_config.name == __package__:
            continue  # this module: the registry, not lef's hooks
        if module_has_submodule(app_config.module, "hooks"):
            register(app_config.label, import_module(f"{app_config.name}.hooks"))


def register(label: str, module: Any) -> None:
    """Use ``module``'s hooks for app ``label``; tests register a stand-in the same way."""
    if _apps.get(label, module) is not module:
        raise ValueError(f"hooks of {label!r} are already registered")
    _apps[label] = module


def unregister(label: str) -> None:
    _apps.pop(label, None)


def labels() -> list[str]:
    """The apps with hooks, in their order."""
    return sorted(_apps, key=lambda label: (getattr(_apps[label], "ORDER", 100), label))


def verbose_name(label: str) -> str:
    """The app's name for people ("Bijeenkomsten"); the label of a stand-in in tests."""
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label


def implementations(name: str) -> Iterator[tuple[str, Callable]]:
    """(app label, function) for every app that implements hook ``name``, in order."""
    if name not in HOOK_NAMES:
        raise ValueError(f"{name!r} is not a hook")
    for label in labels():
        function = getattr(_apps[label], name, None)
        if function is not None:
            yield label, function


def audit_labels() -> dict[str, Any]:
    """Every app's ``AUDIT_LABELS`` in one table: action code → words (lef.audit)."""
    table: dict[str, Any] = {}
    for label in labels():
        table |= getattr(_apps[label], "AUDIT_LABELS", {})
    return table


# Sections of pages ------------------------------------------------------------------


@dataclass(frozen=True)
class NextThing:
    """One line of Mijn LEF's "next up": a meetup, a booking, an invitation to answer.

    ``start`` is when it happens; None for something that waits on the member
    now (an invitation, requests to answer), which comes first.
    """

    url: str
    title: str
    start: datetime | None = None
    end: datetime | None = None
    detail: str = ""  # where, or what kind: "PLNT", "Bureau 3"
    status: str = ""  # a short badge: "Je hebt een plek", "Wachtlijst: nummer 2"
    tone: str = "ok"  # the badge's colour: ok, waiting, cancelled or action
    icon: str = "calendar-event"  # a Bootstrap icon name
    # One button that posts to ``action_url`` (with next=home), e.g. "Check in".
    action_url: str = ""
    action_label: str = ""


@dataclass(frozen=True)
class Section:
    """One app's part of a page: its template and the context its hook returned."""

    name: str  # the app's label
    template: str
    context: dict
    next_things: tuple[NextThing, ...] = ()


def overview_sections(user) -> list[Section]:
    """Every app's section of ``user``'s Mijn LEF, in order; those returning None left out."""
    sections = []
    for label, load in implementations("overview"):
        context = load(user)
        if context is None:
            continue
        pick = getattr(_apps[label], "overview_next_things", None)
        sections.append(
            Section(
                name=label,
                template=_apps[label].OVERVIEW_TEMPLATE,
                context=context,
                next_things=tuple(pick(context)) if pick is not None else (),
            )
        )
    return sections


def profile_sections(*, member, viewer) -> list[Section]:
    """Every app's section of ``member``'s profile page as ``viewer`` may see it."""
    sections = []
    for label, load in implementations("profile"):
        context = load(member, viewer)
        if context is not None:
            sections.append(
                Section(name=label, template=_apps[label].PROFILE_TEMPLATE, context=context)
            )
    return sections


# The coordinators' today, on the admin index ---------------------------------------


@dataclass(frozen=True)
class TodayLine:
    """One thing a coordinator may have to see to today: a meetup, a waiting list, a booking.

    ``url`` is where it is handled (the meetup's or booking's admin page, its
    sign-ups); ``action_url`` an optional second link, e.g. the door list.
    """

    title: str
    url: str
    detail: str = ""  # when, where, who: "15:30-17:00, PLNT"
    count: int | None = None  # the number the line is about (places taken, people waiting)
    badge: str = ""  # that number in words: "3 waiting"
    tone: str = "ok"  # the badge's colour: ok, waiting, cancelled or action
    action_url: str = ""
    action_label: str = ""


@dataclass(frozen=True)
class TodayList:
    """A heading and its lines; ``empty`` is said when there are none."""

    heading: str
    lines: tuple[TodayLine, ...]
    empty: str
    # When the lines are only the first ones: a link to all of them.
    more_url: str = ""
    more_label: str = ""


def coordinator_today(now: datetime) -> list[TodayList]:
    """Every app's lists for the admin index, in the apps' order."""
    lists = []
    for _label, load in implementations("coordinator_today"):
        lists.extend(load(now))
    return lists


# Parts of other apps' object pages ---------------------------------------------------


@dataclass(frozen=True)
class ObjectPart:
    """What one app adds to another app's object page: a template and its context.

    The template receives ``context`` as ``data``, as a section does.
    """

    template: str
    context: dict


def object_parts(obj, viewer) -> list[ObjectPart]:
    """Every app's parts of ``obj``'s page as ``viewer`` may see them, in the apps' order."""
    parts = []
    for _label, load in implementations("object_links"):
        parts.extend(load(obj, viewer))
    return parts
