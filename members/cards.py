"""Member cards rendered once and kept in the directory cache.

A directory page shows a dozen cards; rendering them is most of the page's
time. A card depends only on its profile (and the organisation's name) and the
language, never on who looks at it, so each is cached per language under the
directory generation (see members.caching), which every profile change renews.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from members.caching import cached_batch
from members.models import Profile

CARD_TEMPLATE = "members/includes/member_card.html"
# What a card shows (tests/members/test_directory.py renders one without queries).
CARD_FIELDS = (
    "primary_sector",
    "other_sectors",
    "core_activities",
    "job_title",
    "avatar",
    "open_to_collaboration",
    "organisation_id",
    "user__name",
    "user__username",
    "organisation__name",
    "organisation__slug",
    "organisation__status",
)


def member_cards(profile_ids: list[int]) -> list[SafeString]:
    """The card HTML of each profile, in order: one cache query, one more on misses.

    Profiles whose card is not cached (or is of an older generation) are read in
    one query, with only the columns a card shows, and rendered.
    """
    language = get_language()
    keys = {f"members:card:{language}:{pk}": pk for pk in profile_ids}

    def render_missing(missing: list[str]) -> dict[str, str]:
        profiles = (
            Profile.objects.filter(pk__in=[keys[key] for key in missing])
            .select_related("user", "organisation")
            .only(*CARD_FIELDS)
            .in_bulk()
        )
        return {
            key: str(render_to_string(CARD_TEMPLATE, {"profile": profiles[keys[key]]}))
            for key in missing
            if keys[key] in profiles
        }

    html = cached_batch(list(keys), render_missing) if keys else {}
    # The HTML was rendered by the template engine, with autoescaping, above.
    return [mark_safe(html[key]) for key in keys if key in html]  # noqa: S308
