"""Who may open what: every spaces URL against every kind of viewer.

Viewers: ``anonymous``; ``member`` (onboarded, of a school); ``startup``
(onboarded, of an approved start-up); ``booker`` (the member who holds the
booking the URL is about); ``coordinator`` (staff in the Coordinators group).
"""

from dataclasses import dataclass

import pytest

from members.models import Organisation
from spaces.models import Booking, Resource
from spaces.permissions import (
    Refusal,
    booking_permissions,
    resource_permissions,
    space_permissions,
)
from tests.factories import MemberFactory, OrganisationFactory
from tests.helpers import Case, Redirect, check_case, to_login
from tests.members.factories_coordination import CoordinatorFactory
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "member", "startup", "booker", "coordinator"]


@dataclass
class World:
    users: dict
    booking: Booking
    later: Booking


@pytest.fixture
def world(clock):
    ResourceFactory(slug="flexplek")
    ResourceFactory(slug="startup-plek", audience=Resource.Audience.STARTUPS)
    ResourceFactory(slug="oud", active=False)
    booker = MemberFactory(username="boeker")
    startup = OrganisationFactory(kind=Organisation.Kind.STARTUP)
    desk = Resource.objects.get(slug="flexplek")
    booking = BookingFactory(
        pk=501,
        resource=desk,
        booker=booker,
        start=local(2026, 3, 16, 8),
        end=local(2026, 3, 16, 9),
    )
    later = BookingFactory(
        pk=502,
        resource=desk,
        booker=booker,
        start=local(2026, 3, 18, 8),
        end=local(2026, 3, 18, 9),
    )
    users = {
        "anonymous": None,
        "member": MemberFactory(username="lid"),
        "startup": MemberFactory(username="starter", profile__organisation=startup),
        "booker": booker,
        "coordinator": CoordinatorFactory(username="coordinator"),
    }
    return World(users, booking, later)


def everyone(expected):
    return dict.fromkeys(VIEWERS, expected)


def members(expected, *, anonymous):
    return {**everyone(expected), "anonymous": anonymous}


MY_BOOKINGS = Redirect("/spaces/bookings/")

CASES = [
    Case("overview", "/spaces/", everyone(200)),
    Case("search", "/spaces/?day=2026-03-18&start_time=10:00&end_time=11:00", everyone(200)),
    Case("grid", "/spaces/flexplek/", everyone(200)),
    Case("week grid", "/spaces/flexplek/?view=week&date=2026-03-18", everyone(200)),
    Case("start-up grid", "/spaces/startup-plek/", everyone(200)),
    Case("inactive grid", "/spaces/oud/", everyone(404)),
    Case("unknown grid", "/spaces/niets/", everyone(404)),
    Case("book form", "/spaces/flexplek/book/",
         members(200, anonymous=to_login("/spaces/flexplek/book/"))),
    Case("start-up book form", "/spaces/startup-plek/book/",
         {**members(403, anonymous=to_login("/spaces/startup-plek/book/")), "startup": 200}),
    Case("inactive book form", "/spaces/oud/book/",
         members(404, anonymous=to_login("/spaces/oud/book/"))),
    Case("my bookings", "/spaces/bookings/",
         members(200, anonymous=to_login("/spaces/bookings/"))),
    Case("check in", "/spaces/bookings/501/check-in/",
         {**members(404, anonymous=to_login("/spaces/bookings/501/check-in/")),
          "booker": MY_BOOKINGS}, method="post"),
    # The question first (a GET, or a POST without "confirm"), then the cancellation.
    Case("cancel", "/spaces/bookings/502/cancel/",
         {**members(404, anonymous=to_login("/spaces/bookings/502/cancel/")),
          "booker": MY_BOOKINGS}, method="post", data={"confirm": "yes"}),
    Case("cancel asks first", "/spaces/bookings/502/cancel/",
         {**members(404, anonymous=to_login("/spaces/bookings/502/cancel/")), "booker": 200},
         method="post"),
    Case("cancel question", "/spaces/bookings/502/cancel/",
         {**members(404, anonymous=to_login("/spaces/bookings/502/cancel/")), "booker": 200}),
    Case("cancel by PUT", "/spaces/bookings/502/cancel/",
         {**members(405, anonymous=to_login("/spaces/bookings/502/cancel/"))}, method="put"),
    Case("admin bookings", "/admin/spaces/booking/",
         {**members(302, anonymous=302), "coordinator": 200}),
    Case("admin occupancy", "/admin/spaces/booking/occupancy/",
         {**members(302, anonymous=302), "coordinator": 200}),
    Case("admin block", "/admin/spaces/booking/block/",
         {**members(302, anonymous=302), "coordinator": 200}),
    Case("admin resources", "/admin/spaces/resource/",
         {**members(302, anonymous=302), "coordinator": 200}),
    Case("admin spaces", "/admin/spaces/space/",
         {**members(302, anonymous=302), "coordinator": 200}),
]  # fmt: skip


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_permission_matrix(client, world, clock, case, viewer):
    clock.set(2026, 3, 16, 8, 10)
    check_case(client, world.users[viewer], case, viewer)


