"""What PostgreSQL itself guarantees about meetups, and what the migrations put in place."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from events.models import Event, Registration, Venue
from lef.coordinators import GROUP_NAME
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_plnt_is_in_the_database_from_the_migration_with_its_address():
    plnt = Venue.objects.get(slug="plnt")

    assert (plnt.name, plnt.address, plnt.city) == ("PLNT", "Langegracht 70", "Leiden")
    assert (
        plnt.map_url
        == "https://www.openstreetmap.org/search?query=PLNT%2C+Langegracht+70%2C+Leiden"
    )


def test_coordinators_may_run_meetups_but_not_delete_sign_ups():
    codenames = set(
        Group.objects.get(name=GROUP_NAME)
        .permissions.filter(content_type__app_label="events")
        .values_list("codename", flat=True)
    )

    assert codenames == {
        "view_venue",
        "add_venue",
        "change_venue",
        "view_event",
        "add_event",
        "change_event",
        "delete_event",
        "view_registration",
        "change_registration",
    }


def test_one_active_registration_per_person_per_event_is_a_database_rule():
    registration = RegistrationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=registration.event, member=registration.member, sector="po", status="waiting"
        )


def test_a_cancelled_registration_does_not_count_as_active():
    registration = RegistrationFactory(status="cancelled")

    again = Registration.objects.create(
        event=registration.event, member=registration.member, sector="po", status="confirmed"
    )

    assert again.pk != registration.pk


@pytest.mark.parametrize(
    "changes",
    [
        {"capacity": 0},
        {"max_sector_share": 101},
        {"max_sector_share": 40, "capacity": None},
        {"venue": None, "online_url": ""},
    ],
)
def test_event_check_constraints(changes):
    event = EventFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(**changes)


def test_event_must_end_after_it_starts():
    event = EventFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at - timedelta(minutes=1))


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "attended"},
        {"status": "confirmed", "waiting_reason": "full"},
        {"member": None, "guest_name": ""},
    ],
)
def test_registration_check_constraints(changes):
    registration = RegistrationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(**changes)


def test_registration_keeps_its_event_from_deletion():
    registration = RegistrationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=registration.event_id).delete()
