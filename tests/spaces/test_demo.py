"""The spaces demo data: a real-looking week, and running it twice changes nothing."""

from datetime import time

import pytest
from django.core.management import call_command

from home.demo_history import ends
from spaces.demo import seed
from spaces.models import Booking, Closure, OpeningHours, Resource, Space
from spaces.timeslots import at

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "spaces": Space.objects.count(),
        "resources": Resource.objects.count(),
        "hours": OpeningHours.objects.count(),
        "closures": Closure.objects.count(),
        "bookings": Booking.objects.count(),
    }


def test_seed_demo_makes_a_living_space_and_is_idempotent(settings, clock):
    settings.DEBUG = True
    clock.set(2026, 11, 30, 9, 0)
    call_command("seed_demo", stdout=None)
    first = _counts()
    call_command("seed_demo", stdout=None)

    assert _counts() == first
    kinds = set(Resource.objects.values_list("kind", flat=True))
    assert kinds == {"desk", "room", "booth"}
    assert first["bookings"] >= 20
    assert first["closures"] >= 1
    assert Booking.objects.filter(kind="block").count() == 1


def test_every_demo_desk_has_a_member_quota(clock):
    clock.set(2026, 11, 30, 9, 0)

    seed()

    desks = Resource.objects.filter(kind=Resource.Kind.DESK)
    assert {desk.slug: desk.member_quota_hours for desk in desks} == {
        "flexplek-raam": 16,
        "flexplek-2": 16,
        "flexplek-3": 16,
        "flexplek-stil": 16,
        "startup-hoek": 16,
    }


def test_demo_bookings_are_dated_in_the_past_in_the_order_they_were_made(settings, clock):
    settings.DEBUG = True
    now = clock.set(2026, 12, 2, 14, 0)  # a Wednesday: bookings behind and ahead

    call_command("seed_demo", stdout=None)

    # Those of the demo's own weeks (before them lies the dashboard's history).
    bookings = list(
        Booking.objects.filter(start__gte=at(ends(now.date()), time(0))).order_by("pk")
    )
    assert len(bookings) >= 20
    assert [b.pk for b in bookings if b.created_at >= now] == []
    assert [b.pk for b in bookings if b.created_at >= b.start] == []
    made = [b.created_at for b in bookings]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
