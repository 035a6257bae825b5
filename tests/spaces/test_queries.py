"""The reads behind the spaces pages: what holds a resource's time, and the search's view of it."""

from datetime import date, time, timedelta

import pytest

from spaces import queries
from spaces.timeslots import LOCAL
from tests.factories import MemberFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

DAYS = [date(2026, 3, 17), date(2026, 3, 18)]


@pytest.fixture
def desk():
    """A desk with bookings and blocks in, around and outside DAYS."""
    desk = ResourceFactory()
    booker = MemberFactory(name="")
    for start, end, extra in [
        (local(2026, 2, 18, 9), local(2026, 2, 20, 9), {}),  # long before
        (local(2026, 2, 20, 9), local(2026, 3, 17, 1), {}),  # weeks long, into the first day
        (local(2026, 3, 17, 9), local(2026, 3, 17, 10), {}),
        (local(2026, 3, 17, 10), local(2026, 3, 17, 11), {"kind": "block", "purpose": "Meetup"}),
        (local(2026, 3, 17, 10), local(2026, 3, 17, 12), {"status": "cancelled"}),
        (local(2026, 3, 17, 12), local(2026, 3, 17, 13), {"status": "released"}),
        (local(2026, 3, 18, 23), local(2026, 3, 19, 0, 30), {}),  # past the last midnight
        (local(2026, 3, 19, 0, 30), local(2026, 3, 19, 1), {}),  # after the last day
    ]:
        BookingFactory(resource=desk, booker=booker, start=start, end=end, **extra)
    BookingFactory(
        resource=ResourceFactory(space=desk.space),
        start=local(2026, 3, 17, 9),
        end=local(2026, 3, 17, 10),
    )
    return desk


def test_holds_are_the_confirmed_bookings_and_blocks_that_meet_the_days(clock, desk):
    begin, finish = queries.day_bounds(DAYS)

    found = queries.holds(resource=desk, begin=begin, finish=finish, viewer=MemberFactory())

    assert [(hold.start, hold.state, hold.note, hold.booker) for hold in found] == [
        (local(2026, 2, 20, 9), "taken", "", ""),
        (local(2026, 3, 17, 9), "taken", "", ""),
        (local(2026, 3, 17, 10), "blocked", "Meetup", ""),
        (local(2026, 3, 18, 23), "taken", "", ""),
    ]


def test_coordinators_see_who_holds_the_time(clock, desk):
    begin, finish = queries.day_bounds(DAYS)

    found = queries.holds(resource=desk, begin=begin, finish=finish, viewer=CoordinatorFactory())

    booker = desk.bookings.first().booker
    assert [hold.booker for hold in found] == [
        booker.username,
        booker.username,
        "",
        booker.username,
    ]


@pytest.mark.parametrize(
    ("start", "end", "free"),
    [
        (local(2026, 3, 17, 0, 30), local(2026, 3, 17, 1, 30), False),  # the weeks-long one
        (local(2026, 3, 17, 9, 30), local(2026, 3, 17, 10), False),
        (local(2026, 3, 17, 10, 30), local(2026, 3, 17, 11, 30), False),  # the block
        (local(2026, 3, 17, 11), local(2026, 3, 17, 13), True),  # cancelled and released
        (local(2026, 3, 17, 9, 30), local(2026, 3, 17, 10, 30), False),  # a booking and a block
        (local(2026, 3, 17, 12, 30), local(2026, 3, 17, 13, 30), True),  # after the released one
        (local(2026, 3, 18, 9), local(2026, 3, 18, 10), True),
        (local(2026, 3, 18, 22), local(2026, 3, 18, 23, 30), False),  # into the night
        (local(2026, 3, 19, 0), local(2026, 3, 19, 1), False),  # two that meet at 00:30
    ],
)
def test_the_search_agrees_with_the_holds(clock, desk, start, end, free):
    desk.space.opening_hours.update(opens="00:00", closes="00:00")

    found = queries.free_resources(start=start, end=end)

    held = queries.holds(resource=desk, begin=start, finish=end, viewer=None)
    assert ((desk in found), not held) == (free, free)


