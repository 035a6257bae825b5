"""Every booking rule at its boundary, quotas, series, cancelling, check-in and no-shows."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.db import transaction

from lef.models import Notice
from members.models import Organisation
from spaces import services
from spaces.models import Booking, Closure, OpeningHours, Resource
from spaces.permissions import Refusal
from tests.factories import MemberFactory, OrganisationFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MemberFactory(name="Sanne de Vries")


@pytest.fixture
def desk():
    return ResourceFactory(name="Flexplek 1", slug="flexplek-1")


def book(resource, booker, start, end, **kwargs):
    return services.book_resource(resource=resource, booker=booker, start=start, end=end, **kwargs)


# Confirmation --------------------------------------------------------------------------


def test_booking_is_stored_in_utc_and_confirmed_by_mail_with_ics(clock, desk, member, outbox):
    with outbox():
        booking = book(
            desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11), purpose="Overleg"
        )
    booking.refresh_from_db()

    assert (booking.status, booking.start.utcoffset(), booking.start.hour, booking.purpose) == (
        "confirmed",
        timedelta(0),
        9,  # 10:00 in Amsterdam is 09:00 UTC in winter
        "Overleg",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Flexplek 1" in message.subject
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype) == ("booking-2026-03-18.ics", "text/calendar; method=REQUEST")
    assert "DTSTART;TZID=Europe/Amsterdam:20260318T100000" in content


def test_adjacent_bookings_both_fit_and_overlap_is_refused(clock, desk, member):
    book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    book(desk, MemberFactory(), local(2026, 3, 18, 11), local(2026, 3, 18, 12))

    with pytest.raises(services.SlotTaken) as caught:
        book(desk, MemberFactory(), local(2026, 3, 18, 10, 30), local(2026, 3, 18, 11, 30))

    assert caught.value.message == "This time is already taken. Choose another slot."
    assert caught.value.status == 409
    assert Booking.objects.count() == 2


def test_a_cancelled_booking_frees_the_slot(clock, desk, member):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    services.cancel_booking(booking=booking, by=member)

    again = book(desk, MemberFactory(), local(2026, 3, 18, 10), local(2026, 3, 18, 11))

    assert again.status == "confirmed"


# Time rules at their boundaries ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        ((2026, 3, 18, 8, 0), (2026, 3, 18, 9, 0), True),  # opening time
        ((2026, 3, 18, 7, 30), (2026, 3, 18, 8, 30), False),  # before opening
        ((2026, 3, 18, 17, 0), (2026, 3, 18, 18, 0), True),  # up to closing
        ((2026, 3, 18, 17, 30), (2026, 3, 18, 18, 30), False),  # past closing
    ],
)
def test_opening_hours_boundaries(clock, desk, member, start, end, ok):  # noqa: PLR0917 -- parametrized
    if ok:
        assert book(desk, member, local(*start), local(*end)).pk
    else:
        with pytest.raises(services.BookingRuleBroken, match="outside the opening hours"):
            book(desk, member, local(*start), local(*end))


def test_two_ranges_a_day_touching_merge_and_a_gap_is_closed(clock, member):
    space = SpaceFactory(hours=[(2, time(9), time(12)), (2, time(12), time(14)),
                                (2, time(15), time(17))])  # fmt: skip
    desk = ResourceFactory(space=space)

    assert book(desk, member, local(2026, 3, 18, 11), local(2026, 3, 18, 13)).pk
    with pytest.raises(services.BookingRuleBroken, match="outside the opening hours"):
        book(desk, member, local(2026, 3, 18, 13, 30), local(2026, 3, 18, 15, 30))


def test_closure_day_is_refused(clock, desk, member):
    Closure.objects.create(space=desk.space, date=local(2026, 3, 18).date(), reason="Studiedag")

    with pytest.raises(services.BookingRuleBroken, match="is closed on Wednesday 18 March 2026"):
        book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    assert book(desk, member, local(2026, 3, 19, 10), local(2026, 3, 19, 11)).pk


def test_slot_alignment(clock, member):
    desk = ResourceFactory(slot_minutes=30)

    assert book(desk, member, local(2026, 3, 18, 9, 30), local(2026, 3, 18, 10, 30)).pk
    with pytest.raises(services.BookingRuleBroken, match="whole slots of 30 minutes"):
        book(desk, member, local(2026, 3, 18, 11, 15), local(2026, 3, 18, 12, 15))


def test_shortest_and_longest_booking(clock, member):
    desk = ResourceFactory(min_minutes=60, max_minutes=240)

    assert book(desk, member, local(2026, 3, 18, 8), local(2026, 3, 18, 9)).pk
    assert book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 14)).pk
    with pytest.raises(services.BookingRuleBroken, match=r"Book at least 1 hour\."):
        book(desk, member, local(2026, 3, 18, 14), local(2026, 3, 18, 14, 30))
    with pytest.raises(services.BookingRuleBroken, match=r"Book at most 4 hours at a time\."):
        book(desk, member, local(2026, 3, 19, 8), local(2026, 3, 19, 12, 30))


def test_how_far_ahead(clock, member):
    desk = ResourceFactory(max_days_ahead=14)  # now: Monday 16 March, 08:00

    assert book(desk, member, local(2026, 3, 30, 17), local(2026, 3, 30, 18)).pk
    with pytest.raises(services.BookingRuleBroken, match="at most 14 days ahead"):
        book(desk, member, local(2026, 3, 31, 8), local(2026, 3, 31, 9))


def test_minimum_notice(clock, member):
    desk = ResourceFactory(min_notice_minutes=60)
    clock.set(2026, 3, 18, 9, 0)

    assert book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11)).pk
    with pytest.raises(services.BookingRuleBroken, match="at least 60 minutes ahead"):
        book(desk, member, local(2026, 3, 18, 9, 30), local(2026, 3, 18, 10))


def test_the_past_and_now(clock, desk, member):
    clock.set(2026, 3, 18, 10, 0)

    assert book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11)).pk
    with pytest.raises(services.BookingRuleBroken, match="already begun or passed"):
        book(desk, member, local(2026, 3, 18, 9, 30), local(2026, 3, 18, 10))


def test_people_within_seats(clock, member):
    room = ResourceFactory(kind=Resource.Kind.ROOM, seats=6)

    assert book(room, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11), people=6).pk
    with pytest.raises(services.BookingRuleBroken, match="book for 1 to 6 people"):
        book(room, member, local(2026, 3, 18, 12), local(2026, 3, 18, 13), people=7)
    with pytest.raises(services.BookingRuleBroken):
        book(room, member, local(2026, 3, 18, 12), local(2026, 3, 18, 13), people=0)


def test_inactive_resource_cannot_be_booked(clock, member):
    desk = ResourceFactory(active=False)

    with pytest.raises(services.BookingNotAllowed):
        book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))


def test_a_member_deactivated_since_they_were_loaded_cannot_book(clock, desk, member):
    # The request's user object still says active; the row, read under its lock, does not.
    type(member).objects.filter(pk=member.pk).update(is_active=False)

    with pytest.raises(services.BookingNotAllowed) as single:
        book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    with pytest.raises(services.BookingNotAllowed) as series:
        services.book_series(
            resource=desk, booker=member, start=local(2026, 3, 18, 10),
            end=local(2026, 3, 18, 11), weeks=2,
        )  # fmt: skip

    assert (member.is_active, single.value.code, series.value.code) == (
        True, Refusal.LOGIN, Refusal.LOGIN
    )  # fmt: skip
    assert Booking.objects.count() == 0


def test_startups_only_resource(clock, member):
    desk = ResourceFactory(audience=Resource.Audience.STARTUPS)
    startup = OrganisationFactory(kind=Organisation.Kind.STARTUP)
    founder = MemberFactory(profile__organisation=startup)

    assert book(desk, founder, local(2026, 3, 18, 10), local(2026, 3, 18, 11)).pk
    with pytest.raises(services.BookingNotAllowed, match="start-ups and initiatives") as caught:
        book(desk, member, local(2026, 3, 18, 12), local(2026, 3, 18, 13))
    assert caught.value.status == 403


def test_a_startup_waiting_for_approval_reads_why_it_cannot_book(clock, member):
    corner = ResourceFactory(audience=Resource.Audience.STARTUPS)
    waiting = OrganisationFactory(
        name="Leerlab Leiden", kind=Organisation.Kind.STARTUP, status=Organisation.Status.PROPOSED
    )
    founder = MemberFactory(profile__organisation=waiting)

    with pytest.raises(services.BookingNotAllowed) as pending:
        book(corner, founder, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    with pytest.raises(services.BookingNotAllowed) as other:
        book(corner, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))

    assert (pending.value.code, pending.value.message) == (
        Refusal.STARTUP_PENDING,
        "Your start-up Leerlab Leiden is waiting for a coordinator's approval. Once it is "
        "approved you can book this place; we will mail you when it is.",
    )
    assert (other.value.code, other.value.status) == (Refusal.STARTUPS_ONLY, 403)


def test_on_behalf_of_another_organisation_is_refused(clock, desk, member):
    with pytest.raises(services.BookingNotAllowed, match="your own start-up or initiative"):
        book(
            desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11),
            organisation=OrganisationFactory(),
        )  # fmt: skip


def test_purpose_too_long_is_refused(clock, desk, member):
    with pytest.raises(services.BookingRuleBroken, match="200 characters"):
        book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11), purpose="x" * 201)


# Quotas ----------------------------------------------------------------------------------


def test_member_quota_per_week(clock, member):
    desk = ResourceFactory(member_quota_hours=4)
    book(desk, member, local(2026, 3, 16, 9), local(2026, 3, 16, 12))  # Monday, 3 hours

    assert book(desk, member, local(2026, 3, 22, 9), local(2026, 3, 22, 10)).pk  # Sunday: 4
    with pytest.raises(services.QuotaReached, match="4 hours a week; you have booked 4 hours"):
        book(desk, member, local(2026, 3, 20, 9), local(2026, 3, 20, 9, 30))
    # Next week starts Monday 00:00 in Amsterdam.
    assert book(desk, member, local(2026, 3, 23, 9), local(2026, 3, 23, 13)).pk
    # Someone else has their own hours.
    assert book(desk, MemberFactory(), local(2026, 3, 20, 9), local(2026, 3, 20, 13)).pk


def test_cancelled_hours_do_not_count_for_the_quota(clock, member):
    desk = ResourceFactory(member_quota_hours=2)
    booking = book(desk, member, local(2026, 3, 17, 9), local(2026, 3, 17, 11))
    services.cancel_booking(booking=booking, by=member)

    assert book(desk, member, local(2026, 3, 18, 9), local(2026, 3, 18, 11)).pk


def test_organisation_quota_per_week(clock):
    desk = ResourceFactory(organisation_quota_hours=3)
    startup = OrganisationFactory(kind=Organisation.Kind.STARTUP)
    first, second = (
        MemberFactory(profile__organisation=startup),
        MemberFactory(profile__organisation=startup),
    )
    book(desk, first, local(2026, 3, 17, 9), local(2026, 3, 17, 11), organisation=startup)

    with pytest.raises(services.QuotaReached, match=r"can book Flexplek .* for 3 hours a week"):
        book(desk, second, local(2026, 3, 18, 9), local(2026, 3, 18, 11), organisation=startup)
    assert book(desk, second, local(2026, 3, 18, 9), local(2026, 3, 18, 10), organisation=startup)
    # Booking for oneself does not use the organisation's hours.
    assert book(desk, second, local(2026, 3, 19, 9), local(2026, 3, 19, 11)).pk


def test_a_startups_own_bookings_of_a_startups_only_place_count_toward_its_quota(clock):
    corner = ResourceFactory(audience=Resource.Audience.STARTUPS, organisation_quota_hours=3)
    startup = OrganisationFactory(kind=Organisation.Kind.STARTUP, name="Leerlab")
    first, second = (
        MemberFactory(profile__organisation=startup),
        MemberFactory(profile__organisation=startup),
    )
    # Neither says "on behalf of": on this place every booking is the start-up's.
    booking = book(corner, first, local(2026, 3, 17, 9), local(2026, 3, 17, 11))

    with pytest.raises(services.QuotaReached, match=r"Leerlab can book .* for 3 hours a week"):
        book(corner, second, local(2026, 3, 18, 9), local(2026, 3, 18, 11))
    assert booking.organisation == startup
    assert book(corner, second, local(2026, 3, 18, 9), local(2026, 3, 18, 10)).pk


def test_a_new_desk_has_a_member_quota_of_16_hours_a_week(clock, member):
    desk = Resource.objects.create(space=SpaceFactory(), name="Flexplek", slug="flexplek")
    for day in (16, 17):  # Monday and Tuesday, 8 hours each
        book(desk, member, local(2026, 3, day, 9), local(2026, 3, day, 17))

    assert (desk.kind, desk.member_quota_hours) == ("desk", 16)
    with pytest.raises(services.QuotaReached, match="16 hours a week; you have booked 16 hours"):
        book(desk, member, local(2026, 3, 18, 9), local(2026, 3, 18, 10))


def test_a_members_desk_hours_count_over_every_desk_of_the_space(clock, member):
    """Four desks with 16 hours each must not give one member 64 hours (the review's finding)."""
    space = SpaceFactory()
    desks = [
        Resource.objects.create(space=space, name=f"Flexplek {n}", slug=f"flexplek-{n}")
        for n in range(1, 5)
    ]
    room = Resource.objects.create(
        space=space, name="Zaal", slug="zaal", kind=Resource.Kind.ROOM, member_quota_hours=16
    )
    book(desks[0], member, local(2026, 3, 16, 9), local(2026, 3, 16, 17))
    book(desks[1], member, local(2026, 3, 17, 9), local(2026, 3, 17, 17))

    with pytest.raises(services.QuotaReached, match=r"desks in .* 16 hours a week"):
        book(desks[2], member, local(2026, 3, 18, 9), local(2026, 3, 18, 10))
    # A desk in another space, and a room here, have hours of their own.
    book(Resource.objects.create(space=SpaceFactory(), name="Elders", slug="elders"), member,
         local(2026, 3, 18, 9), local(2026, 3, 18, 10))  # fmt: skip
    book(room, member, local(2026, 3, 18, 9), local(2026, 3, 18, 10))


# Weekly series -----------------------------------------------------------------------------


def test_series_books_every_week_at_the_same_local_time_across_dst(clock, member, outbox):
    desk = ResourceFactory(max_days_ahead=60)

    with outbox():
        result = services.book_series(
            resource=desk, booker=member, start=local(2026, 3, 18, 10),
            end=local(2026, 3, 18, 11), weeks=3,
        )  # fmt: skip

    starts = [b.start for b in result.bookings]
    assert starts == [local(2026, 3, 18, 10), local(2026, 3, 25, 10), local(2026, 4, 1, 10)]
    assert [s.astimezone(local(2026, 1, 1).tzinfo).hour for s in starts] == [10, 10, 10]
    assert starts[2] - starts[1] == timedelta(days=7, hours=-1)  # summer time began between
    assert len({b.series for b in result.bookings}) == 1
    assert len(mail.outbox) == 1
    # One invitation per date: iTIP updates one UID at a time.
    assert [a[1].count("BEGIN:VEVENT") for a in mail.outbox[0].attachments] == [1, 1, 1]


def test_series_with_a_conflict_books_nothing_then_the_rest(clock, member):
    desk = ResourceFactory(max_days_ahead=60)
    BookingFactory(resource=desk, start=local(2026, 3, 25, 10), end=local(2026, 3, 25, 11))
    Closure.objects.create(space=desk.space, date=local(2026, 4, 1).date(), reason="Pasen")
    args = {"resource": desk, "booker": member, "start": local(2026, 3, 18, 10),
            "end": local(2026, 3, 18, 11), "weeks": 4}  # fmt: skip

    with pytest.raises(services.SeriesConflict) as caught:
        services.book_series(**args)

    assert [(c.start, c.reason) for c in caught.value.conflicts] == [
        (local(2026, 3, 25, 10), "This time is already taken. Choose another slot."),
        (local(2026, 4, 1, 10), f"{desk.space.name} is closed on Wednesday 1 April 2026."),
    ]
    assert Booking.objects.filter(booker=member).count() == 0
    assert caught.value.message == (
        "2 dates cannot be booked. Book the other dates, or choose another time."
    )

    result = services.book_series(**args, skip_conflicts=True)

    assert [b.start for b in result.bookings] == [local(2026, 3, 18, 10), local(2026, 4, 8, 10)]
    assert len(result.skipped) == 2


def test_a_series_clash_with_a_block_names_its_reason_as_the_grid_does(clock, member):
    desk = ResourceFactory(max_days_ahead=60)
    coordinator = CoordinatorFactory()
    services.block_slots(resources=[desk], start=local(2026, 3, 25, 9),
                         end=local(2026, 3, 25, 12), by=coordinator,
                         reason="Meetup po-vo.")  # fmt: skip
    # A member's booking in the same hour as a block: the block's reason is the one said.
    services.block_slots(
        resources=[desk], start=local(2026, 4, 1, 10, 30), end=local(2026, 4, 1, 11),
        by=coordinator, reason="Onderhoud",
    )  # fmt: skip
    BookingFactory(resource=desk, start=local(2026, 4, 1, 10), end=local(2026, 4, 1, 10, 30))
    BookingFactory(resource=desk, start=local(2026, 4, 8, 10), end=local(2026, 4, 8, 11))

    with pytest.raises(services.SeriesConflict) as series:
        services.book_series(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 11), weeks=4)  # fmt: skip
    with pytest.raises(services.SlotTaken) as single:
        book(desk, member, local(2026, 3, 25, 11), local(2026, 3, 25, 12))

    assert [(c.start, c.reason) for c in series.value.conflicts] == [
        (local(2026, 3, 25, 10), "This time is blocked: Meetup po-vo."),
        (local(2026, 4, 1, 10), "This time is blocked: Onderhoud."),
        # Whose booking holds a time is not said.
        (local(2026, 4, 8, 10), "This time is already taken. Choose another slot."),
    ]
    assert single.value.message == "This time is blocked: Meetup po-vo."


