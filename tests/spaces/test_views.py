"""The spaces pages: overview and search, grid, booking form, my bookings, bad input."""

import re
from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from members.models import Organisation
from spaces import services, timeslots
from spaces.forms import SearchForm
from spaces.models import Booking, Closure, Resource
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.helpers import queries_of
from tests.members.factories_coordination import CoordinatorFactory
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def desk():
    return ResourceFactory(name="Flexplek Raam", slug="flexplek-raam")


@pytest.fixture
def member():
    return MemberFactory(name="Sanne de Vries")


def post_booking(client, resource, **data):
    values = {"day": "2026-03-18", "start_time": "10:00", "end_time": "11:00", "people": 1,
              "weeks": 1, "purpose": ""}  # fmt: skip
    values.update(data)
    return client.post(f"/spaces/{resource.slug}/book/", values)


# Overview ----------------------------------------------------------------------------


def test_overview_shows_resources_and_how_free_they_are(client, clock, desk):
    clock.set(2026, 3, 18, 8, 0)
    BookingFactory(resource=desk, start=local(2026, 3, 18, 8), end=local(2026, 3, 18, 13))

    response = client.get("/spaces/")

    assert response.status_code == 200
    [card] = response.context["cards"]
    assert (card.open_minutes, card.free_minutes, card.free_share) == (600, 300, 50)
    assert "Flexplek Raam" in response.text


def test_search_finds_free_resources_only(client, clock, desk):
    taken = ResourceFactory(name="Bezette plek", space=desk.space)
    room = ResourceFactory(name="Zaal", kind=Resource.Kind.ROOM, seats=8, space=desk.space,
                           amenities=["screen"])  # fmt: skip
    BookingFactory(resource=taken, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11))

    response = client.get(
        "/spaces/", {"day": "2026-03-18", "start_time": "09:30", "end_time": "10:30"}
    )
    with_screen = client.get(
        "/spaces/",
        {"day": "2026-03-18", "start_time": "09:30", "end_time": "10:30", "amenity": "screen"},
    )

    assert [r.name for r in response.context["results"]] == ["Flexplek Raam", "Zaal"]
    assert [r.name for r in with_screen.context["results"]] == [room.name]
    assert "start_time=09%3A30" in response.context["results"][0].book_query
    assert (
        f'href="/spaces/{desk.slug}/book/?day=2026-03-18&amp;start_time=09%3A30'
        '&amp;end_time=10%3A30&amp;people=1"'
    ) in response.text


def test_search_outside_opening_hours_says_when_the_places_are_open(client, clock, desk):
    response = client.get("/spaces/", {"day": "2026-03-18", "start_time": "19:00",
                                       "end_time": "20:00"})  # fmt: skip

    assert response.context["results"] == ()
    assert (
        "On Wed 18 Mar 2026 these places are open 08:00\u201318:00: choose a time within that."
        in response.text
    )
    assert "Nothing is free" not in response.text
    assert "Search the same time" not in response.text  # never open at 19:00


WEEKDAYS = [(day, time(8), time(18)) for day in range(5)]  # Monday to Friday


def test_search_on_a_closed_day_links_to_the_next_open_day(client, clock):
    space = SpaceFactory(hours=WEEKDAYS)
    ResourceFactory(space=space)
    Closure.objects.create(space=space, date=date(2026, 3, 23), reason="Studiedag")
    query = {"day": "2026-03-21", "start_time": "10:00", "end_time": "11:00", "seats": "1",
             "kind": "desk"}  # fmt: skip

    response = client.get("/spaces/", query)
    partial = client.get("/spaces/", query, headers={"HX-Request": "true"})

    for page in (response, partial):
        assert "These places are closed on Sat 21 Mar 2026." in page.text
        # Sunday is closed, Monday a closure day: Tuesday, with the same search.
        assert (
            'href="/spaces/?day=2026-03-24&amp;start_time=10%3A00&amp;end_time=11%3A00'
            '&amp;seats=1&amp;kind=desk">Search the same time on Tue 24 Mar 2026</a>'
        ) in page.text


