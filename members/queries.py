"""Reads about members that depend on the viewer: the directory and profile completeness.

Cross-sector suggestions live in ``members.matching``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Sector
from lef.pagination import page_of
from members.models import Organisation, Profile, User, ordered_sectors
from members.search import build_query, every_word_first, search_words, words_matched
from members.templatetags.avatars import Avatar, card_avatar

# Columns a suggestion card never shows; the search vector is by far the widest.
CARD_DEFERRED = (
    "search_vector",
    "notification_settings",
    "organisation__description",
    "user__password",
    "user__email",
)
# What a directory card shows (head and body), its user and organisation
# included, as ``values()`` names: the page query reads these and nothing else,
# as plain rows (building three model instances per card costs more than the card).
CARD_FIELDS = (
    "pk",
    "primary_sector",
    "other_sectors",
    "job_title",
    "avatar",
    "expertise",
    "core_activities",
    "open_to_collaboration",
    "looking_for",
    "user__name",
    "user__username",
    "organisation__name",
    "organisation__slug",
    "organisation__status",
)


# Searches with at most this many matches are ordered by relevance; broader ones
# by name. Ranking costs a few microseconds a row, thousands of rows add tens of
# milliseconds, and for a word most members use, relevance says little anyway.
RANK_AT_MOST = 300
# A search counts its matches up to this many: counting every member who wrote
# "onderzoek" means reading thousands of long profiles, and past a few hundred
# the page says "more than 300" and suggests a narrower search instead.
SEARCH_COUNT_AT_MOST = RANK_AT_MOST


def _filtered(
    profiles: QuerySet[Profile],
    *,
    sector: str = "",
    role: str = "",
    activity: str = "",
    organisation: int | None = None,
    open_only: bool = False,
) -> QuerySet[Profile]:
    if sector:
        profiles = profiles.filter(Q(primary_sector=sector) | Q(other_sectors__contains=[sector]))
    if role:
        profiles = profiles.filter(roles__contains=[role])
    if activity:
        profiles = profiles.filter(core_activities__contains=[activity])
    if organisation:
        profiles = profiles.filter(organisation_id=organisation)
    if open_only:
        profiles = profiles.filter(open_to_collaboration=True)
    return profiles


def _found(viewer: User, q: str, filters: dict) -> tuple[QuerySet[Profile], SearchQuery | None]:
    """The visible profiles that pass ``filters`` and match the search ``q``, and its query."""
    profiles = _filtered(Profile.objects.visible_to(viewer), **filters)
    query = build_query(q)
    return (profiles if query is None else profiles.filter(search_vector=query)), query


def _card_rows(
    profiles: QuerySet[Profile], query: SearchQuery | None, *, q: str = "", ranked: bool
):
    """The rows of CARD_FIELDS in the directory's order (see :func:`directory`)."""
    keys = []
    matched = words_matched(q) if query is not None else None
    if matched is not None:
        profiles = profiles.alias(words=matched)
        keys.append("-words")
    if query is not None and ranked:
        profiles = profiles.alias(rank=SearchRank(F("search_vector"), query))
        keys.append("-rank")
    return profiles.order_by(*keys, "-updated_at", "-user_id").values(*CARD_FIELDS)


def directory(*, viewer: User, q: str = "", ranked: bool = True, **filters) -> QuerySet:
    """Profiles ``viewer`` may see that pass every given filter (they combine with AND).

    ``filters``: ``sector`` (the primary or any further sector), ``role``,
    ``activity``, ``organisation`` (a pk) and ``open_only``. A search text
    finds the profiles that match any of its words, those matching the most
    words first; then, with ``ranked``, by relevance (``rank``). Otherwise,
    and within those, the most recently active profiles come first (the last
    change to the profile), which says more about whom to contact than the
    alphabet.
    The search is a ``search_vector @@ tsquery`` condition, which the GIN index
    ``members_profile_search_gin`` answers (see tests/members/test_search.py for
    the EXPLAIN); the card's user and organisation come in the same query, with
    only the columns a card shows, as dicts of CARD_FIELDS (for member_cards).
    """
    profiles, query = _found(viewer, q, filters)
    return _card_rows(profiles, query, q=q, ranked=ranked)


