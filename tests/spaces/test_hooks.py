"""Spaces in Mijn LEF, the personal calendar feed, the data export and account deletion."""

from datetime import date, time

import pytest
from django.conf import settings
from django.urls import reverse

from lef.calendar import calendar_feed_for, personal_entries
from lef.hooks import TodayLine, TodayList
from members import privacy
from spaces import hooks
from spaces.models import Booking, Closure, Resource
from spaces.timeslots import LOCAL
from tests.factories import MemberFactory
from tests.helpers import queries_of
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MemberFactory()


@pytest.fixture
def desk():
    return ResourceFactory(name="Flexplek Raam", auto_release=True)


def test_my_lef_shows_next_bookings_with_check_in_when_it_is_time(client, clock, member, desk):
    clock.set(2026, 3, 18, 10, 5)
    now = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                         end=local(2026, 3, 18, 12))  # fmt: skip
    BookingFactory(resource=desk, booker=member, start=local(2026, 3, 19, 10),
                   end=local(2026, 3, 19, 12))  # fmt: skip
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(member)

    response = client.get("/")

    next_up = response.text[response.text.index('id="next-title"') :]
    next_up = next_up[: next_up.index('id="meet-title"')]
    assert next_up.count(">Flexplek Raam</a>") == 2
    assert next_up.count(f'formaction="/spaces/bookings/{now.pk}/check-in/"') == 1
    assert response.text.count("/check-in/") == 1
    assert '<input type="hidden" name="next" value="home">' in next_up
    assert "Desks and rooms" in response.text
    assert "?day=2026-03-19&amp;start_time=09%3A00&amp;end_time=17%3A00" in response.text
    assert "Book a desk for tomorrow" in response.text


WEEKDAYS = [(day, time(8), time(18)) for day in range(5)]  # Monday to Friday


def test_book_a_desk_offers_the_next_open_day(client, clock, member):
    clock.set(2026, 3, 20, 10, 0)  # a Friday; the weekend is closed, Monday a closure day
    space = SpaceFactory(hours=WEEKDAYS)
    ResourceFactory(space=space)
    Closure.objects.create(space=space, date=date(2026, 3, 23), reason="Studiedag")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(member)

    response = client.get("/")

    assert (
        "?day=2026-03-24&amp;start_time=09%3A00&amp;end_time=17%3A00&amp;seats=1&amp;kind=desk"
        in response.text
    )
    assert "Book a desk for Tue 24 Mar" in response.text
    assert "Book a desk for tomorrow" not in response.text


def test_book_a_desk_keeps_to_the_opening_hours_and_needs_a_desk(client, clock, member):
    clock.set(2026, 3, 18, 10, 0)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(member)
    ResourceFactory(kind=Resource.Kind.ROOM)

    assert "Book a desk" not in client.get("/").text  # no desk anywhere

    ResourceFactory(space=SpaceFactory(hours=[(3, time(12), time(20))]))  # Thursdays 12-20

    response = client.get("/")

    assert "?day=2026-03-19&amp;start_time=12%3A00&amp;end_time=17%3A00" in response.text
    assert "Book a desk for tomorrow" in response.text


def test_my_lef_section_queries_do_not_grow_with_bookings(client, clock, member, desk):
    client.force_login(member)
    BookingFactory(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                   end=local(2026, 3, 18, 11))  # fmt: skip
    one, _ = queries_of(client, "/")
    for day in range(19, 25):
        BookingFactory(resource=ResourceFactory(), booker=member, start=local(2026, 3, day, 10),
                       end=local(2026, 3, day, 11))  # fmt: skip
    many, _ = queries_of(client, "/")

    assert one == many