def test_series_respects_the_weekly_quota(clock, member):
    desk = ResourceFactory(member_quota_hours=2, max_days_ahead=60)
    book(desk, member, local(2026, 3, 26, 9), local(2026, 3, 26, 11))

    with pytest.raises(services.SeriesConflict) as caught:
        services.book_series(
            resource=desk, booker=member, start=local(2026, 3, 18, 10),
            end=local(2026, 3, 18, 11), weeks=2,
        )  # fmt: skip

    assert [c.start for c in caught.value.conflicts] == [local(2026, 3, 25, 10)]


@pytest.mark.parametrize("weeks", [0, 13])
def test_series_length_is_limited(clock, desk, member, weeks):
    with pytest.raises(services.BookingRuleBroken, match="1 to 12 weeks"):
        services.book_series(
            resource=desk, booker=member, start=local(2026, 3, 18, 10),
            end=local(2026, 3, 18, 11), weeks=weeks,
        )  # fmt: skip


# Cancelling ---------------------------------------------------------------------------------


def test_member_cancels_until_the_start(clock, desk, member, outbox):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    clock.set(2026, 3, 18, 9, 59)

    with outbox():
        services.cancel_booking(booking=booking, by=member)

    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancelled_at) == (
        "cancelled",
        member,
        local(2026, 3, 18, 9, 59),
    )
    assert "STATUS:CANCELLED" in mail.outbox[0].attachments[0][1]