def test_search_when_everything_is_taken_says_so(client, clock, desk):
    BookingFactory(resource=desk, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11))
    query = {"day": "2026-03-18", "start_time": "10:00", "end_time": "11:00"}

    partial = client.get("/spaces/", query, headers={"HX-Request": "true"})

    assert partial.context["results"] == ()
    assert "Nothing is free for all of that time." in partial.text
    assert "closed" not in partial.text
    # The results alone (htmx) link to the overview too, not to the search itself.
    assert '<a href="/spaces/">Or see how free each place is today.</a>' in partial.text


@pytest.mark.parametrize(
    "params",
    [
        {"day": "not-a-date", "start_time": "10:00", "end_time": "11:00"},
        {"day": "9999-12-31", "start_time": "10:00", "end_time": "11:00"},
        {"day": "2026-03-18", "start_time": "11:00", "end_time": "10:00"},
        {"day": "2026-03-18", "start_time": "25:00", "end_time": "26:00"},
        {"day": "2026-03-18", "start_time": "10:00", "end_time": "11:00", "seats": "x" * 5000},
        {"day": "2026-03-18", "start_time": "10:00", "end_time": "11:00", "amenity": "jacuzzi"},
    ],
)
def test_bad_search_is_a_400_with_a_message(client, clock, desk, params):
    response = client.get("/spaces/", params)

    assert response.status_code == 400
    assert response.context["form"].errors


def test_late_in_the_evening_the_search_asks_about_the_next_open_day(client, clock):
    ResourceFactory(space=SpaceFactory(hours=WEEKDAYS))
    clock.set(2026, 3, 20, 21, 30)  # a Friday night; closed at the weekend

    response = client.get("/spaces/")

    values = response.context["form"].shown_values()
    assert (values["day"], values["start_time"], values["end_time"]) == (
        "2026-03-23", "09:00", "11:00"
    )  # fmt: skip


def test_a_search_for_a_time_that_has_passed_says_so(client, clock, desk):
    clock.set(2026, 3, 18, 22, 0)

    passed = client.get("/spaces/", {"day": "2026-03-18", "start_time": "17:00",
                                     "end_time": "18:00"})  # fmt: skip
    going_on = client.get("/spaces/", {"day": "2026-03-18", "start_time": "21:00",
                                       "end_time": "23:00"})  # fmt: skip

    assert passed.status_code == 400
    assert passed.context["form"].non_field_errors() == [
        "That time has passed. Choose a time still to come."
    ]
    assert going_on.status_code == 200


# What every page of a member costs: the session, the user and their profile (the
# layout's reminder). Each page adds a fixed number for its own rows.
MEMBER_QUERIES = 3


@pytest.mark.parametrize("rows", [1, 4])
def test_overview_query_count_is_fixed(client, clock, member, django_assert_num_queries, rows):
    client.force_login(member)
    for _ in range(rows):
        resource = ResourceFactory(space=SpaceFactory())
        BookingFactory(resource=resource, start=local(2026, 3, 16, 9), end=local(2026, 3, 16, 10))

    # + the resources with their opening hours, closures and today's bookings.
    with django_assert_num_queries(MEMBER_QUERIES + 1):
        response = client.get("/spaces/")

    assert [card.free_share for card in response.context["cards"]] == [90] * rows


@pytest.mark.parametrize("rows", [1, 4])
def test_search_query_count_is_fixed(client, clock, member, django_assert_num_queries, rows):
    client.force_login(member)
    for _ in range(rows):
        resource = ResourceFactory(space=SpaceFactory())
        BookingFactory(resource=resource, start=local(2026, 3, 16, 9), end=local(2026, 3, 16, 10))
    free = {"day": "2026-03-16", "start_time": "11:00", "end_time": "12:00"}
    closed = {"day": "2026-03-16", "start_time": "19:00", "end_time": "20:00"}

    # + the free resources (with the bookings in the way, and the opening hours).
    with django_assert_num_queries(MEMBER_QUERIES + 1):
        found = client.get("/spaces/", free)
    # + when such places are open, to say why nothing is free.
    with django_assert_num_queries(MEMBER_QUERIES + 2):
        nothing = client.get("/spaces/", closed)

    assert (len(found.context["results"]), nothing.context["results"]) == (rows, ())


# Grid --------------------------------------------------------------------------------


