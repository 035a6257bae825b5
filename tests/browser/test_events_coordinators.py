"""A coordinator running a meetup, and the door, in a browser (Dutch).

In the admin the coordinator cancels one sign-up from the meetup's own page (asked first;
the next in line gets the place) and copies the meetup to a new date (the copy opens as a
draft on that day, with an address from its title and day). At the door, on a phone, a
guest walk-in leaves an email address; the search is then empty, with the cursor in it,
for the next person. On the calendar page the feed's address is copied with one button.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from events.models import Event, Registration
from events.services import register_for_event
from lef.calendar import calendar_feed_for
from lef.choices import Sector
from lef.templatetags.lef_tags import day_label
from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, label, t
from tests.events.factories import EventFactory
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _coordinator():
    # A superuser: the Coordinators group of the migrations is gone after a live-server flush.
    return MemberFactory(name="Carla Coördinator", is_staff=True, is_superuser=True)


def _meetup(**kwargs):
    zone = timezone.get_default_timezone()
    start = datetime.combine(timezone.localdate() + timedelta(days=5), time(15, 30), tzinfo=zone)
    return EventFactory(
        title="Van groep 8 naar de brugklas",
        slug="brugklas",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        **kwargs,
    )


def test_coordinator_cancels_one_sign_up_from_the_meetups_page_after_a_question(page, login_as):
    event = _meetup(capacity=1)
    anna = register_for_event(
        event=event, member=MemberFactory(name="Anna de Vries", profile__primary_sector=Sector.PO)
    )
    bram = register_for_event(
        event=event, member=MemberFactory(name="Bram Visser", profile__primary_sector=Sector.VO)
    )
    login_as(page, _coordinator())

    page.goto(f"/admin/events/event/{event.pk}/change/")
    page.get_by_role("link", name=f"{t('Cancel')} (Anna de Vries)").click()

    # Asked first: what will happen, and nothing has yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Cancel a sign-up"))
    expect(page.locator("#content")).to_contain_text("Anna de Vries")
    assert Registration.objects.get(pk=anna.pk).status == "confirmed"
    assert_accessible(page)
    page.get_by_role("button", name=t("Yes, cancel this sign-up")).click()

    # Back on the meetup's page, with what the service did.
    expect(page).to_have_url(re.compile(rf"/admin/events/event/{event.pk}/change/$"))
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("Anna de Vries")
    with translation.override("nl"):
        moved_up = translation.ngettext(
            "%(count)d person moved up from the waiting list and was mailed.",
            "%(count)d people moved up from the waiting list and were mailed.",
            1,
        ) % {"count": 1}
    expect(messages).to_contain_text(moved_up)
    assert Registration.objects.get(pk=anna.pk).status == "cancelled"
    assert Registration.objects.get(pk=bram.pk).status == "confirmed"
    expect(page.get_by_role("link", name=f"{t('Cancel')} (Anna de Vries)")).to_have_count(0)


def test_coordinator_copies_a_meetup_to_a_new_date(page, login_as):
    event = _meetup(capacity=12)
    register_for_event(event=event, member=MemberFactory(profile__primary_sector=Sector.PO))
    login_as(page, _coordinator())
    new_day = timezone.localdate(event.starts_at) + timedelta(days=40)

    page.goto(f"/admin/events/event/{event.pk}/change/")
    page.get_by_role("link", name=t("Copy to a new date")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t("Copy a meetup"))
    expect(page.get_by_label(re.compile(t("A week later")))).to_be_checked()
    assert_accessible(page)
    page.get_by_label(t("On a date")).check()
    page.get_by_label(t("Date"), exact=True).fill(new_day.isoformat())
    page.get_by_label(t("Title of the copy")).fill("Van groep 8 naar de brugklas, deel 2")
    page.get_by_role("button", name=t("Make the draft copy")).click()

    copy = Event.objects.exclude(pk=event.pk).get()
    expect(page).to_have_url(re.compile(rf"/admin/events/event/{copy.pk}/change/$"))
    with translation.override("nl"):
        expect(page.locator(".messagelist")).to_contain_text(day_label(new_day))
    assert (copy.status, copy.title, copy.slug) == (
        "draft",
        "Van groep 8 naar de brugklas, deel 2",
        f"van-groep-8-naar-de-brugklas-deel-2-{new_day.isoformat()}",
    )
    assert timezone.localtime(copy.starts_at).timetuple()[:5] == (
        new_day.year, new_day.month, new_day.day, 15, 30
    )  # fmt: skip
    assert copy.registrations.count() == 0
    expect(page.locator("#id_title")).to_have_value("Van groep 8 naar de brugklas, deel 2")


def test_after_a_walk_in_the_door_search_is_empty_and_has_the_cursor(new_page, login_as):
    organiser = MemberFactory(name="Olga Organisator", profile__primary_sector=Sector.HO)
    event = _meetup(organisers=[organiser])
    door = new_page(viewport=PHONE, phone=True)
    login_as(door, organiser)

    door.goto(f"/events/{event.slug}/check-in/")
    search = door.get_by_label(label("Find a name"))
    search.fill("Smit")
    expect(door.get_by_text("Smit", exact=False).first).to_be_visible()
    door.get_by_label(label("Name")).fill("Wethouder Smit")
    door.get_by_label(label("Sector")).select_option("other")
    email = door.get_by_label(label("Email address (optional)"))
    expect(email).to_have_accessible_description(
        t("So the organisers can follow up. Only they see it.")
    )
    email.fill("smit@leiden.example")
    door.get_by_role("button", name=t("Add walk-in")).click()

    expect(door).to_have_url(re.compile(r"/check-in/\?added=1$"))
    search = door.get_by_label(label("Find a name"))
    expect(search).to_have_value("")
    expect(search).to_be_focused()
    expect(door.locator(".lef-door-name")).to_have_text(["Wethouder Smit"])
    expect(door.get_by_role("link", name="smit@leiden.example")).to_be_visible()
    assert Registration.objects.get(guest_name="Wethouder Smit").guest_email == (
        "smit@leiden.example"
    )
    assert_no_horizontal_scroll(door)
    assert_accessible(door)


@pytest.mark.parametrize("clipboard", [True, False], ids=["clipboard", "no clipboard"])
def test_the_calendar_page_copies_the_feed_address(new_page, login_as, clipboard):
    member = MemberFactory(profile__primary_sector=Sector.PO)
    page = new_page()
    if clipboard:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    else:  # an old browser, or a page not served over HTTPS
        page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    login_as(page, member)
    token = calendar_feed_for(member).token

    page.goto("/calendar/")
    page.get_by_role("button", name=t("Copy")).click()

    field = page.get_by_label(t("Or copy the address of your calendar"))
    status = page.locator("#feed-url-copied")
    if clipboard:
        expect(status).to_have_text(t("Copied. Paste the address in your calendar app."))
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == field.input_value()
        assert copied.endswith(f"/calendar/{token}.ics")
    else:
        expect(status).to_have_text(
            t("The address is selected: copy it with Ctrl+C (⌘C on a Mac).")
        )
        expect(field).to_be_focused()
        selected = page.evaluate(
            "(() => { const f = document.getElementById('feed-url');"
            " return f.value.slice(f.selectionStart, f.selectionEnd); })()"
        )
        assert selected == field.input_value()
    assert_accessible(page)


def test_the_calendar_page_without_javascript_shows_the_address_to_select(
    browser, live_server, login_as
):
    member = MemberFactory()
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", java_script_enabled=False
    )
    try:
        page = context.new_page()
        login_as(page, member)
        page.goto("/calendar/")

        expect(page.get_by_role("button", name=t("Copy"))).to_be_hidden()
        field = page.get_by_label(t("Or copy the address of your calendar"))
        expect(field).to_be_visible()
        assert field.input_value().endswith(f"/calendar/{calendar_feed_for(member).token}.ics")
    finally:
        context.close()


def test_a_copy_day_in_the_past_is_refused(page, login_as):
    event = _meetup()
    login_as(page, _coordinator())

    page.goto(f"/admin/events/event/{event.pk}/copy/")
    page.get_by_label(t("On a date")).check()
    page.get_by_label(t("Date"), exact=True).fill(
        (timezone.localdate() - timedelta(days=3)).isoformat()
    )
    page.get_by_role("button", name=t("Make the draft copy")).click()

    expect(page.locator(".errorlist")).to_contain_text(
        t("That day has passed; choose a later one.")
    )
    assert Event.objects.count() == 1
