"""A member's sign-ups in their data export, and in the deletion of their account."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Registration
from events.services import register_for_event
from members import privacy
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.helpers import mails_to
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_export_holds_the_members_sign_ups_and_no_one_elses(client):
    member = MemberFactory()
    event = EventFactory(title="Brugklas")
    register_for_event(event=event, member=member, note="Vegetarisch")
    register_for_event(event=event, member=MemberFactory(), note="Van een ander")
    client.force_login(member)

    response = client.get("/members/me/export/", {"download": "1"})

    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    [row] = data["event_registrations"]
    assert (row["meetup"], row["status"], row["note"]) == ("Brugklas", "confirmed", "Vegetarisch")
    assert "Van een ander" not in json.dumps(data)


def test_deleting_an_account_frees_coming_places_and_keeps_past_counts():
    leaving = MemberFactory(profile__primary_sector="ho")
    coming = EventFactory(capacity=1)
    register_for_event(event=coming, member=leaving)
    next_in_line = register_for_event(event=coming, member=MemberFactory())
    start = timezone.now() - timedelta(days=20)
    past = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    RegistrationFactory(event=past, member=leaving, checked_in_at=start, note="Rolstoel")

    privacy.delete_account(user=leaving)

    next_in_line.refresh_from_db()
    assert next_in_line.status == "confirmed"
    assert len(mails_to(next_in_line.member)) == 2  # waiting, then promoted
    kept = Registration.objects.get(event=past)
    assert (kept.status, kept.sector, kept.note) == ("confirmed", "ho", "")
    assert kept.checked_in_at is not None
    assert kept.member.name == ""  # anonymised, still counted
