"""The words for the history of meetups and sign-ups (lef.audit; hooks.AUDIT_LABELS)."""

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from events.models import Event
from lef.audit_words import changed_fields, mailed


def _cancelled(data: dict) -> str:
    return gettext("Meetup cancelled; %(mailed)s") % {"mailed": mailed(int(data.get("mailed", 0)))}


def _mailed(data: dict) -> str:
    count = int(data.get("reached", 0))
    return ngettext(
        "A message mailed to %(count)d person with a place",
        "A message mailed to %(count)d people with a place",
        count,
    ) % {"count": count}


AUDIT_LABELS = {
    "events.registration.signed_up": _("Signed up"),
    "events.registration.waiting": _("Signed up for the waiting list"),
    "events.registration.promoted": _("Got a place from the waiting list"),
    "events.registration.cancelled": _("Cancelled their sign-up"),
    "events.registration.cancelled_by_coordinator": _("Sign-up cancelled by a coordinator"),
    "events.registration.deleted": _("A sign-up deleted"),
    "events.registration.checked_in": _("Checked in at the door"),
    "events.registration.check_in_undone": _("Check-in undone"),
    "events.registration.walk_in": _("Let in at the door without signing up"),
    "events.registration.withdrawn": _("Sign-up ended: the account was deactivated"),
    "events.event.created": _("Meetup created"),
    "events.event.published": _("Meetup published"),
    "events.event.changed": changed_fields(Event),
    "events.event.cancelled": _cancelled,
    "events.event.copied": _("Made as a copy of another meetup"),
    "events.event.copied_to": _("Copied to a new date"),
    "events.event.mailed": _mailed,
}
