"""50 members booking the same slot at once: exactly one booking, 49 clear refusals."""

from collections import Counter
from datetime import time, timedelta

import pytest

from spaces import services, timeslots
from spaces.models import Booking
from tests.factories import MemberFactory
from tests.helpers import run_at_once
from tests.spaces.factories import ResourceFactory

MEMBERS = 50


def _kind(outcome):
    """What one booking attempt came to, compared exactly (anything unexpected by its repr)."""
    if isinstance(outcome, Booking):
        return "booked"
    if isinstance(outcome, services.SlotTaken):
        return ("taken", outcome.status)
    if isinstance(outcome, services.QuotaReached):
        return "quota"
    return repr(outcome)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_fifty_members_booking_one_slot_get_one_booking(attempt):
    desk = ResourceFactory(max_days_ahead=60)
    members = [MemberFactory() for _ in range(MEMBERS)]
    day = timeslots.today() + timedelta(days=2 + attempt)
    start = timeslots.at(day, time(10))
    end = start + timedelta(hours=1)

    outcomes = run_at_once(
        [
            lambda m=m: services.book_resource(resource=desk, booker=m, start=start, end=end)
            for m in members
        ]
    )

    assert Counter(_kind(outcome) for outcome in outcomes) == {
        "booked": 1,
        ("taken", 409): MEMBERS - 1,
    }
    booking = Booking.objects.get(resource=desk, status="confirmed")
    assert [outcome.pk for outcome in outcomes if isinstance(outcome, Booking)] == [booking.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(2))
def test_member_quota_holds_when_two_bookings_race(attempt):
    desk = ResourceFactory(member_quota_hours=2, max_days_ahead=60)
    member = MemberFactory()
    day = timeslots.week_start(timeslots.today()) + timedelta(days=7 * (attempt + 1))
    slots = [
        (timeslots.at(day, time(9)), timeslots.at(day, time(11))),
        (timeslots.at(day, time(13)), timeslots.at(day, time(15))),
    ]

    outcomes = run_at_once(
        [
            lambda start=start, end=end: services.book_resource(
                resource=desk, booker=member, start=start, end=end
            )
            for start, end in slots
        ]
    )

    assert sorted(_kind(outcome) for outcome in outcomes) == ["booked", "quota"]
    assert Booking.objects.filter(booker=member).count() == 1