def test_grid_shows_taken_without_name_to_members_and_with_name_to_coordinators(
    client, clock, desk
):
    BookingFactory(resource=desk, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11),
                   booker=MemberFactory(name="Geheime Boeker"))  # fmt: skip
    client.force_login(MemberFactory())
    as_member = client.get(f"/spaces/{desk.slug}/", {"date": "2026-03-18"})
    client.force_login(CoordinatorFactory())
    as_coordinator = client.get(f"/spaces/{desk.slug}/", {"date": "2026-03-18"})

    assert "Geheime Boeker" not in as_member.text
    assert as_member.text.count(">Taken<") == 2
    assert as_coordinator.text.count("Geheime Boeker") == 2


def test_grid_free_slot_links_to_the_prefilled_form(client, clock, desk, member):
    client.force_login(member)

    response = client.get(f"/spaces/{desk.slug}/", {"date": "2026-03-18"})

    assert f'href="/spaces/{desk.slug}/book/?day=2026-03-18&amp;start_time=10:00"' in (
        response.text
    )
    form = client.get(f"/spaces/{desk.slug}/book/?day=2026-03-18&start_time=10:00")
    assert form.context["form"].initial["end_time"].strftime("%H:%M") == "10:30"


def test_grid_week_view_and_htmx_partial(client, clock, desk):
    week = client.get(f"/spaces/{desk.slug}/", {"date": "2026-03-18", "view": "week"})
    partial = client.get(
        f"/spaces/{desk.slug}/",
        {"date": "2026-03-19", "view": "day"},
        headers={"HX-Request": "true"},
    )

    assert week.context["grid"].days[0].isoformat() == "2026-03-16"
    assert len(week.context["grid"].days) == 7
    assert partial.text.lstrip().startswith('<section id="grid"')
    assert "<html" not in partial.text


def test_grid_writes_dutch_days_as_dutch_does(client, clock, desk):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    week = client.get(f"/spaces/{desk.slug}/", {"date": "2026-03-18", "view": "week"}).text

    assert "Week van ma 16 mrt tot en met zo 22 mrt 2026" in week
    assert "ma 16 mrt" in week[week.index("<table") :]
    assert "Mrt" not in week


@pytest.mark.parametrize("date", ["2026-02-30", "nonsense", "1900-01-01", "x" * 10_000])
def test_grid_bad_date_is_a_400_showing_today(client, clock, desk, date):
    response = client.get(f"/spaces/{desk.slug}/", {"date": date})

    assert response.status_code == 400
    assert "Showing today instead." in response.text


@pytest.mark.parametrize("rows", [1, 8])
def test_grid_query_count_is_fixed(  # noqa: PLR0917 -- parametrized
    client, clock, desk, member, django_assert_num_queries, rows
):
    for hour in range(9, 9 + rows):
        BookingFactory(resource=desk, start=local(2026, 3, 18, hour),
                       end=local(2026, 3, 18, hour + 1))  # fmt: skip
    coordinator = CoordinatorFactory()
    services.block_slots(
        resources=[desk],
        start=local(2026, 3, 19, 9),
        end=local(2026, 3, 19, 12),
        by=coordinator,
        reason="Meetup",
    )
    path = f"/spaces/{desk.slug}/"
    week = {"date": "2026-03-17", "view": "week"}

    client.force_login(member)
    # + the resource with its opening hours, closures and the week's bookings and blocks.
    with django_assert_num_queries(MEMBER_QUERIES + 1):
        as_member = client.get(path, week)
    client.force_login(coordinator)
    # + whether they may see who booked (a coordinator's permission).
    with django_assert_num_queries(MEMBER_QUERIES + 2):
        client.get(path, week)
    client.logout()
    # No session, no user: the resource with all of that.
    with django_assert_num_queries(1):
        client.get(path, week)

    assert as_member.text.count(">Taken<") == 2 * rows


def test_unknown_and_inactive_resources_are_404(client, clock):
    ResourceFactory(slug="oud", active=False)

    assert client.get("/spaces/niets/").status_code == 404
    assert client.get("/spaces/oud/").status_code == 404


# Booking -----------------------------------------------------------------------------


