"""What people see after a change from anywhere: the site, the admin, bulk updates, raw SQL.

Each test reads the pages (the grid, the overview, the search, my bookings),
changes something the way one part of the platform does, and reads them
again: the pages show the change at once.
"""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test import Client
from django.urls import reverse

from members.models import Organisation, User
from spaces import services
from spaces.models import Booking, Closure, OpeningHours, Resource
from tests.factories import MemberFactory, OrganisationFactory
from tests.second_factor import with_second_factor
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

DAY = "2026-03-17"  # a Tuesday; the clock says Monday 16 March, 08:00


def english_client(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def desk():
    return ResourceFactory(name="Flexplek Raam", slug="flexplek-raam", auto_release=True)


@pytest.fixture
def member():
    return MemberFactory(name="Sanne de Vries")


@pytest.fixture
def sanne(member):
    return english_client(member)


@pytest.fixture
def other():
    return english_client(MemberFactory(name="Jeroen Bakker"))


@pytest.fixture
def coordinator():
    # A superuser: what a coordinator may do is in test_permissions.py.
    return english_client(
        with_second_factor(
            User.objects.create_superuser(email="root@lef.example", password="x", name="Root")
        )
    )


def grid(client, desk, day=DAY) -> str:
    return client.get(f"/spaces/{desk.slug}/", {"date": day}).text


def bookable(html: str, time: str, day=DAY) -> bool:
    """Whether the grid offers the slot at ``time`` to book (a free slot's link)."""
    return f'book/?day={day}&amp;start_time={time}"' in html


def cells(html: str) -> list[str]:
    """The state of every cell of a grid, in order."""
    return re.findall(r'class="lef-slot lef-slot-(\w+)"', html)


def search(client, day=DAY, start="10:00", end="11:00") -> str:
    return client.get("/spaces/", {"day": day, "start_time": start, "end_time": end}).text


def my_bookings(client) -> str:
    return client.get("/spaces/bookings/").text


def test_booking_and_cancelling_on_the_site(clock, desk, member, sanne, other):
    before = (grid(sanne, desk), grid(other, desk), search(other), my_bookings(sanne))
    assert bookable(before[0], "10:00")
    assert bookable(before[1], "10:00")
    assert "Flexplek Raam" in before[2]

    booked = sanne.post(
        f"/spaces/{desk.slug}/book/",
        {"day": DAY, "start_time": "10:00", "end_time": "11:00", "people": 1, "weeks": 1},
    )

    assert booked.status_code == 302
    mine, theirs = grid(sanne, desk), grid(other, desk)
    assert (cells(mine).count("mine"), bookable(mine, "10:00")) == (2, False)
    assert (cells(theirs).count("taken"), bookable(theirs, "10:00")) == (2, False)
    assert "Nothing is free for all of that time." in search(other)
    assert "Flexplek Raam" in my_bookings(sanne).split("Earlier and cancelled")[0]

    booking = Booking.objects.get()
    asked = sanne.post(f"/spaces/bookings/{booking.pk}/cancel/")
    assert (asked.status_code, Booking.objects.get().status) == (200, "confirmed")
    cancelled = sanne.post(f"/spaces/bookings/{booking.pk}/cancel/", {"confirm": "yes"})

    assert cancelled.status_code == 302
    assert bookable(grid(other, desk), "10:00")
    assert "Flexplek Raam" in search(other)
    upcoming, earlier = my_bookings(sanne).split("Earlier and cancelled")
    assert "You have no bookings coming up." in upcoming
    assert "Cancelled" in earlier


def test_the_overview_follows_todays_bookings(clock, desk, member, sanne):
    assert ">100% free for the rest of today<" in sanne.get("/spaces/").text

    services.book_resource(
        resource=desk, booker=member, start=local(2026, 3, 16, 8), end=local(2026, 3, 16, 13)
    )

    assert ">50% free for the rest of today<" in sanne.get("/spaces/").text


def test_checking_in_on_the_site(clock, desk, member, sanne):
    booking = services.book_resource(
        resource=desk, booker=member, start=local(2026, 3, 16, 10), end=local(2026, 3, 16, 11)
    )
    clock.set(2026, 3, 16, 10, 5)
    assert ">Check in<" in my_bookings(sanne)

    sanne.post(f"/spaces/bookings/{booking.pk}/check-in/")

    page = my_bookings(sanne)
    assert ">Check in<" not in page
    assert "Checked in" in page


def test_releasing_no_shows(clock, desk, member, other):
    services.book_resource(
        resource=desk, booker=member, start=local(2026, 3, 16, 10), end=local(2026, 3, 16, 12)
    )
    clock.set(2026, 3, 16, 10, 31)
    assert not bookable(grid(other, desk, "2026-03-16"), "11:00", "2026-03-16")

    assert services.release_no_shows() == 1

    assert bookable(grid(other, desk, "2026-03-16"), "11:00", "2026-03-16")
    assert "Released: nobody checked in" in my_bookings(english_client(member))


def test_blocking_and_cancelling_in_the_admin(clock, desk, member, other, coordinator):
    booking = services.book_resource(
        resource=desk, booker=member, start=local(2026, 3, 17, 14), end=local(2026, 3, 17, 15)
    )
    assert bookable(grid(other, desk), "10:00")
    assert not bookable(grid(other, desk), "14:00")
    sanne = english_client(member)
    assert "Flexplek Raam" in my_bookings(sanne)

    blocked = coordinator.post(
        reverse("admin:spaces_booking_block"),
        {"resources": [desk.pk], "day": DAY, "start_time": "10:00", "end_time": "12:00",
         "reason": "Onderhoud"},
    )  # fmt: skip
    cancelled = coordinator.post(
        reverse("admin:spaces_booking_changelist"),
        {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [booking.pk], "post": "yes",
         "message": "Lekkage."},
    )  # fmt: skip

    assert (blocked.status_code, cancelled.status_code) == (302, 302)
    page = grid(other, desk)
    assert (cells(page).count("blocked"), "Onderhoud" in page) == (4, True)
    assert bookable(page, "14:00")
    assert "Message from 't LEF: Lekkage." in my_bookings(sanne)


def space_form_data(client, space, **hours) -> dict:
    """What the space's admin page posts back, with an opening time changed per weekday.

    ``hours``: ``{"1": ("12:00", "18:00")}`` for Tuesday.
    """
    response = client.get(reverse("admin:spaces_space_change", args=[space.pk]))
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name != "photo"}
    data = {name: value for name, value in data.items() if value is not None}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {
            f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
            f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
            f"{formset.prefix}-MIN_NUM_FORMS": "0",
            f"{formset.prefix}-MAX_NUM_FORMS": "1000",
        }
        for inline_form in formset.forms[: formset.initial_form_count()]:
            values = {name: inline_form[name].value() for name in inline_form.fields}
            if "weekday" in values and str(values["weekday"]) in hours:
                values["opens"], values["closes"] = hours[str(values["weekday"])]
            data |= {
                inline_form.add_prefix(name): value
                for name, value in values.items()
                if value is not None and value is not False
            }
    return data


