"""Meetups as calendar entries: one meetup, the public feed, and members' personal feeds."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Registration
from lef.calendar import CalendarEntry, ics_attachment
from lef.notifications import absolute_url

# How far back the personal feed goes: recent meetups stay visible in calendar apps.
PERSONAL_FEED_DAYS_BACK = 60


def event_entry(event: Event, *, with_online_link: bool = False, cancelled: bool = False):
    """``event`` as a calendar entry (UID ``event-<pk>``, its sequence, cancelled when it is).

    The online link goes in only for those who have a place (``with_online_link``);
    ``cancelled`` marks it cancelled for one person (their registration was cancelled).
    """
    url = absolute_url(event.get_absolute_url())
    location = event.venue.full_address if event.venue_id else ""
    if event.venue_id:
        location = f"{event.venue.name}, {location}"
    if with_online_link and event.online_url:
        location = f"{location} ({event.online_url})" if location else event.online_url
    elif not location:
        location = _("Online")
    description = "\n\n".join(part for part in (event.summary, url) if part)
    return CalendarEntry(
        uid=f"event-{event.pk}",
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description=description,
        location=location,
        url=url,
        cancelled=cancelled or event.is_cancelled,
        sequence=event.sequence,
    )


def event_attachment(event: Event, *, with_online_link: bool = False, cancelled: bool = False):
    """``event`` as an .ics mail attachment."""
    return ics_attachment(
        [event_entry(event, with_online_link=with_online_link, cancelled=cancelled)],
        name=event.title,
        filename=f"{event.slug}.ics",
    )


def personal_entries(user) -> list[CalendarEntry]:
    """The member's confirmed meetups (recent and coming) for their personal feed. One query."""
    since = timezone.now() - timedelta(days=PERSONAL_FEED_DAYS_BACK)
    registrations = (
        Registration.objects.confirmed()
        .filter(member=user, event__status__in=sorted(Event.statuses_visible_to(user)))
        .filter(event__ends_at__gte=since)
        .select_related("event", "event__venue")
        .order_by("event__starts_at")
    )
    return [event_entry(r.event, with_online_link=True) for r in registrations]