def test_member_books_from_the_form_and_gets_mail(client, clock, desk, member, outbox):
    client.force_login(member)

    with outbox():
        response = post_booking(client, desk, purpose="Lesvoorbereiding")

    assert response.status_code == 302
    assert response["Location"] == "/spaces/bookings/"
    booking = Booking.objects.get()
    assert (booking.booker, booking.start, booking.purpose) == (
        member, local(2026, 3, 18, 10), "Lesvoorbereiding"
    )  # fmt: skip
    assert len(mail.outbox) == 1


def test_taken_slot_gives_a_409_with_a_clear_message(client, clock, desk, member):
    BookingFactory(resource=desk, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11))
    client.force_login(member)

    response = post_booking(client, desk)

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "This time is already taken. Choose another slot."
    ]


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"start_time": "07:00", "end_time": "08:00"}, 400, "This is outside the opening hours."),
        ({"people": 2}, 400, "people"),
        ({"day": "2026-03-14"}, 400, "This time has already begun or passed."),
        ({"start_time": "10:10"}, 400, "Start and end on whole slots"),
        ({"day": "x" * 100_000}, 400, "day"),
        ({"people": "99999999999999999999"}, 400, "people"),
        ({"purpose": "x" * 201}, 400, "purpose"),
        ({"weeks": 40}, 400, "weeks"),
        ({"end_time": "09:00"}, 400, "end_time"),
        ({"fold": "7"}, 400, "fold"),
    ],
)
def test_bad_booking_input_is_a_4xx_with_a_message(  # noqa: PLR0917 -- parametrized
    client, clock, desk, member, data, status, error
):
    client.force_login(member)

    response = post_booking(client, desk, **data)

    assert response.status_code == status
    form = response.context["form"]
    if error in form.fields:
        assert form.errors[error]
    else:
        assert any(message.startswith(error) for message in form.non_field_errors())
    assert Booking.objects.count() == 0


def test_startups_only_resource_refuses_other_members_with_403(client, clock, member):
    desk = ResourceFactory(audience=Resource.Audience.STARTUPS)
    client.force_login(member)

    response = post_booking(client, desk)

    assert response.status_code == 403
    assert "start-ups and initiatives" in response.text
    assert Booking.objects.count() == 0


def test_startup_member_books_on_behalf_of_their_organisation(client, clock, desk):
    startup = OrganisationFactory(kind=Organisation.Kind.STARTUP, name="Leerlab Leiden")
    founder = MemberFactory(profile__organisation=startup)
    client.force_login(founder)

    form = client.get(f"/spaces/{desk.slug}/book/")
    response = post_booking(client, desk, on_behalf="on")

    assert "Book on behalf of Leerlab Leiden" in form.text
    assert response.status_code == 302
    assert Booking.objects.get().organisation == startup


def test_a_startups_only_place_is_always_booked_for_the_startup(client, clock):
    startup = OrganisationFactory(kind=Organisation.Kind.STARTUP, name="Leerlab Leiden")
    client.force_login(MemberFactory(profile__organisation=startup))
    corner = ResourceFactory(audience=Resource.Audience.STARTUPS)

    form = client.get(f"/spaces/{corner.slug}/book/")
    response = post_booking(client, corner)

    assert "Book on behalf of" not in form.text
    assert "Booked on behalf of Leerlab Leiden: the hours of its members count together." in (
        form.text
    )
    assert response.status_code == 302
    assert Booking.objects.get().organisation == startup


def test_a_startup_waiting_for_approval_is_told_why_on_the_grid_and_the_form(client, clock):
    waiting = OrganisationFactory(
        name="Leerlab Leiden", kind=Organisation.Kind.STARTUP, status=Organisation.Status.PROPOSED
    )
    client.force_login(MemberFactory(profile__organisation=waiting))
    corner = ResourceFactory(audience=Resource.Audience.STARTUPS)
    why = (
        "Your start-up Leerlab Leiden is waiting for a coordinator&#x27;s approval. Once it is "
        "approved you can book this place; we will mail you when it is."
    )
    meanwhile = '<a href="/spaces/">Meanwhile, book a place open to all members</a>'

    grid = client.get(f"/spaces/{corner.slug}/", {"date": "2026-03-18"})
    form = client.get(f"/spaces/{corner.slug}/book/")
    posted = post_booking(client, corner)

    assert (why in grid.text, f"/spaces/{corner.slug}/book/?" in grid.text) == (True, False)
    assert (meanwhile in grid.text, meanwhile in form.text) == (True, True)
    assert (form.status_code, why in form.text) == (403, True)
    assert (posted.status_code, why in posted.text) == (403, True)
    assert Booking.objects.count() == 0


