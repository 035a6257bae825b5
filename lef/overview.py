"""Sections later apps add to pages of lef and members: Mijn LEF, and member profiles.

Mijn LEF is the signed-in member's overview on the home page.

``members`` is the base of the page (profile, people to meet); projects, events
and spaces add their own section ("my projects", "my meetups", "my bookings")
from their ``AppConfig.ready()``, so lef's home view never learns their models::

    from lef.overview import OverviewSection, register_overview_section

    register_overview_section(
        OverviewSection(
            name="meetups",
            order=20,
            template="events/includes/overview_meetups.html",
            load=my_meetups_for,  # fn(user) -> dict for the template, or None to hide
        )
    )

A section's ``load`` gets the member and returns the context its template
needs; it should cost a fixed, small number of queries. The registry is filled
once per process at start-up, from code: configuration, not shared state.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
class OverviewSection:
    """One app's part of Mijn LEF.

    ``load`` reads what the section needs; ``next_things`` picks, from that same
    context and without queries, what goes into the page's "next up" list at
    the top; ``template`` shows the rest (what to discover, what to do next).
    """

    name: str
    order: int
    template: str
    load: Callable[[Any], dict | None]
    next_things: Callable[[dict], list[NextThing]] | None = None


@dataclass(frozen=True)
class LoadedSection:
    section: OverviewSection
    context: dict

    @property
    def template(self) -> str:
        return self.section.template

    @property
    def name(self) -> str:
        return self.section.name

    @property
    def next_things(self) -> list[NextThing]:
        pick = getattr(self.section, "next_things", None)  # profile sections have none
        return pick(self.context) if pick is not None else []


_sections: dict[str, OverviewSection] = {}


def register_overview_section(section: OverviewSection) -> None:
    """Add ``section`` to every member's overview (from an AppConfig.ready())."""
    existing = _sections.get(section.name)
    if existing is not None and existing != section:
        raise ValueError(f"{section.name!r} is already registered")
    _sections[section.name] = section


def unregister_overview_section(name: str) -> None:
    _sections.pop(name, None)


def overview_sections() -> list[OverviewSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def load_sections(user) -> list[LoadedSection]:
    """Every registered section's context for ``user``, in order; hidden ones left out."""
    loaded = []
    for section in overview_sections():
        context = section.load(user)
        if context is not None:
            loaded.append(LoadedSection(section=section, context=context))
    return loaded


# Sections of a member's profile page ---------------------------------------------------
#
# "The projects they are in", "the meetups they go to": an app registers a
# section from its AppConfig.ready(), and members' profile view shows it without
# importing the app:
#
#     register_profile_section(ProfileSection(
#         name="projects", order=10, template="projects/includes/profile_projects.html",
#         load=projects_of,  # fn(member, viewer) -> dict for the template, or None to hide
#     ))
#
# ``load`` must show only what ``viewer`` may see of ``member``.


@dataclass(frozen=True)
class ProfileSection:
    name: str
    order: int
    template: str
    load: Callable[[Any, Any], dict | None]


_profile_sections: dict[str, ProfileSection] = {}


def register_profile_section(section: ProfileSection) -> None:
    """Add ``section`` to every member's profile page (from an AppConfig.ready())."""
    existing = _profile_sections.get(section.name)
    if existing is not None and existing != section:
        raise ValueError(f"{section.name!r} is already registered")
    _profile_sections[section.name] = section


def unregister_profile_section(name: str) -> None:
    _profile_sections.pop(name, None)


def load_profile_sections(*, member, viewer) -> list[LoadedSection]:
    """Every registered profile section's context for ``member`` as ``viewer`` sees them."""
    loaded = []
    for section in sorted(_profile_sections.values(), key=lambda s: (s.order, s.name)):
        context = section.load(member, viewer)
        if context is not None:
            loaded.append(LoadedSection(section=section, context=context))
    return loaded
