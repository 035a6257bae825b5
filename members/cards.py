"""Member cards, rendered once and kept in the directory cache.

A directory page shows a dozen cards; rendering them is most of the page's
time. A card has a head (photo, name, job, organisation, sectors) and a body
that says why someone is worth contacting for *this* search: up to three
expertise tags, those matching the search first and marked, the core
activities with the filtered one marked, and what they are looking for.

A card depends only on its profile, the language and what it marks, never on
who looks at it. So it is cached under the profile's ``revision`` (which the
database raises on every change that can alter it, see members.caching), the
language, the card templates' version (a deploy with changed templates never
shows old cards) and what it marks. The body is decided in Python from the
columns the page query reads anyway, so the key is known before any cache read.
"""

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from lef.choices import CoreActivity
from members.caching import CARD_TIMEOUT, cached_many
from members.models import Profile
from members.search import search_words

CARD_TEMPLATE = "members/includes/member_card.html"
CARD_TEMPLATES = (
    CARD_TEMPLATE,
    "members/includes/member_card_head.html",
    "members/includes/member_card_body.html",
)
SHOWN_TAGS = 3
# What a card's head shows (tests/members/test_directory.py renders one without queries).
CARD_FIELDS = (
    "primary_sector",
    "other_sectors",
    "job_title",
    "avatar",
    "organisation_id",
    "user__name",
    "user__username",
    "organisation__name",
    "organisation__slug",
    "organisation__status",
)


@functools.cache
def template_version() -> str:
    """A short hash of the card templates' sources: new cards after a deploy changes them."""
    source = "".join(get_template(name).template.source for name in CARD_TEMPLATES)
    return hashlib.sha256(source.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Marked:
    text: str
    marked: bool


@dataclass(frozen=True)
class CardBody:
    tags: list[Marked]
    more_tags: int
    activities: list[Marked]
    open_to_collaboration: bool
    looking_for: str


def card_body(
    *,
    expertise: Sequence[str],
    core_activities: Sequence[str],
    open_to_collaboration: bool,
    looking_for: str,
    words: Iterable[str] = (),
    activity: str = "",
) -> CardBody:
    """The body of a card: tags matching ``words`` first and marked, ``activity`` marked."""
    words = [word for word in words if len(word) >= 2]
    marked = [tag for tag in expertise if any(word in tag for word in words)]
    ordered = [*marked, *(tag for tag in expertise if tag not in marked)]
    shown = [Marked(tag, tag in marked) for tag in ordered[:SHOWN_TAGS]]
    activities = [
        Marked(str(label), value == activity)
        for value, label in CoreActivity.choices
        if value in core_activities
    ]
    return CardBody(
        tags=shown,
        more_tags=max(0, len(expertise) - SHOWN_TAGS),
        activities=activities,
        open_to_collaboration=open_to_collaboration,
        looking_for=looking_for if open_to_collaboration else "",
    )


def profile_card_body(profile: Profile, **marks) -> CardBody:
    return card_body(
        expertise=profile.expertise,
        core_activities=profile.core_activities,
        open_to_collaboration=profile.open_to_collaboration,
        looking_for=profile.looking_for,
        **marks,
    )


# The columns of a directory row: what the page query reads for heads and bodies.
ROW_FIELDS = (
    "pk",
    "revision",
    "expertise",
    "core_activities",
    "open_to_collaboration",
    "looking_for",
)


def _marks(body: CardBody) -> str:
    """What a card body marks for a search or filter, as a short key part ("-" for nothing)."""
    marked = [tag.text for tag in body.tags if tag.marked]
    marked += [f"a:{activity.text}" for activity in body.activities if activity.marked]
    if not marked:
        return "-"
    return hashlib.sha256("\x1f".join(marked).encode()).hexdigest()[:12]


def directory_cards(rows, *, q: str = "", activity: str = "") -> list[SafeString]:
    """The HTML of the cards for directory rows (tuples of ROW_FIELDS), in order.

    A card is cached whole, under its profile's revision, the language, the
    templates' version and what it marks for this search (most searches mark
    nothing on most cards, so they share the plain card). One cache query; on
    misses one more (only the columns a card shows) and their rendering.
    """
    words = search_words(q)
    bodies = {}
    keys = {}
    prefix = f"members:card:{template_version()}:{get_language()}"
    for pk, revision, expertise, activities, is_open, looking_for in rows:
        body = card_body(
            expertise=expertise,
            core_activities=activities,
            open_to_collaboration=is_open,
            looking_for=looking_for,
            words=words,
            activity=activity,
        )
        key = f"{prefix}:{pk}:{revision}:{_marks(body)}"
        keys[key], bodies[key] = pk, body

    def render_missing(missing: list[str]) -> dict[str, str]:
        found = (
            Profile.objects.filter(pk__in=[keys[key] for key in missing])
            .select_related("user", "organisation")
            .only(*CARD_FIELDS)
            .in_bulk()
        )
        return {
            key: str(
                render_to_string(CARD_TEMPLATE, {"profile": found[keys[key]], "card": bodies[key]})
            )
            for key in missing
            if keys[key] in found
        }

    html = cached_many(list(keys), render_missing, timeout=CARD_TIMEOUT) if keys else {}
    # The HTML was rendered by the template engine, with autoescaping, above;
    # a profile that disappeared between the page's query and this one is left out.
    return [mark_safe(html[key]) for key in keys if key in html]  # noqa: S308
