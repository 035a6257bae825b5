"""The words for the history of organisations (lef.audit; hooks.AUDIT_LABELS)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def _merged(data: dict) -> str:
    count = int(data.get("members", 0))
    return ngettext(
        "Merged into another organisation; %(count)d member moved",
        "Merged into another organisation; %(count)d members moved",
        count,
    ) % {"count": count}


def _merged_in(data: dict) -> str:
    count = int(data.get("members", 0))
    return ngettext(
        "A duplicate merged into this one; %(count)d member moved",
        "A duplicate merged into this one; %(count)d members moved",
        count,
    ) % {"count": count}


AUDIT_LABELS = {
    "members.organisation.proposed": _("Proposed by a member"),
    "members.organisation.approved": _("Approved"),
    "members.organisation.declined": _("Declined"),
    "members.organisation.merged": _merged,
    "members.organisation.merged_in": _merged_in,
    "members.organisation.member_joined": _("A member chose this organisation"),
    "members.organisation.member_left": _("A member left this organisation"),
}
