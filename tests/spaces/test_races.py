"""Coordinators' changes and members' bookings at the same moment: exact outcomes.

Each test releases a coordinator's change (a closure day, a block, a weekly
series) and members' bookings of the same place and time together, each on
its own connection, and asserts one of the outcomes that taking turns
allows: whoever came first, nothing ends up both closed (or blocked) and
booked. The organisation quota is raced the same way.
"""

from collections import Counter
from datetime import time, timedelta

import pytest
from django.utils import translation

from members.models import Organisation, User
from members.services import deactivate_member
from spaces import services, timeslots
from spaces.models import Booking, Closure, Resource
from spaces.permissions import Refusal
from tests.factories import MemberFactory, OrganisationFactory
from tests.helpers import run_at_once
from tests.spaces.factories import ResourceFactory

MEMBERS = 5


def _coordinator():
    # A superuser: the Coordinators group of the migrations is gone after a flush.
    return MemberFactory(is_staff=True, is_superuser=True)


pytestmark = pytest.mark.django_db(transaction=True)


def _kind(outcome) -> str:
    """What one attempt came to, compared exactly (anything unexpected by its repr)."""
    if isinstance(outcome, Booking):
        return "booked"
    if isinstance(outcome, services.SeriesConflict):
        return "series refused"
    if isinstance(outcome, services.SlotTaken):
        return "taken"
    if isinstance(outcome, services.QuotaReached):
        return "quota"
    if isinstance(outcome, services.BookingRuleBroken) and "is closed on" in outcome.message:
        return "closed"
    return repr(outcome)


def _slot(attempt: int, *, weeks_ahead: int = 0):
    """10:00-11:00 on a day a few days ahead (another per attempt), as UTC moments."""
    day = timeslots.today() + timedelta(days=2 + attempt + 7 * weeks_ahead)
    start = timeslots.at(day, time(10))
    return day, start, start + timedelta(hours=1)


def _bookings(desk, members, start, end):
    def book(member):
        with translation.override("en"):  # a thread starts in the site's default language
            return services.book_resource(resource=desk, booker=member, start=start, end=end)

    return [lambda member=member: book(member) for member in members]


@pytest.mark.parametrize("attempt", range(2))
def test_a_closure_day_and_bookings_of_it_at_once_never_both_stand(attempt):
    desk = ResourceFactory()
    coordinator = _coordinator()
    members = [MemberFactory() for _ in range(MEMBERS)]
    day, start, end = _slot(attempt)
    closure = Closure(space=desk.space, date=day, reason="Studiedag")

    close, *booked = run_at_once(
        [
            lambda: services.close_day(closure=closure, by=coordinator),
            *_bookings(desk, members, start, end),
        ]
    )

    kinds = Counter(_kind(outcome) for outcome in booked)
    if isinstance(close, services.BookingsInTheWay):
        # A member booked first: the closure is refused and their booking stands.
        assert (close.count, kinds) == (1, {"booked": 1, "taken": MEMBERS - 1})
        assert not Closure.objects.filter(space=desk.space, date=day).exists()
        assert Booking.objects.filter(resource=desk, status="confirmed").count() == 1
    else:
        # The closure came first: every member is told the place is closed.
        assert (close, kinds) == ([], {"closed": MEMBERS})
        assert Closure.objects.filter(space=desk.space, date=day).exists()
        assert not Booking.objects.filter(resource=desk).exists()


@pytest.mark.parametrize("attempt", range(2))
def test_a_closure_day_that_cancels_bookings_cancels_every_one_made_at_the_same_moment(attempt):
    desk = ResourceFactory()
    coordinator = _coordinator()
    members = [MemberFactory() for _ in range(MEMBERS)]
    day, start, end = _slot(attempt)
    closure = Closure(space=desk.space, date=day, reason="Studiedag")

    close, *booked = run_at_once(
        [
            lambda: services.close_day(closure=closure, by=coordinator, cancel_bookings=True),
            *_bookings(desk, members, start, end),
        ]
    )

    made = [outcome.pk for outcome in booked if isinstance(outcome, Booking)]
    kinds = Counter(_kind(outcome) for outcome in booked)
    # At most one booking got in before the closure, and the closure cancelled it.
    assert [booking.pk for booking in close] == made
    assert kinds in (
        Counter(closed=MEMBERS),
        *(Counter(booked=1, taken=taken, closed=MEMBERS - 1 - taken) for taken in range(MEMBERS)),
    )
    assert Closure.objects.filter(space=desk.space, date=day).exists()
    assert not Booking.objects.filter(resource=desk, status="confirmed").exists()