def directory_organisations(*, viewer: User) -> list[tuple[int, str, str]]:
    """``(pk, slug, name)`` of approved organisations with members ``viewer`` may see.

    One statement: for each approved organisation (by name, from its status
    index) the first visible profile it has, one probe each of the narrow
    partial index members_profile_org_listed_idx (0.4 ms for 280
    organisations), instead of grouping every visible profile by organisation
    (1.5 ms for 9 000). The LIMIT keeps PostgreSQL from turning the probe into
    that join. Written out around the ORM's SQL for the visible profiles (the
    one owner of that rule): as an ORM Exists() it took longer to build than
    to run.
    """
    visible, params = (
        Profile.objects.visible_to(viewer).values("organisation_id").query.sql_with_params()
    )
    sql = f"""
        SELECT o.id, o.slug, o.name FROM members_organisation AS o
        CROSS JOIN LATERAL (
            SELECT 1 FROM ({visible}) AS visible
            WHERE visible.organisation_id = o.id LIMIT 1
        ) AS has_members
        WHERE o.status = %s
        ORDER BY o.name
    """  # noqa: S608 -- the subquery is the ORM's own SQL, every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, Organisation.Status.APPROVED])
        return cursor.fetchall()


def directory_page(*, viewer: User, page_number, per_page: int, q: str = "", **filters) -> Page:
    """One page of ``directory()`` (rows of CARD_FIELDS) and how many it finds.

    Two statements, built from one queryset: the count, then the page's rows.
    Without a search the count is ``count(*)`` of the visible profiles under the
    filters, which PostgreSQL answers from the narrow partial index of listed
    profiles (members_profile_listed_idx), never reading the wide rows. With a
    search it counts the matches of the GIN index up to SEARCH_COUNT_AT_MOST + 1
    only (a word most members use would otherwise recheck thousands of long
    rows; ``page.count_is_capped`` then says "more than ..."), and ranks the
    rows (most words matched, then relevance) only when there are at most
    RANK_AT_MOST; a broader search of several words puts those matching every
    word first, each part read from members_profile_recent_idx
    (:func:`members.search.every_word_first`). The count also saves the
    paginator its own COUNT(*).
    """
    profiles, query = _found(viewer, q, filters)
    if query is None:
        count = profiles.count()
    else:
        count = profiles.values("pk")[: SEARCH_COUNT_AT_MOST + 1].count()
    if query is not None and count > RANK_AT_MOST and len(search_words(q)) > 1:
        # The end of the page asked for, without a query: the paginator clamps
        # the number from the count alone.
        paginator = Paginator((), per_page)
        paginator.count = count
        unsearched = _filtered(Profile.objects.visible_to(viewer), **filters)
        rows = every_word_first(
            unsearched.values(*CARD_FIELDS, "updated_at"),
            q,
            order=("-updated_at", "-pk"),
            up_to=paginator.get_page(page_number).number * per_page,
        )
    else:
        rows = _card_rows(profiles, query, q=q, ranked=count <= RANK_AT_MOST)
    page = page_of(rows, number=page_number, per_page=per_page, count=count)
    page.count_is_capped = query is not None and count > SEARCH_COUNT_AT_MOST
    return page


# -- what a card says about why someone is worth contacting ---------------------

SHOWN_TAGS = 3
CARD_AVATAR_SIZE = 64


@dataclass(frozen=True)
class Marked:
    text: str
    marked: bool


@dataclass(frozen=True)
class CardBody:
    """The body of a member's card (templates/members/includes/member_cards.html).

    ``more_tags_text`` ("+2 more") and ``looking_for_text`` ("Looking for: ...")
    are the card's sentences, translated here: a {% blocktranslate %} per card
    costs more than the rest of its body. Plain text; the template escapes it.
    """

    tags: list[Marked]
    more_tags: int
    activities: list[Marked]
    open_to_collaboration: bool
    looking_for: str
    more_tags_text: str = ""
    looking_for_text: str = ""


