"""A new po teacher signs up, does the first profile step and finds an mbo colleague
in the directory by a part of a compound word and a sector filter, then opens her
profile; the same search works on a phone without sideways scrolling."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from lef.choices import CoreActivity, Role, Sector
from members.models import Organisation, User
from tests.browser.helpers import (
    assert_no_horizontal_scroll,
    label,
    last_mail_link,
    sign_up,
    t,
)
from tests.factories import MemberFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "Fietsenstalling-2026"
MARKER = "window.lefNoFullReload"


@pytest.fixture
def colleagues():
    """Two members whose profiles match "onderzoek": one in mbo (inside the
    compound "praktijkonderzoek"), one in ho (the plain word in her bio); and the
    approved school the new teacher works at."""
    school = OrganisationFactory(name="Basisschool De Linde", slug="de-linde")
    mbo = MemberFactory(
        name="Fatima El Amrani",
        username="fatima-el-amrani",
        profile__primary_sector=Sector.MBO,
        profile__organisation=OrganisationFactory(
            name="ROC Leiden", slug="roc-leiden", sectors=[Sector.MBO]
        ),
        profile__roles=[Role.TEACHER],
        profile__core_activities=[CoreActivity.TEACHING, CoreActivity.RESEARCH],
        profile__expertise=["praktijkonderzoek", "burgerschap"],
    )
    ho = MemberFactory(
        name="Joris Bakker",
        username="joris-bakker",
        profile__primary_sector=Sector.HO,
        profile__organisation=OrganisationFactory(
            name="Hogeschool Leiden",
            slug="hogeschool-leiden",
            kind=Organisation.Kind.UNIVERSITY,
            sectors=[Sector.HO],
        ),
        profile__roles=[Role.TEACHER_EDUCATOR],
        profile__bio="Ik doe onderzoek naar rekenonderwijs in de onderbouw.",
    )
    return {"school": school, "mbo": mbo, "ho": ho}


def _filters_in_url(page) -> dict[str, str]:
    """Every parameter of the page's query string (static/js/directory.js drops empty ones)."""
    return dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))


def _results(page):
    return page.locator("#member-results")


def _member_link(page, name):
    return _results(page).get_by_role("link", name=name, exact=True)


def choose_with_keyboard(select, option_label):
    """Pick an option of a closed drop-down with the arrow keys, as a keyboard user does.

    Not ``select_option``: Chromium takes a value set by script as not yet
    committed and fires a second ``change`` on the next mouse press elsewhere; the
    htmx swap it causes would replace a result link between press and release.
    """
    options = select.locator("option").all_inner_texts()
    steps = options.index(option_label) - select.evaluate("element => element.selectedIndex")
    select.focus()
    for _ in range(abs(steps)):
        select.press("ArrowDown" if steps > 0 else "ArrowUp")


