"""The personal calendar feed (/calendar/<token>.ics), resetting its address (/calendar/),
and the invitations (iTIP) attached to mail."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from lef.calendar import (
    LOCAL,
    Attendee,
    CalendarEntry,
    calendar_feed_for,
    invitation_attachment,
    new_token,
)
from lef.models import CalendarFeed
from spaces.services import cancel_booking
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.spaces.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/calendar/"


def _feed_url(token: str) -> str:
    return f"/calendar/{token}.ics"


def _token(member) -> str:
    return CalendarFeed.objects.get(user=member).token


def _uids(response) -> list[str]:
    calendar = Calendar.from_ical(response.content)
    return sorted(str(entry["uid"]) for entry in calendar.walk("VEVENT"))


def _meetup_and_booking_for(member, *, days: int):
    """A confirmed meetup and a desk booking of ``member``, ``days`` from now."""
    start = (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    registration = RegistrationFactory(member=member)
    booking = BookingFactory(
        resource=ResourceFactory(), booker=member, start=start, end=start + timedelta(hours=2)
    )
    return registration.event, booking


# The feed ----------------------------------------------------------------------------------


def test_feed_with_a_valid_token_is_a_calendar_of_the_members_rows(client):
    member = MemberFactory()
    event, booking = _meetup_and_booking_for(member, days=3)

    response = client.get(_feed_url(calendar_feed_for(member).token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert set(response["Cache-Control"].split(", ")) == {
        "private", "no-store", "no-cache", "must-revalidate", "max-age=0"
    }  # fmt: skip
    calendar = Calendar.from_ical(response.content)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["version"]) == "2.0"
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert _uids(response) == sorted(
        [f"event-{event.pk}@127.0.0.1", f"booking-{booking.pk}@127.0.0.1"]
    )


def test_feed_of_a_member_with_nothing_planned_is_an_empty_calendar(client):
    member = MemberFactory()

    response = client.get(_feed_url(calendar_feed_for(member).token))

    assert response.status_code == 200
    assert Calendar.from_ical(response.content).walk("VEVENT") == []


def test_feed_holds_no_other_members_rows(client):
    member, other = MemberFactory(), MemberFactory(name="Anna Anders")
    event, booking = _meetup_and_booking_for(member, days=3)
    _meetup_and_booking_for(other, days=4)
    shared = EventFactory()
    RegistrationFactory(event=shared, member=member)
    RegistrationFactory(event=shared, member=other)

    response = client.get(_feed_url(calendar_feed_for(member).token))

    assert _uids(response) == sorted(
        [
            f"event-{event.pk}@127.0.0.1",
            f"event-{shared.pk}@127.0.0.1",
            f"booking-{booking.pk}@127.0.0.1",
        ]
    )
    assert "Anna Anders" not in response.text
    assert other.email not in response.text
    assert other.username not in response.text


@pytest.mark.parametrize(
    "token", ["unknown", new_token(), ""], ids=["word", "well-formed", "empty"]
)
def test_feed_with_an_unknown_token_is_a_404(client, token):
    calendar_feed_for(MemberFactory())

    assert client.get(_feed_url(token)).status_code == 404


def test_feed_of_a_closed_account_is_a_404(client):
    member = MemberFactory()
    token = calendar_feed_for(member).token
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert client.get(_feed_url(token)).status_code == 404


def test_feed_answers_only_reads(client):
    token = calendar_feed_for(MemberFactory()).token

    assert client.post(_feed_url(token)).status_code == 405


# Resetting the address ---------------------------------------------------------------------


def test_reset_gives_a_new_token_and_the_old_address_stops_working(client):
    member = MemberFactory()
    _meetup_and_booking_for(member, days=3)
    old = calendar_feed_for(member).token
    client.force_login(member)

    response = client.post(SETTINGS_URL)

    new = _token(member)
    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    assert new != old
    assert client.get(_feed_url(old)).status_code == 404
    assert client.get(_feed_url(new)).status_code == 200
    assert len(_uids(client.get(_feed_url(new)))) == 2
    assert _feed_url(new) in client.get(SETTINGS_URL).text


def test_settings_page_shows_the_feed_without_changing_it(client):
    member = MemberFactory()
    token = calendar_feed_for(member).token
    client.force_login(member)

    response = client.get(SETTINGS_URL)

    assert response.status_code == 200
    assert _token(member) == token
    assert f"http://testserver{_feed_url(token)}" in response.text


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_reset_needs_a_post(client, method):
    member = MemberFactory()
    token = calendar_feed_for(member).token
    client.force_login(member)

    response = getattr(client, method)(SETTINGS_URL)

    assert response.status_code == 405
    assert _token(member) == token


def test_reset_needs_a_signed_in_member(client):
    member = MemberFactory()
    token = calendar_feed_for(member).token

    response = client.post(SETTINGS_URL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/calendar/"
    assert _token(member) == token
    assert CalendarFeed.objects.count() == 1


def test_reset_needs_the_csrf_token():
    member = MemberFactory()
    token = calendar_feed_for(member).token
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(SETTINGS_URL)

    assert response.status_code == 403
    assert _token(member) == token


def test_reset_changes_only_the_members_own_feed(client):
    member, other = MemberFactory(), MemberFactory()
    other_token = calendar_feed_for(other).token
    client.force_login(member)

    client.post(SETTINGS_URL)

    assert _token(other) == other_token
    assert client.get(_feed_url(other_token)).status_code == 200


# Invitations: iTIP messages (RFC 5546) in mail ---------------------------------------------


def _entry(**changes) -> CalendarEntry:
    start = datetime(2026, 12, 15, 15, 30, tzinfo=LOCAL)
    return CalendarEntry(
        **{
            "uid": "event-7",
            "start": start,
            "end": start + timedelta(hours=1, minutes=30),
            "summary": "Rekenen in de brugklas",
            "location": "PLNT, Langegracht 70, Leiden",
            "sequence": 2,
            **changes,
        }
    )


def _itip(text: str):
    calendar = Calendar.from_ical(text)
    [entry] = calendar.walk("VEVENT")
    return calendar, entry


@pytest.mark.parametrize(
    ("cancelled", "method", "status"),
    [(False, "REQUEST", "CONFIRMED"), (True, "CANCEL", "CANCELLED")],
    ids=["request", "cancel"],
)
def test_an_invitation_has_every_field_outlook_needs(settings, cancelled, method, status):
    settings.LEF_CONTACT_EMAIL = "lef@hsleiden.nl"
    attendee = Attendee(email="sanne@school.nl", name="Sanne de Vries")

    filename, text, mimetype = invitation_attachment(
        _entry(cancelled=cancelled), attendee=attendee, filename="brugklas.ics"
    )

    calendar, entry = _itip(text)
    assert (filename, mimetype) == ("brugklas.ics", f"text/calendar; method={method}")
    assert (str(calendar["method"]), str(calendar["version"])) == (method, "2.0")
    assert "prodid" in calendar
    assert (str(entry["uid"]), int(entry["sequence"]), str(entry["status"])) == (
        "event-7@127.0.0.1",
        2,
        status,
    )
    assert entry.decoded("dtstamp").tzinfo is not None
    assert entry.decoded("dtstart") == datetime(2026, 12, 15, 15, 30, tzinfo=LOCAL)
    assert (str(entry["organizer"]), dict(entry["organizer"].params)) == (
        "mailto:lef@hsleiden.nl",
        {"CN": "'t LEF"},
    )
    assert (str(entry["attendee"]), dict(entry["attendee"].params)) == (
        "mailto:sanne@school.nl",
        {
            "CN": "Sanne de Vries",
            "CUTYPE": "INDIVIDUAL",
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "ACCEPTED",
            "RSVP": "FALSE",
        },
    )
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]


def test_an_attendee_name_with_quotes_and_commas_survives_the_round_trip():
    attendee = Attendee(email="a@school.nl", name='Anna "Ank" de Vries, PhD')

    _filename, text, _mimetype = invitation_attachment(
        _entry(), attendee=attendee, filename="x.ics"
    )

    _calendar, entry = _itip(text)
    assert entry["attendee"].params["CN"] == 'Anna "Ank" de Vries, PhD'


def test_a_feed_is_published_without_organiser_or_attendees(client):
    member = MemberFactory()
    _meetup_and_booking_for(member, days=3)

    response = client.get(_feed_url(calendar_feed_for(member).token))

    calendar = Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "PUBLISH"
    assert [("organizer" in e, "attendee" in e) for e in calendar.walk("VEVENT")] == [
        (False, False),
        (False, False),
    ]


def test_a_booking_cancelled_by_its_booker_is_a_cancel_newer_than_the_feeds_entry(
    client, django_capture_on_commit_callbacks
):
    member = MemberFactory(email="sanne@school.nl")
    _event, booking = _meetup_and_booking_for(member, days=3)
    feed = Calendar.from_ical(client.get(_feed_url(calendar_feed_for(member).token)).content)
    [in_feed] = [e for e in feed.walk("VEVENT") if str(e["uid"]).startswith("booking-")]

    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, by=member)

    [message] = mail.outbox
    [(filename, text, mimetype)] = message.attachments
    assert filename.startswith("booking-")
    calendar, entry = _itip(text)
    assert mimetype == "text/calendar; method=CANCEL"
    assert (str(calendar["method"]), str(entry["status"])) == ("CANCEL", "CANCELLED")
    assert str(entry["uid"]) == str(in_feed["uid"])
    assert (int(in_feed["sequence"]), int(entry["sequence"])) == (0, 1)
    assert str(entry["attendee"]) == "mailto:sanne@school.nl"