@pytest.mark.parametrize("rows", [1, 5])
def test_my_lef_section_is_one_query(clock, member, django_assert_num_queries, rows):
    for day in range(18, 18 + rows):
        BookingFactory(resource=ResourceFactory(), booker=member, start=local(2026, 3, day, 10),
                       end=local(2026, 3, day, 11))  # fmt: skip
    Closure.objects.create(space=SpaceFactory(), date=date(2026, 3, 17))

    with django_assert_num_queries(1):
        section = hooks.overview(member)

    assert [line.start for line in section["upcoming"]] == [
        local(2026, 3, day, 10) for day in range(18, 18 + min(rows, hooks.OVERVIEW_LIMIT))
    ]
    assert section["desk_label"] == "Book a desk for tomorrow"


def test_check_in_from_my_lef_returns_there(client, clock, member, desk):
    clock.set(2026, 3, 18, 10, 5)
    booking = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 12))  # fmt: skip
    client.force_login(member)

    response = client.post(f"/spaces/bookings/{booking.pk}/check-in/", {"next": "home"})

    assert response["Location"] == "/"


def test_personal_feed_has_bookings_and_cancelled_ones_marked(client, clock, member, desk):
    kept = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                          end=local(2026, 3, 18, 11))  # fmt: skip
    cancelled = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 19, 10),
                               end=local(2026, 3, 19, 11), status="cancelled")  # fmt: skip
    BookingFactory(resource=desk, start=local(2026, 3, 20, 10), end=local(2026, 3, 20, 11))

    entries = personal_entries(member)
    feed = client.get(f"/calendar/{calendar_feed_for(member).token}.ics")

    assert [(e.uid, e.cancelled) for e in entries] == [
        (f"booking-{kept.pk}", False), (f"booking-{cancelled.pk}", True)
    ]  # fmt: skip
    assert feed.status_code == 200
    assert "DTSTART;TZID=Europe/Amsterdam:20260318T100000" in feed.text


def test_export_holds_the_members_bookings(clock, member, desk):
    BookingFactory(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                   end=local(2026, 3, 18, 11), purpose="Overleg")  # fmt: skip
    BookingFactory(resource=desk, start=local(2026, 3, 19, 10), end=local(2026, 3, 19, 11))

    export = privacy.build_export(user=member)

    assert [(b["resource"], b["purpose"], b["start"]) for b in export["bookings"]] == [
        ("Flexplek Raam", "Overleg", local(2026, 3, 18, 10))
    ]


def test_account_deletion_keeps_bookings_anonymised_and_frees_future_seats(clock, member, desk):
    clock.set(2026, 3, 18, 12, 0)
    past = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 17, 10),
                          end=local(2026, 3, 17, 11), purpose="Geheim", checked_in_at=local(
                              2026, 3, 17, 10, 1))  # fmt: skip
    future = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 19, 10),
                            end=local(2026, 3, 19, 11), purpose="Ook geheim")  # fmt: skip

    privacy.delete_account(user=member)

    past.refresh_from_db()
    future.refresh_from_db()
    assert (past.status, past.purpose, past.booker_id, past.checked_in_at is not None) == (
        "confirmed", "", member.pk, True
    )  # fmt: skip
    assert (future.status, future.purpose) == ("cancelled", "")
    assert Booking.objects.count() == 2


def test_my_lef_shows_a_new_or_cancelled_booking_at_once(client, clock, member, desk):
    client.force_login(member)
    booking = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 11))  # fmt: skip
    assert ">Flexplek Raam</a>" in client.get("/").text

    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    assert ">Flexplek Raam</a>" not in client.get("/").text

    BookingFactory(resource=ResourceFactory(name="Belcel"), booker=member,
                   start=local(2026, 3, 19, 10), end=local(2026, 3, 19, 11))  # fmt: skip
    assert ">Belcel</a>" in client.get("/").text


# The coordinators' today (the admin index) -------------------------------------------


def _no_show(booking, badge, tone) -> TodayLine:
    return TodayLine(
        title=booking.resource.name,
        url=reverse("admin:spaces_booking_change", args=[booking.pk]),
        detail=f"{booking.start.astimezone(LOCAL):%H:%M}\u2013"
        f"{booking.end.astimezone(LOCAL):%H:%M}, PLNT, {booking.booker.name}",
        badge=badge,
        tone=tone,
    )


