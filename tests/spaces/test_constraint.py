"""The database itself refuses a double booking: the exclusion constraint."""

import pytest
from django.db import IntegrityError, connection, transaction

from spaces.models import Booking
from tests.factories import MemberFactory
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def _raw_insert(resource, booker, start, end, *, status="confirmed", kind="booking"):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO spaces_booking (resource_id, booker_id, start, "end", purpose, people,
                status, kind, cancel_message, created_at, updated_at)
            VALUES (%s, %s, %s, %s, '', 1, %s, %s, '', now(), now())
            """,
            [resource.pk, booker.pk, start, end, status, kind],
        )


def test_raw_overlapping_insert_is_refused_by_the_database():
    resource = ResourceFactory()
    booker = MemberFactory()
    _raw_insert(resource, booker, local(2026, 3, 18, 10), local(2026, 3, 18, 11))

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        _raw_insert(resource, MemberFactory(), local(2026, 3, 18, 10, 30), local(2026, 3, 18, 12))

    assert caught.value.__cause__.diag.constraint_name == "spaces_booking_no_overlap"
    assert Booking.objects.count() == 1


def test_raw_block_over_a_booking_is_refused_by_the_database():
    resource = ResourceFactory()
    _raw_insert(resource, MemberFactory(), local(2026, 3, 18, 10), local(2026, 3, 18, 11))

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_insert(
            resource, MemberFactory(), local(2026, 3, 18, 9), local(2026, 3, 18, 17), kind="block"
        )


def test_adjacent_bookings_both_fit():
    resource = ResourceFactory()
    BookingFactory(resource=resource, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11))
    BookingFactory(resource=resource, start=local(2026, 3, 18, 11), end=local(2026, 3, 18, 12))
    _raw_insert(resource, MemberFactory(), local(2026, 3, 18, 9), local(2026, 3, 18, 10))

    assert Booking.objects.filter(resource=resource).count() == 3


@pytest.mark.parametrize("status", ["cancelled", "released"])
def test_cancelled_and_released_bookings_block_nothing(status):
    resource = ResourceFactory()
    BookingFactory(
        resource=resource, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11), status=status
    )
    _raw_insert(resource, MemberFactory(), local(2026, 3, 18, 10), local(2026, 3, 18, 11))

    assert Booking.objects.filter(resource=resource, status="confirmed").count() == 1


def test_same_time_on_another_resource_fits():
    first, second = ResourceFactory(), ResourceFactory()
    BookingFactory(resource=first, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11))
    _raw_insert(second, MemberFactory(), local(2026, 3, 18, 10), local(2026, 3, 18, 11))

    assert Booking.objects.count() == 2


def test_a_booking_must_end_after_it_starts():
    resource = ResourceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_insert(resource, MemberFactory(), local(2026, 3, 18, 10), local(2026, 3, 18, 10))


def test_no_row_is_longer_than_the_longest_span():
    resource = ResourceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_insert(resource, MemberFactory(), local(2026, 3, 1, 10), local(2026, 4, 2, 10))


def test_overlapping_finds_a_long_row_that_began_before_the_window():
    resource = ResourceFactory()
    long = BookingFactory(resource=resource, start=local(2026, 3, 1, 8), end=local(2026, 3, 31, 8),
                          kind="block")  # fmt: skip

    found = Booking.objects.blocking().overlapping(
        local(2026, 3, 30, 9), local(2026, 3, 30, 10), resource=resource
    )

    assert list(found) == [long]
