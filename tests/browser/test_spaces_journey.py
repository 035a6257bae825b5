"""A start-up member finds a free desk for tomorrow morning and books it; a second member
sees that time taken and books the next slot. axe-core checks the spaces pages on the way."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from members.models import Organisation
from spaces import timeslots
from spaces.models import Booking, Resource
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, label, t
from tests.factories import MemberFactory, OrganisationFactory
from tests.spaces.factories import ResourceFactory, SpaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def house():
    space = SpaceFactory(name="'t LEF bij PLNT", slug="plnt")
    ResourceFactory(space=space, name="Vergaderruimte De Waag", slug="de-waag",
                    kind=Resource.Kind.ROOM, seats=8)  # fmt: skip
    return ResourceFactory(space=space, name="Flexplek aan het raam", slug="flexplek-raam")


def test_two_members_book_tomorrow_morning(page, phone_page, login_as, house):
    startup = OrganisationFactory(name="Leerlab Leiden", kind=Organisation.Kind.STARTUP)
    founder = MemberFactory(name="Yara Leerlab", profile__organisation=startup)
    colleague = MemberFactory(name="Jeroen Bakker")
    tomorrow = timeslots.today() + timedelta(days=1)

    # The founder searches for a free desk tomorrow from 9 to 11.
    login_as(page, founder)
    page.goto("/spaces/")
    assert_accessible(page)
    page.get_by_label(label("Date")).fill(tomorrow.isoformat())
    page.get_by_label(label("From")).fill("09:00")
    page.get_by_label(label("Until")).fill("11:00")
    page.get_by_label(label("Kind")).select_option("desk")
    page.get_by_role("button", name=t("Show free places")).click()
    expect(page.locator("#results-title")).to_have_text(re.compile(r"^\s*1 plek vrij op"))
    assert_accessible(page)

    # From the result straight to the prefilled form, on behalf of the start-up.
    page.get_by_role("link", name=t("Book %(name)s") % {"name": "Flexplek aan het raam"}).click()
    expect(page.get_by_label(label("From"))).to_have_value("09:00")
    expect(page.get_by_label(label("Until"))).to_have_value("11:00")
    assert_accessible(page)
    page.get_by_label(
        t("Book on behalf of %(organisation)s") % {"organisation": "Leerlab Leiden"}
    ).check()
    page.get_by_role("button", name=t("Book this place")).click()

    expect(page).to_have_url(re.compile(r"/spaces/bookings/$"))
    expect(page.get_by_text("Flexplek aan het raam").first).to_be_visible()
    assert_accessible(page)
    booking = Booking.objects.get()
    assert (booking.booker, booking.organisation, timeslots.local(booking.start).hour) == (
        founder, startup, 9
    )  # fmt: skip

    # A colleague on a phone sees 09:00-11:00 taken (without the name) and takes 11:00.
    login_as(phone_page, colleague)
    phone_page.goto(f"/spaces/flexplek-raam/?date={tomorrow.isoformat()}")
    grid = phone_page.get_by_role("table")
    expect(grid.get_by_role("cell", name=t("Taken"), exact=True)).to_have_count(4)
    expect(grid).not_to_contain_text("Yara")
    assert_accessible(phone_page)
    assert_no_horizontal_scroll(phone_page)
    grid.get_by_role("row", name=re.compile(r"^11:00")).get_by_role("link").click()
    expect(phone_page.get_by_label(label("From"))).to_have_value("11:00")
    phone_page.get_by_label(label("Until")).fill("12:00")
    phone_page.get_by_role("button", name=t("Book this place")).click()

    expect(phone_page).to_have_url(re.compile(r"/spaces/bookings/$"))
    assert_no_horizontal_scroll(phone_page)
    starts = [timeslots.local(b.start).hour for b in Booking.objects.order_by("start")]
    assert starts == [9, 11]

    # Plans change: the colleague cancels it on that page (asked first), and 11:00 is
    # free again at once.
    phone_page.get_by_role("link", name=re.compile("^" + re.escape(t("Cancel")))).click()
    expect(phone_page.get_by_role("heading", name=t("Cancel your booking?"))).to_be_visible()
    assert Booking.objects.get(booker=colleague).status == Booking.Status.CONFIRMED
    assert_accessible(phone_page)
    assert_no_horizontal_scroll(phone_page)
    phone_page.get_by_role("button", name=t("Yes, cancel")).click()
    expect(phone_page.get_by_text(t("You have no bookings coming up."))).to_be_visible()
    assert Booking.objects.get(booker=colleague).status == Booking.Status.CANCELLED
    page.goto(f"/spaces/flexplek-raam/?date={tomorrow.isoformat()}")
    expect(page.get_by_role("row", name=re.compile(r"^11:00")).get_by_role("link")).to_be_visible()


def test_grid_week_view_navigates_with_htmx(page, login_as, house):
    # No colour transitions: axe must not read a button halfway into its hover colour.
    page.emulate_media(reduced_motion="reduce")
    login_as(page, MemberFactory())
    page.goto("/spaces/flexplek-raam/")
    page.get_by_role("link", name=t("Show the week")).click()

    expect(page.get_by_role("columnheader")).to_have_count(8)
    page.get_by_role("link", name=t("Next week")).click()
    expect(page).to_have_url(re.compile(r"view=week"))
    page.mouse.move(0, 0)
    assert_accessible(page)


def test_a_search_when_the_house_is_closed_says_when_it_is_open(phone_page, login_as, house):
    login_as(phone_page, MemberFactory())
    tomorrow = timeslots.today() + timedelta(days=1)
    phone_page.goto("/spaces/")
    phone_page.get_by_label(label("Date")).fill(tomorrow.isoformat())
    phone_page.get_by_label(label("From")).fill("19:00")
    phone_page.get_by_label(label("Until")).fill("20:00")
    phone_page.get_by_role("button", name=t("Show free places")).click()

    results = phone_page.locator("#space-results")
    expect(results).to_contain_text("08:00\u201318:00")
    expect(results).not_to_contain_text(t("Nothing is free for all of that time."))
    assert_accessible(phone_page)
    assert_no_horizontal_scroll(phone_page)