def test_member_cannot_cancel_after_the_start(clock, desk, member):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    clock.set(2026, 3, 18, 10, 0)

    with pytest.raises(services.TooLate):
        services.cancel_booking(booking=booking, by=member)


def test_member_cannot_cancel_someone_elses_booking(clock, desk, member):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))

    with pytest.raises(services.BookingNotAllowed):
        services.cancel_booking(booking=booking, by=MemberFactory())


def test_coordinator_cancels_with_a_message_mailed_to_the_booker(clock, desk, member, outbox):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    coordinator = CoordinatorFactory()
    clock.set(2026, 3, 18, 10, 15)  # even after the start

    with pytest.raises(services.BookingRuleBroken, match="Tell the member why"):
        services.cancel_booking(booking=booking, by=coordinator)
    with outbox():
        services.cancel_booking(booking=booking, by=coordinator, message="Lekkage in de ruimte.")

    booking.refresh_from_db()
    assert (booking.status, booking.cancel_message) == ("cancelled", "Lekkage in de ruimte.")
    assert mail.outbox[0].to == [member.email]
    assert "Lekkage in de ruimte." in mail.outbox[0].body


def test_mail_about_a_cancellation_is_made_only_once_it_commits(clock, desk, member, outbox):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    coordinator = CoordinatorFactory()

    with outbox():
        with transaction.atomic():
            services.cancel_booking(booking=booking, by=coordinator, message="Lekkage.")
            # Inside the transaction (and its lock) nothing is rendered or stored yet.
            assert not Notice.objects.filter(recipient=member).exists()
        assert len(mail.outbox) == 0  # the test's own transaction has not committed

    assert Notice.objects.filter(recipient=member, key=f"booking:{booking.pk}:cancelled").exists()
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_mail_of_a_cancellation_that_rolls_back_is_never_sent(clock, desk, member, outbox):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    coordinator = CoordinatorFactory()

    def cancel_then_fail():
        with transaction.atomic():
            services.cancel_booking(booking=booking, by=coordinator, message="Lekkage.")
            raise RuntimeError

    with outbox(), pytest.raises(RuntimeError):
        cancel_then_fail()

    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert (len(mail.outbox), Notice.objects.count()) == (0, 0)