def test_series_conflict_lists_dates_then_books_the_rest(client, clock, desk, member):
    BookingFactory(resource=desk, start=local(2026, 3, 25, 10), end=local(2026, 3, 25, 11))
    client.force_login(member)

    first = post_booking(client, desk, weeks=3)
    second = post_booking(client, desk, weeks=3, skip_conflicts="on")

    assert first.status_code == 409
    assert "Wed 25 Mar 2026, 10:00\u201311:00: This time is already taken." in first.text
    assert 'name="skip_conflicts" value="on"' in first.text
    assert second.status_code == 302
    assert list(Booking.objects.filter(booker=member).values_list("start", flat=True)) == [
        local(2026, 3, 18, 10), local(2026, 4, 1, 10)
    ]  # fmt: skip


def test_member_without_profile_step_is_sent_to_onboarding(client, clock, desk):
    client.force_login(UserFactory())

    response = client.get(f"/spaces/{desk.slug}/book/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:onboarding") + "?next=")


# My bookings ---------------------------------------------------------------------------


def test_my_bookings_lists_upcoming_and_past_with_book_again(client, clock, desk, member):
    clock.set(2026, 3, 18, 12, 0)
    BookingFactory(resource=desk, booker=member, start=local(2026, 3, 19, 10),
                   end=local(2026, 3, 19, 11))  # fmt: skip
    BookingFactory(resource=desk, booker=member, start=local(2026, 3, 17, 9),
                   end=local(2026, 3, 17, 10, 30))  # fmt: skip
    BookingFactory(resource=desk, start=local(2026, 3, 20, 9), end=local(2026, 3, 20, 10))
    client.force_login(member)

    response = client.get("/spaces/bookings/")

    assert [line.start for line in response.context["upcoming"]] == [local(2026, 3, 19, 10)]
    [past] = response.context["past"]
    assert past.start == local(2026, 3, 17, 9)
    again = (
        f"/spaces/{desk.slug}/book/?day=2026-03-24&amp;start_time=09%3A00&amp;end_time=10%3A30"
        "&amp;people=1"
    )
    assert f'href="{again}"' in response.text


@pytest.mark.parametrize("rows", [1, 4])
def test_my_bookings_query_count_is_fixed(  # noqa: PLR0917 -- parametrized
    client, clock, desk, member, django_assert_num_queries, rows
):
    clock.set(2026, 3, 18, 12, 0)
    client.force_login(member)
    for day in range(20, 20 + rows):
        BookingFactory(
            resource=ResourceFactory(),
            booker=member,
            start=local(2026, 3, day, 10),
            end=local(2026, 3, day, 11),
            organisation=OrganisationFactory(),
        )
        BookingFactory(resource=desk, booker=member, start=local(2026, 3, day - 10, 10),
                       end=local(2026, 3, day - 10, 11), status="cancelled")  # fmt: skip

    # + the coming bookings, and a page of the earlier ones (with their number).
    with django_assert_num_queries(MEMBER_QUERIES + 2):
        response = client.get("/spaces/bookings/")

    assert (len(response.context["upcoming"]), len(response.context["past"])) == (rows, rows)


@pytest.mark.parametrize("series", [1, 3])
def test_my_bookings_with_series_costs_the_same(
    client, clock, member, django_assert_num_queries, series
):
    client.force_login(member)
    for _ in range(series):
        _weekly(member, ResourceFactory(max_days_ahead=60), weeks=3)

    with django_assert_num_queries(MEMBER_QUERIES + 2):
        response = client.get("/spaces/bookings/")

    assert [len(entry.lines) for entry in response.context["entries"]] == [3] * series


