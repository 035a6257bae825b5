"""Project cards for the list: what each card shows, rendered once per project revision.

A card's body depends only on its project (the row, the team's size and sector
mix) and the language, never on who looks at it, so it is cached under the
project's ``revision``, which the database raises on every change that can
alter it (projects.caching). Only the line "looking for someone like you" is
the viewer's own, and it is added outside the cached body.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from members.models import Profile
from projects.caching import cached_each
from projects.images import image_url
from projects.models import Project
from projects.queries import LookingFor, looking_for_viewer, sector_counts

CARD_BODY = "projects/includes/project_card_body.html"


@dataclass(eq=False)
class ProjectCard:
    project: Project
    team_mix: dict[str, int]
    team_size: int
    looking_for: LookingFor
    body: SafeString = field(default=mark_safe(""))

    @property
    def cross_sector(self) -> bool:
        """The team spans two or more sectors."""
        return len(self.team_mix) >= 2

    @property
    def is_full(self) -> bool:
        size = self.project.max_team_size
        return size is not None and self.team_size >= size

    @property
    def image(self) -> str | None:
        return image_url(self.project.image, 480)

    @property
    def image_2x(self) -> str | None:
        return image_url(self.project.image, 960)


def project_cards(projects: list[Project], *, profile: Profile | None) -> list[ProjectCard]:
    """Cards for ``projects`` (annotated with ``team_sectors``) as ``profile`` sees them.

    One cache query for all bodies; the missing ones are rendered and stored.
    """
    cards = [
        ProjectCard(
            project=project,
            team_mix=sector_counts(project.team_sectors),
            team_size=len(project.team_sectors),
            looking_for=looking_for_viewer(project, profile),
        )
        for project in projects
    ]
    bodies = cached_each(
        "card",
        {f"{card.project.pk}:{card.project.revision}": card for card in cards},
        lambda missing: {
            card: str(render_to_string(CARD_BODY, {"card": card})) for card in missing
        },
    )
    for card in cards:
        # Rendered by the template engine, with autoescaping, above (or before it was cached).
        card.body = mark_safe(bodies[card])  # noqa: S308
    return cards
