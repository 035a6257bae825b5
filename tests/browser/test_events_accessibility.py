"""axe-core finds no serious or critical violations on the meetup pages: the list (with
results and after an htmx filter), the month calendar (and its next month), a meetup (open,
and waiting), and the door list on a phone; in Dutch, and the list and a meetup in English.
Nothing sticks out sideways on a phone."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lef.choices import Sector
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, label, t
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def meetups():
    organiser = MemberFactory(name="Olga Organisator", profile__primary_sector=Sector.HO)
    zone = timezone.get_default_timezone()
    start = datetime.combine(timezone.localdate() + timedelta(days=3), time(15, 30), tzinfo=zone)
    open_event = EventFactory(
        title="Van groep 8 naar de brugklas: rekenen",
        slug="brugklas",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        description="**Programma**\n\n- inloop\n- pitches\n- aan de slag",
        target_sectors=["po", "vo"],
        target_transitions=["po-vo"],
        organisers=[organiser],
        max_sector_share=50,
        capacity=4,
        online_url="https://meet.example/lef",
    )
    for sector in (Sector.PO, Sector.VO, Sector.MBO):
        RegistrationFactory(event=open_event, member__profile__primary_sector=sector)
    full = EventFactory(title="Doorstroom mbo-hbo", slug="doorstroom", capacity=1)
    RegistrationFactory(event=full, member__profile__primary_sector=Sector.MBO)
    EventFactory(title="Afgelast", status="cancelled")
    return {"organiser": organiser, "open": open_event, "full": full}


def test_meetup_pages_are_accessible_in_dutch(page, login_as, meetups):
    member = MemberFactory(name="Sanne de Vries", profile__primary_sector=Sector.PO)
    login_as(page, member)

    page.goto("/events/")
    expect(page.get_by_role("heading", level=1, name=t("Meetups"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(label("For sector")).select_option("mbo")
    expect(page.locator("#event-results article")).to_have_count(0)
    assert_accessible(page)

    page.goto("/events/calendar/")
    assert_accessible(page)
    page.get_by_role("link", name=t("Next month:"), exact=False).click()
    expect(page).to_have_url(re.compile(r"/events/calendar/\?month=\d{4}-\d{2}$"))
    assert_accessible(page)

    page.goto(meetups["open"].get_absolute_url())
    assert_accessible(page)
    page.goto(meetups["full"].get_absolute_url())
    page.get_by_role("button", name=t("Join the waiting list")).click()
    expect(page.locator(".lef-signup-position")).to_have_text("1")
    assert_accessible(page)


def test_meetup_pages_are_accessible_in_english(new_page, meetups):
    page = new_page(locale="en-GB")

    for path in ("/events/", meetups["open"].get_absolute_url()):
        page.goto(path)
        assert_accessible(page)


def test_meetup_pages_and_the_door_list_fit_a_phone(phone_page, login_as, meetups):
    login_as(phone_page, meetups["organiser"])

    for path in ("/events/", "/events/calendar/", meetups["open"].get_absolute_url()):
        phone_page.goto(path)
        assert_no_horizontal_scroll(phone_page)

    phone_page.goto(f"{meetups['open'].get_absolute_url()}check-in/")
    assert_accessible(phone_page)
    assert_no_horizontal_scroll(phone_page)
    phone_page.get_by_role("button", name=t("Check in")).first.click()
    expect(phone_page.locator(".lef-door-count")).to_have_text("1")
    assert_accessible(phone_page)
    # An empty walk-in form says what is missing, accessibly.
    phone_page.get_by_role("button", name=t("Add walk-in")).click()
    expect(phone_page.locator("#id_guest_name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(phone_page)
    assert_no_horizontal_scroll(phone_page)
