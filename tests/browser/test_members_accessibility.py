"""axe-core finds no serious or critical violations on the members' and organisations'
pages, signed in, in Dutch: the directory (with results, filtered, empty and after an
htmx update), profiles, the edit form (with expertise suggestions), the first profile
step and the organisations."""

import pytest
from playwright.sync_api import expect

from lef.choices import CoreActivity, Role, Sector
from members.models import Organisation
from tests.browser.helpers import (
    accessibility_violations,
    assert_accessible,
    format_violations,
    label,
    t,
)
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def members():
    """A few members across sectors with full profiles, and the viewer (po)."""
    roc = OrganisationFactory(
        name="ROC Leiden",
        slug="roc-leiden",
        kind=Organisation.Kind.SCHOOL,
        sectors=[Sector.MBO],
        website="https://roc.example",
        is_partner=True,
    )
    hogeschool = OrganisationFactory(
        name="Hogeschool Leiden",
        slug="hogeschool-leiden",
        kind=Organisation.Kind.UNIVERSITY,
        sectors=[Sector.HO],
    )
    fatima = MemberFactory(
        name="Fatima El Amrani",
        username="fatima-el-amrani",
        profile__primary_sector=Sector.MBO,
        profile__other_sectors=[Sector.VO],
        profile__organisation=roc,
        profile__job_title="Docent burgerschap",
        profile__roles=[Role.TEACHER, Role.RESEARCHER],
        profile__core_activities=[CoreActivity.TEACHING, CoreActivity.RESEARCH],
        profile__expertise=["praktijkonderzoek", "burgerschap"],
        profile__bio="Ik doe **praktijkonderzoek** naar burgerschap.\n\n- lessen\n- projecten",
        profile__website="https://fatima.example",
        profile__open_to_collaboration=True,
        profile__looking_for="Een po-school voor een lessenreeks over overgangen.",
    )
    MemberFactory(
        name="Joris Bakker",
        username="joris-bakker",
        profile__primary_sector=Sector.HO,
        profile__organisation=hogeschool,
        profile__roles=[Role.TEACHER_EDUCATOR],
        profile__core_activities=[CoreActivity.TEACHER_EDUCATION],
        profile__expertise=["rekenen"],
    )
    viewer = MemberFactory(
        name="Pieter Jansen",
        username="pieter-jansen",
        profile__expertise=["rekenen", "taal"],
        profile__bio="Leerkracht groep 8.",
    )
    return {"fatima": fatima, "viewer": viewer, "roc": roc}


@pytest.fixture
def member_page(page, login_as, members):
    login_as(page, members["viewer"])
    return page


# Pages that only show: one test visits them all (one database, one sign-in) and
# reports the violations of every page at once.
PAGES = [
    "/members/",
    "/members/?q=onderzoek&sector=mbo",
    "/members/?q=ruimtevaart",  # no results: the empty state
    "/members/fatima-el-amrani/",  # someone else's profile
    "/members/pieter-jansen/",  # one's own profile
    "/members/me/edit/",
    "/members/fatima-el-amrani/contact/",
    "/organisations/",
    "/organisations/roc-leiden/",
    "/members/me/welcome/interests/",
    "/members/me/welcome/people/",
    "/calendar/",
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_members_and_organisations_pages_are_accessible(new_page, login_as, members, language):
    member_page = new_page(locale="nl-NL" if language == "nl" else "en-GB")
    login_as(member_page, members["viewer"])
    problems = []
    for path in PAGES:
        response = member_page.goto(path)
        assert response.status == 200, path
        expect(member_page.locator("html")).to_have_attribute("lang", language)
        expect(member_page.get_by_role("heading", level=1)).to_be_visible()
        violations = accessibility_violations(member_page)
        if violations:
            problems.append(f"{path}:\n{format_violations(violations)}")

    assert problems == [], "serious/critical accessibility violations:\n" + "\n".join(problems)


def test_directory_is_accessible_after_an_htmx_update(member_page):
    member_page.goto("/members/")
    member_page.evaluate("window.lefNoFullReload = true")

    member_page.get_by_label(label("Search")).fill("burgerschap")
    results = member_page.locator("#member-results")
    expect(results.get_by_role("link", name="Fatima El Amrani", exact=True)).to_be_visible()
    expect(results.locator("article")).to_have_count(1)
    assert member_page.evaluate("window.lefNoFullReload") is True

    assert_accessible(member_page)


def test_profile_form_with_expertise_suggestions_is_accessible(member_page):
    member_page.goto("/members/me/edit/")

    member_page.get_by_label(label("Expertise")).fill("rekenen, praktijk")
    suggestion = member_page.get_by_role("button", name="praktijkonderzoek")
    expect(suggestion).to_be_visible()

    assert_accessible(member_page)


def test_profile_form_with_errors_is_accessible(member_page):
    member_page.goto("/members/me/edit/")
    member_page.get_by_label(label("Name")).fill("")
    member_page.get_by_role("button", name=t("Save profile")).click()
    expect(member_page.get_by_label(label("Name"))).to_have_attribute("aria-invalid", "true")

    assert_accessible(member_page)


def test_first_profile_step_is_accessible(page, login_as):
    login_as(page, UserFactory(name="Sanne de Vries"))
    page.goto("/members/me/welcome/")
    expect(page.get_by_role("heading", level=1, name=t("Welcome to 't LEF"))).to_be_visible()
    assert_accessible(page)

    # With the errors of an incomplete answer.
    page.get_by_role("button", name=t("Save and continue")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_members_only_page_for_a_visitor_is_accessible(page, members):
    response = page.goto("/members/fatima-el-amrani/")

    assert response.status == 403
    expect(page.get_by_role("link", name=t("Log in"), exact=True).last).to_be_visible()
    assert_accessible(page)


def test_directory_on_a_phone_with_its_filters_open_is_accessible(phone_page, login_as, members):
    login_as(phone_page, members["viewer"])
    phone_page.goto("/members/?sector=mbo")
    expect(phone_page.locator("#filter-count")).to_have_text(" (1)")
    assert_accessible(phone_page)

    phone_page.locator("#directory-filters > summary").click()
    expect(phone_page.get_by_label(label("Sector"))).to_be_visible()
    assert_accessible(phone_page)
