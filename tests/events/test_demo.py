"""The demo meetups of ``manage.py seed_demo``: alive, believable and safe to seed twice.

Seeded once for the module (tests/demo.py); each test looks at it in a savepoint.
"""

import pytest
from django.test import override_settings
from django.utils import timezone

from events import hooks as events_hooks
from events.models import Event, Registration
from events.queries import with_waiting_position
from home import demo_history
from tests.demo import seed, seeded_demo

# One worker runs the module's tests one after the other: one seed per run.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-events")]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory) as seeded:
        yield seeded


def _snapshot():
    return (
        list(
            Event.objects.order_by("slug").values_list("slug", "starts_at", "status", "capacity")
        ),
        list(Registration.objects.order_by("pk").values_list("pk", "status", "checked_in_at")),
    )


def test_demo_has_coming_and_past_meetups_at_plnt_elsewhere_online_and_a_waiting_list(demo):
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


def test_seeding_the_demo_twice_changes_nothing(demo):
    first = _snapshot()

    with override_settings(MEDIA_ROOT=demo.media_root):
        seed("--force")

    assert _snapshot() == first


def test_demo_gives_the_coordinators_today_something_to_show(demo):
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


def test_demo_sign_ups_are_in_the_past_and_in_the_order_people_came(demo):
    now = timezone.now()

    registrations = list(Registration.objects.order_by("event_id", "pk"))
    assert registrations
    assert [r.pk for r in registrations if r.created_at >= now] == []
    assert [r.pk for r in registrations if r.created_at >= r.event.starts_at] == []
    assert [r.pk for r in registrations if r.cancelled_at and r.cancelled_at <= r.created_at] == []
    for event in Event.objects.all():
        rows = list(event.registrations.order_by("pk").values_list("created_at", flat=True))
        assert rows == sorted(rows), event.slug
        assert len(set(rows)) == len(rows), event.slug


def test_demo_waiting_lists_follow_who_signed_up_first(demo):
    waiting = Registration.objects.filter(status="waiting")
    events = (
        Event.objects.filter(pk__in=waiting.values("event_id"))
        .exclude(slug__startswith=demo_history.PREFIX)  # the dashboard's past, not these
        .order_by("slug")
    )
    assert [event.slug for event in events] == [
        "doorstroom-mbo-hbo-wat-werkt",
        "samen-praktijkonderzoek-doen",
    ]
    for event in events:
        line = with_waiting_position(waiting.filter(event=event)).order_by("pk")
        # First to sign up (the lowest id) is first in line, and signed up first.
        assert [row.ahead for row in line] == [1, 2], event.slug
        assert [row.created_at for row in line] == sorted(row.created_at for row in line)
        if event.max_sector_share is None:
            # A full meetup: everyone with a place came before the first one waiting.
            later = event.registrations.holding_a_place().filter(created_at__gt=line[0].created_at)
            assert list(later) == [], event.slug
