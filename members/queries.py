"""Reads about members that depend on the viewer: the directory and profile completeness.

Cross-sector suggestions live in ``members.matching``.
"""

import hashlib
import json
from dataclasses import dataclass

from django.contrib.postgres.search import SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lef.choices import Sector
from members.caching import Generations, PageReads, cached_reads
from members.cards import ROW_FIELDS
from members.models import Organisation, Profile, User
from members.search import build_query

# Columns a directory card never shows; the search vector is by far the widest.
# What a card never shows. The secrets matter most: cards and suggestions are
# cached as pickles (members.caching), and a user's address and password hash
# have no business in a cache table.
CARD_DEFERRED = (
    "search_vector",
    "notification_settings",
    "organisation__description",
    "user__password",
    "user__email",
)


# Searches with at most this many matches are ordered by relevance; broader ones
# by name. Ranking costs a few microseconds a row, thousands of rows add tens of
# milliseconds, and for a word most members use, relevance says little anyway.
RANK_AT_MOST = 300
# A search counts its matches up to this many: counting every member who wrote
# "onderzoek" means reading thousands of long profiles, and past a few hundred
# the page says "more than 300" and suggests a narrower search instead.
SEARCH_COUNT_AT_MOST = RANK_AT_MOST


def directory(
    *,
    viewer: User,
    q: str = "",
    sector: str = "",
    role: str = "",
    activity: str = "",
    organisation: int | None = None,
    open_only: bool = False,
    ranked: bool = True,
) -> QuerySet[Profile]:
    """Profiles ``viewer`` may see that pass every given filter (they combine with AND).

    ``sector`` matches the primary or any further sector. With a search text and
    ``ranked`` the rows are ordered by relevance (``rank``); otherwise the most
    recently active profiles come first (the last change to the profile), which
    says more about whom to contact than the alphabet.
    The search is a ``search_vector @@ tsquery`` condition, which the GIN index
    ``members_profile_search_gin`` answers (see tests/members/test_search.py for
    the EXPLAIN); the card's user and organisation come in the same query.
    """
    profiles = (
        Profile.objects.visible_to(viewer)
        .select_related("user", "organisation")
        .defer(*CARD_DEFERRED)
    )
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
    recent = ("-updated_at", "-user_id")
    query = build_query(q)
    if query is None:
        return profiles.order_by(*recent)
    if not ranked:
        return profiles.filter(search_vector=query).order_by(*recent)
    return (
        profiles.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", *recent)
    )


def directory_organisations(*, viewer: User) -> QuerySet:
    """``(pk, slug, name)`` of approved organisations with members ``viewer`` may see."""
    visible_members = Profile.objects.visible_to(viewer).filter(organisation=OuterRef("pk"))
    return (
        Organisation.objects.approved()
        .filter(Exists(visible_members))
        .order_by("name")
        .values_list("pk", "slug", "name")
    )


def _audience(viewer: User) -> str:
    """What a viewer may see of the directory depends only on being signed in."""
    return "members" if viewer.is_authenticated else "public"


def directory_reads(*, viewer: User, raw_filters: dict[str, str], at: Generations) -> PageReads:
    """The directory page's cached organisations and count, read in one cache query.

    The count's key is made of the filters as they came in (the query string),
    so it is known before the organisations that validate them are read; two
    spellings of one filter share a value, never a wrong one. The count of a
    search follows every change (``content``), a plain count only who is listed
    under which filter (``listing``).
    """
    searched = bool(build_query(raw_filters.get("q", "")))
    key_filters = json.dumps(raw_filters, sort_keys=True, default=str)
    digest = hashlib.sha256(key_filters.encode()).hexdigest()[:32]
    audience = _audience(viewer)
    return PageReads(
        {
            "organisations": (f"members:directory-organisations:{audience}", "listing"),
            "count": (
                f"members:directory-count:{audience}:{digest}",
                "content" if searched else "listing",
            ),
        },
        at=at,
    )


def directory_count(*, viewer: User, **filters) -> int:
    """How many profiles the directory finds: exact, or SEARCH_COUNT_AT_MOST + 1 at most
    for a search (counting thousands of long rows costs tens of milliseconds)."""
    matches = directory(viewer=viewer, ranked=False, **filters)
    if build_query(filters.get("q", "")) is not None:
        return matches.values("pk")[: SEARCH_COUNT_AT_MOST + 1].count()
    return matches.count()


