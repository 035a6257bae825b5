"""Meetups as calendar entries: one meetup, the public feed, and members' personal feeds."""

from dataclasses import replace
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Registration
from lef.calendar import Attendee, CalendarEntry, invitation_attachment
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


def invitation_sequence(registration: Registration, *, cancelled: bool) -> int:
    """The SEQUENCE of the invitation about ``registration``, rising with every change.

    The meetup's own sequence (raised when time, place or status change) plus
    two for each earlier sign-up of the same member for it, plus one for their
    own cancellation: so a member who cancels (CANCEL) and signs up again
    (REQUEST) gets a higher number each time, as calendars need to take the
    newer message over the one they hold. The earlier sign-ups are those with
    a lower id: the number never changes once the sign-up is made. One query.
    """
    earlier = Registration.objects.filter(
        event_id=registration.event_id,
        member_id=registration.member_id,
        pk__lt=registration.pk,
    ).count()
    own_cancellation = cancelled and not registration.event.is_cancelled
    return registration.event.sequence + 2 * earlier + own_cancellation


def event_invitation(registration: Registration, *, cancelled: bool = False):
    """The member's meetup as an iTIP message for their mail (lef.calendar): a place, or gone.

    ``METHOD:REQUEST`` with the online link for someone with a place;
    ``METHOD:CANCEL`` when the meetup is cancelled or ``cancelled`` (their
    sign-up was). Same UID as the feeds, ``event-<pk>``.
    """
    event = registration.event
    cancelled = cancelled or event.is_cancelled
    entry = replace(
        event_entry(event, with_online_link=not cancelled, cancelled=cancelled),
        sequence=invitation_sequence(registration, cancelled=cancelled),
    )
    member = registration.member
    return invitation_attachment(
        entry,
        attendee=Attendee(email=member.email, name=str(member)),
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