def test_cancel_and_check_in_from_my_bookings(client, clock, desk, member):
    booking = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 11))  # fmt: skip
    later = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 19, 10),
                           end=local(2026, 3, 19, 11))  # fmt: skip
    client.force_login(member)
    clock.set(2026, 3, 18, 10, 5)

    listing = client.get("/spaces/bookings/")
    checked = client.post(f"/spaces/bookings/{booking.pk}/check-in/")
    cancelled = client.post(f"/spaces/bookings/{later.pk}/cancel/", {"confirm": "yes"})
    too_late = client.post(f"/spaces/bookings/{booking.pk}/cancel/", {"confirm": "yes"})

    assert [(i.can_check_in, i.can_cancel) for i in listing.context["upcoming"]] == [
        (True, False), (False, True)
    ]  # fmt: skip
    assert (checked.status_code, cancelled.status_code, too_late.status_code) == (302, 302, 409)
    booking.refresh_from_db()
    later.refresh_from_db()
    assert (booking.checked_in_at, later.status) == (local(2026, 3, 18, 10, 5), "cancelled")


def _weekly(member, desk, weeks=4):
    """Every Wednesday 10:00-11:00 from 18 March 2026, booked through the service."""
    return services.book_series(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                                end=local(2026, 3, 18, 11), weeks=weeks).bookings  # fmt: skip


def test_cancelling_asks_first_and_changes_nothing_until_confirmed(
    client, clock, desk, member, django_capture_on_commit_callbacks
):
    booking = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 11))  # fmt: skip
    client.force_login(member)

    listing = client.get("/spaces/bookings/")
    question = client.get(f"/spaces/bookings/{booking.pk}/cancel/")
    old_form = client.post(f"/spaces/bookings/{booking.pk}/cancel/")  # no "confirm": asks too
    booking.refresh_from_db()
    asked = (question.status_code, old_form.status_code, booking.status, len(mail.outbox))

    # My bookings links to the question; the question's form cancels.
    assert (
        f'<a class="btn btn-outline-danger btn-sm" href="/spaces/bookings/{booking.pk}/cancel/">'
        in (listing.text)
    )
    assert asked == (200, 200, "confirmed", 0)
    assert "Cancel your booking?" in question.text
    assert "Wed 18 Mar 2026, 10:00\u201311:00" in question.text
    assert 'name="scope"' not in question.text  # no series: nothing to choose
    assert f'action="/spaces/bookings/{booking.pk}/cancel/"' in question.text
    assert '<input type="hidden" name="confirm" value="yes">' in question.text

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/spaces/bookings/{booking.pk}/cancel/", {"confirm": "yes"})

    booking.refresh_from_db()
    assert (done.status_code, done["Location"], booking.status) == (
        302, "/spaces/bookings/", "cancelled"
    )  # fmt: skip


def test_my_bookings_shows_a_weekly_series_as_one_entry(client, clock, desk, member):
    series = _weekly(member, desk)
    single = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 19, 9),
                            end=local(2026, 3, 19, 10))  # fmt: skip
    client.force_login(member)

    response = client.get("/spaces/bookings/")

    entries = response.context["entries"]
    assert [getattr(e, "pk", None) or [line.pk for line in e.lines] for e in entries] == [
        [booking.pk for booking in series], single.pk
    ]  # fmt: skip
    assert "Every Wednesday 10:00\u201311:00, until 8 April, 4 times" in response.text
    assert "Show the 4 dates" in response.text
    # "Cancel the series" asks about the first date with "this and all later" chosen;
    # each date has its own "Cancel".
    assert f'href="/spaces/bookings/{series[0].pk}/cancel/?scope=later"' in response.text
    for booking in series:
        assert f'href="/spaces/bookings/{booking.pk}/cancel/"' in response.text


def test_the_question_for_a_date_of_a_series_offers_this_one_or_all_later(
    client, clock, desk, member
):
    _first, second, _third, fourth = _weekly(member, desk)
    client.force_login(member)

    one = client.get(f"/spaces/bookings/{second.pk}/cancel/")
    later = client.get(f"/spaces/bookings/{second.pk}/cancel/", {"scope": "later"})
    last = client.get(f"/spaces/bookings/{fourth.pk}/cancel/")

    assert "Only this one, Wed 25 Mar 2026, 10:00\u201311:00" in one.text
    assert "This one and all later ones: 3 bookings, until Wed 8 Apr 2026" in one.text
    assert 'value="one" id="scope-one" checked' in one.text
    assert 'value="later" id="scope-later" checked' in later.text
    assert (
        "Part of a weekly booking: every Wednesday 10:00\u201311:00, until 8 April, 4 times."
        in (one.text)
    )
    assert 'name="scope"' not in last.text  # the last date has nothing later


