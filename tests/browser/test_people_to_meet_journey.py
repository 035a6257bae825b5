"""A new po teacher meets someone in five minutes (issue 10).

She signs up in Dutch, does both welcome steps (sector and school; what she does
and a topic tapped as a chip), sees three colleagues from other sectors with what
they share, finds one of them again on Mijn LEF, and opens that profile. On a
phone, as most teachers between two classes.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from lef.choices import CoreActivity, Role, Sector
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_on_first_screen,
    label,
    last_mail_link,
    t,
)
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "Fietsenstalling-2026"


@pytest.fixture
def community():
    """The obvious match (vo, rekenen, open to collaboration), an mbo colleague on the
    same topic, and a po colleague who must not be suggested to a po teacher."""
    school = OrganisationFactory(name="Basisschool De Linde", slug="de-linde")
    MemberFactory(
        name="Jeroen Bakker",
        username="jeroen-bakker",
        profile__primary_sector=Sector.VO,
        profile__organisation=OrganisationFactory(name="Stedelijk Lyceum", slug="lyceum"),
        profile__roles=[Role.TEACHER],
        profile__core_activities=[CoreActivity.TEACHING],
        profile__expertise=["rekenen", "wiskunde"],
        profile__open_to_collaboration=True,
        profile__looking_for="Basisscholen die willen meekijken naar onze rekentoets",
    )
    MemberFactory(
        name="Mehmet Şahin",
        username="mehmet-sahin",
        profile__primary_sector=Sector.MBO,
        profile__core_activities=[CoreActivity.TEACHING],
        profile__expertise=["rekenen"],
    )
    for _ in range(3):  # tags in use: "rekenen" is the most used one
        MemberFactory(profile__primary_sector=Sector.HO, profile__expertise=["rekenen"])
    MemberFactory(
        name="Po Collega",
        profile__primary_sector=Sector.PO,
        profile__expertise=["rekenen"],
        profile__core_activities=[CoreActivity.TEACHING],
    )
    return {"school": school}


def test_a_new_po_teacher_meets_a_vo_colleague_on_a_phone(phone_page, community):
    page = phone_page
    mail.outbox.clear()
    page.goto("/")

    # The home page's own call to make a profile, on the first screen (the menu is
    # folded on a phone).
    create = page.get_by_role("link", name=t("Create your profile"))
    assert_on_first_screen(page, create)
    create.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.get_by_label(label("Your name")).fill("Sanne de Vries")
    page.get_by_label(label("Email")).fill("sanne@school.example")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_label(label("Password (again)")).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign Up")).click()
    page.goto(last_mail_link("sanne@school.example"))
    page.get_by_role("button", name=t("Confirm")).click()

    # Step 1 of 3: name, sector, school.
    expect(page.get_by_text(t("Step %(step)s of 3") % {"step": 1})).to_be_visible()
    page.get_by_label(t("Primary education (po)")).check()
    page.get_by_label(label("Organisation")).select_option(label="Basisschool De Linde")
    page.get_by_role("button", name=t("Save and continue")).click()

    # Step 2 of 3: what she does, and a topic tapped as a chip.
    expect(page).to_have_url(re.compile(r"/members/me/welcome/interests/$"))
    assert_no_horizontal_scroll(page)
    page.get_by_text(t("Teaching"), exact=True).click()
    page.get_by_text("rekenen", exact=True).click()
    page.get_by_label(t("Your own topics")).fill("groep 8")
    page.get_by_role("button", name=t("Show me whom to meet")).click()

    # Step 3 of 3: colleagues from other sectors, with what they share.
    expect(page).to_have_url(re.compile(r"/members/me/welcome/people/$"))
    jeroen = page.get_by_role("article").filter(has_text="Jeroen Bakker")
    expect(jeroen).to_contain_text(
        t("You share: %(items)s") % {"items": f"rekenen, {t('Teaching').lower()}"}
    )
    expect(
        jeroen.get_by_role("link", name=t("Write to %(name)s") % {"name": "Jeroen"})
    ).to_be_visible()
    expect(page.get_by_text("Po Collega")).to_have_count(0)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    # Mijn LEF leads with what comes next and whom to meet, both on the first
    # screen; Jeroen is there with what they share. His profile says it too.
    page.get_by_role("link", name=t("Go to My LEF")).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Hello %(name)s") % {"name": "Sanne"}
    )
    assert_on_first_screen(page, page.get_by_role("heading", name=t("Next up")))
    people = page.get_by_role("region", name=t("Colleagues to meet"))
    assert_on_first_screen(page, people.get_by_role("heading", name=t("Colleagues to meet")))
    jeroen = people.get_by_role("article").filter(has_text="Jeroen Bakker")
    expect(jeroen).to_contain_text(
        t("You share: %(items)s") % {"items": f"rekenen, {t('Teaching').lower()}"}
    )
    expect(page.get_by_role("heading", name=t("Who is behind it"))).to_have_count(0)
    assert_accessible(page)
    jeroen.get_by_role("link", name="Jeroen Bakker", exact=True).click()
    expect(page).to_have_url(re.compile(r"/members/jeroen-bakker/$"))
    expect(page.get_by_role("heading", level=1, name="Jeroen Bakker")).to_be_visible()
    expect(page.locator(".lef-shared")).to_have_text(
        t("You share: %(items)s") % {"items": f"rekenen, {t('Teaching').lower()}"}
    )
    assert_no_horizontal_scroll(page)
