"""Calendar files (.ics): one meetup, a list of meetups, and each member's personal feed.

Every file writes every moment in Europe/Amsterdam with its VTIMEZONE (so
calendars show the right hour on both sides of a daylight-saving change), gives
every entry a stable UID (so an updated or cancelled meetup replaces the one
already in someone's calendar instead of adding a second) and marks cancelled
entries ``STATUS:CANCELLED``. Two kinds:

* feeds and downloads (:func:`calendar_bytes`, :func:`ics_response`): a
  calendar to subscribe to or import, ``METHOD:PUBLISH``;
* the file attached to a mail about a member's own appointment (a sign-up, a
  booking, their change or cancellation): an iTIP message (RFC 5546) to that
  member, :func:`invitation_attachment`. ``METHOD:REQUEST`` with the platform
  as ORGANIZER and the member as ATTENDEE who has accepted (nothing to answer),
  then ``METHOD:CANCEL`` when it is cancelled; with the same UID and a higher
  SEQUENCE each time, Outlook, Gmail and Apple Calendar update or remove the
  entry they added from the first mail by themselves. The MIME type says the
  method too (``text/calendar; method=REQUEST``), which Outlook needs.

The personal feed (``/calendar/<token>.ics``) holds what a member goes to: each
app adds its rows through the ``calendar_entries(user)`` hook (lef.hooks), which
returns :class:`CalendarEntry` objects for one member, in a fixed
number of queries. The feed's address holds a secret token (``CalendarFeed``)
that the member can reset, which makes the old address stop working.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from lef import hooks

LOCAL = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class CalendarEntry:
    """One appointment in a calendar file."""

    uid: str  # stable and unique, e.g. "event-12" (the site's host is appended)
    start: datetime  # aware
    end: datetime  # aware
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    sequence: int = 0  # raise it when the entry changes (time, place, cancellation)


@dataclass(frozen=True)
class Attendee:
    """The member an invitation is for: their address, and their name as calendars show it."""

    email: str
    name: str = ""


# What a calendar shows as the organiser of an invitation (the address is a setting).
ORGANIZER_NAME = "'t LEF"


def _host() -> str:
    return urlsplit(settings.LEF_SITE_URL).hostname or "lef.localhost"


def _calendar(*, method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//'t Leids Education Fieldlab//lef//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    return calendar


def _vevent(entry: CalendarEntry, *, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{entry.uid}@{_host()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.start.astimezone(LOCAL))
    event.add("dtend", entry.end.astimezone(LOCAL))
    event.add("summary", entry.summary)
    if entry.description:
        event.add("description", entry.description)
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("sequence", entry.sequence)
    return event


def calendar_bytes(entries: Iterable[CalendarEntry], *, name: str) -> bytes:
    """An iCalendar file (RFC 5545) with ``entries``, times in Europe/Amsterdam.

    For feeds and downloads: ``METHOD:PUBLISH``, no organiser or attendees.
    """
    calendar = _calendar(method="PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for entry in entries:
        calendar.add_component(_vevent(entry, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _address(email: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    for key, value in params.items():
        if value:
            address.params[key] = value
    return address


def invitation_method(entry: CalendarEntry) -> str:
    """The iTIP method of ``entry``'s invitation: CANCEL once cancelled, else REQUEST."""
    return "CANCEL" if entry.cancelled else "REQUEST"


def invitation_bytes(entry: CalendarEntry, *, attendee: Attendee) -> bytes:
    """``entry`` as an iTIP message (RFC 5546) to ``attendee``, who has accepted it.

    ``METHOD:REQUEST`` (or ``CANCEL``, with ``STATUS:CANCELLED``, for a
    cancelled entry), with the fields Outlook needs to act on it: DTSTAMP,
    ORGANIZER (the contact address, as "'t LEF"), ATTENDEE (``PARTSTAT=ACCEPTED``,
    ``RSVP=FALSE``: nothing to answer), UID and SEQUENCE. One entry per message:
    iTIP updates one UID at a time.
    """
    calendar = _calendar(method=invitation_method(entry))
    event = _vevent(entry, stamp=timezone.now())
    event.add("organizer", _address(settings.LEF_CONTACT_EMAIL, CN=ORGANIZER_NAME))
    event.add(
        "attendee",
        _address(
            attendee.email,
            CN=attendee.name,
            CUTYPE="INDIVIDUAL",
            ROLE="REQ-PARTICIPANT",
            PARTSTAT="ACCEPTED",
            RSVP="FALSE",
        ),
    )
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_response(
    entries: Iterable[CalendarEntry], *, name: str, filename: str, private: bool = False
) -> HttpResponse:
    """``entries`` as a downloadable .ics file. ``private`` for a member's own feed."""
    response = HttpResponse(
        calendar_bytes(entries, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


def ics_attachment(entries: Iterable[CalendarEntry], *, name: str, filename: str):
    """``entries`` as a plain calendar file attached to a mail (file name, text, MIME type).

    Not for a mail about the recipient's own appointment: that carries
    :func:`invitation_attachment`, which their calendar acts on.
    """
    return (filename, calendar_bytes(entries, name=name).decode(), "text/calendar")


def invitation_attachment(entry: CalendarEntry, *, attendee: Attendee, filename: str):
    """``entry`` as an iTIP message to ``attendee``, attached to a mail (for lef.mail).

    The MIME type carries the method (``text/calendar; method=REQUEST`` or
    ``CANCEL``), as RFC 6047 asks and Outlook needs to offer the update.
    """
    text = invitation_bytes(entry, attendee=attendee).decode()
    return (filename, text, f"text/calendar; method={invitation_method(entry)}")


# The personal feed ------------------------------------------------------------------


def personal_entries(user) -> list[CalendarEntry]:
    """Every app's entries for ``user`` (their ``calendar_entries`` hook), by start."""
    entries = [
        entry
        for _label, source in hooks.implementations("calendar_entries")
        for entry in source(user)
    ]
    return sorted(entries, key=lambda entry: (entry.start, entry.uid))


AGENDA_LIMIT = 60


@dataclass(frozen=True)
class AgendaLine:
    """One entry of the member's agenda page, with a link that stays on this site."""

    entry: CalendarEntry

    @property
    def path(self) -> str:
        parts = urlsplit(self.entry.url)
        return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else ""


def agenda_days(user) -> list[tuple[date, list[AgendaLine]]]:
    """What the member's feed holds from now on, by day (in Amsterdam): AGENDA_LIMIT at most.

    The same sources as the feed, so the page and the calendar app never disagree.
    """
    now = timezone.now()
    days: dict[date, list[AgendaLine]] = {}
    coming = [entry for entry in personal_entries(user) if entry.end > now][:AGENDA_LIMIT]
    for entry in coming:
        days.setdefault(entry.start.astimezone(LOCAL).date(), []).append(AgendaLine(entry))
    return list(days.items())


def new_token() -> str:
    return secrets.token_urlsafe(24)


def calendar_feed_for(user):
    """The member's feed (with its token), made on first use."""
    from lef.models import CalendarFeed  # noqa: PLC0415 -- models import this module

    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=new_token())
    except IntegrityError:  # made by a concurrent request meanwhile
        return CalendarFeed.objects.get(user=user)


def reset_calendar_feed(user):
    """Give the member's feed a new token; the old address stops working at once."""
    from lef.models import CalendarFeed  # noqa: PLC0415

    feed = calendar_feed_for(user)
    CalendarFeed.objects.filter(pk=feed.pk).update(token=new_token(), reset_at=timezone.now())
    feed.refresh_from_db()
    return feed
