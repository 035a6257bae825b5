"""The spaces details a person runs into: a weekly booking is handled as one series (cancel
this one, or this and all later ones, asked first); the week grid scrolls sideways by
keyboard on a phone; the check-in button is thumb-sized; the occupancy page fits a phone;
a member whose start-up waits for approval reads why and what happens next. axe-core checks
each changed page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Organisation
from spaces import timeslots
from spaces.models import Booking, Resource
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, label, t
from tests.factories import MemberFactory, OrganisationFactory
from tests.spaces.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def desk():
    space = SpaceFactory(name="'t LEF bij PLNT", slug="plnt")  # open 08:00-18:00 every day
    return ResourceFactory(space=space, name="Flexplek aan het raam", slug="flexplek-raam")


def test_a_weekly_booking_is_one_series_and_its_rest_is_cancelled_at_once(
    phone_page, login_as, desk
):
    page = phone_page
    member = MemberFactory(name="Sanne de Vries")
    login_as(page, member)
    first_day = timeslots.today() + timedelta(days=1)

    # Book tomorrow 09:00-10:00, every week, four times.
    page.goto(f"/spaces/flexplek-raam/book/?day={first_day.isoformat()}&start_time=09:00")
    page.get_by_label(label("Until")).fill("10:00")
    page.get_by_label(label("Repeat")).select_option("4")
    page.get_by_role("button", name=t("Book this place")).click()
    expect(page).to_have_url(re.compile(r"/spaces/bookings/$"))
    assert Booking.objects.filter(booker=member, status="confirmed").count() == 4
    assert len(mail.outbox) == 1  # one confirmation for the series

    # My bookings shows it as one series, its dates behind a disclosure.
    series = page.locator(".lef-series")
    expect(series).to_have_count(1)
    expect(series).to_contain_text(re.compile(r"09:00\u201310:00"))
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_text(re.compile(r"4")).and_(page.locator("summary")).click()
    dates = series.locator(".lef-series-dates li")
    expect(dates).to_have_count(4)

    # Cancel from the second date on: the page asks first, with the choice.
    mail.outbox.clear()
    dates.nth(1).get_by_role("link", name=re.compile("^" + re.escape(t("Cancel")))).click()
    expect(page.get_by_role("heading", name=t("Cancel your booking?"))).to_be_visible()
    assert Booking.objects.filter(booker=member, status="confirmed").count() == 4
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_label(re.compile("^" + re.escape(t("This one and all later ones")))).check()
    page.get_by_role("button", name=t("Yes, cancel")).click()

    expect(page).to_have_url(re.compile(r"/spaces/bookings/$"))
    starts = list(
        Booking.objects.filter(booker=member).order_by("start").values_list("status", flat=True)
    )
    assert starts == ["confirmed", "cancelled", "cancelled", "cancelled"]
    assert len(mail.outbox) == 1  # one mail for the three dates
    # One date is left: it is shown as the booking it is, no longer as a series.
    expect(page.locator(".lef-series")).to_have_count(0)
    expect(page.locator(".lef-bookings").first.locator("> li")).to_have_count(1)


def test_the_week_grid_scrolls_sideways_by_keyboard_on_a_phone(phone_page, login_as, desk):
    page = phone_page
    page.emulate_media(reduced_motion="reduce")
    login_as(page, MemberFactory())
    page.goto("/spaces/flexplek-raam/?view=week")

    grid_box = page.get_by_role("region", name=t("The week, scrolls sideways"))
    assert grid_box.evaluate("box => box.scrollWidth > box.clientWidth")  # wider than a phone
    # A keyboard user gets there with Tab from the date form, and moves it with the arrows.
    page.get_by_role("button", name=t("Go")).focus()
    page.keyboard.press("Tab")
    expect(grid_box).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "box => box.scrollLeft > 0", arg=grid_box.element_handle(), timeout=5_000
    )
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_the_check_in_button_is_thumb_sized_on_a_phone(phone_page, login_as, desk):
    member = MemberFactory()
    now = timezone.now()
    BookingFactory(resource=desk, booker=member, start=now - timedelta(minutes=5),
                   end=now + timedelta(minutes=55))  # fmt: skip
    login_as(phone_page, member)

    phone_page.goto("/spaces/bookings/")

    button = phone_page.get_by_role("button", name=re.compile("^" + re.escape(t("Check in"))))
    expect(button).to_be_visible()
    assert button.bounding_box()["height"] >= 44
    cancel = phone_page.locator(".lef-bookings").get_by_role("link").filter(has_text=t("Cancel"))
    assert cancel.count() == 0 or cancel.first.bounding_box()["height"] >= 44
    assert_accessible(phone_page)

    # Mijn LEF offers the same check-in in its "next up".
    phone_page.goto("/")
    on_home = phone_page.get_by_role("button", name=re.compile("^" + re.escape(t("Check in"))))
    expect(on_home).to_be_visible()
    assert on_home.bounding_box()["height"] >= 44


def test_the_occupancy_page_fits_a_phone(phone_page, login_as, desk):
    coordinator = MemberFactory(is_staff=True, is_superuser=True)
    ResourceFactory(space=desk.space, name="Vergaderruimte De Waag", slug="de-waag",
                    kind=Resource.Kind.ROOM, seats=8)  # fmt: skip
    login_as(phone_page, coordinator)

    phone_page.goto("/admin/spaces/booking/occupancy/")

    # On a phone a list per resource (and the totals), the table hidden.
    expect(phone_page.get_by_role("heading", name="Flexplek aan het raam")).to_be_visible()
    expect(phone_page.get_by_role("table")).to_be_hidden()
    expect(phone_page.get_by_text(t("Bookable hours"), exact=True)).to_have_count(3 + 1)
    expect(phone_page.locator(".lef-occupancy-list dt:visible")).to_have_count(8 + 8 + 7)
    assert_no_horizontal_scroll(phone_page)
    assert_accessible(phone_page)


def test_a_member_whose_startup_waits_reads_why_and_what_happens_next(phone_page, login_as, desk):
    waiting = OrganisationFactory(name="Leerlab Leiden", kind=Organisation.Kind.STARTUP,
                                  status=Organisation.Status.PROPOSED)  # fmt: skip
    ResourceFactory(space=desk.space, name="Start-uphoek", slug="start-uphoek",
                    audience=Resource.Audience.STARTUPS)  # fmt: skip
    login_as(phone_page, MemberFactory(profile__organisation=waiting))

    phone_page.goto("/spaces/start-uphoek/")

    why = t(
        "Your start-up %(name)s is waiting for a coordinator's approval. Once it is approved "
        "you can book this place; we will mail you when it is."
    ) % {"name": "Leerlab Leiden"}
    expect(phone_page.get_by_text(why)).to_be_visible()
    meanwhile = phone_page.get_by_role(
        "link", name=t("Meanwhile, book a place open to all members")
    )
    assert_accessible(phone_page)
    meanwhile.click()
    expect(phone_page).to_have_url(re.compile(r"/spaces/$"))
