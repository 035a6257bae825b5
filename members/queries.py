"""Reads about members that depend on the viewer: the directory and profile completeness.

Cross-sector suggestions live in ``members.matching``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchRank
from django.core.exceptions import FullResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Sector
from members.models import Organisation, Profile, User, ordered_sectors
from members.search import build_query, search_words
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
# included: ``values()`` names and the columns they are read from. The
# directory reads these and nothing else, as plain rows (building three model
# instances per card costs more than the card).
_CARD_COLUMNS = (
    ("pk", "members_profile.user_id"),
    ("primary_sector", "members_profile.primary_sector"),
    ("other_sectors", "members_profile.other_sectors"),
    ("job_title", "members_profile.job_title"),
    ("avatar", "members_profile.avatar"),
    ("expertise", "members_profile.expertise"),
    ("core_activities", "members_profile.core_activities"),
    ("open_to_collaboration", "members_profile.open_to_collaboration"),
    ("looking_for", "members_profile.looking_for"),
    ("user__name", "members_user.name"),
    ("user__username", "members_user.username"),
    ("organisation__name", "members_organisation.name"),
    ("organisation__slug", "members_organisation.slug"),
    ("organisation__status", "members_organisation.status"),
)
CARD_FIELDS = tuple(name for name, _column in _CARD_COLUMNS)

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


@dataclass(frozen=True)
class Condition:
    """A condition on ``members_profile`` rows as SQL and its parameters."""

    sql: str
    params: list


def _condition(profiles: QuerySet[Profile]) -> Condition:
    """The WHERE condition of ``profiles``, compiled by the ORM.

    The rules stay with their owners (ProfileQuerySet.visible_to, _filtered);
    the directory's statements are written around their conditions, which
    compiles far faster than a full queryset per statement (the directory's
    three took 2.1 ms to build, more than PostgreSQL took to run them).
    """
    query = profiles.query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except FullResultSet:
        return Condition("TRUE", [])
    return Condition(sql, list(params))


def visible_condition(viewer: User) -> Condition:
    """Which profiles ``viewer`` may see (Profile.objects.visible_to), as SQL."""
    return _condition(Profile.objects.visible_to(viewer))


@dataclass(frozen=True)
class _Matching:
    """What a directory search asks of the visible profiles: its condition and its ranking."""

    condition: Condition
    rank: Condition | None  # SQL of the search's rank, with a search text


def _matching(q: str, filters: dict) -> _Matching:
    profiles = _filtered(Profile.objects.all(), **filters)
    query = build_query(q)
    if query is None:
        return _Matching(_condition(profiles), None)
    profiles = profiles.filter(search_vector=query)
    rank = SearchRank(F("search_vector"), query).resolve_expression(profiles.query)
    rank_sql, rank_params = profiles.query.get_compiler(connection=connection).compile(rank)
    return _Matching(_condition(profiles), Condition(rank_sql, list(rank_params)))


_CARD_SELECT = f"""
    SELECT {", ".join(column for _name, column in _CARD_COLUMNS)}
    FROM members_profile
    INNER JOIN members_user ON members_profile.user_id = members_user.id
    LEFT OUTER JOIN members_organisation
        ON members_profile.organisation_id = members_organisation.id
"""  # noqa: S608 -- fixed column names


class _CardRows:
    """The directory's rows as dicts of CARD_FIELDS, read a slice at a time (for Paginator)."""

    def __init__(self, visible: Condition, matching: _Matching, *, ranked: bool):
        order = "members_profile.updated_at DESC, members_profile.user_id DESC"
        params = [*visible.params, *matching.condition.params]
        if matching.rank is not None and ranked:
            order = f"{matching.rank.sql} DESC, {order}"
            params += matching.rank.params
        self.sql = f"""{_CARD_SELECT}
            WHERE {visible.sql} AND {matching.condition.sql}
            ORDER BY {order}
            LIMIT %s OFFSET %s
        """
        self.params = params

    def __getitem__(self, index: slice) -> list[dict]:
        start, stop = index.start or 0, index.stop
        if stop is not None and stop <= start:
            return []
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [*self.params, None if stop is None else stop - start, start])
            return [dict(zip(CARD_FIELDS, row, strict=True)) for row in cursor.fetchall()]


