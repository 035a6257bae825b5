"""The admin index shows a coordinator today's work of every app (lef.hooks.coordinator_today)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory, VenueFactory
from tests.factories import MemberFactory, UserFactory
from tests.helpers import queries_of
from tests.members.factories_coordination import CoordinatorFactory, ProposedOrganisationFactory
from tests.spaces.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 18, 14, 0, tzinfo=AMSTERDAM)  # a Wednesday afternoon


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory())
    return client


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=AMSTERDAM)


def world(rows: int = 1) -> dict:
    """``rows`` of every kind of line: meetups today, waiting lists, cancellations, ..."""
    plnt = VenueFactory(name="PLNT")
    desk_space = SpaceFactory(name="PLNT")
    found = {"today": [], "waiting": [], "cancelled": [], "booking": [], "organisation": []}
    for number in range(rows):
        today = EventFactory(title=f"Rekenen vandaag {number}", venue=plnt,
                             starts_at=at(18, 15, 30), ends_at=at(18, 17))  # fmt: skip
        RegistrationFactory(event=today)
        waiting = EventFactory(title=f"Vol {number}", venue=plnt, capacity=1,
                               starts_at=at(19, 16), ends_at=at(19, 17))  # fmt: skip
        RegistrationFactory(event=waiting)
        RegistrationFactory(event=waiting, status=Registration.Status.WAITING,
                            waiting_reason="full")  # fmt: skip
        cancelled = EventFactory(title=f"Afgemeld {number}", venue=plnt,
                                 starts_at=at(23, 15), ends_at=at(23, 17))  # fmt: skip
        RegistrationFactory(event=cancelled, status=Registration.Status.CANCELLED,
                            cancelled_at=NOW - timedelta(hours=3))  # fmt: skip
        desk = ResourceFactory(space=desk_space, name=f"Flexplek {number}", auto_release=True)
        booking = BookingFactory(resource=desk, booker=MemberFactory(name="Anna de Vries"),
                                 start=at(18, 15), end=at(18, 17))  # fmt: skip
        found["today"].append(today)
        found["waiting"].append(waiting)
        found["cancelled"].append(cancelled)
        found["booking"].append(booking)
        found["organisation"].append(ProposedOrganisationFactory(name=f"Nieuwe School {number}"))
    return found


def test_the_index_shows_a_coordinator_each_kind_of_line_with_where_it_is_handled(
    coordinator_client,
):
    found = {kind: rows[0] for kind, rows in world().items()}
    today, waiting, cancelled = found["today"], found["waiting"], found["cancelled"]
    sign_ups = "/admin/events/registration/"

    html = coordinator_client.get("/admin/").content.decode()

    name = '<a class="lef-today-name" href="{}">{}</a>'.format
    links = [
        # today's meetup: its admin page, and its door list
        name(f"/admin/events/event/{today.pk}/change/", "Rekenen vandaag 0"),
        f'<a class="lef-today-action" href="/events/{today.slug}/check-in/">Door list'
        '<span class="visually-hidden">: Rekenen vandaag 0</span></a>',
        name(f"{sign_ups}?event={waiting.pk}&amp;status__exact=waiting", "Vol 0"),
        name(f"{sign_ups}?event={cancelled.pk}&amp;status__exact=cancelled", "Afgemeld 0"),
        name(f"/admin/spaces/booking/{found['booking'].pk}/change/", "Flexplek 0"),
        name(f"/admin/members/organisation/{found['organisation'].pk}/change/", "Nieuwe School 0"),
        '<a href="/admin/members/organisation/?status__exact=proposed">'
        "1 organisation is waiting for approval.</a>",
    ]
    for link in links:
        assert link in html
    assert '<span class="lef-today-badge lef-today-ok">0 of 1 present</span>' in html
    assert '<span class="lef-today-badge lef-today-waiting">1 waiting</span>' in html
    assert '<span class="lef-today-badge lef-today-cancelled">1 cancelled</span>' in html
    assert (
        '<span class="lef-today-badge lef-today-waiting">Freed at 15:30 unless checked in</span>'
        in html
    )
    assert '<h2 id="lef-today-title" class="lef-today-title">Today' in html
    # Every link leads to a page the coordinator can open.
    for link in links:
        url = link.split('href="')[1].split('"')[0].replace("&amp;", "&")
        assert coordinator_client.get(url).status_code == 200, url


def test_the_index_says_what_is_quiet_today(coordinator_client):
    html = coordinator_client.get("/admin/").content.decode()

    assert [
        line.strip()
        for line in html.splitlines()
        if 'class="lef-today-empty"' in line or '<h3 id="lef-today-' in line
    ] == [
        '<h3 id="lef-today-1">Organisations to approve</h3>',
        '<p class="lef-today-empty">No proposed organisations.</p>',
        '<h3 id="lef-today-2">Reported results</h3>',
        '<p class="lef-today-empty">No result is waiting for a look.</p>',
        '<h3 id="lef-today-3">Meetups today and tonight</h3>',
        '<p class="lef-today-empty">No meetups today.</p>',
        '<h3 id="lef-today-4">Waiting lists</h3>',
        '<p class="lef-today-empty">No coming meetup has a waiting list.</p>',
        '<h3 id="lef-today-5">Cancelled sign-ups, last 7 days</h3>',
        '<p class="lef-today-empty">'
        "Nobody cancelled their sign-up for a coming meetup this week.</p>",
        '<h3 id="lef-today-6">Not checked in today</h3>',
        '<p class="lef-today-empty">No booking of today is waiting for its check-in.</p>',
    ]


def test_a_member_without_staff_rights_does_not_see_it(client):
    world()
    client.force_login(MemberFactory())

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_staff_who_are_not_coordinators_see_the_index_without_it(client):
    world()
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "lef-today" not in response.content.decode()
    assert "Rekenen vandaag" not in response.content.decode()


def test_the_index_takes_as_many_queries_for_one_row_of_each_kind_as_for_many(
    coordinator_client,
):
    world(1)
    one, response = queries_of(coordinator_client, "/admin/")
    assert response.content.decode().count('class="lef-today-name"') == 5

    world(4)  # 5 of each kind now
    many, response = queries_of(coordinator_client, "/admin/")

    assert response.content.decode().count('class="lef-today-name"') == 25
    assert many == one
