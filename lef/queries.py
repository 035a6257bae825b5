"""Reads for the home page that span apps: the signed-in member's overview ("Mijn LEF").

Projects, events and bookings join the overview as those apps land; until then
the page shows what will appear there, and this module reads nothing of them.
"""

from dataclasses import dataclass, field

from lef.overview import LoadedSection, load_sections
from members.matching import Suggestion, cached_suggest_members
from members.models import Profile, User
from members.queries import Completeness, profile_completeness


@dataclass(frozen=True)
class MemberOverview:
    profile: Profile
    completeness: Completeness
    suggestions: list[Suggestion]
    # The sections projects, events and spaces add (lef.overview).
    sections: list[LoadedSection] = field(default_factory=list)

    @property
    def section_names(self) -> set[str]:
        return {loaded.name for loaded in self.sections}

    @property
    def can_be_matched(self) -> bool:
        """Suggestions need core activities or expertise to match on."""
        return bool(self.profile.core_activities or self.profile.expertise)


def member_overview(*, user: User) -> MemberOverview | None:
    """What "Mijn LEF" shows ``user``; None for an account without a profile.

    Queries: the profile (cached on ``user``, so the layout's onboarding reminder
    reuses it), and for the suggestions one cache read plus one for the suggested
    profiles (the ranking itself only when the cache has none for this generation).
    """
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        return None
    return MemberOverview(
        profile=profile,
        completeness=profile_completeness(profile),
        suggestions=cached_suggest_members(for_profile=profile, viewer=user),
        sections=load_sections(user),
    )