def test_opening_hours_and_closures_in_the_admin(clock, desk, other, coordinator):
    space = desk.space
    assert bookable(grid(other, desk), "08:00")
    assert ">100% free for the rest of today<" in other.get("/spaces/").text

    changed = coordinator.post(
        reverse("admin:spaces_space_change", args=[space.pk]),
        space_form_data(coordinator, space, **{"1": ("12:00", "18:00")}),
    )

    assert changed.status_code == 302
    assert OpeningHours.objects.get(space=space, weekday=1).opens.hour == 12
    page = grid(other, desk)
    assert not bookable(page, "08:00")
    assert bookable(page, "12:00")

    data = space_form_data(coordinator, space)
    data |= {
        "closures-TOTAL_FORMS": "1",
        "closures-0-date": "2026-03-16",
        "closures-0-reason": "Verhuizing",
    }
    closed = coordinator.post(reverse("admin:spaces_space_change", args=[space.pk]), data)

    assert closed.status_code == 302
    assert Closure.objects.filter(space=space).count() == 1
    assert "Closed on this day." in grid(other, desk, "2026-03-16")
    assert ">Closed for the rest of today<" in other.get("/spaces/").text


def test_bulk_updates_and_raw_sql(clock, desk, member, other):
    booking = BookingFactory(
        resource=desk, booker=member, start=local(2026, 3, 17, 10), end=local(2026, 3, 17, 11)
    )
    assert not bookable(grid(other, desk), "10:00")

    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    assert bookable(grid(other, desk), "10:00")

    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO spaces_booking (resource_id, booker_id, start, "end", purpose, people,'
            " status, kind, cancel_message, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, '', 1, 'confirmed', 'booking', '', now(), now())",
            [desk.pk, member.pk, local(2026, 3, 17, 15), local(2026, 3, 17, 16)],
        )
    assert not bookable(grid(other, desk), "15:00")

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE spaces_openinghours SET opens = '16:00' WHERE space_id = %s", [desk.space_id]
        )
    page = grid(other, desk)
    assert not bookable(page, "10:00")
    assert bookable(page, "16:00")

    Resource.objects.filter(pk=desk.pk).update(name="Flexplek Tuin")
    assert "Flexplek Tuin" in other.get("/spaces/").text
    assert "Flexplek Tuin" in grid(other, desk)


