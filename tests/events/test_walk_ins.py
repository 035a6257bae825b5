"""The door keeps moving: after a walk-in the search is empty and focused, and a guest may
leave an email address for the organisers (stored on the registration, shown to organisers
and coordinators only, in the attendance export; never in a member's data)."""

import csv
import html
import io
import json
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import IntegrityError, transaction

from events.models import Registration
from events.services import EventActionError, add_walk_in, register_for_event
from lef.choices import Sector
from members import privacy
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db

ADDRESS = "wethouder.smit@leiden.nl"


@pytest.fixture
def organiser():
    return MemberFactory(name="Organisator")


@pytest.fixture
def event(organiser):
    return EventFactory(slug="brugklas", title="Brugklas", organisers=[organiser])


def door(event) -> str:
    return f"/events/{event.slug}/check-in/"


def search_box(page: str) -> str:
    [tag] = re.findall(r'<input type="search"[^>]*>', page)
    return tag


# The service ------------------------------------------------------------------------------


def test_a_guest_walk_in_keeps_the_address_they_left(organiser, event):
    walk_in = add_walk_in(
        event=event, by=organiser, guest_name="Wethouder Smit", sector=Sector.OTHER,
        guest_email=f"  {ADDRESS} ",
    )  # fmt: skip

    walk_in.refresh_from_db()
    assert (walk_in.guest_name, walk_in.guest_email, walk_in.walk_in) == (
        "Wethouder Smit",
        ADDRESS,
        True,
    )


def test_a_guest_walk_in_without_an_address_is_fine(organiser, event):
    walk_in = add_walk_in(event=event, by=organiser, guest_name="Gast", sector=Sector.PO)

    assert Registration.objects.get(pk=walk_in.pk).guest_email == ""


@pytest.mark.parametrize("address", ["smit", "smit@", "smit@leiden nl", f"{'a' * 250}@leiden.nl"])
def test_a_guest_walk_in_with_a_broken_address_is_refused_and_nothing_is_stored(
    organiser, event, address
):
    with pytest.raises(EventActionError, match="email address in full"):
        add_walk_in(
            event=event, by=organiser, guest_name="Gast", sector=Sector.PO, guest_email=address
        )

    assert Registration.objects.count() == 0


def test_a_member_walk_in_stores_no_second_address(organiser, event):
    visitor = MemberFactory(email="pieter@school.nl")

    walk_in = add_walk_in(event=event, by=organiser, member=visitor, guest_email=ADDRESS)

    assert Registration.objects.get(pk=walk_in.pk).guest_email == ""


def test_the_database_keeps_a_guests_address_off_a_members_row(event):
    registration = RegistrationFactory(event=event)

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(guest_email=ADDRESS)


# The door ---------------------------------------------------------------------------------


def test_after_a_guest_walk_in_the_search_is_empty_and_focused_and_the_address_shown(
    client, organiser, event
):
    client.force_login(organiser)

    response = client.post(
        f"{door(event)}walk-in/",
        {"guest_name": "Wethouder Smit", "sector": "other", "guest_email": ADDRESS},
    )
    after = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == f"{door(event)}?added=1"
    box = search_box(after.content.decode())
    assert ('value=""' in box, "autofocus" in box) == (True, True)
    page = html.unescape(after.content.decode())
    assert "Wethouder Smit is checked in." in page
    assert f'<a href="mailto:{ADDRESS}">{ADDRESS}</a>' in page
    assert Registration.objects.get(guest_name="Wethouder Smit").guest_email == ADDRESS


def test_the_door_list_does_not_take_the_focus_unless_someone_was_just_added(
    client, organiser, event
):
    client.force_login(organiser)

    box = search_box(client.get(door(event)).content.decode())

    assert "autofocus" not in box


def test_the_walk_in_form_says_what_the_address_is_for(client, organiser, event):
    client.force_login(organiser)

    page = html.unescape(client.get(door(event)).content.decode())

    assert "Email address (optional)" in page
    assert "So the organisers can follow up. Only they see it." in page
    assert 'type="email"' in page


def test_a_broken_address_at_the_door_is_a_400_on_its_field_keeping_the_rest(
    client, organiser, event
):
    client.force_login(organiser)

    response = client.post(
        f"{door(event)}walk-in/",
        {"guest_name": "Wethouder Smit", "sector": "other", "guest_email": "smit@"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_guest_email-error"' in page
    assert 'value="Wethouder Smit"' in page
    assert Registration.objects.count() == 0


def test_the_guests_address_is_not_on_the_public_meetup_page(client, organiser, event):
    add_walk_in(
        event=event, by=organiser, guest_name="Gast", sector=Sector.PO, guest_email=ADDRESS
    )
    client.force_login(MemberFactory())

    assert ADDRESS not in client.get(event.get_absolute_url()).content.decode()
    assert client.get(door(event)).status_code == 403


# The export and a member's data -----------------------------------------------------------


def test_the_attendance_export_holds_the_guests_address(client, organiser, event):
    member = MemberFactory(name="Anna", email="anna@school.nl")
    register_for_event(event=event, member=member)
    add_walk_in(
        event=event, by=organiser, guest_name="Wethouder Smit", sector=Sector.OTHER,
        guest_email=ADDRESS,
    )  # fmt: skip
    add_walk_in(event=event, by=organiser, guest_name="Zonder Adres", sector=Sector.PO)
    client.force_login(CoordinatorFactory())

    response = client.post(
        "/admin/events/event/",
        {"action": "export_attendees", ACTION_CHECKBOX_NAME: [event.pk]},
    )

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=",;")
    rows = list(csv.reader(io.StringIO(content), dialect))
    email = rows[0].index("email address") if "email address" in rows[0] else 3
    assert sorted((row[2], row[email]) for row in rows[1:]) == [
        ("Anna", "anna@school.nl"),
        ("Wethouder Smit", ADDRESS),
        ("Zonder Adres", ""),
    ]


def test_a_members_export_and_account_deletion_leave_guests_alone(client, organiser, event):
    member = MemberFactory()
    register_for_event(event=event, member=member)
    guest = add_walk_in(
        event=event, by=organiser, guest_name="Gast", sector=Sector.PO, guest_email=ADDRESS
    )
    client.force_login(member)

    response = client.get("/members/me/export/", {"download": "1"})
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    privacy.delete_account(user=organiser)

    assert ADDRESS not in json.dumps(data)
    assert len(data["event_registrations"]) == 1
    guest.refresh_from_db()
    assert (guest.guest_name, guest.guest_email, guest.status) == ("Gast", ADDRESS, "confirmed")