@pytest.mark.parametrize(
    ("number", "shown", "starts"),
    [
        (1, 1, [local(2026, 3, 16, 9), local(2026, 3, 15, 9)]),
        ("2", 2, [local(2026, 3, 14, 9)]),
        (3, 2, [local(2026, 3, 14, 9)]),  # past the end: the last page
        (0, 2, [local(2026, 3, 14, 9)]),
        ("x", 1, [local(2026, 3, 16, 9), local(2026, 3, 15, 9)]),
    ],
)
def test_past_pages_are_the_pages_a_paginator_gives(clock, number, shown, starts):
    member = MemberFactory()
    for day in (14, 15, 16):
        BookingFactory(booker=member, start=local(2026, 3, day, 9), end=local(2026, 3, day, 10))
    BookingFactory(booker=member, start=local(2026, 3, 20, 9), end=local(2026, 3, 20, 10))

    page = queries.past_page(member, number, per_page=2, now=local(2026, 3, 18, 12))

    assert (page.number, page.paginator.count, [row.start for row in page]) == (shown, 3, starts)


def test_no_past_bookings_is_one_empty_page(clock):
    page = queries.past_page(MemberFactory(), 4, per_page=2, now=local(2026, 3, 18, 12))

    assert (page.number, page.paginator.num_pages, list(page)) == (1, 1, [])


# Where the search starts ---------------------------------------------------------------

WEEKDAYS_8_TO_18 = [(day, time(8), time(18)) for day in range(5)]


def _open_days(now, hours):
    """The open windows from ``now``'s day on, as the overview reads them."""
    first = now.astimezone(LOCAL).date()
    space = SpaceFactory(hours=hours)
    last = first + timedelta(days=queries.OPEN_AHEAD_DAYS)
    found_hours, closures = queries.calendar_of([ResourceFactory(space=space)], first, last)
    return queries.days_open(first, last, found_hours, closures)


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        # Monday 16 March 2026: from the next whole hour, never before nine, two hours.
        (local(2026, 3, 16, 7, 10), local(2026, 3, 16, 9), local(2026, 3, 16, 11)),
        (local(2026, 3, 16, 10, 0), local(2026, 3, 16, 11), local(2026, 3, 16, 13)),
        (local(2026, 3, 16, 10, 20), local(2026, 3, 16, 11), local(2026, 3, 16, 13)),
        # Until closing, if an hour is left.
        (local(2026, 3, 16, 16, 30), local(2026, 3, 16, 17), local(2026, 3, 16, 18)),
        # Late: tomorrow morning, not hours already past.
        (local(2026, 3, 16, 17, 5), local(2026, 3, 17, 9), local(2026, 3, 17, 11)),
        (local(2026, 3, 16, 22, 45), local(2026, 3, 17, 9), local(2026, 3, 17, 11)),
        # Friday evening: the weekend is closed, so Monday.
        (local(2026, 3, 20, 21, 0), local(2026, 3, 23, 9), local(2026, 3, 23, 11)),
    ],
)
def test_the_search_starts_at_the_next_open_hours(clock, now, start, end):
    clock.moment = now

    assert queries.search_start(now, _open_days(now, WEEKDAYS_8_TO_18)) == (start, end)


def test_the_search_starts_on_a_whole_hour_of_a_late_opening(clock):
    now = clock.set(2026, 3, 16, 20, 0)
    afternoons = [(day, time(13, 30), time(17)) for day in range(7)]

    assert queries.search_start(now, _open_days(now, afternoons)) == (
        local(2026, 3, 17, 14),
        local(2026, 3, 17, 16),
    )


def test_the_search_has_no_start_when_nothing_opens(clock):
    now = clock.set(2026, 3, 16, 20, 0)

    assert queries.search_start(now, _open_days(now, [])) is None