def card_body(
    *,
    expertise: Sequence[str],
    core_activities: Sequence[str],
    open_to_collaboration: bool,
    looking_for: str,
    words: Iterable[str] = (),
    activity: str = "",
) -> CardBody:
    """Up to SHOWN_TAGS tags, those matching ``words`` first and marked; ``activity`` marked."""
    words = [word for word in words if len(word) >= 2]
    marked = [tag for tag in expertise if any(word in tag for word in words)]
    ordered = [*marked, *(tag for tag in expertise if tag not in marked)]
    shown = [Marked(tag, tag in marked) for tag in ordered[:SHOWN_TAGS]]
    activities = [
        Marked(str(label), value == activity)
        for value, label in CoreActivity.choices
        if value in core_activities
    ]
    more_tags = max(0, len(expertise) - SHOWN_TAGS)
    looking_for = looking_for if open_to_collaboration else ""
    return CardBody(
        tags=shown,
        more_tags=more_tags,
        activities=activities,
        open_to_collaboration=open_to_collaboration,
        looking_for=looking_for,
        more_tags_text=(
            ngettext("+%(counter)s more", "+%(counter)s more", more_tags) % {"counter": more_tags}
            if more_tags
            else ""
        ),
        looking_for_text=(
            gettext("Looking for: %(text)s") % {"text": looking_for} if looking_for else ""
        ),
    )


@dataclass(frozen=True, slots=True)
class MemberCard:
    """Everything one card in templates/members/includes/member_cards.html shows.

    Plain values, so the card loop does attribute lookups only: no tag, no
    ``reverse()`` and no property per card in the template.
    """

    pk: int
    element_id: str  # the id of the card's heading, "member-<pk>-name"
    name: str
    url: str
    avatar: Avatar
    job_title: str
    organisation_name: str  # empty unless the organisation is approved
    organisation_url: str
    sectors: list[str]  # primary first
    body: CardBody


def member_cards(rows: Iterable[dict], *, q: str = "", activity: str = "") -> list[MemberCard]:
    """Each row's card (a dict of CARD_FIELDS), marking what matches ``q`` and ``activity``.

    No query.
    """
    words = search_words(q)
    approved = Organisation.Status.APPROVED
    # "/members/<username>/" and "/organisations/<slug>/" without a reverse() per card.
    members, organisations = reverse("members:list"), reverse("organisations:list")
    cards = []
    for row in rows:
        username = row["user__username"]
        shown_organisation = row["organisation__status"] == approved
        slug = row["organisation__slug"]
        sectors = ordered_sectors(row["primary_sector"], row["other_sectors"])
        cards.append(
            MemberCard(
                pk=row["pk"],
                element_id=f"member-{row['pk']}-name",
                name=row["user__name"] or username,
                url=f"{members}{username}/",
                avatar=card_avatar(
                    stem=row["avatar"],
                    name=row["user__name"],
                    username=username,
                    size=CARD_AVATAR_SIZE,
                ),
                job_title=row["job_title"],
                organisation_name=row["organisation__name"] if shown_organisation else "",
                organisation_url=f"{organisations}{slug}/" if shown_organisation else "",
                sectors=sectors,
                body=card_body(
                    expertise=row["expertise"],
                    core_activities=row["core_activities"],
                    open_to_collaboration=row["open_to_collaboration"],
                    looking_for=row["looking_for"],
                    words=words,
                    activity=activity,
                ),
            )
        )
    return cards


@dataclass(frozen=True)
class ProfileItem:
    """One part of a profile that makes it useful to others."""

    field: str  # the edit form's field name, for a link to it
    label: str | Promise


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[ProfileItem]

    @property
    def is_complete(self) -> bool:
        return not self.missing


