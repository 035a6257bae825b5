"""Two teachers, one place: Anna takes the last place of a meetup, Bram (on his phone) joins
the waiting list; Anna cancels, Bram gets the place at once, finds the mail, and sees it on
Mijn LEF. Then an organiser checks him in at the door, on a phone, with one tap."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Registration
from lef.choices import Sector
from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_no_horizontal_scroll, label, t
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_last_place_waiting_list_cancel_and_promotion(new_page, login_as):
    organiser = MemberFactory(name="Olga Organisator", profile__primary_sector=Sector.HO)
    event = EventFactory(
        title="Van groep 8 naar de brugklas",
        slug="van-groep-8-naar-de-brugklas",
        capacity=2,
        organisers=[organiser],
    )
    RegistrationFactory(event=event)  # one place left
    anna = MemberFactory(name="Anna de Vries", profile__primary_sector=Sector.PO)
    bram = MemberFactory(name="Bram Visser", profile__primary_sector=Sector.VO)
    mail.outbox.clear()

    # Anna finds the meetup in the list and takes the last place, with a note.
    laptop = new_page()
    login_as(laptop, anna)
    laptop.goto("/events/")
    laptop.get_by_role("link", name="Van groep 8 naar de brugklas").click()
    expect(laptop).to_have_url(re.compile(r"/events/van-groep-8-naar-de-brugklas/$"))
    box = laptop.get_by_role("region", name="Aanmelden")  # pgettext("meetup", "Sign up")
    expect(box).to_contain_text("nog 1 plek")
    box.get_by_label(label("Anything we should know? (optional)")).fill("Ik eet vegetarisch")
    box.get_by_role("button", name=t("Sign up for this meetup")).click()
    expect(laptop.get_by_text(t("You are signed up."), exact=True)).to_be_visible()

    # Bram, on his phone, finds it full and joins the waiting list: number 1.
    phone = new_page(viewport=PHONE, phone=True)
    login_as(phone, bram)
    phone.goto(event.get_absolute_url())
    expect(phone.get_by_text(t("This meetup is full."))).to_be_visible()
    assert_no_horizontal_scroll(phone)
    phone.get_by_role("button", name=t("Join the waiting list")).click()
    expect(phone.locator(".lef-signup-position")).to_have_text("1")
    assert_no_horizontal_scroll(phone)

    # Anna cannot come after all; her place goes to Bram in the same moment.
    laptop.get_by_role("button", name=t("Cancel my sign-up")).click()
    expect(
        laptop.get_by_text(t("You are no longer signed up. Your place goes to the next in line."))
    ).to_be_visible()
    assert Registration.objects.get(member=bram).status == "confirmed"
    promoted = [m for m in mail.outbox if bram.email in m.to][-1]
    assert promoted.subject == f"'t LEF: er is een plek vrijgekomen voor je bij {event.title}"

    # Bram sees it on Mijn LEF, and on the meetup's page.
    phone.goto("/")
    next_up = phone.get_by_role("region", name=t("Next up"))
    expect(next_up.get_by_role("link", name=event.title)).to_be_visible()
    expect(next_up.get_by_text(t("You have a place"))).to_be_visible()
    assert_no_horizontal_scroll(phone)

    # At the door the organiser finds Bram by name and checks him in with one tap.
    door = new_page(viewport=PHONE, phone=True)
    login_as(door, organiser)
    door.goto(f"{event.get_absolute_url()}check-in/")
    door.evaluate("window.lefNoFullReload = true")
    door.get_by_label(label("Find a name")).fill("bram")
    expect(door.locator(".lef-door-name")).to_have_text(["Bram Visser"])
    door.get_by_role("button", name=re.compile(t("Check in"))).click()
    expect(door.get_by_role("button", name=re.compile(t("Undo")))).to_be_visible()
    expect(door.locator(".lef-door-count")).to_have_text("1")
    assert door.evaluate("window.lefNoFullReload") is True  # htmx, no page load
    assert Registration.objects.get(member=bram).checked_in_at is not None
    assert_no_horizontal_scroll(door)