@pytest.mark.parametrize("cancel_conflicting", [False, True])
@pytest.mark.parametrize("attempt", range(2))
def test_a_block_and_bookings_of_its_time_at_once(attempt, cancel_conflicting):
    desk = ResourceFactory()
    coordinator = _coordinator()
    members = [MemberFactory() for _ in range(MEMBERS)]
    _day, start, end = _slot(attempt)

    block, *booked = run_at_once(
        [
            lambda: services.block_slots(
                resources=[desk],
                start=start - timedelta(hours=1),
                end=end,
                by=coordinator,
                reason="Meetup po-vo",
                cancel_conflicting=cancel_conflicting,
            ),
            *_bookings(desk, members, start, end),
        ]
    )

    kinds = Counter(_kind(outcome) for outcome in booked)
    holding = Booking.objects.filter(resource=desk, status="confirmed")
    if isinstance(block, services.SlotTaken):
        # A member booked first and the coordinator did not cancel: no block.
        assert (cancel_conflicting, kinds) == (False, {"booked": 1, "taken": MEMBERS - 1})
        assert [row.kind for row in holding] == ["booking"]
    else:
        assert kinds in (Counter(taken=MEMBERS), Counter(booked=1, taken=MEMBERS - 1))
        # Only the block holds the time; a booking made first was cancelled by it.
        assert [row.pk for row in holding] == [block[0].pk]
        made = [outcome.pk for outcome in booked if isinstance(outcome, Booking)]
        assert (
            list(
                Booking.objects.filter(resource=desk, status="cancelled").values_list(
                    "pk", flat=True
                )
            )
            == made
        )
        assert cancel_conflicting or not made


@pytest.mark.parametrize("attempt", range(2))
def test_a_weekly_series_and_bookings_of_one_of_its_dates_at_once(attempt):
    desk = ResourceFactory(max_days_ahead=60)
    planner = MemberFactory()
    members = [MemberFactory() for _ in range(MEMBERS)]
    _day, start, end = _slot(attempt)
    _second_week, taken_start, taken_end = _slot(attempt, weeks_ahead=1)

    series, *booked = run_at_once(
        [
            lambda: services.book_series(
                resource=desk, booker=planner, start=start, end=end, weeks=4
            ),
            *_bookings(desk, members, taken_start, taken_end),
        ]
    )

    kinds = Counter(_kind(outcome) for outcome in booked)
    mine = Booking.objects.filter(resource=desk, booker=planner, status="confirmed")
    if isinstance(series, services.SeriesConflict):
        # A member took the second week first: the series books nothing and says which.
        assert [conflict.start for conflict in series.conflicts] == [taken_start]
        assert (kinds, mine.count()) == ({"booked": 1, "taken": MEMBERS - 1}, 0)
    else:
        assert (len(series.bookings), series.skipped) == (4, [])
        assert (kinds, mine.count()) == ({"taken": MEMBERS}, 4)
    assert (
        Booking.objects.filter(resource=desk, start=taken_start, status="confirmed").count() == 1
    )


@pytest.mark.parametrize(
    "audience", [Resource.Audience.STARTUPS, Resource.Audience.MEMBERS], ids=["corner", "desk"]
)
@pytest.mark.parametrize("attempt", range(2))
def test_two_members_of_one_startup_booking_at_once_stay_within_its_quota(attempt, audience):
    place = ResourceFactory(audience=audience, organisation_quota_hours=2)
    startup = OrganisationFactory(kind=Organisation.Kind.STARTUP)
    members = [MemberFactory(profile__organisation=startup) for _ in range(2)]
    monday = timeslots.week_start(timeslots.today()) + timedelta(days=7 * (attempt + 1))
    # On the corner (start-ups only) every booking counts; on a desk, those "on behalf of".
    on_behalf = None if audience == Resource.Audience.STARTUPS else startup

    outcomes = run_at_once(
        [
            lambda member=member, day=day: services.book_resource(
                resource=place,
                booker=member,
                start=timeslots.at(day, time(9)),
                end=timeslots.at(day, time(11)),
                organisation=on_behalf,
            )
            for member, day in zip(members, [monday, monday + timedelta(days=1)], strict=True)
        ]
    )

    assert sorted(_kind(outcome) for outcome in outcomes) == ["booked", "quota"]
    assert list(Booking.objects.values_list("organisation", flat=True)) == [startup.pk]


@pytest.mark.parametrize("attempt", range(3))
def test_bookings_made_while_the_member_is_deactivated_never_stand(attempt):
    """The booker's row is locked and its is_active read again: a stale ``member`` books nothing.

    Each thread holds the ``member`` loaded before the deactivation, as a
    request does. A booking that got its turn before the deactivation is
    cancelled by it; one that waited for it is refused, as for a visitor.
    """
    desk = ResourceFactory(max_days_ahead=60)
    coordinator = _coordinator()
    member = MemberFactory()
    slots = [_slot(attempt, weeks_ahead=week)[1:] for week in range(MEMBERS)]

    def book(start, end):
        with translation.override("en"):
            return services.book_resource(resource=desk, booker=member, start=start, end=end)

    deactivated, *booked = run_at_once(
        [
            lambda: deactivate_member(user=User.objects.get(pk=member.pk), by=coordinator),
            *[lambda start=start, end=end: book(start, end) for start, end in slots],
        ]
    )

    made = [outcome.pk for outcome in booked if isinstance(outcome, Booking)]
    refused = [outcome for outcome in booked if not isinstance(outcome, Booking)]
    assert isinstance(deactivated, list), deactivated
    assert [(type(o), getattr(o, "code", o)) for o in refused] == [
        (services.BookingNotAllowed, Refusal.LOGIN)
    ] * len(refused)
    assert len(made) + len(refused) == MEMBERS
    # Whatever got in first was cancelled by the deactivation; nothing holds a seat.
    assert not Booking.objects.filter(booker=member, status="confirmed").exists()
    assert sorted(
        Booking.objects.filter(booker=member, status="cancelled").values_list("pk", flat=True)
    ) == sorted(made)
