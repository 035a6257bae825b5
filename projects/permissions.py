"""Who may do what with a project: one function, used by views, templates, services and admin.

``project_permissions(user, project, membership)`` answers every question
about one viewer and one project at once; templates read its flags
(``perms.edit``, ``perms.manage_team``), views refuse with them, and services
re-check the same flags after taking their lock.
"""

from dataclasses import dataclass

from lef.coordinators import is_coordinator
from projects.models import Membership, Project


def _is_onboarded(user) -> bool:
    profile = getattr(user, "profile", None)
    return bool(profile is not None and profile.is_onboarded)


@dataclass(frozen=True)
class ProjectPermissions:
    """What one viewer may do with one project."""

    view: bool = False
    # Lead: edit the project, manage the team, hide updates.
    edit: bool = False
    manage_team: bool = False
    hide_updates: bool = False
    # Team member (leads included): post updates, leave.
    post_update: bool = False
    leave: bool = False
    # An onboarded member who is not on the team: ask to join.
    join: bool = False
    # Coordinators: feature and archive any project.
    moderate: bool = False
    is_lead: bool = False
    is_team_member: bool = False
    membership: Membership | None = None

    @property
    def has_pending_request(self) -> bool:
        return self.membership is not None and self.membership.status == "requested"

    @property
    def has_invitation(self) -> bool:
        return self.membership is not None and self.membership.status == "invited"


def project_permissions(
    user, project: Project, membership: Membership | None = None
) -> ProjectPermissions:
    """Everything ``user`` may do with ``project``.

    ``membership`` is the user's current (asked, invited or active) membership
    of the project, or None; pass it when it is already loaded (see
    :func:`projects.queries.current_membership`), so this runs no query. The
    coordinator check asks once per request for staff (kept on ``user``).
    ``view`` is ``Project.is_visible_to``: the rule ``Project.objects.visible_to``
    filters lists by.
    """
    if not project.is_visible_to(user):
        return ProjectPermissions()
    authenticated = user is not None and user.is_authenticated
    if membership is not None and (
        membership.member_id != user.pk or membership.project_id != project.pk
    ):
        raise ValueError("membership of another member or project")
    active = membership is not None and membership.is_active
    lead = membership is not None and membership.is_lead
    archived = project.is_archived
    coordinator = is_coordinator(user)
    return ProjectPermissions(
        view=True,
        edit=lead and not archived,
        manage_team=lead and not archived,
        hide_updates=lead or coordinator,
        post_update=active and not archived,
        leave=active,
        join=authenticated and membership is None and project.is_open,
        moderate=coordinator,
        is_lead=lead,
        is_team_member=active,
        membership=membership,
    )


def can_edit_project(user, project: Project, membership: Membership | None = None) -> bool:
    return project_permissions(user, project, membership).edit
