"""The words for the history of projects and their teams (lef.audit; hooks.AUDIT_LABELS)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lef.audit_words import changed_fields
from projects.models import Project


def _status_changed(data: dict) -> str:
    labels = dict(Project.Status.choices)
    return gettext("Status changed from %(from)s to %(to)s") % {
        "from": labels.get(data.get("from"), data.get("from")),
        "to": labels.get(data.get("to"), data.get("to")),
    }


AUDIT_LABELS = {
    "projects.project.started": _("Project started"),
    "projects.project.changed": changed_fields(Project, {"image": _("image")}),
    "projects.project.status_changed": _status_changed,
    "projects.project.featured": _("Featured on the list"),
    "projects.project.unfeatured": _("No longer featured"),
    "projects.project.archived": _("Project archived"),
    "projects.membership.requested": _("Asked to join"),
    "projects.membership.joined": _("Joined the team"),
    "projects.membership.approved": _("Request to join approved"),
    "projects.membership.declined": _("Request to join declined"),
    "projects.membership.withdrawn": _("Request to join withdrawn"),
    "projects.membership.closed": _("Request closed: the project no longer takes members"),
    "projects.membership.invited": _("Invited to the team"),
    "projects.membership.accepted": _("Accepted the invitation"),
    "projects.membership.declined_invitation": _("Declined the invitation"),
    "projects.membership.left": _("Left the team"),
    "projects.membership.removed": _("Taken off the team"),
    "projects.membership.made_lead": _("Made lead"),
    "projects.membership.made_member": _("Made team member (no longer lead)"),
    "projects.membership.handed_over_lead": _("Handed over the lead"),
}
