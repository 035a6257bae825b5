"""Who may open what: every meetup URL against every kind of viewer.

Viewers:

* ``anonymous``: not logged in;
* ``member``: an onboarded member, not signed up for the meetup;
* ``registrant``: signed up (confirmed) for the meetup;
* ``organiser``: an organiser of the meetup (not signed up);
* ``coordinator``: staff in the Coordinators group.

Each cell is the exact status code, and for redirects where they go. State
changes (POST) are in their own cases; each case starts from the same world.
"""

from dataclasses import dataclass

import pytest

from events.models import Event, Registration
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.helpers import Case, Redirect, check_case, to_login
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "member", "registrant", "organiser", "coordinator"]


@dataclass
class World:
    users: dict
    event: Event
    registration: Registration


@pytest.fixture
def world():
    organiser = MemberFactory(username="organisator")
    event = EventFactory(slug="brugklas", organisers=[organiser], capacity=10)
    EventFactory(slug="concept", status=Event.Status.DRAFT)
    registrant = MemberFactory(username="aangemeld")
    registration = RegistrationFactory(event=event, member=registrant)
    other = EventFactory(slug="andere")
    RegistrationFactory(event=other, pk=999_999)
    users = {
        "anonymous": None,
        "member": MemberFactory(username="lid"),
        "registrant": registrant,
        "organiser": organiser,
        "coordinator": CoordinatorFactory(username="coordinator"),
    }
    return World(users, event, registration)


def everyone(expected):
    return dict.fromkeys(VIEWERS, expected)


def signed_in(expected, *, anonymous):
    return {**everyone(expected), "anonymous": anonymous}


def door(allowed, *, path, denied=403):
    return {
        "anonymous": to_login(path),
        "member": denied,
        "registrant": denied,
        "organiser": allowed,
        "coordinator": allowed,
    }


TO_EVENT = Redirect("/events/brugklas/")
TO_DOOR = Redirect("/events/brugklas/check-in/")
REG = "/events/brugklas/check-in/{pk}/"

CASES = [
    Case("list", "/events/", everyone(200)),
    Case("past", "/events/?when=past", everyone(200)),
    Case("list by POST", "/events/", everyone(405), method="post"),
    Case("calendar", "/events/calendar/", everyone(200)),
    Case("calendar, bad month", "/events/calendar/?month=2026-13", everyone(400)),
    Case("feed", "/events/feed.ics", everyone(200)),
    Case("meetup", "/events/brugklas/", everyone(200)),
    Case("meetup by POST", "/events/brugklas/", everyone(405), method="post"),
    Case("draft", "/events/concept/", {**everyone(404), "coordinator": 200}),
    Case("unknown", "/events/bestaat-niet/", everyone(404)),
    Case("ics", "/events/brugklas/ics/", everyone(200)),
    Case("ics of a draft", "/events/concept/ics/", {**everyone(404), "coordinator": 200}),
    Case(
        "sign up",
        "/events/brugklas/register/",
        {
            "anonymous": to_login("/events/brugklas/register/"),
            "member": TO_EVENT,
            "registrant": 409,
            "organiser": TO_EVENT,
            "coordinator": TO_EVENT,
        },
        method="post",
    ),
    Case(
        "sign up by GET",
        "/events/brugklas/register/",
        signed_in(TO_EVENT, anonymous=to_login("/events/brugklas/register/")),
    ),
    Case(
        "sign up for a draft",
        "/events/concept/register/",
        {
            "anonymous": to_login("/events/concept/register/"),
            "member": 404,
            "registrant": 404,
            "organiser": 404,
            "coordinator": 409,
        },
        method="post",
    ),
    Case(
        "cancel",
        "/events/brugklas/cancel/",
        {
            "anonymous": to_login("/events/brugklas/cancel/"),
            "member": 409,
            "registrant": TO_EVENT,
            "organiser": 409,
            "coordinator": 409,
        },
        method="post",
    ),
    Case("door", "/events/brugklas/check-in/", door(200, path="/events/brugklas/check-in/")),
    Case(
        "door search",
        "/events/brugklas/check-in/?q=Lid",
        door(200, path="/events/brugklas/check-in/?q=Lid"),
    ),
    Case(
        "door of a draft",
        "/events/concept/check-in/",
        {**door(404, path="/events/concept/check-in/", denied=404), "coordinator": 200},
    ),
    Case(
        "door by POST",
        "/events/brugklas/check-in/",
        signed_in(405, anonymous=to_login("/events/brugklas/check-in/")),
        method="post",
    ),
    Case(
        "guest walk-in",
        "/events/brugklas/check-in/walk-in/",
        door(
            Redirect("/events/brugklas/check-in/?q=Wethouder"),
            path="/events/brugklas/check-in/walk-in/",
        ),
        method="post",
        data={"guest_name": "Wethouder", "sector": "other"},
    ),
]


def _check_in_cases(world) -> list[Case]:
    path = REG.format(pk=world.registration.pk)
    return [
        Case("check in", path, door(TO_DOOR, path=path), method="post", data={"action": "in"}),
        Case("check in by GET", path, signed_in(405, anonymous=to_login(path))),
        Case(
            "check in someone of another meetup",
            REG.format(pk=999_999),
            door(404, path=REG.format(pk=999_999)),
            method="post",
            data={"action": "in"},
        ),
    ]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_permission_matrix(client, world, case, viewer):
    check_case(client, world.users[viewer], case, viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("index", range(3), ids=["check in", "by GET", "another meetup"])
def test_permission_matrix_of_the_door_actions(client, world, index, viewer):
    case = _check_in_cases(world)[index]
    check_case(client, world.users[viewer], case, viewer)


def test_door_actions_change_nothing_for_those_who_may_not(client, world):
    for viewer in ("member", "registrant"):
        client.force_login(world.users[viewer])
        client.post(REG.format(pk=world.registration.pk), {"action": "in"})
        client.post("/events/brugklas/check-in/walk-in/", {"guest_name": "X", "sector": "po"})

    world.registration.refresh_from_db()
    assert world.registration.checked_in_at is None
    assert Registration.objects.filter(walk_in=True).count() == 0
