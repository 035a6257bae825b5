"""Who may do what with a project's results: one answer per viewer, used everywhere.

:func:`publish_permissions` answers for a project (may this viewer add a
result, change who may), :func:`result_permissions` for one result (open,
download, edit, delete, report, hide). Views refuse with them, templates read
their flags, and the services re-check the same rules (``can_publish``,
``can_manage``) under the project's lock.

Who sees a result is :meth:`knowledge.models.Result.is_visible_to` (the rule
the library's queryset filters by); the team of the project and coordinators
also see a hidden result, with a notice.
"""

from dataclasses import dataclass

from knowledge.models import PublishingSetting, Result
from lef.coordinators import is_coordinator
from projects.models import Membership, Project


def team_membership(user, project: Project) -> Membership | None:
    """``user``'s active membership of ``project``, or None (one query; none for visitors)."""
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.active().filter(project=project, member=user).first()


def team_may_publish(project: Project) -> bool:
    """Whether the leads let every team member add results (one query)."""
    return PublishingSetting.objects.filter(project=project, team_may_publish=True).exists()


def can_publish(membership: Membership | None, project: Project, *, team_allowed: bool) -> bool:
    """The one rule for adding a result: a lead, or a team member when the leads allow it;
    never to an archived project."""
    if membership is None or not membership.is_active or project.is_archived:
        return False
    return membership.is_lead or team_allowed


def can_manage(user, membership: Membership | None, project: Project) -> bool:
    """The one rule for editing and deleting a result: a lead of a project that is not
    archived, or a coordinator (in the back office)."""
    if membership is not None and membership.is_lead and not project.is_archived:
        return True
    return is_coordinator(user)


@dataclass(frozen=True)
class PublishPermissions:
    """What one viewer may do about a project's results."""

    add: bool = False
    # Leads: let the whole team add results, or only leads.
    manage_setting: bool = False
    team_allowed: bool = False


def publish_permissions(
    user, project: Project, membership: Membership | None = None, *, team_allowed=None
) -> PublishPermissions:
    """``membership``: the user's active membership, when already loaded; ``team_allowed``:
    the project's setting, when already read (else one query each, none for visitors)."""
    if membership is None:
        membership = team_membership(user, project)
    if membership is None:
        return PublishPermissions()
    if team_allowed is None:
        team_allowed = team_may_publish(project)
    return PublishPermissions(
        add=can_publish(membership, project, team_allowed=team_allowed),
        manage_setting=membership.is_lead and not project.is_archived,
        team_allowed=team_allowed,
    )


@dataclass(frozen=True)
class ResultPermissions:
    """What one viewer may do with one result."""

    view: bool = False
    download: bool = False
    edit: bool = False
    delete: bool = False
    report: bool = False
    # Coordinators: hide it from the library (in the back office).
    hide: bool = False
    is_team_member: bool = False


def result_permissions(user, result: Result, membership=...) -> ResultPermissions:
    """Everything ``user`` may do with ``result`` (reads ``result.project``).

    ``membership``: the user's active membership of the project (None for
    none), when already loaded; otherwise it is read (one query for members).
    """
    project = result.project
    if membership is ...:
        membership = team_membership(user, project)
    coordinator = is_coordinator(user)
    on_team = membership is not None and membership.is_active
    view = result.is_visible_to(user) or on_team or coordinator
    if not view:
        return ResultPermissions()
    manage = can_manage(user, membership, project) and (on_team or coordinator)
    authenticated = user is not None and user.is_authenticated
    return ResultPermissions(
        view=True,
        download=bool(result.file),
        edit=manage,
        delete=manage,
        report=authenticated and not on_team and not result.is_hidden,
        hide=coordinator,
        is_team_member=on_team,
    )
