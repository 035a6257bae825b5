"""A po teacher finds a project that is looking for po and asks to join; the lead, in a
browser of their own, approves; the teacher then finds it under "my projects" on Mijn
LEF. And the list and a project page fit a phone."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from lef.choices import Role, Sector
from projects.models import Membership, Project
from tests.browser.helpers import assert_no_horizontal_scroll, label, t
from tests.factories import MemberFactory
from tests.projects.factories import ProjectFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Rekenen van groep 8 naar de brugklas"


@pytest.fixture
def people():
    lead = MemberFactory(
        name="Jeroen Bakker",
        email="jeroen@school.example",
        profile__primary_sector=Sector.VO,
    )
    project = ProjectFactory(
        title=TITLE,
        slug="rekenen-groep-8",
        summary="Leerkrachten groep 8 en docenten wiskunde maken samen overstaplessen.",
        lead=lead,
        looking_for_sectors=[Sector.PO],
        looking_for_roles=[Role.TEACHER],
    )
    add_member(project, MemberFactory(name="Lotte Visser", profile__primary_sector=Sector.HO))
    ProjectFactory(
        title="Doorstroom mbo-hbo",
        sectors=[Sector.MBO, Sector.HO],
        looking_for_sectors=[Sector.HO],
    )
    teacher = MemberFactory(
        name="Sanne de Vries",
        email="sanne@school.example",
        profile__primary_sector=Sector.PO,
        profile__roles=[Role.TEACHER],
    )
    return {"lead": lead, "teacher": teacher, "project": project}


def _open_filters(page):
    panel = page.locator("#project-filters")
    if not panel.evaluate("details => details.open"):
        panel.locator("summary").click()


def test_a_po_teacher_asks_to_join_and_the_lead_approves(page, new_page, login_as, people):
    mail.outbox.clear()
    login_as(page, people["teacher"])
    page.goto("/projects/")

    # Only the projects looking for her sector.
    expect(page.get_by_role("heading", level=1, name=t("Projects"))).to_be_visible()
    _open_filters(page)
    page.get_by_label(t("Looking for my sector")).check()
    expect(page).to_have_url(re.compile(r"/projects/\?(.*&)?mine=1(&|$)"))
    results = page.locator("#project-results")
    expect(results.locator("article")).to_have_count(1)
    expect(results.get_by_text(t("Looking for someone like you"))).to_be_visible()
    results.get_by_role("link", name=TITLE).click()

    # The project page invites her to ask.
    expect(page).to_have_url(re.compile(r"/projects/rekenen-groep-8/$"))
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_text(t("The team is looking for someone like you"))).to_be_visible()
    page.get_by_label(t("Why would you like to join?")).fill(
        "Ik geef les in groep 8 en wil weten wat mijn leerlingen in de brugklas tegenkomen."
    )
    page.get_by_role("button", name=t("Ask to join")).click()
    expect(
        page.get_by_text(
            t("Your request has been sent to the leads. You get an email when they answer.")
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", name=t("You asked to join"))).to_be_visible()
    assert [m.to for m in mail.outbox] == [["jeroen@school.example"]]

    # The lead, in a browser of their own, approves with a word of welcome.
    lead_page = new_page()
    login_as(lead_page, people["lead"])
    lead_page.goto("/projects/rekenen-groep-8/")
    requests = lead_page.get_by_role(
        "region", name=t("%(counter)s request to join") % {"counter": 1}
    )
    expect(requests.get_by_text("wat mijn leerlingen in de brugklas tegenkomen")).to_be_visible()
    requests.get_by_label(t("Message to %(name)s (optional)") % {"name": "Sanne"}).fill(
        "Welkom, Sanne!"
    )
    requests.get_by_role("button", name=t("Approve %(name)s") % {"name": "Sanne"}).click()
    approved = t("%(name)s is now on the team.") % {"name": "Sanne de Vries"}
    expect(lead_page.get_by_text(approved)).to_be_visible()
    team = lead_page.get_by_role("complementary")
    expect(team.get_by_role("link", name="Sanne de Vries")).to_be_visible()
    assert [m.to for m in mail.outbox][-1] == ["sanne@school.example"]
    assert "Welkom, Sanne!" in mail.outbox[-1].body

    # On the team page the lead makes her a lead too (the row's button sends the team form).
    lead_page.goto("/projects/rekenen-groep-8/team/")
    lead_page.get_by_role("button", name=f"{t('Make lead')} (Sanne de Vries)").click()
    expect(lead_page.get_by_text(t("The team has been updated."))).to_be_visible()
    assert (
        Membership.objects.get(project=people["project"], member=people["teacher"]).role
        == Membership.Role.LEAD
    )

    # Sanne finds it under "my projects" on Mijn LEF.
    page.goto("/")
    mine = page.get_by_role("region", name=t("My projects"))
    expect(mine.get_by_role("link", name=TITLE)).to_be_visible()
    membership = Membership.objects.get(project=people["project"], member=people["teacher"])
    assert membership.status == Membership.Status.ACTIVE


def test_the_list_and_a_project_page_fit_a_phone(phone_page, login_as, people):
    login_as(phone_page, people["lead"])
    phone_page.goto("/projects/")

    # The results start on the first screen: the filters are folded away.
    first_card = phone_page.locator("#project-results article").first.bounding_box()
    assert first_card["y"] < phone_page.viewport_size["height"], first_card
    assert_no_horizontal_scroll(phone_page)
    _open_filters(phone_page)
    phone_page.get_by_label(label("Sector")).select_option("ho")
    expect(phone_page).to_have_url(re.compile(r"/projects/\?(.*&)?sector=ho(&|$)"))
    expect(phone_page.locator("#project-results article")).to_have_count(1)
    assert_no_horizontal_scroll(phone_page)

    phone_page.goto(people["project"].get_absolute_url())
    expect(phone_page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    assert_no_horizontal_scroll(phone_page)
    assert Project.objects.count() == 2
