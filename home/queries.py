"""Reads for the home page that span apps: the visitor's first look, and "Mijn LEF".

The apps join Mijn LEF through their hooks (lef.hooks), so this module needs
none of their models.
"""

from dataclasses import dataclass, field
from functools import cached_property

from lef.hooks import NextThing, Section, overview_sections
from members.matching import Suggestion, suggest_members
from members.models import Profile, User
from members.queries import Completeness, profile_completeness

# The sections Mijn LEF expects; one the apps have not registered (yet) is
# named in a single line instead of taking space.
EXPECTED_SECTIONS = ("projects", "events", "spaces")
NEXT_UP = 4  # with the people to meet below, still on a phone's first screen
SUGGESTIONS = 4


@dataclass(frozen=True)
class MemberOverview:
    profile: Profile
    completeness: Completeness
    # Colleagues to meet (members.matching).
    suggestions: list[Suggestion]
    # The sections projects, events and spaces add (their overview hooks).
    sections: list[Section] = field(default_factory=list)

    @property
    def section_names(self) -> set[str]:
        return {loaded.name for loaded in self.sections}

    @property
    def missing_sections(self) -> list[str]:
        return [name for name in EXPECTED_SECTIONS if name not in self.section_names]

    @cached_property
    def _all_next_things(self) -> list[NextThing]:
        things = [thing for loaded in self.sections for thing in loaded.next_things]
        things.sort(key=lambda thing: (thing.start is not None, thing.start or 0))
        return things

    @property
    def next_things(self) -> list[NextThing]:
        """What waits on the member first, then what comes up soonest; NEXT_UP at most."""
        return self._all_next_things[:NEXT_UP]

    @property
    def more_next_things(self) -> int:
        """How many things "next up" leaves out (the member's calendar page has them).

        At least: each app hands in a few of its next things only.
        """
        return max(0, len(self._all_next_things) - NEXT_UP)

    @property
    def can_be_matched(self) -> bool:
        """Suggestions need core activities or expertise to match on."""
        return bool(self.profile.core_activities or self.profile.expertise)


def member_overview(*, user: User) -> MemberOverview | None:
    """What "Mijn LEF" shows ``user``; None for an account without a profile.

    Queries: the profile (cached on ``user``, so the layout's onboarding reminder
    reuses it), the suggested colleagues with their user and organisation (one
    ranked statement, members.matching), then each app section's own few.
    """
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        return None
    return MemberOverview(
        profile=profile,
        completeness=profile_completeness(profile),
        suggestions=suggest_members(for_profile=profile, viewer=user, limit=SUGGESTIONS),
        sections=overview_sections(user),
    )
