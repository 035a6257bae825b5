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
from django.contrib.auth.models import AnonymousUser

from events.models import Event, Registration
from events.permissions import event_permissions, registration_permissions
from members.models import User
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, UserFactory
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
            Redirect("/events/brugklas/check-in/?added=1"),
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


# One rule for the page and the lists; one object of flags ---------------------------------


def _viewers(event_ids) -> dict:
    """Every kind of viewer, fresh as a request reads them (nothing kept from earlier)."""
    organiser, registrant = MemberFactory(), MemberFactory()
    for event in Event.objects.filter(pk__in=event_ids):
        event.organisers.add(organiser)
        RegistrationFactory(event=event, member=registrant)
    made = {
        "visitor": AnonymousUser(),
        "member": MemberFactory(),
        "registrant": registrant,
        "organiser": organiser,
        "deactivated member": MemberFactory(is_active=False),
        "staff outside the group": UserFactory(is_staff=True),
        "coordinator": CoordinatorFactory(),
        "deactivated coordinator": CoordinatorFactory(is_active=False),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    return {
        name: user if not user.is_authenticated else User.objects.get(pk=user.pk)
        for name, user in made.items()
    }


def test_the_page_and_the_lists_ask_the_same_rule_of_every_meetup_and_viewer():
    events = {status: EventFactory(status=status).pk for status in Event.Status.values}
    viewers = _viewers(events.values())

    page, lists = {}, {}
    for name, user in viewers.items():
        listed = set(Event.objects.visible_to(user).values_list("pk", flat=True))
        for status, pk in events.items():
            page[name, status] = event_permissions(user, Event.objects.get(pk=pk)).view
            lists[name, status] = pk in listed

    assert page == lists
    everyone_sees = {"published", "cancelled"}
    assert page == {
        (name, status): status in everyone_sees or name in {"coordinator", "superuser"}
        for name in viewers
        for status in events
    }
    # The lists, the calendar and the feeds show what a visitor may open.
    assert set(Event.objects.listed().values_list("pk", flat=True)) == {
        events["published"],
        events["cancelled"],
    }


FLAGS = ("view", "check_in", "edit", "cancel", "email")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            Event.Status.PUBLISHED,
            {
                "visitor": {"view"},
                "member": {"view"},
                "registrant": {"view"},
                "organiser": {"view", "check_in"},
                "deactivated member": {"view"},
                "staff outside the group": {"view"},
                "coordinator": set(FLAGS),
                "deactivated coordinator": {"view"},
                "superuser": set(FLAGS),
            },
        ),
        (
            Event.Status.DRAFT,
            {
                "visitor": set(),
                "member": set(),
                "registrant": set(),
                "organiser": set(),
                "deactivated member": set(),
                "staff outside the group": set(),
                "coordinator": set(FLAGS),
                "deactivated coordinator": set(),
                "superuser": set(FLAGS),
            },
        ),
    ],
)
def test_event_permissions_say_what_each_viewer_may_do(status, expected):
    event = EventFactory(status=status)
    viewers = _viewers([event.pk])

    granted = {
        name: {flag for flag in FLAGS if getattr(event_permissions(user, event), flag)}
        for name, user in viewers.items()
    }

    assert granted == expected


def test_organiser_ids_save_the_query_and_give_the_same_answer(django_assert_num_queries):
    event = EventFactory()
    viewers = _viewers([event.pk])
    organiser = viewers["organiser"]

    asked = event_permissions(organiser, event)
    with django_assert_num_queries(0):
        given = event_permissions(organiser, event, organiser_ids={organiser.pk})
        other = event_permissions(viewers["member"], event, organiser_ids={organiser.pk})

    assert asked == given
    assert (given.check_in, other.check_in) == (True, False)


def test_registration_permissions_let_the_member_and_coordinators_cancel():
    event = EventFactory()
    viewers = _viewers([event.pk])
    registration = Registration.objects.get(event=event, member=viewers["registrant"])

    may_cancel = {
        name
        for name, user in viewers.items()
        if registration_permissions(user, registration).cancel
    }

    assert may_cancel == {"registrant", "coordinator", "superuser"}