@pytest.mark.parametrize(
    ("scope", "statuses"),
    [
        ("one", ["confirmed", "cancelled", "confirmed", "confirmed"]),
        ("later", ["confirmed", "cancelled", "cancelled", "cancelled"]),
    ],
)
def test_cancel_this_one_or_this_and_all_later(client, clock, desk, member, scope, statuses):  # noqa: PLR0917 -- parametrized
    series = _weekly(member, desk)
    client.force_login(member)

    response = client.post(
        f"/spaces/bookings/{series[1].pk}/cancel/", {"confirm": "yes", "scope": scope}
    )

    assert response.status_code == 302
    assert list(Booking.objects.order_by("start").values_list("status", flat=True)) == statuses


def test_a_bad_scope_is_a_400_and_cancels_nothing(client, clock, desk, member):
    series = _weekly(member, desk, weeks=2)
    client.force_login(member)

    response = client.post(
        f"/spaces/bookings/{series[0].pk}/cancel/", {"confirm": "yes", "scope": "everything"}
    )

    assert response.status_code == 400
    assert "Choose which bookings to cancel." in response.text
    assert Booking.objects.filter(status="confirmed").count() == 2


def test_the_question_for_a_booking_that_began_says_it_is_too_late(client, clock, desk, member):
    booking = BookingFactory(resource=desk, booker=member, start=local(2026, 3, 16, 8),
                             end=local(2026, 3, 16, 9))  # fmt: skip
    client.force_login(member)
    clock.set(2026, 3, 16, 8, 5)

    response = client.get(f"/spaces/bookings/{booking.pk}/cancel/")

    assert response.status_code == 409
    assert "This booking has started; it can no longer be cancelled." in response.text


def test_someone_elses_booking_is_404_for_cancel_and_check_in(client, clock, desk):
    booking = BookingFactory(resource=desk, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 11))  # fmt: skip
    client.force_login(MemberFactory())

    assert client.post(f"/spaces/bookings/{booking.pk}/cancel/").status_code == 404
    assert client.post(f"/spaces/bookings/{booking.pk}/check-in/").status_code == 404
    assert client.post("/spaces/bookings/99999999999/cancel/").status_code == 404
    assert client.get(f"/spaces/bookings/{booking.pk}/cancel/").status_code == 404
    assert client.put(f"/spaces/bookings/{booking.pk}/cancel/").status_code == 405


def test_my_bookings_bad_page_is_not_an_error(client, clock, member):
    client.force_login(member)

    assert client.get("/spaces/bookings/", {"page": "x" * 1000}).status_code == 200


def test_today_is_amsterdam_today(clock):
    clock.set(2026, 3, 18, 0, 30)  # 23:30 UTC the day before
    assert timeslots.today().isoformat() == "2026-03-18"
    assert timeslots.today() - timedelta(days=1) == timeslots.local_date(local(2026, 3, 17, 12))


def test_members_of_a_school_book_for_themselves_only(client, clock, desk, member):
    client.force_login(member)

    form = client.get(f"/spaces/{desk.slug}/book/")
    response = post_booking(client, desk, on_behalf="on")

    assert "on_behalf" not in form.context["form"].fields
    assert response.status_code == 302
    assert Booking.objects.get().organisation is None


def test_overview_shows_twelve_places_a_page(client, clock):
    space = SpaceFactory()
    for number in range(13):
        ResourceFactory(space=space, name=f"Plek {number:02d}")

    first = client.get("/spaces/")
    second = client.get("/spaces/", {"page": 2})
    junk = client.get("/spaces/", {"page": "x" * 500})

    assert len(first.context["cards"]) == 12
    assert [c.resource.name for c in second.context["cards"]] == ["Plek 12"]
    assert junk.status_code == 200