def test_today_lists_the_bookings_the_no_show_release_will_free_and_when():
    now = local(2026, 3, 18, 10, 0)
    space = SpaceFactory(name="PLNT")
    desk = ResourceFactory(space=space, name="Flexplek Raam", auto_release=True)
    other_desk = ResourceFactory(space=space, name="Stille flexplek", auto_release=True)
    room = ResourceFactory(space=space, name="De Waag", kind=Resource.Kind.ROOM)
    anna, bram = MemberFactory(name="Anna de Vries"), MemberFactory(name="Bram Bos")
    late = BookingFactory(resource=desk, booker=anna, start=local(2026, 3, 18, 9),
                          end=local(2026, 3, 18, 12))  # fmt: skip
    coming = BookingFactory(resource=other_desk, booker=bram, start=local(2026, 3, 18, 13),
                            end=local(2026, 3, 18, 15))  # fmt: skip
    # Left out: checked in, a place that is not released, cancelled, released, a
    # coordinator's block, and other days.
    BookingFactory(resource=other_desk, booker=anna, start=local(2026, 3, 18, 8),
                   end=local(2026, 3, 18, 9), checked_in_at=local(2026, 3, 18, 8, 5))  # fmt: skip
    BookingFactory(resource=room, booker=anna, start=local(2026, 3, 18, 11),
                   end=local(2026, 3, 18, 12))  # fmt: skip
    BookingFactory(resource=desk, booker=bram, start=local(2026, 3, 18, 13),
                   end=local(2026, 3, 18, 14), status=Booking.Status.CANCELLED)  # fmt: skip
    BookingFactory(resource=desk, booker=bram, start=local(2026, 3, 18, 7),
                   end=local(2026, 3, 18, 8), status=Booking.Status.RELEASED)  # fmt: skip
    BookingFactory(resource=desk, booker=bram, start=local(2026, 3, 18, 16),
                   end=local(2026, 3, 18, 17), kind=Booking.Kind.BLOCK)  # fmt: skip
    BookingFactory(resource=desk, booker=bram, start=local(2026, 3, 17, 13),
                   end=local(2026, 3, 17, 14))  # fmt: skip
    BookingFactory(resource=desk, booker=bram, start=local(2026, 3, 19, 9),
                   end=local(2026, 3, 19, 10))  # fmt: skip

    lists = hooks.coordinator_today(now)

    assert lists == [
        TodayList(
            heading="Not checked in today",
            lines=(
                _no_show(late, "Due to be freed", "action"),
                _no_show(coming, "Freed at 13:30 unless checked in", "waiting"),
            ),
            empty="No booking of today is waiting for its check-in.",
        )
    ]


@pytest.mark.parametrize("bookings", [1, 9])
def test_today_takes_one_query_and_links_to_the_rest(django_assert_num_queries, bookings):
    now = local(2026, 3, 18, 8, 0)
    for _ in range(bookings):
        BookingFactory(resource=ResourceFactory(auto_release=True), start=local(2026, 3, 18, 9),
                       end=local(2026, 3, 18, 10))  # fmt: skip

    with django_assert_num_queries(1):
        (found,) = hooks.coordinator_today(now)

    assert len(found.lines) == min(bookings, hooks.TODAY_LIMIT)
    more = bookings > hooks.TODAY_LIMIT
    assert (found.more_url, found.more_label) == (
        ("/admin/spaces/booking/?when=today&status__exact=confirmed", "All bookings of today")
        if more
        else ("", "")
    )


def test_today_says_so_when_no_booking_waits_for_a_check_in():
    (found,) = hooks.coordinator_today(local(2026, 3, 18, 8, 0))

    assert (found.lines, found.empty) == ((), "No booking of today is waiting for its check-in.")
