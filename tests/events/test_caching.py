"""What Mijn LEF and profiles show of meetups is cached, and never stale (events.caching).

The database raises the meetups' generation at the commit of every write to a
meetup, a sign-up or a venue (migration 0006), whatever makes it; a value also
says until when the clock leaves it right. Real commits here
(``transaction=True``), as in production, except where a test checks a read
later in the same transaction as the write.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event, Registration, Venue
from tests.events.factories import EventFactory, RegistrationFactory, VenueFactory
from tests.factories import MemberFactory


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def _next_up(client) -> str:
    html = client.get("/").content.decode()
    return html[html.index('id="next-title"') : html.index('id="meet-title"')]


def _for_you(client) -> str:
    html = client.get("/").content.decode()
    return html[html.index('id="my-meetups-title"') :]


@pytest.mark.django_db(transaction=True)
def test_mijn_lef_follows_sign_ups_cancellations_and_edits_at_once():
    sanne = MemberFactory(profile__primary_sector="po")
    event = EventFactory(title="Rekenen in de brugklas", venue=VenueFactory(name="PLNT"))
    client = _client(sanne)
    assert "Rekenen in de brugklas" not in _next_up(client)

    registration = services.register_for_event(event=event, member=sanne)
    assert "Rekenen in de brugklas" in _next_up(client)

    Event.objects.filter(pk=event.pk).update(title="Rekenen na groep 8")  # as the admin's bulk
    Venue.objects.filter(pk=event.venue_id).update(name="PLNT, zaal 2")
    next_up = _next_up(client)
    assert "Rekenen na groep 8" in next_up
    assert "PLNT, zaal 2" in next_up

    services.cancel_registration(registration=registration, by=sanne)
    assert "Rekenen na groep 8" not in _next_up(client)


@pytest.mark.django_db(transaction=True)
def test_a_profile_shows_a_new_sign_up_and_leaves_a_cancelled_one_out():
    jan = MemberFactory(username="jan")
    viewer = _client(MemberFactory())
    event = EventFactory(title="Doorstroom mbo-hbo")
    assert "Doorstroom mbo-hbo" not in viewer.get("/members/jan/").content.decode()

    RegistrationFactory(event=event, member=jan)
    assert "Doorstroom mbo-hbo" in viewer.get("/members/jan/").content.decode()

    Registration.objects.filter(event=event, member=jan).update(
        status=Registration.Status.CANCELLED
    )
    assert "Doorstroom mbo-hbo" not in viewer.get("/members/jan/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_suggested_meetup_leaves_when_it_starts_and_mine_when_it_ends(monkeypatch):
    sanne = MemberFactory(profile__primary_sector="po")
    now = timezone.now()
    EventFactory(title="Straks voor po", target_sectors=["po"],
                 starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2))  # fmt: skip
    mine = EventFactory(title="Mijn meetup", starts_at=now + timedelta(minutes=30),
                        ends_at=now + timedelta(hours=3))  # fmt: skip
    RegistrationFactory(event=mine, member=sanne)
    client = _client(sanne)
    assert "Straks voor po" in _for_you(client)
    assert "Mijn meetup" in _next_up(client)

    later = now + timedelta(hours=1, minutes=1)  # the suggestion has started
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Straks voor po" not in _for_you(client)
    assert "Mijn meetup" in _next_up(client)

    latest = now + timedelta(hours=3, minutes=1)  # mine has ended
    monkeypatch.setattr(timezone, "now", lambda: latest)
    assert "Mijn meetup" not in _next_up(client)


@pytest.mark.django_db
def test_a_read_after_a_write_in_the_same_transaction_sees_the_write():
    """Before the commit raises the generation, the transaction's own writes count."""
    sanne = MemberFactory()
    event = EventFactory(title="Leerkring")
    client = _client(sanne)
    assert "Leerkring" not in _next_up(client)

    RegistrationFactory(event=event, member=sanne)

    assert "Leerkring" in _next_up(client)


@pytest.mark.django_db(transaction=True)
def test_the_visitors_home_shows_places_taken_and_new_meetups_at_once():
    event = EventFactory(title="Rekenen in de brugklas", capacity=3)
    visitor = Client(headers={"accept-language": "en"})
    assert "3 places left" in visitor.get("/").content.decode()

    RegistrationFactory(event=event)
    EventFactory(title="Nieuwe meetup", starts_at=event.starts_at - timedelta(days=1),
                 ends_at=event.starts_at - timedelta(days=1, hours=-1))  # fmt: skip

    html = visitor.get("/").content.decode()
    assert "2 places left" in html
    assert "Nieuwe meetup" in html