def directory_page(*, viewer: User, page_number, per_page: int, count: int, **filters) -> Page:
    """One page of rows (members.cards.ROW_FIELDS) of ``directory()``, given its ``count``.

    The count (from :func:`directory_count`, cached) decides whether a search is
    ranked (see RANK_AT_MOST) and saves the paginator a COUNT(*);
    ``page.count_is_capped`` says a search found more than SEARCH_COUNT_AT_MOST.
    One query: the page's rows.
    """
    searched = build_query(filters.get("q", "")) is not None
    # The narrow columns of the cards' bodies; their heads come cached (members.cards).
    profile_keys = directory(viewer=viewer, ranked=count <= RANK_AT_MOST, **filters).values_list(
        *ROW_FIELDS
    )
    paginator = Paginator(profile_keys, per_page)
    paginator.count = count  # a cached_property: no second COUNT(*)
    page = paginator.get_page(page_number)
    page.count_is_capped = searched and count > SEARCH_COUNT_AT_MOST
    return page


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


def expertise_tag_counts() -> list[tuple[str, int]]:
    """Every expertise tag of listed members with how many use it, most used first.

    Cached per directory generation: the profile form asks on every keystroke,
    and unnesting the tags of thousands of profiles each time would cost tens of
    milliseconds.
    """

    def compute():
        # Who is listed is Profile.objects.listed(), the one owner of that rule;
        # the unnest stays in SQL (the ORM cannot group by a set-returning function).
        listed, params = Profile.objects.listed().values("pk").query.sql_with_params()
        sql = f"""
            SELECT tag, count(*) AS uses
            FROM members_profile AS p, unnest(p.expertise) AS tag
            WHERE p.user_id IN ({listed})
            GROUP BY tag
            ORDER BY uses DESC, tag
        """  # noqa: S608 -- the subquery is the ORM's own SQL, its values are params
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return cached_reads({"tags": ("members:expertise-tags", compute)})["tags"]


def suggest_expertise(fragment: str, *, exclude: list[str], limit: int = MAX_SUGGESTIONS):
    """Existing expertise tags containing ``fragment``, most used first.

    Tags starting with the fragment come before those that merely contain it;
    tags in ``exclude`` (already typed) are left out.
    """
    excluded = set(exclude)
    matches = [
        (not tag.startswith(fragment), -uses, tag)
        for tag, uses in expertise_tag_counts()
        if fragment in tag and tag not in excluded
    ]
    return [tag for _, _, tag in sorted(matches)[:limit]]


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


def community(*, at: Generations | None = None) -> Community:
    """Members per primary sector, up to FACES public members with a photo, and the partners.

    Counts are of every listed member (a number identifies nobody); faces only of
    public profiles, the most recently active first; partners are the approved
    organisations coordinators marked as partner of 't LEF, by name. Two queries
    when cached (the generations and one cache read); faces and partners are
    rebuilt from the cached values without a query.
    """
    reads = PageReads(
        {
            "per_sector": ("members:community-per-sector", "listing"),
            "faces": ("members:community-faces", "content"),
            "partners": ("members:community-partners", "content"),
        },
        at=at,
    )
    per_sector = reads.get(
        "per_sector",
        lambda: dict(
            Profile.objects.listed()
            .order_by()
            .values_list("primary_sector")
            .annotate(count=Count("pk"))
            .values_list("primary_sector", "count")
        ),
    )
    faces = reads.get(
        "faces",
        lambda: list(
            Profile.objects.listed()
            .filter(visibility=Profile.Visibility.PUBLIC)
            .exclude(avatar="")
            .order_by("-updated_at", "-user_id")
            .values_list("user__username", "user__name", "avatar", "primary_sector")[:FACES]
        ),
    )
    partners = reads.get(
        "partners",
        lambda: list(
            Organisation.objects.approved()
            .filter(is_partner=True)
            .order_by("name", "pk")
            .values_list("name", "slug")
        ),
    )
    reads.save()
    return Community(
        per_sector={code: per_sector.get(code, 0) for code in Sector.values},
        faces=[
            Profile(user=User(username=username, name=name), avatar=avatar, primary_sector=sector)
            for username, name, avatar, sector in faces
        ],
        partners=[Organisation(name=name, slug=slug) for name, slug in partners],
    )
