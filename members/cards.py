"""Member cards: a head rendered once and cached, a body made for each search.

A directory page shows a dozen cards; rendering them is most of the page's
time. The head of a card (photo, name, job, organisation, sectors) depends only
on its profile and the language, never on who looks at it, so it is cached
under the profile's ``revision`` (which the database raises on every change
that can alter it, see members.caching), the language and the head template's
own version: a deploy with a changed template never shows old heads.

The body says why someone is worth contacting for *this* search: up to three
expertise tags, those matching the search first and marked, the core
activities with the filtered one marked, and what they are looking for. It is
small and built per request from columns the page query reads anyway.
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

CARD_TEMPLATE = "members/includes/member_card_head.html"
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
    """A short hash of the card template's source: new cards after a deploy changes it."""
    source = get_template(CARD_TEMPLATE).template.source
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


@dataclass(frozen=True)
class DirectoryCard:
    pk: int
    head: SafeString
    body: CardBody


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


def directory_cards(rows, *, q: str = "", activity: str = "") -> list[DirectoryCard]:
    """Cards for directory rows (tuples of ROW_FIELDS): cached heads, fresh bodies."""
    rows = list(rows)
    heads = member_cards([(pk, revision) for pk, revision, *_rest in rows])
    words = search_words(q)
    return [
        DirectoryCard(
            pk=pk,
            head=head,
            body=card_body(
                expertise=expertise,
                core_activities=activities,
                open_to_collaboration=is_open,
                looking_for=looking_for,
                words=words,
                activity=activity,
            ),
        )
        for (pk, _revision, expertise, activities, is_open, looking_for), head in zip(
            rows, heads, strict=True
        )
        if head is not None
    ]


def member_cards(profiles: list[tuple[int, int]]) -> list[SafeString | None]:
    """The head HTML of each ``(profile id, revision)``'s card, in order.

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
    # None for a profile that disappeared between the page's query and this one.
    return [mark_safe(html[key]) if key in html else None for key in keys]  # noqa: S308
