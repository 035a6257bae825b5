"""Member cards rendered once and kept in the directory cache.

A directory page shows a dozen cards; rendering them is most of the page's
time. A card depends only on its profile (its user's name, its organisation)
and the language, never on who looks at it, so each is cached under its
profile's ``revision`` (which the database raises on every change that can
alter the card, see members.caching), the language and the card template's
own version: a deploy with a changed template never shows old cards.
"""

import functools
import hashlib

from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from members.caching import CARD_TIMEOUT, cached_many
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


@functools.cache
def template_version() -> str:
    """A short hash of the card template's source: new cards after a deploy changes it."""
    source = get_template(CARD_TEMPLATE).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:10]


def member_cards(profiles: list[tuple[int, int]]) -> list[SafeString]:
    """The card HTML of each ``(profile id, revision)``, in order.

    One cache query; on misses one more query (only the columns a card shows)
    and the rendering of the missing cards.
    """
    prefix = f"members:card:{template_version()}:{get_language()}"
    keys = {f"{prefix}:{pk}:{revision}": pk for pk, revision in profiles}

    def render_missing(missing: list[str]) -> dict[str, str]:
        found = (
            Profile.objects.filter(pk__in=[keys[key] for key in missing])
            .select_related("user", "organisation")
            .only(*CARD_FIELDS)
            .in_bulk()
        )
        return {
            key: str(render_to_string(CARD_TEMPLATE, {"profile": found[keys[key]]}))
            for key in missing
            if keys[key] in found
        }

    html = cached_many(list(keys), render_missing, timeout=CARD_TIMEOUT) if keys else {}
    # The HTML was rendered by the template engine, with autoescaping, above.
    return [mark_safe(html[key]) for key in keys if key in html]  # noqa: S308
