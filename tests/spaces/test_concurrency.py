"""50 members booking the same slot at once: exactly one booking, 49 clear refusals."""

import threading
from collections import Counter
from datetime import time, timedelta

import pytest
from django.db import connection

from spaces import services, timeslots
from spaces.models import Booking
from tests.factories import MemberFactory
from tests.spaces.factories import ResourceFactory

MEMBERS = 50


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_fifty_members_booking_one_slot_get_one_booking(attempt):
    desk = ResourceFactory(max_days_ahead=60)
    members = [MemberFactory() for _ in range(MEMBERS)]
    day = timeslots.today() + timedelta(days=2 + attempt)
    start = timeslots.at(day, time(10))
    end = start + timedelta(hours=1)
    barrier = threading.Barrier(MEMBERS)
    outcomes, lock = [], threading.Lock()

    def book(member):
        try:
            barrier.wait(timeout=30)
            services.book_resource(resource=desk, booker=member, start=start, end=end)
            outcome = "booked"
        except services.SlotTaken as error:
            outcome = ("taken", error.status)
        except Exception as error:
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Counter(outcomes) == {"booked": 1, ("taken", 409): MEMBERS - 1}
    assert Booking.objects.filter(resource=desk, status="confirmed").count() == 1


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
    barrier = threading.Barrier(2)
    outcomes = []

    def book(start, end):
        try:
            barrier.wait(timeout=10)
            services.book_resource(resource=desk, booker=member, start=start, end=end)
            outcomes.append("booked")
        except services.QuotaReached:
            outcomes.append("quota")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=slot) for slot in slots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["booked", "quota"]
    assert Booking.objects.filter(booker=member).count() == 1