def test_only_the_booker_sees_their_slot_as_theirs(client, world, clock):
    client.force_login(world.users["booker"])
    mine = client.get("/spaces/flexplek/", {"date": "2026-03-18"})
    client.force_login(world.users["member"])
    theirs = client.get("/spaces/flexplek/", {"date": "2026-03-18"})

    assert (mine.text.count("lef-slot-mine"), theirs.text.count("lef-slot-mine")) == (2, 0)
    assert theirs.text.count("lef-slot-taken") == 2


def test_one_object_of_flags_per_resource_and_viewer(world):
    desk = Resource.objects.get(slug="flexplek")
    corner = Resource.objects.get(slug="startup-plek")
    waiting = OrganisationFactory(
        kind=Organisation.Kind.STARTUP, status=Organisation.Status.PROPOSED
    )
    users = {**world.users, "waiting": MemberFactory(profile__organisation=waiting)}

    def flags(resource):
        return {
            viewer: (
                perms.book,
                perms.refusal.code if perms.refusal else None,
                perms.see_bookers,
                perms.block,
                perms.change,
            )
            for viewer, user in users.items()
            for perms in [resource_permissions(user, resource)]
        }

    assert flags(desk) == {
        "anonymous": (False, Refusal.LOGIN, False, False, False),
        "member": (True, None, False, False, False),
        "startup": (True, None, False, False, False),
        "booker": (True, None, False, False, False),
        "coordinator": (True, None, True, True, True),
        "waiting": (True, None, False, False, False),
    }
    assert flags(corner) == {
        "anonymous": (False, Refusal.LOGIN, False, False, False),
        "member": (False, Refusal.STARTUPS_ONLY, False, False, False),
        "startup": (True, None, False, False, False),
        "booker": (False, Refusal.STARTUPS_ONLY, False, False, False),
        "coordinator": (False, Refusal.STARTUPS_ONLY, True, True, True),
        "waiting": (False, Refusal.STARTUP_PENDING, False, False, False),
    }
    assert [space_permissions(user, desk.space).change for user in users.values()] == [
        False, False, False, False, True, False
    ]  # fmt: skip


def test_one_object_of_flags_per_booking_and_viewer(world, clock):
    def flags(booking):
        return {
            viewer: (perms.cancel, perms.cancel_needs_message, perms.check_in)
            for viewer, user in world.users.items()
            for perms in [booking_permissions(user, booking)]
        }

    clock.set(2026, 3, 16, 8, 10)  # ten minutes into the first booking, before the later one

    assert flags(world.booking) == {
        "anonymous": (False, False, False),
        "member": (False, False, False),
        "startup": (False, False, False),
        "booker": (False, False, True),
        "coordinator": (True, True, False),
    }
    assert flags(world.later) == {
        "anonymous": (False, False, False),
        "member": (False, False, False),
        "startup": (False, False, False),
        "booker": (True, False, False),
        "coordinator": (True, True, False),
    }