def test_cancelling_twice_is_refused(clock, desk, member):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    services.cancel_booking(booking=booking, by=member)

    with pytest.raises(services.TooLate, match="already cancelled"):
        services.cancel_booking(booking=booking, by=member)


# A weekly series is one series ---------------------------------------------------------------


@pytest.fixture
def reader():
    """A member who reads their mail in English (the msgids)."""
    return MemberFactory(name="Sanne de Vries", language="en")


def _series(member, desk=None, *, weeks=4, **kwargs):
    """Every Wednesday 10:00-11:00 from 18 March 2026, ``weeks`` times."""
    desk = desk or ResourceFactory(name="Flexplek 1", slug="flexplek-1", max_days_ahead=60)
    return services.book_series(
        resource=desk, booker=member, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11),
        weeks=weeks, **kwargs,
    ).bookings  # fmt: skip


def test_the_confirmation_of_a_series_names_its_dates_once(clock, reader, outbox):
    desk = ResourceFactory(name="Flexplek 1", max_days_ahead=60)
    Closure.objects.create(space=desk.space, date=local(2026, 4, 1).date(), reason="Studiedag")

    with outbox():
        _series(reader, desk, skip_conflicts=True)

    [message] = mail.outbox
    assert message.subject == (
        "'t LEF: you booked Flexplek 1, every Wednesday 10:00\u201311:00, until 8 April, 3 times"
    )
    assert (
        f"You booked Flexplek 1 at {desk.space.name}, every Wednesday 10:00\u201311:00, "
        "until 8 April, 3 times:\n"
        "- Wed 18 Mar 2026\n- Wed 25 Mar 2026\n- Wed 8 Apr 2026\n\n"
        "Not booked, as you chose:\n"
        f"- Wed 1 Apr 2026: {desk.space.name} is closed on Wednesday 1 April 2026.\n"
    ) in message.body


