"""Guests' addresses and sign-up notes are cleared half a year after the meetup."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Registration
from events.retention import DETAILS_KEPT, forget_registration_details
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def ended(ago: timedelta):
    end = timezone.now() - ago
    return EventFactory(starts_at=end - timedelta(hours=2), ends_at=end)


def guest(event, email="gast@school.nl"):
    return RegistrationFactory(
        event=event,
        member=None,
        guest_name="Gast de Vries",
        guest_email=email,
        walk_in=True,
        checked_in_at=event.starts_at,
    )


def test_clears_guest_email_and_note_once_the_meetup_ended_long_enough_ago():
    old = ended(DETAILS_KEPT + timedelta(days=1))
    old_guest = guest(old)
    old_member = RegistrationFactory(event=old, note="Ik neem een collega mee.")
    recent = ended(DETAILS_KEPT - timedelta(days=1))
    recent_guest = guest(recent)
    recent_member = RegistrationFactory(event=recent, note="Graag vegetarisch.")

    assert forget_registration_details() == 2

    old_guest.refresh_from_db()
    old_member.refresh_from_db()
    assert (old_guest.guest_email, old_guest.guest_name) == ("", "Gast de Vries")
    assert old_guest.checked_in_at == old.starts_at
    assert old_member.note == ""
    assert old_member.status == Registration.Status.CONFIRMED
    assert Registration.objects.filter(event=old).count() == 2
    recent_guest.refresh_from_db()
    recent_member.refresh_from_db()
    assert recent_guest.guest_email == "gast@school.nl"
    assert recent_member.note == "Graag vegetarisch."


def test_a_second_run_changes_nothing():
    guest(ended(DETAILS_KEPT + timedelta(days=30)))

    assert forget_registration_details() == 1
    assert forget_registration_details() == 0


def test_the_command_says_how_many_it_cleared():
    guest(ended(DETAILS_KEPT + timedelta(days=2)))
    out = StringIO()

    call_command("forget_registration_details", stdout=out)

    assert out.getvalue() == "Cleared the details of 1 sign-up(s).\n"
    assert Registration.objects.exclude(guest_email="").count() == 0