def directory(*, viewer: User, q: str = "", ranked: bool = True, **filters) -> list[dict]:
    """Profiles ``viewer`` may see that pass every given filter (they combine with AND).

    ``filters``: ``sector`` (the primary or any further sector), ``role``,
    ``activity``, ``organisation`` (a pk) and ``open_only``. With a search text
    and ``ranked`` the rows are ordered by relevance (``rank``); otherwise the
    most recently active profiles come first (the last change to the profile),
    which says more about whom to contact than the alphabet.
    The search is a ``search_vector @@ tsquery`` condition, which the GIN index
    ``members_profile_search_gin`` answers (see tests/members/test_search.py for
    the EXPLAIN); the card's user and organisation come in the same statement,
    with only the columns a card shows, as dicts of CARD_FIELDS (for member_cards).
    All of them: a page of them is ``directory_page``.
    """
    rows = _CardRows(visible_condition(viewer), _matching(q, filters), ranked=ranked)
    return rows[0:None]


def directory_organisations(visible: Condition) -> list[tuple[int, str, str]]:
    """``(pk, slug, name)`` of approved organisations with ``visible`` members.

    One statement: for each approved organisation (by name, from its status
    index) the first visible profile it has, one probe each of the narrow
    partial index members_profile_org_listed_idx (0.4 ms for 280
    organisations), instead of grouping every visible profile by organisation
    (1.5 ms for 9 000). The LIMIT keeps PostgreSQL from turning the probe into
    that join.
    """
    sql = f"""
        SELECT o.id, o.slug, o.name FROM members_organisation AS o
        CROSS JOIN LATERAL (
            SELECT 1 FROM members_profile
            WHERE {visible.sql} AND members_profile.organisation_id = o.id LIMIT 1
        ) AS has_members
        WHERE o.status = %s
        ORDER BY o.name
    """  # noqa: S608 -- the condition is the ORM's own SQL, every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*visible.params, Organisation.Status.APPROVED])
        return cursor.fetchall()


def directory_page(
    visible: Condition, *, page_number, per_page: int, q: str = "", **filters
) -> Page:
    """One page of the ``visible`` profiles as ``directory()`` finds them, and how many.

    Two statements: the count, then the page's rows. Without a search the count
    is ``count(*)`` of the visible profiles under the filters, which PostgreSQL
    answers from the narrow partial index of listed profiles
    (members_profile_listed_idx), never reading the wide rows. With a search it
    counts the matches of the GIN index up to SEARCH_COUNT_AT_MOST + 1 only (a
    word most members use would otherwise recheck thousands of long rows;
    ``page.count_is_capped`` then says "more than ..."), and ranks the rows by
    relevance only when there are at most RANK_AT_MOST. The count also saves
    the paginator its own COUNT(*).
    """
    matching = _matching(q, filters)
    # The conditions are the ORM's own SQL; every value is a parameter.
    found = f"FROM members_profile WHERE {visible.sql} AND {matching.condition.sql}"
    params = [*visible.params, *matching.condition.params]
    if matching.rank is None:
        sql = f"SELECT count(*) {found}"
    else:
        sql = f"SELECT count(*) FROM (SELECT 1 {found} LIMIT %s) AS found"  # noqa: S608
        params.append(SEARCH_COUNT_AT_MOST + 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (count,) = cursor.fetchone()
    paginator = Paginator(_CardRows(visible, matching, ranked=count <= RANK_AT_MOST), per_page)
    paginator.count = count  # a cached_property: no second COUNT(*)
    page = paginator.get_page(page_number)
    page.count_is_capped = matching.rank is not None and count > SEARCH_COUNT_AT_MOST
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
