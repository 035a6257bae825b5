"""Reads about projects that depend on the viewer or span models.

The list and its filters, a project's team, "my projects" and "projects for
you" on Mijn LEF, a member's projects on their profile, and the newest public
projects for the visitors' home page. Visibility is always
``Project.objects.visible_to``, the same rule the services re-check.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lef.choices import Role, Sector
from lef.hooks import NextThing
from lef.pagination import page_of
from lef.templatetags.lef_tags import datetime_attr, day_label, day_text, sector_mix
from members.matching import activity_labels, shared_count_sql
from members.models import Profile, User, is_shown
from members.search import build_query, every_word_first, search_words, words_matched
from members.templatetags.avatars import avatar_for
from projects.models import Membership, Project, ProjectUpdate

# What a suggestion needs of a project (its reason, its link, whether it is full).
SUGGESTION_FIELDS = (
    "title",
    "slug",
    "status",
    "looking_for_sectors",
    "looking_for_roles",
    "core_activities",
    "tags",
    "max_team_size",
)
# What a member's profile shows of a project they are on.
PROFILE_PROJECT_FIELDS = ("title", "slug", "status", "visibility", "last_activity_at")
# Columns no card or list needs; the search vector and description are the wide ones.
CARD_DEFERRED = ("search_vector", "description", "looking_for_text")

SORTS = {
    "": _("Featured first"),
    "newest": _("Newest"),
    "starting": _("Starting soon"),
    "active": _("Recently active"),
}
DEFAULT_SORT = ""
# A search with at most this many matches is ordered by relevance; a broader one
# in the list's own order (featured first, then newest), as the members directory
# does. Ranking reads and scores every match (2 000 of the bench's 2 400 projects
# for "onderzoek": ~4 ms), and for a word most projects use, relevance says
# little; the list's order is read from its index, for the page's few rows only.
RANK_AT_MOST = 300


def _sql_literals(values) -> str:
    """``'a', 'b'``: choice values (the models' own constants, never input) for a plain
    statement, so that the statuses it names are the ones the models name.
    """
    return ", ".join(f"'{value}'" for value in values)


# The statuses the plain statements below select by: current memberships (asked,
# invited, on the team), the active team, requests waiting, projects open to join.
_CURRENT = _sql_literals(Membership.CURRENT_STATUSES)
_ACTIVE = _sql_literals([Membership.Status.ACTIVE])
_REQUESTED = _sql_literals([Membership.Status.REQUESTED])
_INVITED = _sql_literals([Membership.Status.INVITED])
_OPEN = _sql_literals(Project.OPEN_STATUSES)


def team_sectors() -> ArraySubquery:
    """The primary sector of every active team member, as an SQL array (one subquery a row)."""
    return ArraySubquery(
        Membership.objects.filter(project=OuterRef("pk"), status=Membership.Status.ACTIVE)
        .order_by()
        .values("member__profile__primary_sector")
    )


def sector_counts(codes) -> dict[str, int]:
    """``{"po": 2, "ho": 1}`` in the vocabulary's order; empty codes left out."""
    counted = Counter(code for code in codes or () if code)
    return {code: counted[code] for code in Sector.values if counted[code]}


def with_team(projects: QuerySet) -> QuerySet:
    """Annotate ``team_sectors`` (see :func:`team_sectors`): the mix and size of the team."""
    return projects.annotate(team_sectors=team_sectors())


def browse_projects(
    *,
    viewer: User,
    q: str = "",
    sector: str = "",
    transition: str = "",
    activity: str = "",
    status: str = "",
    tag: str = "",
    for_my_sector: bool = False,
    sort: str = DEFAULT_SORT,
    ranked: bool = True,
) -> QuerySet[Project]:
    """Projects ``viewer`` may see that pass every given filter (they combine with AND).

    Without ``status`` archived projects are left out. ``for_my_sector`` keeps
    projects looking for one of the viewer's sectors. A search (Dutch and
    English stemming, parts of compounds; the GIN index on the generated
    ``search_vector``) finds the projects that match any of its words. Unless
    another sort is asked for, those matching the most words come first, then
    by relevance when ``ranked`` (see RANK_AT_MOST and :func:`browse_page`),
    else in the list's own order.
    """
    projects = Project.objects.visible_to(viewer).defer(*CARD_DEFERRED)
    projects = projects.filter(status=status) if status else projects.listed()
    if sector:
        projects = projects.filter(sectors__contains=[sector])
    if transition:
        projects = projects.filter(transitions__contains=[transition])
    if activity:
        projects = projects.filter(core_activities__contains=[activity])
    if tag:
        projects = projects.filter(tags__contains=[tag])
    if for_my_sector:
        sectors = _profile_of(viewer).sectors if _profile_of(viewer) else []
        projects = projects.filter(looking_for_sectors__overlap=sectors or [""])
    query = build_query(q)
    if query is None:
        return projects.order_by(*_ordering(sort))
    projects = projects.filter(search_vector=query)
    if sort != DEFAULT_SORT:
        return projects.order_by(*_ordering(sort))
    keys = []
    matched = words_matched(q)
    if matched is not None:
        projects = projects.alias(words=matched)
        keys.append("-words")
    if ranked:
        projects = projects.annotate(rank=SearchRank(F("search_vector"), query))
        return projects.order_by(*keys, "-rank", "-created_at", "-pk")
    return projects.order_by(*keys, *_ordering(sort))


def browse_page(*, viewer: User, page_number, per_page: int, **filters) -> Page:
    """One page of :func:`browse_projects` with their teams (:func:`with_team`).

    Two queries: the count, then the page. The count decides whether a search
    is ordered by relevance (at most RANK_AT_MOST matches) and is handed to
    the paginator, which so counts no second time. A broader search of several
    words in the list's own order puts the projects matching every word first,
    each part read from projects_featured_idx as far as the page asked for
    (:func:`members.search.every_word_first`), instead of testing every
    match's search vector for each word.
    """
    count = browse_projects(viewer=viewer, ranked=False, **filters).count()
    q, sort = filters.get("q", ""), filters.get("sort", DEFAULT_SORT)
    if count > RANK_AT_MOST and sort == DEFAULT_SORT and len(search_words(q)) > 1:
        paginator = Paginator((), per_page)
        paginator.count = count  # clamps the page number without a query
        unsearched = browse_projects(viewer=viewer, **{**filters, "q": ""})
        projects = every_word_first(
            with_team(unsearched),
            q,
            order=_ordering(sort),
            up_to=paginator.get_page(page_number).number * per_page,
        )
    else:
        projects = with_team(
            browse_projects(viewer=viewer, ranked=count <= RANK_AT_MOST, **filters)
        )
    return page_of(projects, number=page_number, per_page=per_page, count=count)


def _ordering(sort: str) -> tuple:
    if sort == "newest":
        return ("-created_at", "-pk")
    if sort == "active":
        return ("-last_activity_at", "-pk")
    if sort == "starting":
        upcoming = Case(
            When(start_date__gte=timezone.localdate(), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (upcoming, F("start_date").asc(nulls_last=True), "-created_at", "-pk")
    return ("-is_featured", "-created_at", "-pk")


def _profile_of(user: User) -> Profile | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


@dataclass(frozen=True)
class LookingFor:
    """Why a project is looking for someone like the viewer, or nothing."""

    sectors: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sectors or self.roles)

    @property
    def reason(self) -> str:
        """ "looking for: po, teacher": sector codes (as on the badges), roles in words."""
        labels = [*self.sectors, *(str(Role(code).label).lower() for code in self.roles)]
        return gettext("looking for: %(items)s") % {"items": ", ".join(labels)}


def looking_for_viewer(project: Project, profile: Profile | None) -> LookingFor:
    """Whether ``project`` (still open) wants someone of ``profile``'s sectors or roles."""
    if profile is None or not profile.is_onboarded or not project.is_open:
        return LookingFor()
    return LookingFor(
        sectors=tuple(s for s in profile.sectors if s in project.looking_for_sectors),
        roles=tuple(r for r in profile.roles if r in project.looking_for_roles),
    )


@dataclass(frozen=True)
class ProjectCard:
    """A project in the list: its team's sector mix and size, and why it wants the viewer.

    ``mix`` is what lef_tags.sector_mix gives its template: the card writes the
    bar out, since the tag per card costs more than the rest of the card.
    """

    project: Project
    team_mix: dict[str, int]
    team_size: int
    looking_for: LookingFor
    url: str = ""
    mix: dict = field(default_factory=dict)

    @property
    def team_label(self) -> str:
        """ "3 people on the team": in Python, cheaper than a blocktranslate per card."""
        return ngettext(
            "%(counter)s person on the team", "%(counter)s people on the team", self.team_size
        ) % {"counter": self.team_size}

    @property
    def cross_sector(self) -> bool:
        """The team spans two or more sectors."""
        return len(self.team_mix) >= 2

    @property
    def is_full(self) -> bool:
        return self.project.is_full(self.team_size)


def project_cards(projects, *, profile: Profile | None) -> list[ProjectCard]:
    """Cards for ``projects`` (annotated by :func:`with_team`) as ``profile`` sees them."""
    cards = []
    for project in projects:
        team_mix = sector_counts(project.team_sectors)
        cards.append(
            ProjectCard(
                project=project,
                team_mix=team_mix,
                team_size=len(project.team_sectors or ()),
                looking_for=looking_for_viewer(project, profile),
                url=project.get_absolute_url(),
                mix=sector_mix(team_mix),
            )
        )
    return cards


# Who is shown: members.models.audience and is_shown, the one rule for every app.


def show_people(memberships, seen_by: str, *, avatar_size: int):
    """What a team row shows of its member, as plain values; no query.

    ``shown`` (see :func:`is_shown`); ``url``, ``name`` and ``job_title`` ("" when
    not shown); ``avatar`` (members' ``avatar_for`` at ``avatar_size``, with the
    name written beside it: a placeholder when not shown); ``sector``: the
    member's primary sector, for their badge ("" when there is no profile).
    """
    for membership in memberships:
        member = membership.member
        profile = member.profile
        membership.shown = shown = is_shown(member, seen_by)
        membership.url = member.get_absolute_url() if shown else ""
        membership.name = str(member) if shown else ""
        membership.job_title = profile.job_title if shown and profile is not None else ""
        membership.avatar = avatar_for(profile if shown else None, avatar_size, name_shown=True)
        membership.sector = profile.primary_sector if profile is not None else ""
    return memberships


def team_rows(
    memberships, *, seen_by: str, project: Project, viewer: User, manage: bool, avatar_size: int
):
    """:func:`show_people`, plus what a row of the team page says and where its
    buttons go, as plain values (no tag or ``reverse()`` per row in the template).

    ``since``: "On the team since <day>"; ``change_url``: where a lead changes or
    removes the member ("" for the viewer's own row, or for someone not leading);
    ``remove_label``: the remove button's words.
    """
    show_people(memberships, seen_by, avatar_size=avatar_size)
    for membership in memberships:
        joined = membership.joined_at
        membership.since = (
            gettext("On the team since %(day)s") % {"day": day_label(joined)} if joined else ""
        )
        membership.change_url = (
            reverse("projects:team_member", args=[project.slug, membership.pk])
            if manage and membership.member_id != viewer.pk
            else ""
        )
        membership.remove_label = (
            gettext("Remove %(name)s") % {"name": membership.member.get_short_name()}
            if membership.shown
            else gettext("Remove from the team")
        )
    return memberships


def request_rows(requests, *, project: Project):
    """What a lead's list of requests to join says of each, as plain values; no query.

    Leads see everyone who asks. ``url`` and ``name`` of the asker;
    ``sector``: their primary sector ("" without a profile); ``day``: when
    they asked; ``decide_url``: where the row's form goes; ``message_label``
    and ``approve_label``: the words with the asker's short name (no
    blocktranslate or ``reverse()`` per row in the template).
    """
    for asked in requests:
        asker = asked.member
        profile = asker.profile
        short_name = asker.get_short_name()
        asked.url = asker.get_absolute_url()
        asked.name = str(asker)
        asked.sector = profile.primary_sector if profile is not None else ""
        asked.day = day_label(asked.created_at)
        asked.decide_url = reverse("projects:decide", args=[project.slug, asked.pk])
        asked.message_label = gettext("Message to %(name)s (optional)") % {"name": short_name}
        asked.approve_label = gettext("Approve %(name)s") % {"name": short_name}
    return requests


def show_authors(updates, seen_by: str):
    """What an update's header shows of its author and day, as plain values; no query.

    ``author_shown`` (see :func:`is_shown`); ``author_url`` and ``author_name``
    ("" when not shown); ``author_active`` (a member of 't LEF, or a former
    member); ``avatar`` (32 pixels, the name beside it); ``day`` and
    ``moment`` (the local time as ISO 8601, for the time element).
    """
    for update in updates:
        author = update.author
        update.author_shown = shown = is_shown(author, seen_by)
        update.author_url = author.get_absolute_url() if shown else ""
        update.author_name = str(author) if shown else ""
        update.author_active = author is not None and author.is_active
        update.avatar = avatar_for(author.profile if shown else None, 32, name_shown=True)
        moment = timezone.localtime(update.created_at)
        update.day = day_text(moment)
        update.moment = datetime_attr(moment)
    return updates


# One project ------------------------------------------------------------------------------


# What a project page reads of the project (all but the wide search vector) and of the
# viewer's membership of it.
_PAGE_PROJECT_FIELDS = [f for f in Project._meta.concrete_fields if f.attname != "search_vector"]
_PAGE_MEMBERSHIP_FIELDS = list(Membership._meta.concrete_fields)
_PROJECT_PAGE_SQL = f"""
SELECT {", ".join(f"p.{f.column}" for f in _PAGE_PROJECT_FIELDS)},
       {", ".join(f"m.{f.column}" for f in _PAGE_MEMBERSHIP_FIELDS)}
FROM projects_project AS p
LEFT JOIN projects_membership AS m
       ON m.project_id = p.id AND m.member_id = %(viewer)s AND m.status IN ({_CURRENT})
WHERE p.slug = %(slug)s
"""  # noqa: S608 -- column names from the models, statuses from their choices


def project_for_viewer(user: User, *, slug: str) -> Project:
    """The project at ``slug`` with ``viewer_membership``: ``user``'s current
    (asked, invited or active) membership of it, or None, read in the same query.

    Raises Project.DoesNotExist. One query (the partial unique constraint makes
    the membership one row at most); a plain statement, since it opens every
    project page.
    """
    viewer = user.pk if user is not None and user.is_authenticated else None
    with connection.cursor() as cursor:
        cursor.execute(_PROJECT_PAGE_SQL, {"viewer": viewer, "slug": slug})
        row = cursor.fetchone()
    if row is None:
        raise Project.DoesNotExist
    n = len(_PAGE_PROJECT_FIELDS)
    project = Project.from_db(connection.alias, [f.attname for f in _PAGE_PROJECT_FIELDS], row[:n])
    membership = row[n:]
    project.viewer_membership = None
    if membership[0] is not None:
        project.viewer_membership = Membership.from_db(
            connection.alias, [f.attname for f in _PAGE_MEMBERSHIP_FIELDS], membership
        )
        project.viewer_membership.project = project
    return project


def current_membership(user: User, project: Project) -> Membership | None:
    """``user``'s current (asked, invited or active) membership of ``project``, or None."""
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(
        project=project, member=user, status__in=Membership.CURRENT_STATUSES
    ).first()


# What a team list shows of a membership and its member: building objects from
# the wide rows (the profile's search vector, the password hash) costs more than
# the query itself.
TEAM_FIELDS = (
    "project_id",
    "role",
    "status",
    "motivation",
    "created_at",
    "joined_at",
    "member__name",
    "member__username",
    "member__is_active",
    "member__profile__primary_sector",
    "member__profile__avatar",
    "member__profile__visibility",
    "member__profile__onboarded_at",
    "member__profile__job_title",
)


# How a team is listed: leads first ("lead" sorts before "member"), then by who joined first.
TEAM_ORDER = ("role", "joined_at", "pk")


def team_on_page(project: Project) -> QuerySet[Membership]:
    """The active team, leads first then by who joined first, with profiles (for avatars)."""
    return (
        Membership.objects.active()
        .filter(project=project)
        .select_related("member__profile")
        .only(*TEAM_FIELDS)
        .order_by(*TEAM_ORDER)
    )


@dataclass(frozen=True)
class Team:
    """What a project page or team page shows of a team, read in one statement.

    ``members``: a window of the active team in :func:`team_on_page`'s order;
    ``sectors``: the primary sector of everyone on the active team (blanks
    included, so its length is the team's size); ``waiting``: requests (and
    invitations) oldest first, for leads; and how many requests and
    invitations there are in all.
    """

    members: list[Membership]
    sectors: list[str | None]
    waiting: list[Membership] = field(default_factory=list)
    request_count: int = 0
    invitation_count: int = 0

    @property
    def size(self) -> int:
        return len(self.sectors)

    @property
    def mix(self) -> dict[str, int]:
        """``{sector: members}`` in the vocabulary's order, blanks left out."""
        return sector_counts(self.sectors)


def _in_model_order(model, names) -> tuple[str, ...]:
    """``names`` of ``model``'s columns in the order of its fields, as ``from_db`` reads them."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname in set(names))


# TEAM_FIELDS as columns of each table, for the plain statement below.
_MEMBERSHIP_COLUMNS = _in_model_order(
    Membership, ["id", "member_id", *(f for f in TEAM_FIELDS if "__" not in f)]
)
_USER_COLUMNS = _in_model_order(
    User, ["id", *(f.split("__")[1] for f in TEAM_FIELDS if f.count("__") == 1)]
)
_PROFILE_COLUMNS = _in_model_order(
    Profile, ["user_id", *(f.split("__")[2] for f in TEAM_FIELDS if f.count("__") == 2)]
)
_SHOWN_COLUMNS = ", ".join(f"m.{name}" for name in _MEMBERSHIP_COLUMNS)
_TEAM_ORDER_SQL = ", ".join(f"m.{'id' if f == 'pk' else f}" for f in TEAM_ORDER)
# One row per membership shown (a window of the active team, then the waiting
# ones), each with its member and profile (TEAM_FIELDS); on every row (and on
# one row of NULLs when none is shown) every active member's sector and how many
# requests and invitations wait. The active team is read once through the
# (project, status) index for the sectors; the window only for its few rows.
_TEAM_SQL = f"""
WITH shown AS (
    (SELECT {_SHOWN_COLUMNS}, 0 AS part,
            row_number() OVER (ORDER BY {_TEAM_ORDER_SQL}) AS position
     FROM projects_membership AS m
     WHERE m.project_id = %(project)s AND m.status = {_ACTIVE}
     ORDER BY {_TEAM_ORDER_SQL} LIMIT %(limit)s OFFSET %(offset)s)
    UNION ALL
    (SELECT {_SHOWN_COLUMNS}, 1, row_number() OVER (ORDER BY m.created_at, m.id)
     FROM projects_membership AS m
     WHERE m.project_id = %(project)s AND m.status = ANY(%(waiting)s)
     ORDER BY m.created_at, m.id LIMIT %(waiting_limit)s)
)
SELECT team.sectors, counted.requests, counted.invitations,
       {", ".join(f"s.{name}" for name in _MEMBERSHIP_COLUMNS)},
       {", ".join(f"u.{name}" for name in _USER_COLUMNS)},
       {", ".join(f"pr.{name}" for name in _PROFILE_COLUMNS)}
FROM (SELECT coalesce(array_agg(pr.primary_sector), '{{}}') AS sectors
      FROM projects_membership AS m
      LEFT JOIN members_profile AS pr ON pr.user_id = m.member_id
      WHERE m.project_id = %(project)s AND m.status = {_ACTIVE}) AS team
CROSS JOIN (SELECT count(*) FILTER (WHERE status = {_REQUESTED}) AS requests,
                   count(*) FILTER (WHERE status = {_INVITED}) AS invitations
            FROM projects_membership
            WHERE project_id = %(project)s AND status = ANY(%(counted)s)) AS counted
LEFT JOIN (shown AS s
           JOIN members_user AS u ON u.id = s.member_id
           LEFT JOIN members_profile AS pr ON pr.user_id = u.id) ON true
ORDER BY s.part, s.position
"""  # noqa: S608 -- column names from the models


def read_team(
    project: Project,
    *,
    limit: int,
    offset: int = 0,
    waiting=(),
    waiting_limit: int | None = None,
    count_waiting: bool = False,
) -> Team:
    """``limit`` of the active team from ``offset``, everyone's sectors, and the memberships
    in the ``waiting`` statuses (at most ``waiting_limit``), in one query.

    With ``count_waiting`` the requests and invitations are counted too. A
    plain statement with the team list's columns (TEAM_FIELDS), built into the
    objects ``select_related`` builds: the ORM's compiling and building cost
    more than the query on the pages leads open most, and the query count is
    the same for any team and any viewer.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _TEAM_SQL,
            {
                "project": project.pk,
                "limit": limit,
                "offset": offset,
                "waiting": list(waiting),
                "waiting_limit": waiting_limit,
                "counted": list(Membership.PENDING_STATUSES) if count_waiting else [],
            },
        )
        rows = cursor.fetchall()
    using = connection.alias
    # Where each model's columns end in a row (after the sectors and the two counts).
    widths = map(len, (_MEMBERSHIP_COLUMNS, _USER_COLUMNS, _PROFILE_COLUMNS))
    ends = list(accumulate(widths, initial=3))
    members, waiting_rows = [], []
    for row in rows:
        if row[ends[0]] is None:  # nothing shown: the one row of counts
            continue
        membership = Membership.from_db(using, _MEMBERSHIP_COLUMNS, row[ends[0] : ends[1]])
        membership.project = project
        membership.member = User.from_db(using, _USER_COLUMNS, row[ends[1] : ends[2]])
        profile = row[ends[2] : ends[3]]
        # None, as select_related leaves it, for a member without a profile.
        membership.member.profile = (
            Profile.from_db(using, _PROFILE_COLUMNS, profile) if profile[0] is not None else None
        )
        if membership.status == Membership.Status.ACTIVE:
            members.append(membership)
        else:
            waiting_rows.append(membership)
    first = rows[0]
    return Team(
        members=members,
        sectors=first[0],
        waiting=waiting_rows,
        request_count=first[1],
        invitation_count=first[2],
    )


def updates_for(project: Project, *, include_hidden: bool) -> QuerySet[ProjectUpdate]:
    """The project's updates, newest first, with their authors' profiles (for avatars)."""
    updates = ProjectUpdate.objects.filter(project=project).select_related(
        "author__profile", "hidden_by"
    )
    if not include_hidden:
        updates = updates.shown()
    return updates.defer(
        "author__profile__search_vector",
        "author__profile__bio",
        "author__profile__notification_settings",
        "author__password",
    )


# What the project page shows of an update and its author (see :func:`show_authors`).
_UPDATE_COLUMNS = _in_model_order(
    ProjectUpdate, ["id", "project_id", "author_id", "text", "image", "is_hidden", "created_at"]
)
_AUTHOR_COLUMNS = _in_model_order(User, ["id", "username", "name", "is_active"])
# (is_shown reads the sector and the onboarding moment too)
_AUTHOR_PROFILE_COLUMNS = _in_model_order(
    Profile, ["user_id", "primary_sector", "avatar", "visibility", "onboarded_at"]
)
_LATEST_UPDATES_SQL = f"""
SELECT {", ".join(f"pu.{name}" for name in _UPDATE_COLUMNS)},
       {", ".join(f"a.{name}" for name in _AUTHOR_COLUMNS)},
       {", ".join(f"pr.{name}" for name in _AUTHOR_PROFILE_COLUMNS)}
FROM projects_projectupdate AS pu
LEFT JOIN members_user AS a ON a.id = pu.author_id
LEFT JOIN members_profile AS pr ON pr.user_id = a.id
WHERE pu.project_id = %(project)s AND NOT pu.is_hidden
ORDER BY pu.created_at DESC, pu.id DESC
LIMIT %(limit)s
"""  # noqa: S608 -- column names from the models


def latest_updates(project: Project, *, limit: int) -> list[ProjectUpdate]:
    """The newest ``limit`` shown updates of ``project`` with their authors, for its page.

    :func:`updates_for` without the hidden ones, as a plain statement with the
    few columns an update's header and text need: compiling the ORM's three
    joins and building three wide models a row cost more than the query. An
    author without a profile has ``profile`` None, as ``select_related`` leaves it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_LATEST_UPDATES_SQL, {"project": project.pk, "limit": limit})
        rows = cursor.fetchall()
    using = connection.alias
    ends = list(accumulate(map(len, (_UPDATE_COLUMNS, _AUTHOR_COLUMNS, _AUTHOR_PROFILE_COLUMNS))))
    updates = []
    for row in rows:
        update = ProjectUpdate.from_db(using, _UPDATE_COLUMNS, row[: ends[0]])
        update.project = project
        author = None
        if update.author_id is not None:
            author = User.from_db(using, _AUTHOR_COLUMNS, row[ends[0] : ends[1]])
            profile = row[ends[1] : ends[2]]
            author.profile = (
                Profile.from_db(using, _AUTHOR_PROFILE_COLUMNS, profile)
                if profile[0] is not None
                else None
            )
        update.author = author
        updates.append(update)
    return updates


def invite_candidates(*, project: Project, viewer: User, q: str, limit: int = 10) -> list[Profile]:
    """Listed members ``viewer`` may see, matching ``q`` by name, not on or invited to the team."""
    words = q.split()
    if not words:
        return []
    current = Membership.objects.filter(
        project=project, member=OuterRef("user_id"), status__in=Membership.CURRENT_STATUSES
    )
    profiles = Profile.objects.visible_to(viewer).exclude(Exists(current))
    for word in words[:4]:
        by_name = Q(user__name__icontains=word) | Q(user__username__icontains=word)
        profiles = profiles.filter(by_name)
    return list(
        profiles.select_related("user", "organisation")
        .defer("search_vector", "bio", "notification_settings")
        .order_by("user__name", "user__username")[:limit]
    )


# Mijn LEF ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A project for a member, and why."""

    title: str
    url: str
    looking_for: LookingFor
    shared_activities: tuple[str, ...] = ()
    shared_tags: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """Why it is suggested: who they look for, else what is shared (tags first)."""
        if self.looking_for:
            return self.looking_for.reason
        shared = [*self.shared_tags, *activity_labels(self.shared_activities)]
        return gettext("You share: %(items)s") % {"items": ", ".join(shared)}


# The open projects that want a member or share something with them, ranked (ranks
# filled in by _shared_count_sql), among those the member may see ({visible}: no
# condition when they may see every project, as members do). The ranking reads only
# the columns that the index on the status includes (an index-only scan, not the wide
# rows); the best few are then read from the table, with their team counted.
_SUGGESTION_COLUMNS = _in_model_order(Project, SUGGESTION_FIELDS)
_PROJECTS_FOR_SQL = f"""
SELECT {", ".join(f"project.{name}" for name in _SUGGESTION_COLUMNS)},
       (SELECT count(*) FROM projects_membership AS t
        WHERE t.project_id = project.id AND t.status = {_ACTIVE})
FROM (SELECT p.id, {{want_sector}} AS want_sector, {{want_role}} AS want_role,
             {{shared_tags}} AS shared_tags, {{shared_activities}} AS shared_activities,
             p.last_activity_at
      FROM projects_project AS p
      WHERE p.status IN ({_OPEN}){{visible}}
        AND (p.looking_for_sectors && %(sectors)s::varchar[]
             OR p.looking_for_roles && %(roles)s::varchar[]
             OR p.core_activities && %(activities)s::varchar[]
             OR p.tags && %(tags)s::varchar[])
        AND NOT EXISTS (SELECT 1 FROM projects_membership AS m
                        WHERE m.project_id = p.id AND m.member_id = %(member)s
                          AND m.status IN ({_CURRENT}))
      ORDER BY 2 DESC, 3 DESC, 4 DESC, 5 DESC, 6 DESC, 1 DESC
      LIMIT %(limit)s) AS best
JOIN projects_project AS project ON project.id = best.id
ORDER BY best.want_sector DESC, best.want_role DESC, best.shared_tags DESC,
         best.shared_activities DESC, best.last_activity_at DESC, best.id DESC
"""  # noqa: S608 -- column names and statuses from the models, ranks from _shared_count_sql


def _shared_count_sql(column: str, name: str, values: list[str]) -> tuple[str, dict]:
    """How many of ``values`` the array ``column`` holds (members.matching's
    ``shared_count_sql``, as ``SharedCount`` compiles it), with named parameters.
    """
    names = [f"{name}{n}" for n in range(len(values))]
    return shared_count_sql(column, [f"%({n})s" for n in names]), dict(
        zip(names, values, strict=True)
    )


def _visible_sql(user: User) -> tuple[str, dict]:
    """``Project.objects.visible_to(user)`` as a condition on ``p`` for the statement above:
    nothing when every visibility passes (as the QuerySet adds none).
    """
    visibilities = Project.visibilities_for(user)
    if visibilities == frozenset(Project.Visibility.values):
        return "", {}
    return " AND p.visibility = ANY(%(visibilities)s)", {"visibilities": sorted(visibilities)}


def projects_for(user: User, *, limit: int = 4) -> list[Suggestion]:
    """Open projects that want someone like ``user``, or share their activities or tags.

    Ranked in one query: wanted sector, wanted role, shared tags, shared
    activities, then the most recently active. Projects the member is on, has
    asked to join or is invited to are left out, and so are full ones
    (``Project.is_full``, counted only for the few best, then dropped here).
    The matching is members.matching's (``shared_count_sql``), visibility
    ``Project.visibilities_for``'s (members see every project: no condition).
    A plain statement: building it with the ORM (overlaps, four rank
    expressions, two subqueries) cost more than running it.
    """
    profile = _profile_of(user)
    if profile is None or not profile.is_onboarded:
        return []
    sectors, roles = list(profile.sectors), list(profile.roles)
    activities, tags = list(profile.core_activities), list(profile.expertise)
    params = {
        "sectors": sectors,
        "roles": roles,
        "activities": activities,
        "tags": tags,
        "member": user.pk,
        # A few more than asked: full teams among the best are dropped below.
        "limit": 3 * limit,
    }
    ranks = {}
    for rank, column, values in (
        ("want_sector", "p.looking_for_sectors", sectors),
        ("want_role", "p.looking_for_roles", roles),
        ("shared_tags", "p.tags", tags),
        ("shared_activities", "p.core_activities", activities),
    ):
        ranks[rank], more = _shared_count_sql(column, rank, values)
        params.update(more)
    visible, more = _visible_sql(user)
    params.update(more)
    with connection.cursor() as cursor:
        cursor.execute(_PROJECTS_FOR_SQL.format(visible=visible, **ranks), params)
        rows = cursor.fetchall()
    found = [
        project
        for *columns, team_size in rows
        if (project := Project.from_db(connection.alias, _SUGGESTION_COLUMNS, columns))
        and not project.is_full(team_size)
    ][:limit]
    return [
        Suggestion(
            title=project.title,
            url=project.get_absolute_url(),
            looking_for=looking_for_viewer(project, profile),
            shared_activities=tuple(a for a in project.core_activities if a in activities),
            shared_tags=tuple(t for t in project.tags if t in tags),
        )
        for project in found
    ]


@dataclass(frozen=True)
class ProjectPlace:
    """A member's place in a project, as Mijn LEF and profiles list it: plain values."""

    pk: int
    role: str
    status: str
    created_at: object
    title: str
    slug: str
    waiting: int = 0

    @property
    def url(self) -> str:
        return reverse("projects:detail", kwargs={"slug": self.slug})


@dataclass
class MyProjects:
    """What Mijn LEF shows of a member's projects."""

    active: list[ProjectPlace] = field(default_factory=list)
    requested: list[ProjectPlace] = field(default_factory=list)
    invited: list[ProjectPlace] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


# The member's current memberships with their project and, for leads, the requests
# waiting.
_MY_PROJECTS_SQL = f"""
SELECT m.id, m.role, m.status, m.created_at, p.title, p.slug,
       (SELECT count(*) FROM projects_membership AS r
        WHERE r.project_id = m.project_id AND r.status = {_REQUESTED})
FROM projects_membership AS m JOIN projects_project AS p ON p.id = m.project_id
WHERE m.member_id = %s AND m.status IN ({_CURRENT})
ORDER BY p.last_activity_at DESC NULLS LAST, m.id DESC
"""  # noqa: S608 -- statuses from the model


def _places_of(user: User) -> list[ProjectPlace]:
    with connection.cursor() as cursor:
        cursor.execute(_MY_PROJECTS_SQL, [user.pk])
        return [ProjectPlace(*row) for row in cursor.fetchall()]


def my_projects(user: User) -> MyProjects:
    """The member's teams (with requests waiting for them as lead), requests and invitations,
    and the projects for them (:func:`projects_for`): two queries.
    """
    mine = MyProjects(suggestions=projects_for(user, limit=4))
    for place in _places_of(user):
        if place.status == Membership.Status.ACTIVE:
            mine.active.append(place)
        elif place.status == Membership.Status.REQUESTED:
            mine.requested.append(place)
        else:
            mine.invited.append(place)
    return mine


def overview_section(user: User) -> dict:
    """The "projects" section of Mijn LEF (lef.hooks): two queries."""
    return {"mine": my_projects(user)}


def overview_next_things(context: dict) -> list[NextThing]:
    """What waits on the member in their projects, for Mijn LEF's "next up": no query.

    Invitations to answer, and, for a lead, requests to join to decide on.
    """
    mine = context["mine"]
    things = [
        NextThing(
            url=membership.url,
            title=membership.title,
            status=gettext("You are invited to join"),
            tone="action",
            icon="envelope-open",
        )
        for membership in mine.invited
    ]
    things += [
        NextThing(
            url=f"{membership.url}#requests-title",
            title=membership.title,
            status=ngettext(
                "%(counter)s request to join", "%(counter)s requests to join", membership.waiting
            )
            % {"counter": membership.waiting},
            tone="action",
            icon="person-plus",
        )
        for membership in mine.active
        if membership.role == Membership.Role.LEAD and membership.waiting
    ]
    return things


# Profiles and the home page ---------------------------------------------------------------


# The current memberships of a member (and of the viewer), with the few columns of
# their projects a profile shows; a plain statement, since every profile page runs it.
_PROFILE_PROJECTS_SQL = f"""
SELECT m.member_id, m.role, m.status, m.project_id, p.title, p.slug, p.status, p.visibility
FROM projects_membership AS m JOIN projects_project AS p ON p.id = m.project_id
WHERE m.member_id = ANY(%s) AND m.status IN ({_CURRENT})
ORDER BY p.last_activity_at DESC, m.project_id DESC
"""  # noqa: S608 -- statuses from the model


def profile_section(member: User, viewer: User) -> dict | None:
    """The "projects" section of a member's profile (lef.hooks): one query.

    The teams ``member`` is on that ``viewer`` may see (leads first); and for a
    viewer who leads open projects, the ones they could invite this member to.
    Hidden when there is nothing to show. The one query reads the current
    memberships of both people (through the index on the member), with the
    few columns of their projects it needs; the rest is sorted out here.
    """
    people = [member.pk]
    if viewer.is_authenticated and viewer.pk != member.pk and member.is_active:
        people.append(viewer.pk)
    with connection.cursor() as cursor:
        cursor.execute(_PROFILE_PROJECTS_SQL, [people])
        rows = cursor.fetchall()
    visible = Project.visibilities_for(viewer)
    active, lead = Membership.Status.ACTIVE, Membership.Role.LEAD
    theirs = [row for row in rows if row[0] == member.pk]
    teams = sorted(
        (
            ProjectPlace(
                pk=row[3], role=row[1], status=row[2], created_at=None, title=row[4], slug=row[5]
            )
            for row in theirs
            if row[2] == active and row[7] in visible
        ),
        key=lambda place: place.role != lead,
    )
    taken = {row[3] for row in theirs}
    can_invite = sorted(
        (
            ProjectPlace(
                pk=row[3], role=row[1], status=row[2], created_at=None, title=row[4], slug=row[5]
            )
            for row in rows
            if row[0] != member.pk
            and row[1] == lead
            and row[2] == active
            and row[6] in Project.OPEN_STATUSES
            and row[3] not in taken
        ),
        key=lambda place: place.title,
    )
    if not teams and not can_invite:
        return None
    return {"member": member, "teams": teams, "can_invite": can_invite}


def newest_public_projects(limit: int = 3) -> list[Project]:
    """The newest projects a visitor may see, not archived, with their team mix, for the home page.

    One query; each project has ``team_sectors`` (see :func:`sector_counts`).
    """
    return list(
        with_team(
            Project.objects.visible_to(None)
            .listed()
            .defer(*CARD_DEFERRED)
            .order_by("-created_at", "-pk")
        )[:limit]
    )
