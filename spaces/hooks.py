"""How spaces joins Mijn LEF, the personal calendar feed, the data export and account deletion.

The names are lef.hooks's.
"""

from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from lef.hooks import NextThing, TodayLine, TodayList
from lef.templatetags.lef_tags import EN_DASH, short_day
from spaces import queries, services, timeslots
from spaces.audit_labels import AUDIT_LABELS  # noqa: F401 -- a hook: the history's words
from spaces.models import Booking, Resource
from spaces.permissions import CHECK_IN_WINDOW

ORDER = 30
OVERVIEW_TEMPLATE = "spaces/includes/overview_bookings.html"

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
                action_url=line.check_in_url if can_check_in else "",
                action_label=gettext("Check in") if can_check_in else "",
            )
        )
    return things


# "Book a desk": the first open day from tomorrow on, within this many days.
QUICK_BOOK_DAYS = 14
WORKING_DAY = (time(9), time(17))


def quick_desk_day(days: dict) -> tuple | None:
    """(day, from, until) for "book a desk": the first of ``days`` (see queries.days_open).

    The times are that day's opening clipped to 09:00-17:00 (the open window
    that overlaps it most); None when ``days`` is empty.
    """
    if not days:
        return None
    day = min(days)
    office_start, office_end = (timeslots.at(day, moment) for moment in WORKING_DAY)

    def clipped(window):
        return max(window.start, office_start), min(window.end, office_end)

    def overlap(window):
        start, end = clipped(window)
        return end - start

    best = max(days[day], key=overlap)
    start, end = clipped(best)
    if end <= start:  # open only outside office hours: offer that opening
        start, end = best.start, best.end
    until = timeslots.local(end).time()
    return day, timeslots.local(start).time(), until


def overview(user) -> dict:
    """Mijn LEF: the next bookings (for "next up", see above) and "book a desk" (next open day).

    One query (queries.my_lef_bookings).
    """
    now = timezone.now()
    today = timeslots.local_date(now)
    found = queries.my_lef_bookings(
        user,
        now=now,
        limit=OVERVIEW_LIMIT,
        first=today + timedelta(days=1),
        last=today + timedelta(days=QUICK_BOOK_DAYS),
    )
    context = {"upcoming": found.upcoming, "desk_query": "", "desk_label": ""}
    quick = quick_desk_day(found.desk_days)
    if quick is not None:
        day, start, end = quick
        context["desk_query"] = urlencode(
            {
                "day": day.isoformat(),
                "start_time": start.strftime("%H:%M"),
                "end_time": end.strftime("%H:%M"),
                "seats": 1,
                "kind": Resource.Kind.DESK,
            }
        )
        context["desk_label"] = (
            gettext("Book a desk for tomorrow")
            if day == today + timedelta(days=1)
            else gettext("Book a desk for %(day)s") % {"day": short_day(day)}
        )
    return context


def calendar_entries(user):
    """The personal feed: bookings from 60 days back on; cancelled ones marked so (one query)."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    bookings = (
        Booking.objects.bookings()
        .filter(booker=user, end__gte=since)
        .select_related("resource__space")
        .order_by("start", "pk")
    )
    return [services.calendar_entry(booking) for booking in bookings]


def export(user) -> dict:
    """The member's own bookings for the data export (no other members' data)."""
    bookings = (
        Booking.objects.bookings()
        .filter(booker=user)
        .select_related("resource__space", "organisation")
        .order_by("start", "pk")
    )
    return {
        "bookings": [
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
    }


def deactivate(user) -> list[str]:
    """Cancel the member's coming bookings, so the seats are free for others."""
    cancelled = len(services.cancel_future_bookings(user))
    if not cancelled:
        return []
    return [
        ngettext("%(count)d booking cancelled.", "%(count)d bookings cancelled.", cancelled)
        % {"count": cancelled}
    ]


def delete_account(user) -> None:
    services.anonymise_bookings(user)


# The coordinators' today, on the admin index ---------------------------------------

TODAY_LIMIT = 8  # lines; the rest are a link away


def coordinator_today(now) -> list[TodayList]:
    """Today's bookings that the no-show release will free, and when. One query."""
    found = queries.no_shows_of_today(now, limit=TODAY_LIMIT + 1)
    lines = tuple(_no_show_line(booking, now) for booking in found[:TODAY_LIMIT])
    more = len(found) > TODAY_LIMIT
    query = urlencode({"when": "today", "status__exact": Booking.Status.CONFIRMED})
    return [
        TodayList(
            heading=gettext("Not checked in today"),
            lines=lines,
            empty=gettext("No booking of today is waiting for its check-in."),
            more_url=f"{reverse('admin:spaces_booking_changelist')}?{query}" if more else "",
            more_label=gettext("All bookings of today") if more else "",
        )
    ]


def _no_show_line(booking: Booking, now) -> TodayLine:
    """A booking not checked in: freed CHECK_IN_WINDOW after its start (release_no_shows)."""
    start, end = timeslots.local(booking.start), timeslots.local(booking.end)
    release = booking.start + CHECK_IN_WINDOW
    if release > now:
        badge = gettext("Freed at %(time)s unless checked in") % {
            "time": f"{timeslots.local(release):%H:%M}"
        }
    else:
        badge = gettext("Due to be freed")
    return TodayLine(
        title=booking.resource.name,
        url=reverse("admin:spaces_booking_change", args=[booking.pk]),
        detail=f"{start:%H:%M}{EN_DASH}{end:%H:%M}, {booking.resource.space.name}, "
        f"{booking.booker}",
        badge=badge,
        tone="waiting" if release > now else "action",
    )
