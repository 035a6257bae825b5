"""The words for the history of bookings and spaces (lef.audit; hooks.AUDIT_LABELS)."""

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


def _cancelled_bookings(count: int) -> str:
    return ngettext("%(count)d booking cancelled", "%(count)d bookings cancelled", count) % {
        "count": count
    }


def _closed_day(data: dict) -> str:
    return gettext("Closed on %(date)s; %(cancelled)s") % {
        "date": data.get("date", ""),
        "cancelled": _cancelled_bookings(int(data.get("cancelled", 0))),
    }


def _hours_changed(data: dict) -> str:
    return gettext("Opening hours changed; %(cancelled)s") % {
        "cancelled": _cancelled_bookings(int(data.get("cancelled", 0)))
    }


def _series(data: dict) -> str:
    weeks = int(data.get("weeks", 0))
    return ngettext(
        "Booked, as one of a weekly series of %(count)d",
        "Booked, as one of a weekly series of %(count)d",
        weeks,
    ) % {"count": weeks}


AUDIT_LABELS = {
    "spaces.booking.booked": _("Booked"),
    "spaces.booking.booked_in_series": _series,
    "spaces.booking.cancelled": _("Booking cancelled by the member"),
    "spaces.booking.cancelled_by_coordinator": _("Booking cancelled by a coordinator"),
    "spaces.booking.checked_in": _("Checked in"),
    "spaces.booking.released": _("Released: nobody checked in within 30 minutes"),
    "spaces.booking.blocked": _("Blocked by a coordinator"),
    "spaces.booking.block_removed": _("Block removed"),
    "spaces.space.closed_day": _closed_day,
    "spaces.space.hours_changed": _hours_changed,
}