def test_overview_search_answers_htmx_with_the_results_only(client, clock, desk):
    response = client.get(
        "/spaces/",
        {"day": "2026-03-18", "start_time": "10:00", "end_time": "11:00"},
        headers={"HX-Request": "true"},
    )

    assert response.text.lstrip().startswith('<div id="space-results">')
    assert "<html" not in response.text
    assert "Flexplek Raam" in response.text


def test_the_search_form_is_written_out_with_the_forms_own_fields(client, clock):
    unbound = client.get("/spaces/")
    bound = client.get(
        "/spaces/",
        {"day": "2026-03-18", "start_time": "25:00", "end_time": "11:00", "seats": "3",
         "kind": "room", "amenity": "screen"},
    )  # fmt: skip

    form_html = re.search(r'<form[^>]*role="search".*?</form>', bound.text, re.DOTALL)[0]
    names = re.findall(r'<(?:input|select) [^>]*name="(\w+)"', form_html)
    assert names == list(SearchForm.base_fields)
    assert 'name="day" value="2026-03-16"' in unbound.text  # today, from the next whole hour
    assert 'name="start_time" value="09:00"' in unbound.text
    assert 'name="end_time" value="11:00"' in unbound.text
    assert 'name="start_time" value="25:00" step="900" class="form-control is-invalid"' in (
        form_html
    )
    assert 'aria-describedby="id_start_time_error"' in form_html
    assert 'id="id_start_time_error">Enter a valid time.</div>' in form_html
    assert '<option value="room" selected>' in form_html
    assert '<option value="screen" selected>' in form_html
    assert 'name="seats" value="3"' in form_html


# The same number of statements for one row and for many -----------------------------------


MANY = 30


def test_the_overview_costs_the_same_for_one_place_and_many(client, clock, member):
    client.force_login(member)
    ResourceFactory(space=SpaceFactory())
    one, _ = queries_of(client, "/spaces/")
    for _number in range(MANY - 1):
        resource = ResourceFactory(space=SpaceFactory())
        BookingFactory(resource=resource, start=local(2026, 3, 16, 9), end=local(2026, 3, 16, 10))

    many, response = queries_of(client, "/spaces/")
    last, last_page = queries_of(client, "/spaces/", page=3)

    assert (response.context["page_obj"].paginator.count, len(last_page.context["cards"])) == (
        MANY,
        MANY - 24,
    )
    assert many == last == one


def test_a_grid_costs_the_same_for_one_booking_and_many(client, clock, desk, member):
    client.force_login(member)
    week = {"date": "2026-03-17", "view": "week"}
    BookingFactory(resource=desk, start=local(2026, 3, 16, 8), end=local(2026, 3, 16, 9))
    one, _ = queries_of(client, f"/spaces/{desk.slug}/", **week)
    for day in range(16, 23):
        for hour in range(9, 17):
            BookingFactory(resource=desk, start=local(2026, 3, day, hour),
                           end=local(2026, 3, day, hour, 30))  # fmt: skip

    many, response = queries_of(client, f"/spaces/{desk.slug}/", **week)

    assert response.text.count(">Taken<") == 2 + 7 * 8
    assert many == one


def test_my_bookings_cost_the_same_for_one_booking_and_many(client, clock, member):
    clock.set(2026, 3, 18, 12, 0)
    client.force_login(member)

    def add(day):
        BookingFactory(resource=ResourceFactory(), booker=member,
                       start=local(2026, 3, 19, 10) + timedelta(days=day),
                       end=local(2026, 3, 19, 11) + timedelta(days=day),
                       organisation=OrganisationFactory())  # fmt: skip
        BookingFactory(resource=ResourceFactory(), booker=member,
                       start=local(2026, 3, 17, 10) - timedelta(days=day),
                       end=local(2026, 3, 17, 11) - timedelta(days=day),
                       status="cancelled")  # fmt: skip

    add(0)
    one, _ = queries_of(client, "/spaces/bookings/")
    for day in range(1, MANY):
        add(day)

    many, response = queries_of(client, "/spaces/bookings/")

    assert (len(response.context["upcoming"]), len(response.context["past"])) == (MANY, 20)
    assert many == one
