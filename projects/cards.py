"""Project cards for the list: what each card shows, worked out once per card."""

from dataclasses import dataclass

from members.models import Profile
from projects.images import image_url
from projects.models import Project
from projects.queries import LookingFor, looking_for_viewer, sector_counts


@dataclass(frozen=True)
class ProjectCard:
    project: Project
    team_mix: dict[str, int]
    team_size: int
    looking_for: LookingFor

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
    """Cards for ``projects`` (annotated with ``team_sectors``) as ``profile`` sees them."""
    cards = []
    for project in projects:
        sectors = [code for code in project.team_sectors if code]
        cards.append(
            ProjectCard(
                project=project,
                team_mix=sector_counts(sectors),
                team_size=len(project.team_sectors),
                looking_for=looking_for_viewer(project, profile),
            )
        )
    return cards
