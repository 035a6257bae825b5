"""The parts of the project pages that are the same for many viewers, rendered once and cached.

* :func:`list_results`: the list's results (count, cards, pages) for one query
  string, audience and kind of viewer, keyed by the list's generation;
* :func:`project_parts`: a project page's header, description, "looking for",
  team, details and updates feed for one audience, keyed by the project's
  revision.

Both versions are raised by the database on every write that can change what
they show (projects.caching, migration 0003), so no write path can leave
these stale. What depends on the viewer (the join panel, the leads' requests
and forms, anything with a CSRF token) is never in them.

Who is shown by name follows the members' own choice: a visitor sees the name
and photo of team members and authors whose profile is public, and "a member
of 't LEF" for the others; members see everyone.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from members.models import Profile
from projects.caching import (
    LIST_TIMEOUT,
    NOT_READ,
    cached,
    digest,
    list_generation,
    markdown_many,
)
from projects.cards import project_cards
from projects.forms import ProjectFilterForm
from projects.models import Membership, Project, ProjectUpdate
from projects.queries import (
    browse_projects,
    ordered_mix,
    sector_counts,
    team_on_page,
    updates_for,
    with_team,
)

PROJECTS_PER_PAGE = 12
TEAM_ON_PAGE = 12
UPDATES_ON_PAGE = 5
PARTS = "projects/includes/project_parts.html"
UPDATE_BODY = "projects/includes/update_body.html"


def audience(user) -> str:
    """What a viewer may see of people and projects depends only on being signed in."""
    return "members" if user is not None and user.is_authenticated else "public"


def viewer_key(profile: Profile | None) -> str:
    """What of the viewer a list page depends on: their sectors and roles ("looking for")."""
    if profile is None or not profile.is_onboarded:
        return ""
    return digest([profile.sectors, sorted(profile.roles)])


def _shown(user, seen_by: str) -> bool:
    profile = getattr(user, "profile", None)
    return bool(
        user is not None
        and user.is_active
        and (seen_by == "members" or (profile and profile.visibility == Profile.Visibility.PUBLIC))
    )


def show_people(memberships: list[Membership], seen_by: str) -> list[Membership]:
    """Set ``shown`` on each membership: may this audience see who it is?"""
    for membership in memberships:
        membership.shown = _shown(membership.member, seen_by)
    return memberships


def prepare_updates(
    updates: list[ProjectUpdate], seen_by: str, *, rendered: dict[int, str] | None = None
) -> list[ProjectUpdate]:
    """Set ``text_html`` and ``author_shown`` on each update.

    The Markdown comes from ``rendered`` (update id to HTML) where it is there,
    else from the Markdown cache (one query).
    """
    rendered = rendered or {}
    html = markdown_many(update.text for update in updates if update.pk not in rendered)
    for update in updates:
        if update.pk in rendered:
            # Rendered by lef.markdown (nh3-sanitised) just before.
            update.text_html = mark_safe(rendered[update.pk])  # noqa: S308
        else:
            update.text_html = html.get(update.text, "")
        update.author_shown = _shown(update.author, seen_by)
    return updates


def feed_with_bodies(parts: dict) -> list[dict]:
    """The page's latest shown updates as ``{"pk", "body"}``, from its cached parts (no query).

    For a lead's feed, which adds a hide button to each; hidden updates are on
    the updates page, with a button to show them again.
    """
    # Rendered by the template engine, with autoescaping, before it was cached.
    return [
        {"pk": pk, "body": mark_safe(body)}  # noqa: S308
        for pk, body in parts["update_bodies"].items()
    ]


# The list ---------------------------------------------------------------------------------


def list_results(request, *, partial: bool) -> dict[str, SafeString]:
    """The list's filter form and results for this request, as HTML.

    ``{"filters": ..., "results": ...}`` (the form, and the count, cards and page links; an
    htmx request gets only the results). Cached under the list's generation
    (read first: one query), the audience, the viewer's sectors and roles,
    today for "starting soon", and the whole query string. On a miss: the
    count, the page (with each project's team sectors) and the cards (one
    cache query; only changed ones are rendered).
    """
    user = request.user
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    parts = [
        list_generation(),
        audience(user),
        viewer_key(profile),
        # The key holds the whole query string, so the form is only read on a miss.
        timezone.localdate() if request.GET.get("sort") == "starting" else "",
        digest([sorted(request.GET.lists()), partial]),
    ]

    def compute() -> dict[str, str]:
        form = ProjectFilterForm(data=request.GET)
        filters, filter_params = form.filters(), form.active_params()
        projects = with_team(browse_projects(viewer=user, **filters))
        page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "form": form,
            "can_filter_mine": bool(profile and profile.is_onboarded),
            "page_obj": page,
            "cards": project_cards(list(page.object_list), profile=profile),
            "filter_params": filter_params,
            "partial": partial,
        }
        names = ("results",) if partial else ("filters", "results")
        template = "projects/project_list.html"
        return {
            name: str(render_to_string(f"{template}#{name}", context, request)) for name in names
        }

    html = cached("list", parts, compute, timeout=LIST_TIMEOUT)
    # Rendered by the template engine, with autoescaping (now or before it was cached).
    return {name: mark_safe(value) for name, value in html.items()}  # noqa: S308


# A project's page -------------------------------------------------------------------------


def project_parts(project: Project, seen_by: str) -> dict:
    """The viewer-independent parts of ``project``'s page for the audience ``seen_by``.

    ``{"header", "about", "looking", "team", "details", "feed"}`` as HTML, and
    ``team_size``, ``cross_sector``, ``has_updates``, ``more_updates``. No
    query when they were read with the project (``project.cached_parts``, see
    projects.queries.project_for_viewer), else one cache query; on a miss the
    first 12 on the team (with the team's mix), the latest shown updates and
    their Markdown (three more queries, and one to store new Markdown).
    """

    def compute() -> dict:
        # The first of the team, with every team member's sector in the same
        # query (an uncorrelated subquery: PostgreSQL computes it once).
        everyone = (
            Membership.objects.active()
            .filter(project_id=project.pk)
            .order_by()
            .values("member__profile__primary_sector")
        )
        team = list(
            team_on_page(project).annotate(team_sectors=ArraySubquery(everyone))[:TEAM_ON_PAGE]
        )
        show_people(team, seen_by)
        counts = sector_counts(team[0].team_sectors) if team else {}
        size = len(team[0].team_sectors) if team else 0
        mix = counts
        updates = list(updates_for(project, include_hidden=False)[: UPDATES_ON_PAGE + 1])
        # Markdown from its own cache, keyed by the text: a change to the team
        # or to someone's name leaves the texts as they were (one query).
        html = markdown_many(
            [project.description, *(u.text for u in updates)], store_later=new_markdown
        )
        prepare_updates(updates, seen_by, rendered={u.pk: html[u.text] for u in updates})
        for update in updates:
            update.body = render_to_string(UPDATE_BODY, {"update": update})
        context = {
            "project": project,
            "team": team,
            "team_size": size,
            "team_mix": ordered_mix(mix),
            "cross_sector": len(mix) >= 2,
            "description_html": html.get(project.description, ""),
            "updates": updates[:UPDATES_ON_PAGE],
            "more_updates": len(updates) > UPDATES_ON_PAGE,
        }
        parts = {
            name: str(render_to_string(f"{PARTS}#{name}", context))
            for name in ("header", "about", "looking", "team", "details", "feed")
        }
        return parts | {
            "team_size": context["team_size"],
            "cross_sector": context["cross_sector"],
            "has_description": bool(project.description),
            "has_updates": bool(updates),
            "more_updates": context["more_updates"],
            # For the leads' live feed (with its hide buttons): the same HTML.
            "update_bodies": {update.pk: str(update.body) for update in updates[:UPDATES_ON_PAGE]},
        }

    new_markdown: dict[str, str] = {}  # stored with the parts, in the same statement
    parts = cached(
        "page",
        [project.pk, project.revision, seen_by],
        compute,
        also_store=new_markdown,
        found=getattr(project, "cached_parts", NOT_READ),
    )
    # Rendered by the template engine, with autoescaping (now or before it was cached).
    return {
        key: mark_safe(value) if isinstance(value, str) else value  # noqa: S308
        for key, value in parts.items()
    }
