"""Daylight saving: 29 March 2026 has 23 hours, 25 October 2026 has 25 (02:00-03:00 twice)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from spaces import queries, services, timeslots
from spaces.models import Booking
from tests.factories import MemberFactory
from tests.spaces.conftest import local
from tests.spaces.factories import ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)


@pytest.fixture
def night_desk():
    """A desk open around the clock, in 30-minute slots."""
    space = SpaceFactory(hours=[(day, time(0), time(0)) for day in range(7)])
    return ResourceFactory(space=space, max_days_ahead=366, max_minutes=24 * 60)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_day_slots_on_dst_days():
    assert len(timeslots.day_slots(SPRING, 30)) == 46
    assert len(timeslots.day_slots(date(2026, 3, 28), 30)) == 48
    assert len(timeslots.day_slots(AUTUMN, 30)) == 50


def test_grid_on_the_spring_day_skips_the_hour_that_does_not_exist(clock, night_desk):
    grid = queries.availability(resource=night_desk, days=[SPRING], viewer=None)

    walls = [(row.wall.strftime("%H:%M"), row.fold) for row in grid.rows]
    assert len(walls) == 46
    assert walls[3:6] == [("01:30", 0), ("03:00", 0), ("03:30", 0)]
    assert grid.rows[4].cells[0].start == utc(2026, 3, 29, 1, 0)  # 03:00 CEST


def test_grid_on_the_autumn_day_shows_the_repeated_hour_twice(clock, night_desk):
    clock.set(2026, 10, 1, 8, 0)
    grid = queries.availability(resource=night_desk, days=[AUTUMN], viewer=None)

    walls = [(row.wall.strftime("%H:%M"), row.fold) for row in grid.rows]
    assert len(walls) == 50
    assert walls[4:8] == [("02:00", 0), ("02:00", 1), ("02:30", 0), ("02:30", 1)]
    first, second = grid.rows[4].cells[0], grid.rows[5].cells[0]
    assert (first.start, second.start) == (utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 1, 0))


def test_week_grid_over_a_dst_change_marks_the_missing_and_repeated_times(clock, night_desk):
    monday = date(2026, 10, 19)
    clock.set(2026, 10, 1, 8, 0)
    grid = queries.availability(
        resource=night_desk, days=[monday + timedelta(days=i) for i in range(7)], viewer=None
    )

    second_two = next(row for row in grid.rows if row.wall == time(2) and row.fold == 1)
    assert [cell is not None for cell in second_two.cells] == [False] * 6 + [True]
    assert len(grid.rows) == 50  # 48 clock times, two of them twice on Sunday


def test_booking_across_the_spring_change_lasts_its_real_time(clock, night_desk):
    member = MemberFactory()

    booking = services.book_resource(
        resource=night_desk, booker=member, start=local(2026, 3, 29, 1), end=local(2026, 3, 29, 4)
    )
    booking.refresh_from_db()

    assert (booking.start, booking.end) == (utc(2026, 3, 29, 0), utc(2026, 3, 29, 2))
    assert booking.minutes == 120  # 01:00 to 04:00 on the clock is two hours that night


def test_morning_booking_on_the_spring_day_is_at_the_local_hour(clock, night_desk):
    booking = services.book_resource(
        resource=night_desk,
        booker=MemberFactory(),
        start=timeslots.at(SPRING, time(10)),
        end=timeslots.at(SPRING, time(11)),
    )
    booking.refresh_from_db()

    assert booking.start == utc(2026, 3, 29, 8)  # CEST, +2
    assert timeslots.local(booking.start).hour == 10


def test_both_occurrences_of_the_repeated_hour_can_be_booked(clock, night_desk):
    clock.set(2026, 10, 1, 8, 0)
    first, last = timeslots.from_wall(AUTUMN, time(2), time(2, 30), fold=0)
    again_first, again_last = timeslots.from_wall(AUTUMN, time(2), time(2, 30), fold=1)

    one = services.book_resource(
        resource=night_desk, booker=MemberFactory(), start=first, end=last
    )
    two = services.book_resource(
        resource=night_desk, booker=MemberFactory(), start=again_first, end=again_last
    )

    assert (one.start, two.start) == (utc(2026, 10, 25, 0), utc(2026, 10, 25, 1))
    assert Booking.objects.count() == 2


def test_first_two_to_three_on_the_autumn_day_is_two_hours(clock, night_desk):
    clock.set(2026, 10, 1, 8, 0)

    start, end = timeslots.from_wall(AUTUMN, time(2), time(3), fold=0)

    assert end - start == (utc(2026, 10, 25, 2) - utc(2026, 10, 25, 0))


def test_a_time_that_does_not_exist_is_refused_by_the_form(clock, night_desk):
    from spaces.forms import BookingForm  # noqa: PLC0415

    form = BookingForm(
        {"day": "2026-03-29", "start_time": "02:30", "end_time": "03:30", "people": 1, "weeks": 1},
        resource=night_desk,
    )

    assert form.errors == {
        "start_time": ["02:30 does not exist on this day: the clocks go forward an hour."]
    }


def test_calendar_file_of_a_dst_day_booking_has_the_local_hour(clock, night_desk, outbox):
    with outbox():
        services.book_resource(
            resource=night_desk,
            booker=MemberFactory(),
            start=timeslots.at(SPRING, time(10)),
            end=timeslots.at(SPRING, time(11)),
        )

    content = outbox[0].attachments[0][1]
    assert "DTSTART;TZID=Europe/Amsterdam:20260329T100000" in content
    assert "DTEND;TZID=Europe/Amsterdam:20260329T110000" in content


def test_week_page_over_the_autumn_change_says_which_times_do_not_exist(client, clock, night_desk):
    clock.set(2026, 10, 1, 8, 0)

    response = client.get(f"/spaces/{night_desk.slug}/", {"date": "2026-10-21", "view": "week"})

    # The second 02:00 and 02:30 happen on Sunday only: six days have no such time.
    assert response.text.count('class="lef-slot lef-slot-none"') == 12
    assert response.text.count(">Deze tijd bestaat niet op deze dag<") == 12
    assert response.text.count("(2e)") == 2
