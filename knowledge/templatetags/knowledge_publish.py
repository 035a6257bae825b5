"""Template tags for a result's buttons and a project's results section (knowledge.permissions).

``{% result_permissions_for result user as perms %}`` in
``knowledge/includes/result_actions.html`` (the result page includes it), and
``{% project_results project membership as data %}`` in
``knowledge/includes/project_results.html`` (the project page includes it), so
the projects app's views never import this app.
"""

from django import template

from knowledge.models import Result
from knowledge.permissions import ResultPermissions, publish_permissions, result_permissions
from lef.coordinators import is_coordinator

register = template.Library()

RESULTS_ON_PROJECT_PAGE = 50


@register.simple_tag
def result_permissions_for(result, user) -> ResultPermissions:
    """What ``user`` may do with ``result`` (one query for a member: their membership)."""
    return result_permissions(user, result)


@register.simple_tag(takes_context=True)
def project_results(context, project, membership=None) -> dict:
    """The project page's results section for the request's user.

    ``membership``: the viewer's current membership of the project, as the
    project page has it (asked, invited or active; None). One query for the
    results; a lead or a team member adds one for the team's setting. The team
    and coordinators see hidden results too, marked.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    active = membership if membership is not None and membership.is_active else None
    on_team = active is not None
    if on_team or is_coordinator(user):
        results = Result.objects.filter(project=project)
    else:
        results = Result.objects.visible_to(user).filter(project=project)
    rows = list(
        results.only(
            "pk",
            "title",
            "slug",
            "kind",
            "summary",
            "file_type",
            "link",
            "visibility",
            "hidden_at",
            "created_at",
            "downloads",
        ).order_by("-created_at", "-pk")[: RESULTS_ON_PROJECT_PAGE + 1]
    )
    publish = publish_permissions(user, project, active) if on_team else None
    return {
        "results": rows[:RESULTS_ON_PROJECT_PAGE],
        "more": len(rows) > RESULTS_ON_PROJECT_PAGE,
        "can_add": bool(publish and publish.add),
        "manage_setting": bool(publish and publish.manage_setting),
        "team_allowed": bool(publish and publish.team_allowed),
        "on_team": on_team,
    }