def test_cancelling_this_and_later_cancels_the_rest_of_the_series_with_one_mail(
    clock, reader, outbox
):
    first, second, third, fourth = _series(reader)
    services.cancel_booking(booking=third, by=reader)  # one date was cancelled before
    mail.outbox.clear()

    with outbox():
        cancelled = services.cancel_series(booking=second, by=reader)

    assert [b.pk for b in cancelled] == [second.pk, fourth.pk]
    assert dict(Booking.objects.values_list("pk", "status")) == {
        first.pk: "confirmed", second.pk: "cancelled", third.pk: "cancelled",
        fourth.pk: "cancelled",
    }  # fmt: skip
    [message] = mail.outbox
    assert message.subject == (
        "'t LEF: bookings cancelled, Flexplek 1, every Wednesday 10:00\u201311:00, until 8 April, "
        "2 times"
    )
    assert "- Wed 25 Mar 2026\n- Wed 8 Apr 2026\n" in message.body
    # The calendar files take both dates out of the agenda.
    calendars = "".join(attachment[1] for attachment in message.attachments)
    assert calendars.count("STATUS:CANCELLED") == 2


def test_cancelling_one_date_of_a_series_leaves_the_others(clock, reader, outbox):
    _first, second, _third = _series(reader, weeks=3)

    with outbox():
        services.cancel_booking(booking=second, by=reader)

    assert list(Booking.objects.order_by("start").values_list("status", flat=True)) == [
        "confirmed", "cancelled", "confirmed"
    ]  # fmt: skip
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("'t LEF: booking cancelled, Flexplek 1, Wed 25 Mar")


