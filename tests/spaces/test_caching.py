"""The pieces the spaces caches stand on (spaces.caching): keys, the generation, exact inputs."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from spaces import caching, fragments, queries, timeslots
from spaces.models import Booking, Resource
from tests.factories import MemberFactory
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory, SpaceFactory


@dataclass(frozen=True)
class Inputs:
    text: str
    moment: datetime | None = None
    items: tuple = ()


@dataclass
class Unfrozen:
    text: str


@pytest.mark.parametrize(
    "value",
    [
        Inputs(gettext_lazy("Free")),
        Inputs(mark_safe("<b>Free</b>")),  # a str subclass
        Inputs("Free", items=(["a list"],)),
        Unfrozen("Free"),
        Inputs("Free", items=(1.5,)),
    ],
)
def test_only_plain_values_make_a_key(value):
    with pytest.raises(TypeError):
        caching.digest(value)


def test_a_key_is_the_same_for_equal_inputs_and_differs_for_any_change():
    moment = datetime(2026, 3, 16, 9, tzinfo=UTC)
    first = Inputs("Free", moment, (date(2026, 3, 16), time(9, fold=0), True, None))

    assert caching.digest(first) == caching.digest(
        Inputs("Free", moment, (date(2026, 3, 16), time(9), True, None))
    )
    others = [
        Inputs("free", moment, first.items),
        Inputs("Free", moment + timedelta(minutes=1), first.items),
        Inputs("Free", moment, (date(2026, 3, 16), time(9, fold=1), True, None)),
        Inputs("Free", moment, (date(2026, 3, 16), time(9), 1, None)),
        Inputs("Free", moment, (date(2026, 3, 16), time(9), True, "")),
    ]
    assert len({caching.digest(value) for value in [first, *others]}) == len(others) + 1


def test_a_parts_key_names_the_language_and_the_time_zone():
    inputs = Inputs("Free")
    with translation.override("nl"):
        dutch = caching._key(fragments.CARD.template, inputs)
    with translation.override("en"):
        english = caching._key(fragments.CARD.template, inputs)
        with timezone.override("Europe/London"):
            london = caching._key(fragments.CARD.template, inputs)

    assert len({dutch, english, london}) == 3


@pytest.mark.parametrize("slot_minutes", [15, 30, 60])
@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25), date(2026, 3, 17)])
def test_a_grid_for_the_next_boundary_is_the_grid_for_now(slot_minutes, day):
    """A free slot is past when it started before now: the same as before the boundary."""
    starts = (
        timeslots.day_slots(day, slot_minutes)
        + timeslots.day_slots(day + timedelta(days=1), slot_minutes)[:3]
    )
    moment = timeslots.local_midnight(day) - timedelta(minutes=7)
    while moment < timeslots.local_midnight(day + timedelta(days=1)) + timedelta(hours=1):
        boundary = timeslots.next_boundary(moment, slot_minutes)
        assert boundary >= moment
        assert [s < moment for s in starts] == [s < boundary for s in starts], moment
        moment += timedelta(minutes=7)


def windows_of(day):
    return {day: [timeslots.Window(timeslots.at(day, time(8)), timeslots.at(day, time(18)))]}


def test_the_grid_is_made_of_its_inputs_alone():
    day = date(2026, 3, 17)
    holds = [queries.Hold(local(2026, 3, 17, 10), local(2026, 3, 17, 11), "taken")]
    now = local(2026, 3, 17, 9, 10)
    exact = queries.grid(
        days=[day], windows=windows_of(day), slot_minutes=30, holds=holds, now=now
    )
    at_boundary = queries.grid(
        days=[day],
        windows=windows_of(day),
        slot_minutes=30,
        holds=holds,
        now=timeslots.next_boundary(now, 30),
    )

    def states(grid):
        return [(cell.start, cell.state) for cell in grid.cells_of(0)]

    assert states(exact) == states(at_boundary)
    assert [state for _, state in states(exact)][:6] == [
        "past", "past", "past", "free", "taken", "taken"
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("names", [False, True])
def test_bookings_riding_along_are_those_of_the_orm_query(clock, names):
    desk = ResourceFactory()
    other = ResourceFactory(space=desk.space)
    booker = MemberFactory(name="")
    days = [date(2026, 3, 17), date(2026, 3, 18)]
    begin, finish = queries.day_bounds(days)
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
    BookingFactory(resource=other, start=local(2026, 3, 17, 9), end=local(2026, 3, 17, 10))

    annotated = queries.with_availability(Resource.objects.all(), days, names=names).get(
        pk=desk.pk
    )
    riding = queries.held_rows(resource=annotated, begin=begin, finish=finish, names=names)
    queried = queries.held_rows(resource=desk, begin=begin, finish=finish, names=names)

    assert riding == queried
    assert [(row[0], row[2]) for row in riding] == [
        (local(2026, 2, 20, 9), "booking"),
        (local(2026, 3, 17, 9), "booking"),
        (local(2026, 3, 17, 10), "block"),
        (local(2026, 3, 18, 23), "booking"),
    ]
    if names:
        assert {row[5:] for row in riding} == {("", booker.username)}


@pytest.mark.django_db
def test_a_transaction_that_wrote_has_its_own_generation():
    space = SpaceFactory()
    before = caching.generation()

    with transaction.atomic():
        assert caching.generation() == before
        ResourceFactory(space=space)
        first = caching.generation()
        Booking.objects.filter(pk=0).update(purpose="")  # a write that changes no row
        second = caching.generation()

    assert before != first != second
    assert first.startswith(f"{before.split('.')[0]}.")


@pytest.mark.django_db(transaction=True)
def test_the_generation_rises_once_at_each_commit_that_wrote():
    def committed() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM spaces_generation")
            return cursor.fetchone()[0]

    space = SpaceFactory()  # its opening hours too: one transaction each
    start = committed()
    with transaction.atomic():
        for number in range(3):
            ResourceFactory(space=space, slug=f"plek-{number}")
        assert committed() == start  # not before the commit
    after = committed()
    Resource.objects.filter(pk=0).update(name="x")  # commits, and changes no row

    assert (after, committed(), caching.generation()) == (start + 1, start + 1, str(start + 1))