# Most useful first: what onboarding asks, then what matching uses, then the rest.
_PROFILE_ITEMS = (
    (ProfileItem("name", _("your name")), lambda p: bool(p.user.name)),
    (ProfileItem("primary_sector", _("your sector")), lambda p: bool(p.primary_sector)),
    (ProfileItem("organisation", _("your organisation")), lambda p: bool(p.organisation_id)),
    (ProfileItem("core_activities", _("your core activities")), lambda p: bool(p.core_activities)),
    (ProfileItem("expertise", _("your expertise")), lambda p: bool(p.expertise)),
    (ProfileItem("bio", _("a few lines about yourself")), lambda p: bool(p.bio.strip())),
    (ProfileItem("avatar", _("a photo")), lambda p: bool(p.avatar)),
    (ProfileItem("job_title", _("your job title")), lambda p: bool(p.job_title)),
    (ProfileItem("roles", _("your role")), lambda p: bool(p.roles)),
)


def profile_completeness(profile: Profile, *, show: int = 3) -> Completeness:
    """How complete ``profile`` is (0-100) and the ``show`` most useful missing items.

    Reads only fields of the profile and its user, so it costs no query when the
    profile was loaded with its user.
    """
    missing = [item for item, is_done in _PROFILE_ITEMS if not is_done(profile)]
    done = len(_PROFILE_ITEMS) - len(missing)
    return Completeness(percent=round(100 * done / len(_PROFILE_ITEMS)), missing=missing[:show])


MAX_SUGGESTIONS = 8


def _expertise_tags(*, containing: str = "", exclude: Sequence[str] = (), limit: int) -> list[str]:
    """Expertise tags of listed members, most used first: one statement.

    With ``containing``, only tags that contain it, those starting with it
    first; tags in ``exclude`` are left out.
    """
    # Who is listed is Profile.objects.listed(), the one owner of that rule;
    # the unnest stays in SQL (the ORM cannot group by a set-returning function).
    listed, params = Profile.objects.listed().values("pk").query.sql_with_params()
    sql = f"""
        SELECT tag
        FROM members_profile AS p, unnest(p.expertise) AS tag
        WHERE p.user_id IN ({listed})
            AND strpos(tag, %s) > 0 AND tag <> ALL(%s::varchar[])
        GROUP BY tag
        ORDER BY strpos(tag, %s) <> 1, count(*) DESC, tag
        LIMIT %s
    """  # noqa: S608 -- the subquery is the ORM's own SQL, every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, containing, list(exclude), containing, limit])
        return [tag for (tag,) in cursor.fetchall()]


def popular_expertise(*, limit: int) -> list[str]:
    """The ``limit`` expertise tags most used by listed members."""
    return _expertise_tags(limit=limit)


def suggest_expertise(fragment: str, *, exclude: list[str], limit: int = MAX_SUGGESTIONS):
    """Existing expertise tags containing ``fragment``, most used first.

    Tags starting with the fragment come before those that merely contain it;
    tags in ``exclude`` (already typed) are left out.
    """
    return _expertise_tags(containing=fragment, exclude=exclude, limit=limit)


FACES = 12


@dataclass(frozen=True)
class Community:
    """The visitor's first look at who is here: members per sector, some faces, the partners."""

    per_sector: dict[str, int]
    faces: list[Profile]
    partners: list[Organisation]

    @property
    def total(self) -> int:
        return sum(self.per_sector.values())


def community() -> Community:
    """Members per primary sector, up to FACES public members with a photo, and the partners.

    Counts are of every listed member (a number identifies nobody), by the
    database in one ``GROUP BY``; faces only of public profiles, the most
    recently active first (members_profile_recent_idx); partners are the
    approved organisations coordinators marked as partner of 't LEF, by name.
    Three queries, whatever the number of members.
    """
    per_sector = dict(
        Profile.objects.listed()
        .order_by()
        .values_list("primary_sector")
        .annotate(count=Count("pk"))
        .values_list("primary_sector", "count")
    )
    faces = list(
        Profile.objects.listed()
        .filter(visibility=Profile.Visibility.PUBLIC)
        .exclude(avatar="")
        .select_related("user")
        .only("avatar", "primary_sector", "user__username", "user__name")
        .order_by("-updated_at", "-user_id")[:FACES]
    )
    partners = list(
        Organisation.objects.approved()
        .filter(is_partner=True)
        .order_by("name", "pk")
        .only("name", "slug")
    )
    return Community(
        per_sector={code: per_sector.get(code, 0) for code in Sector.values},
        faces=faces,
        partners=partners,
    )
