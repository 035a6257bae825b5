"""How spaces joins Mijn LEF, the personal calendar feed, the data export and account deletion."""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from lef.overview import NextThing
from spaces import queries, timeslots
from spaces.caching import cached_data
from spaces.models import Booking, Resource

OVERVIEW_LIMIT = 3
FEED_PAST_DAYS = 60


def overview_next_things(context: dict) -> list[NextThing]:
    """The coming bookings for Mijn LEF's "next up", with check-in when it is time: no query."""
    things = []
    for line in context["upcoming"]:
        can_check_in = line.can_check_in
        things.append(
            NextThing(
                url=line.url,
                title=line.name,
                start=line.start,
                end=line.end,
                detail=line.space,
                status=gettext("Checked in") if line.checked_in else "",
                icon="laptop",
                action_url=reverse("spaces:check_in", args=[line.pk]) if can_check_in else "",
                action_label=gettext("Check in") if can_check_in else "",
            )
        )
    return things


def overview_bookings(user) -> dict:
    """Mijn LEF: the next bookings (for "next up", see above) and "book a desk tomorrow".

    Kept under the spaces generation until the clock changes what the member may
    do with one of them (spaces.caching.cached_data): one query when cached.
    """
    from spaces.permissions import is_coordinator  # noqa: PLC0415

    now = timezone.now()

    def read() -> tuple[tuple[queries.BookingLine, ...], datetime | None]:
        found = queries.upcoming_bookings(user, now=now, limit=OVERVIEW_LIMIT)
        lines = tuple(item.line for item in found)
        return lines, queries.next_change(lines, now=now)

    # What a line allows (cancel) depends on whether the member coordinates.
    key = (user.pk, OVERVIEW_LIMIT, is_coordinator(user))
    upcoming = cached_data("overview-bookings", key, read, now=now)
    tomorrow = timeslots.local_date(now) + timedelta(days=1)
    return {
        "upcoming": upcoming,
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
