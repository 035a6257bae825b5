"""The sections of "Mijn LEF", the signed-in member's overview on the home page.

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
from typing import Any


@dataclass(frozen=True)
class OverviewSection:
    name: str
    order: int
    template: str
    load: Callable[[Any], dict | None]


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