def find_mbo_colleague(page, *, on_phone=False):
    """On /members/: search "onderzoek", narrow to mbo, open Fatima's profile.

    The filters work through htmx: a marker set on ``window`` before searching
    survives (no full page load), and the query string follows the form (pushState).
    ``on_phone``: after each step nothing sticks out sideways.
    """

    def fits():
        if on_phone:
            assert_no_horizontal_scroll(page)

    expect(page.get_by_role("heading", level=1, name=t("Members"))).to_be_visible()
    fits()
    page.evaluate(f"{MARKER} = true")

    page.get_by_label(label("Search")).fill("onderzoek")
    expect(page).to_have_url(re.compile(r"/members/\?(.*&)?q=onderzoek(&|$)"))
    expect(_member_link(page, "Fatima El Amrani")).to_be_visible()
    expect(_member_link(page, "Joris Bakker")).to_be_visible()
    expect(_results(page).locator("article")).to_have_count(2)
    expect(page.locator("#member-count")).to_contain_text("2")
    assert page.evaluate(MARKER) is True
    fits()

    if on_phone:
        # The results start on the first screen: the filters are folded away.
        first_card = _results(page).locator("article").first.bounding_box()
        assert first_card["y"] < page.viewport_size["height"], first_card
        expect(page.get_by_label(label("Sector"))).to_be_hidden()
    filters = page.locator("#directory-filters")
    if not filters.evaluate("panel => panel.open"):
        filters.locator("summary").click()
    choose_with_keyboard(page.get_by_label(label("Sector")), t("Vocational education (mbo)"))
    expect(page).to_have_url(re.compile(r"/members/\?(.*&)?sector=mbo(&|$)"))
    expect(page.locator("#filter-count")).to_have_text(" (1)")
    assert _filters_in_url(page) == {"q": "onderzoek", "sector": "mbo"}
    expect(_member_link(page, "Joris Bakker")).to_have_count(0)
    expect(_results(page).locator("article")).to_have_count(1)
    expect(page.locator("#member-count")).to_contain_text("1")
    assert page.evaluate(MARKER) is True
    # The form keeps what was chosen.
    expect(page.get_by_label(label("Search"))).to_have_value("onderzoek")
    expect(page.get_by_label(label("Sector"))).to_have_value("mbo")
    fits()

    _member_link(page, "Fatima El Amrani").click()
    expect(page).to_have_url(re.compile(r"/members/fatima-el-amrani/$"))
    expect(page.get_by_role("heading", level=1, name="Fatima El Amrani")).to_be_visible()
    header = page.locator(".lef-profile-header")
    expect(header.get_by_title(t("Vocational education (mbo)"))).to_be_visible()
    expect(header.get_by_role("link", name="ROC Leiden")).to_be_visible()
    expertise = page.get_by_role("region", name=t("Expertise"))
    expect(expertise.get_by_role("link", name="praktijkonderzoek")).to_be_visible()
    expect(expertise.get_by_role("link", name="burgerschap")).to_be_visible()
    fits()


def test_new_member_completes_profile_and_finds_a_colleague_from_another_sector(page, colleagues):
    mail.outbox.clear()
    page.goto("/")

    # Sign up and confirm the address from the mail.
    sign_up(page, name="Sanne de Vries", email="sanne@school.example", password=PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(last_mail_link("sanne@school.example"))
    page.get_by_role("button", name=t("Confirm")).click()

    # Confirming signs her in and opens the first profile step.
    expect(page).to_have_url(re.compile(r"/members/me/welcome/$"))
    expect(page.get_by_role("heading", level=1, name=t("Welcome to 't LEF"))).to_be_visible()
    page.get_by_label(label("Your name")).fill("Sanne de Vries")
    page.get_by_label(t("Primary education (po)")).check()
    page.get_by_label(label("Organisation")).select_option(label="Basisschool De Linde")
    page.get_by_role("button", name=t("Save and continue")).click()

    # On to the second, skippable step, with a welcome; her profile is saved.
    expect(page).to_have_url(re.compile(r"/members/me/welcome/interests/$"))
    expect(page.get_by_text(t("Welcome to 't LEF, %(name)s!") % {"name": "Sanne"})).to_be_visible()
    page.get_by_role("link", name=t("Skip for now")).click()
    expect(page).to_have_url(re.compile(r"/$"))
    sanne = User.objects.select_related("profile").get(email="sanne@school.example")
    assert sanne.name == "Sanne de Vries"
    assert sanne.profile.primary_sector == Sector.PO
    assert sanne.profile.organisation == colleagues["school"]
    assert sanne.profile.onboarded_at is not None

    # Through the navigation to the directory, and on to a colleague in mbo.
    navigation = page.get_by_role("navigation", name=t("Main navigation"))
    navigation.get_by_role("link", name=t("Members"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    find_mbo_colleague(page)
    assert len(mail.outbox) == 1  # only the confirmation


def test_directory_search_and_filter_fit_a_phone(phone_page, login_as, colleagues):
    login_as(phone_page, MemberFactory(name="Pieter Jansen"))
    phone_page.goto("/members/")

    find_mbo_colleague(phone_page, on_phone=True)