def test_cancelling_this_and_later_of_a_single_booking_cancels_it_alone(clock, desk, member):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    _series(member, ResourceFactory(max_days_ahead=60), weeks=2)  # another series: untouched

    assert [b.pk for b in services.cancel_series(booking=booking, by=member)] == [booking.pk]
    assert Booking.objects.filter(status="confirmed").count() == 2


def test_this_and_later_follows_the_rules_of_cancelling_one(clock, member):
    first, second = _series(member, weeks=2)
    clock.set(2026, 3, 18, 10, 0)

    with pytest.raises(services.TooLate):
        services.cancel_series(booking=first, by=member)
    with pytest.raises(services.BookingNotAllowed):
        services.cancel_series(booking=second, by=MemberFactory())
    with pytest.raises(services.BookingRuleBroken, match="Tell the member why"):
        services.cancel_series(booking=second, by=CoordinatorFactory())
    assert Booking.objects.filter(status="confirmed").count() == 2


def test_a_coordinator_cancelling_the_rest_of_a_series_sends_one_message(clock, reader, outbox):
    _first, second, _third = _series(reader, weeks=3)

    with outbox():
        cancelled = services.cancel_series(
            booking=second, by=CoordinatorFactory(), message="De ruimte gaat dicht."
        )

    assert len(cancelled) == 2
    [message] = mail.outbox
    assert message.subject == (
        "'t LEF cancelled your bookings: Flexplek 1, every Wednesday 10:00\u201311:00, "
        "until 1 April, 2 times"
    )
    assert "- Wed 25 Mar 2026\n- Wed 1 Apr 2026\n" in message.body
    assert "De ruimte gaat dicht." in message.body


