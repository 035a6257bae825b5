"""The .ics in meetup mails is an iTIP message (RFC 5546) that updates the member's calendar.

Confirmation, promotion, change and reminder: ``METHOD:REQUEST``; a cancelled
sign-up or meetup: ``METHOD:CANCEL`` with ``STATUS:CANCELLED``. Always the same
UID, the platform as ORGANIZER, the member as an ATTENDEE who accepted, and a
SEQUENCE that rises with every change. The feeds stay plain calendars.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from icalendar import Calendar

from events.services import (
    cancel_event,
    cancel_own_registration,
    cancel_registration,
    register_for_event,
    save_event,
    send_due_reminders,
)
from lef.choices import Sector
from tests.events.factories import EventFactory
from tests.events.helpers import clear_mail, ics_attachment_of, ics_of, mails_to, vevents
from tests.factories import MemberFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


def member(**kwargs):
    return MemberFactory(profile__primary_sector=Sector.PO, **kwargs)


def invitation(message) -> tuple[str, dict]:
    """(METHOD, the one VEVENT's iTIP fields as text) of a mail's .ics attachment."""
    calendar = ics_of(message)
    [entry] = vevents(calendar)
    organizer, attendee = entry["organizer"], entry["attendee"]
    return str(calendar["method"]), {
        "uid": str(entry["uid"]),
        "sequence": int(entry["sequence"]),
        "status": str(entry["status"]),
        "organizer": str(organizer),
        "organizer_cn": organizer.params["CN"],
        "attendee": str(attendee),
        "attendee_cn": attendee.params["CN"],
        "partstat": attendee.params["PARTSTAT"],
        "rsvp": attendee.params["RSVP"],
        "has_dtstamp": "dtstamp" in entry,
    }


def mime_part(message) -> tuple[str, dict]:
    """The content type and its parameters of the .ics part, as the mail is sent."""
    [part] = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return part.get_content_type(), dict(part.get_params()[1:])


def test_a_confirmation_is_a_request_from_lef_to_the_member_who_accepted():
    event = EventFactory()
    sanne = member(name="Sanne de Vries", email="sanne@school.nl")

    register_for_event(event=event, member=sanne)

    [message] = mails_to(sanne)
    method, fields = invitation(message)
    assert method == "REQUEST"
    assert fields == {
        "uid": f"event-{event.pk}@127.0.0.1",
        "sequence": 0,
        "status": "CONFIRMED",
        "organizer": f"mailto:{settings.LEF_CONTACT_EMAIL}",
        "organizer_cn": "'t LEF",
        "attendee": "mailto:sanne@school.nl",
        "attendee_cn": "Sanne de Vries",
        "partstat": "ACCEPTED",
        "rsvp": "FALSE",
        "has_dtstamp": True,
    }
    filename, _text, mimetype = ics_attachment_of(message)
    assert (filename, mimetype) == (f"{event.slug}.ics", "text/calendar; method=REQUEST")
    assert mime_part(message) == ("text/calendar", {"method": "REQUEST", "charset": "utf-8"})


def test_the_member_cancelling_gets_a_cancel_with_a_higher_sequence_and_the_same_uid():
    event = EventFactory()
    sanne = member()
    register_for_event(event=event, member=sanne)
    _method, confirmed = invitation(mails_to(sanne)[0])
    clear_mail()

    cancel_own_registration(event=event, member=sanne)

    [message] = mails_to(sanne)
    method, fields = invitation(message)
    assert method == "CANCEL"
    assert (fields["uid"], fields["status"]) == (confirmed["uid"], "CANCELLED")
    assert (confirmed["sequence"], fields["sequence"]) == (0, 1)
    assert (fields["organizer"], fields["attendee"]) == (
        confirmed["organizer"],
        confirmed["attendee"],
    )
    assert ics_attachment_of(message)[2] == "text/calendar; method=CANCEL"
    assert mime_part(message) == ("text/calendar", {"method": "CANCEL", "charset": "utf-8"})


def test_signing_up_again_after_cancelling_is_a_request_newer_than_the_cancel():
    event = EventFactory()
    sanne = member()
    register_for_event(event=event, member=sanne)
    cancel_own_registration(event=event, member=sanne)
    cancel_method, cancelled = invitation(mails_to(sanne)[-1])
    clear_mail()

    register_for_event(event=event, member=sanne)
    method, again = invitation(mails_to(sanne)[0])
    cancel_own_registration(event=event, member=sanne)
    last_method, last = invitation(mails_to(sanne)[-1])

    assert [cancel_method, method, last_method] == ["CANCEL", "REQUEST", "CANCEL"]
    assert [cancelled["sequence"], again["sequence"], last["sequence"]] == [1, 2, 3]
    assert cancelled["uid"] == again["uid"] == last["uid"]


def test_a_coordinator_cancelling_a_sign_up_sends_a_cancel():
    event = EventFactory()
    registration = register_for_event(event=event, member=member())
    clear_mail()

    cancel_registration(registration=registration, by=CoordinatorFactory())

    method, fields = invitation(mails_to(registration.member)[0])
    assert (method, fields["status"], fields["sequence"]) == ("CANCEL", "CANCELLED", 1)


def test_leaving_the_waiting_list_sends_no_calendar_file():
    event = EventFactory(capacity=1)
    register_for_event(event=event, member=member())
    waiting = member()
    register_for_event(event=event, member=waiting)
    clear_mail()

    cancel_own_registration(event=event, member=waiting)

    [message] = mails_to(waiting)
    assert message.attachments == []


def test_the_one_moving_up_from_the_waiting_list_gets_a_request():
    event = EventFactory(capacity=1)
    first = member()
    register_for_event(event=event, member=first)
    waiting = member()
    register_for_event(event=event, member=waiting)
    clear_mail()

    cancel_own_registration(event=event, member=first)

    [message] = mails_to(waiting)
    method, fields = invitation(message)
    assert (method, fields["status"], fields["sequence"]) == ("REQUEST", "CONFIRMED", 0)


def test_a_moved_meetup_is_a_request_with_the_next_sequence_and_the_new_time():
    event = EventFactory()
    sanne = member()
    register_for_event(event=event, member=sanne)
    clear_mail()
    later = event.starts_at + timedelta(hours=2)
    event.starts_at, event.ends_at = later, later + timedelta(hours=1)

    save_event(event=event)

    [message] = mails_to(sanne)
    method, fields = invitation(message)
    assert (method, fields["sequence"], fields["status"]) == ("REQUEST", 1, "CONFIRMED")
    assert vevents(ics_of(message))[0].decoded("dtstart") == later


def test_a_cancelled_meetup_is_a_cancel_to_everyone_with_a_place_and_none_to_those_waiting():
    event = EventFactory(capacity=1)
    placed, waiting = member(), member()
    register_for_event(event=event, member=placed)
    register_for_event(event=event, member=waiting)
    clear_mail()

    cancel_event(event=event, by=CoordinatorFactory())

    method, fields = invitation(mails_to(placed)[0])
    assert (method, fields["status"], fields["sequence"]) == ("CANCEL", "CANCELLED", 1)
    assert mails_to(waiting)[0].attachments == []


def test_a_reminder_repeats_the_request_with_the_current_sequence():
    event = EventFactory()
    sanne = member()
    register_for_event(event=event, member=sanne)
    clear_mail()

    send_due_reminders(now=event.starts_at - timedelta(days=1))

    method, fields = invitation(mails_to(sanne)[0])
    assert (method, fields["sequence"], fields["partstat"]) == ("REQUEST", 0, "ACCEPTED")


# The feeds stay calendars to subscribe to -------------------------------------------------


def test_the_download_of_a_cancelled_meetup_is_published_cancelled_without_itip_fields(client):
    event = EventFactory()
    register_for_event(event=event, member=member())
    cancel_event(event=event, by=CoordinatorFactory())

    response = client.get(f"/events/{event.slug}/ics/")

    calendar = Calendar.from_ical(response.content)
    [entry] = vevents(calendar)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert str(calendar["method"]) == "PUBLISH"
    assert (str(entry["status"]), int(entry["sequence"])) == ("CANCELLED", 1)
    assert ("organizer" in entry, "attendee" in entry) == (False, False)
