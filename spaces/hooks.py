"""How spaces joins Mijn LEF, the personal calendar feed, the data export and account deletion."""

import dataclasses
from datetime import time, timedelta

from django.utils import timezone
from django.utils.http import urlencode

from spaces import queries, timeslots
from spaces.models import Booking, Resource

OVERVIEW_LIMIT = 3
FEED_PAST_DAYS = 60


def overview_bookings(user) -> dict:
    """Mijn LEF: the next bookings (check-in when it is time) and "book a desk tomorrow"."""
    tomorrow = timeslots.today() + timedelta(days=1)
    upcoming = queries.upcoming_bookings(user, limit=OVERVIEW_LIMIT)
    return {
        "upcoming": upcoming,
        # Cancelling is for the bookings page, where all of them are.
        "lines": [dataclasses.replace(item.line, can_cancel=False) for item in upcoming],
        "tomorrow_query": urlencode(
            {
                "day": tomorrow.isoformat(),
                "start_time": time(9).strftime("%H:%M"),
                "end_time": time(17).strftime("%H:%M"),
                "seats": 1,
                "kind": Resource.Kind.DESK,
            }
        ),
    }


def calendar_entries(user):
    """The personal feed: bookings from 60 days back on; cancelled ones marked so (one query)."""
    from spaces.services import calendar_entry  # noqa: PLC0415 -- services import this app's models

    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    bookings = (
        Booking.objects.bookings()
        .filter(booker=user, end__gte=since)
        .select_related("resource__space")
        .order_by("start", "pk")
    )
    return [calendar_entry(booking) for booking in bookings]


def export_bookings(user) -> list[dict]:
    """The member's own bookings for the data export (no other members' data)."""
    bookings = (
        Booking.objects.bookings()
        .filter(booker=user)
        .select_related("resource__space", "organisation")
        .order_by("start", "pk")
    )
    return [
        {
            "resource": booking.resource.name,
            "space": booking.resource.space.name,
            "start": booking.start,
            "end": booking.end,
            "people": booking.people,
            "purpose": booking.purpose,
            "on_behalf_of": booking.organisation.name if booking.organisation else None,
            "status": booking.status,
            "checked_in_at": booking.checked_in_at,
            "created_at": booking.created_at,
            "cancelled_at": booking.cancelled_at,
            "cancel_message": booking.cancel_message,
        }
        for booking in bookings
    ]
