"""The words for the history of results (lef.audit; hooks.AUDIT_LABELS)."""

from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    "knowledge.result.published": _("Result published"),
    "knowledge.result.changed": _("Result changed"),
    "knowledge.result.deleted": _("Result deleted"),
    "knowledge.result.hidden": _("Result hidden from the library"),
    "knowledge.result.unhidden": _("Result shown in the library again"),
    "knowledge.result.reported": _("Result reported"),
    "knowledge.reports.handled": _("Reports about the result handled"),
    "knowledge.author.agreed": _("Agreed to be named as an author"),
    "knowledge.author.declined": _("Declined to be named as an author"),
    "knowledge.author.withdrew": _("No longer named as an author"),
}
