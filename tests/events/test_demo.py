"""The demo meetups of ``manage.py seed_demo``: alive, believable and safe to seed twice."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from events import hooks as events_hooks
from events.models import Event, Registration

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", "--force", stdout=None)


def _snapshot():
    return (
        list(
            Event.objects.order_by("slug").values_list("slug", "starts_at", "status", "capacity")
        ),
        list(Registration.objects.order_by("pk").values_list("pk", "status", "checked_in_at")),
    )


def test_demo_has_coming_and_past_meetups_at_plnt_elsewhere_online_and_a_waiting_list():
    _seed()
    now = timezone.now()

    published = Event.objects.published()
    assert published.filter(venue__slug="plnt", starts_at__gt=now).count() >= 2
    assert published.filter(venue__slug="plnt", ends_at__lt=now).count() >= 2
    assert published.exclude(venue__slug="plnt").filter(venue__isnull=False).exists()
    assert published.filter(venue__isnull=True).exclude(online_url="").exists()
    assert Event.objects.filter(status="draft").exists()
    assert Event.objects.filter(status="cancelled").exists()
    full = Event.objects.get(slug="doorstroom-mbo-hbo-wat-werkt")
    assert full.registrations.holding_a_place().count() == full.capacity
    assert full.registrations.filter(status="waiting").count() == 2
    sectors = set(Registration.objects.values_list("sector", flat=True))
    assert {"po", "vo", "mbo", "ho"} <= sectors
    assert Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_seeding_the_demo_twice_changes_nothing():
    _seed()
    first = _snapshot()

    _seed()

    assert _snapshot() == first


def test_demo_gives_the_coordinators_today_something_to_show():
    _seed()
    now = timezone.now()

    lists = {found.heading: found for found in events_hooks.coordinator_today(now)}

    assert [line.title for line in lists["Meetups today and tonight"].lines] == [
        "Inloopmiddag: maak kennis met 't LEF",
        "Avondsessie: onderzoek in je eigen klas",
    ]
    assert [line.title for line in lists["Waiting lists"].lines] == [
        "Samen praktijkonderzoek doen",  # the sector cap
        "Doorstroom mbo-hbo: wat werkt?",  # full
    ]
    assert [line.badge for line in lists["Cancelled sign-ups, last 7 days"].lines] == [
        "2 cancelled"
    ]