# Check-in and no-shows ------------------------------------------------------------------------


def test_check_in_during_the_first_30_minutes(clock, desk, member):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 12))
    clock.set(2026, 3, 18, 9, 59)
    with pytest.raises(services.TooLate, match="from the start"):
        services.check_in(booking=booking, by=member)
    clock.set(2026, 3, 18, 10, 30)
    with pytest.raises(services.TooLate, match="first 30 minutes"):
        services.check_in(booking=booking, by=member)
    clock.set(2026, 3, 18, 10, 29)

    services.check_in(booking=booking, by=member)

    booking.refresh_from_db()
    assert booking.checked_in_at == local(2026, 3, 18, 10, 29)


def test_only_the_booker_checks_in(clock, desk, member):
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 12))
    clock.set(2026, 3, 18, 10, 5)

    with pytest.raises(services.BookingNotAllowed):
        services.check_in(booking=booking, by=MemberFactory())


def test_release_no_shows(clock, member, outbox):
    released_desk = ResourceFactory(auto_release=True)
    kept_desk = ResourceFactory(auto_release=False)
    no_show = book(released_desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 12))
    came = book(released_desk, MemberFactory(), local(2026, 3, 18, 8), local(2026, 3, 18, 10))
    later = book(released_desk, member, local(2026, 3, 18, 12), local(2026, 3, 18, 13))
    other = book(kept_desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 12))
    clock.set(2026, 3, 18, 8, 10)
    services.check_in(booking=came, by=came.booker)
    mail.outbox.clear()

    clock.set(2026, 3, 18, 10, 29)
    assert services.release_no_shows() == 0
    clock.set(2026, 3, 18, 10, 30)
    with outbox():
        assert services.release_no_shows() == 1
    assert services.release_no_shows() == 0  # rerun-safe

    statuses = {b.pk: b.status for b in Booking.objects.all()}
    assert statuses == {
        no_show.pk: "released",
        came.pk: "confirmed",
        later.pk: "confirmed",
        other.pk: "confirmed",
    }
    assert mail.outbox[0].to == [member.email]
    # The desk is free again for the rest of the morning.
    assert book(released_desk, MemberFactory(), local(2026, 3, 18, 11), local(2026, 3, 18, 12)).pk


# Blocks ---------------------------------------------------------------------------------------


def test_coordinator_blocks_and_the_constraint_protects_the_block(clock, desk, member):
    coordinator = CoordinatorFactory()

    [block] = services.block_slots(
        resources=[desk], start=local(2026, 3, 18, 9), end=local(2026, 3, 18, 17),
        by=coordinator, reason="Meetup po-vo",
    )  # fmt: skip

    assert (block.kind, block.purpose) == ("block", "Meetup po-vo")
    with pytest.raises(services.SlotTaken):
        book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))