def test_renamed_members_and_organisations(clock, desk, coordinator):
    school = OrganisationFactory(name="Leerlab", kind=Organisation.Kind.STARTUP)
    booker = MemberFactory(name="Geheime Boeker", profile__organisation=school)
    services.book_resource(
        resource=desk, booker=booker, start=local(2026, 3, 17, 10), end=local(2026, 3, 17, 11),
        organisation=school,
    )  # fmt: skip
    theirs = english_client(booker)
    assert "Geheime Boeker" in grid(coordinator, desk)
    assert "for Leerlab" in my_bookings(theirs)

    User.objects.filter(pk=booker.pk).update(name="Nieuwe Naam")
    Organisation.objects.filter(pk=school.pk).update(name="Leerlab Leiden")

    assert "Nieuwe Naam" in grid(coordinator, desk)
    assert "for Leerlab Leiden" in my_bookings(theirs)


def test_the_clock_moves_slots_and_bookings_along(clock, desk, member, sanne, other):
    booking = services.book_resource(
        resource=desk, booker=member, start=local(2026, 3, 16, 10), end=local(2026, 3, 16, 11)
    )
    clock.set(2026, 3, 16, 9, 25)
    assert bookable(grid(other, desk, "2026-03-16"), "09:30", "2026-03-16")
    assert ">Cancel<" in my_bookings(sanne)

    clock.set(2026, 3, 16, 9, 31)
    page = grid(other, desk, "2026-03-16")
    assert (bookable(page, "09:30", "2026-03-16"), cells(page).count("past")) == (False, 4)

    clock.set(2026, 3, 16, 10, 1)
    page = my_bookings(sanne)
    assert (">Cancel<" in page, ">Check in<" in page) == (False, True)

    clock.set(2026, 3, 16, 10, 30)
    page = my_bookings(sanne)
    assert (">Check in<" in page, "Flexplek Raam" in page.split("Earlier")[0]) == (False, True)

    clock.set(2026, 3, 16, 11, 0)
    upcoming, earlier = my_bookings(sanne).split("Earlier and cancelled")
    assert "Flexplek Raam" not in upcoming
    assert "Flexplek Raam" in earlier
    assert booking.pk


def test_a_resource_made_inactive_is_gone_at_once(clock, desk, other):
    assert other.get(f"/spaces/{desk.slug}/").status_code == 200
    assert "Flexplek Raam" in other.get("/spaces/").text

    Resource.objects.filter(pk=desk.pk).update(active=False)

    assert other.get(f"/spaces/{desk.slug}/").status_code == 404
    assert "Flexplek Raam" not in other.get("/spaces/").text


def test_each_language_has_its_own_pages(clock, desk, member):
    dutch = Client(headers={"accept-language": "nl"})
    dutch.force_login(member)
    english = english_client(member)

    assert ">Vrij<" in grid(dutch, desk)
    assert ">Free<" in grid(english, desk)
    assert "Toon vrije plekken" in dutch.get("/spaces/").text
    assert "Show free places" in english.get("/spaces/").text