def test_block_over_bookings_fails_or_cancels_them_with_the_reason(clock, desk, member, outbox):
    coordinator = CoordinatorFactory()
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    args = {"resources": [desk], "start": local(2026, 3, 18, 9), "end": local(2026, 3, 18, 17),
            "by": coordinator, "reason": "Onderhoud"}  # fmt: skip
    mail.outbox.clear()

    with pytest.raises(services.SlotTaken, match="has 1 booking in this time"):
        services.block_slots(**args)
    with outbox():
        services.block_slots(**args, cancel_conflicting=True)

    booking.refresh_from_db()
    assert (booking.status, booking.cancel_message) == ("cancelled", "Onderhoud")
    assert len(mail.outbox) == 1


def test_members_cannot_block(clock, desk, member):
    with pytest.raises(services.BookingNotAllowed):
        services.block_slots(
            resources=[desk], start=local(2026, 3, 18, 9), end=local(2026, 3, 18, 17),
            by=member, reason="Mijn dag",
        )  # fmt: skip


def test_release_no_shows_command(clock, member):
    from io import StringIO  # noqa: PLC0415

    from django.core.management import call_command  # noqa: PLC0415

    desk = ResourceFactory(auto_release=True)
    book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 12))
    clock.set(2026, 3, 18, 10, 45)
    out = StringIO()

    call_command("release_no_shows", stdout=out)

    assert out.getvalue() == "Released 1 booking(s).\n"
    assert Booking.objects.get().status == "released"


# Opening hours and resources ----------------------------------------------------------------


def test_new_opening_hours_refuse_with_the_count_or_cancel_what_they_leave_out(
    clock, member, outbox
):
    space = SpaceFactory()  # open 08:00-18:00 every day
    desk = ResourceFactory(space=space)
    coordinator = CoordinatorFactory()
    early = book(desk, member, local(2026, 3, 17, 8), local(2026, 3, 17, 9))  # Tuesday
    late = book(desk, member, local(2026, 3, 17, 17), local(2026, 3, 17, 18))
    tuesday = OpeningHours.objects.get(space=space, weekday=1)
    tuesday.opens, tuesday.closes = time(9), time(17)
    added = OpeningHours(weekday=1, opens=time(17), closes=time(18))  # a second range
    mail.outbox.clear()

    with pytest.raises(services.BookingsInTheWay) as caught:
        services.change_opening_hours(space=space, saved=[tuesday], by=coordinator)
    assert (caught.value.count, caught.value.status) == (2, 409)
    assert OpeningHours.objects.get(pk=tuesday.pk).opens == time(8)  # nothing changed

    with outbox():
        cancelled = services.change_opening_hours(
            space=space, saved=[tuesday, added], by=coordinator, cancel_bookings=True
        )

    assert cancelled == [early]
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.status, late.status) == ("cancelled", "confirmed")
    assert [m.to for m in mail.outbox] == [[member.email]]
    with pytest.raises(services.BookingRuleBroken, match="outside the opening hours"):
        book(desk, member, local(2026, 3, 24, 8), local(2026, 3, 24, 9))


def test_only_coordinators_change_opening_hours_and_resources(clock, desk, member):
    tuesday = OpeningHours.objects.get(space=desk.space, weekday=1)
    desk.active = False

    with pytest.raises(services.BookingNotAllowed):
        services.change_opening_hours(space=desk.space, deleted=[tuesday], by=member)
    with pytest.raises(services.BookingNotAllowed):
        services.save_resource(resource=desk, by=member)
    assert OpeningHours.objects.filter(pk=tuesday.pk).exists()
    assert Resource.objects.get(pk=desk.pk).active is True


def test_a_resource_made_unbookable_takes_its_coming_bookings_with_it_only_when_told(
    clock, desk, member, outbox
):
    coordinator = CoordinatorFactory()
    booking = book(desk, member, local(2026, 3, 18, 10), local(2026, 3, 18, 11))
    desk.active = False
    mail.outbox.clear()

    with pytest.raises(services.BookingsInTheWay, match="has 1 booking coming up"):
        services.save_resource(resource=desk, by=coordinator)
    assert Resource.objects.get(pk=desk.pk).active is True
    with outbox():
        assert services.save_resource(resource=desk, by=coordinator, cancel_bookings=True) == [
            booking
        ]

    assert Resource.objects.get(pk=desk.pk).active is False
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == ("cancelled", coordinator)
    assert len(mail.outbox) == 1
    # Saving it again (it is already unbookable) strands nothing.
    assert services.save_resource(resource=desk, by=coordinator) == []
