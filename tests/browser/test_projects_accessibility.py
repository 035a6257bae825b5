"""axe-core finds no serious or critical violations on the projects' pages, in Dutch: the
list (with results, after an htmx update, empty), a project page as a visitor, an outsider
and its lead (with requests, invitations and updates), the forms (start, edit with errors,
join, leave), the team, invite and updates pages, and Mijn LEF with its projects."""

import pytest
from playwright.sync_api import expect

from lef.choices import Role, Sector
from projects.models import Membership
from tests.browser.helpers import accessibility_violations, format_violations, label, t
from tests.factories import MemberFactory
from tests.projects.factories import ProjectFactory, add_member, post

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def world():
    lead = MemberFactory(name="Jeroen Bakker", profile__primary_sector=Sector.VO)
    project = ProjectFactory(
        title="Rekenen van groep 8 naar de brugklas",
        slug="rekenen",
        lead=lead,
        description="We bezoeken **elkaars** lessen.\n\n- lesbezoek\n- ontwerpen",
        looking_for_sectors=[Sector.PO],
        looking_for_roles=[Role.TEACHER],
        looking_for_text="Een leerkracht groep 8",
        max_team_size=8,
        tags=["rekenen", "brugklas"],
    )
    add_member(project, MemberFactory(name="Lotte Visser", profile__primary_sector=Sector.HO))
    add_member(
        project,
        MemberFactory(name="Fatima El Amrani", profile__primary_sector=Sector.MBO),
        status=Membership.Status.REQUESTED,
        motivation="Ik ken de overstap van dichtbij.",
    )
    add_member(project, MemberFactory(name="Pieter Jansen"), status=Membership.Status.INVITED)
    post(project, lead, "Eerste lesbezoek gedaan. **Mooi!**")
    post(project, lead, "Een verborgen bericht", is_hidden=True)
    ProjectFactory(title="Doorstroom mbo-hbo", sectors=[Sector.MBO, Sector.HO])
    outsider = MemberFactory(
        name="Sanne de Vries", profile__primary_sector=Sector.PO, profile__roles=[Role.TEACHER]
    )
    add_member(ProjectFactory(title="Studiekeuze"), outsider, status=Membership.Status.INVITED)
    return {"lead": lead, "outsider": outsider, "project": project}


def _check(page, path, problems, *, before=None):
    page.goto(path)
    if before:
        before(page)
    found = accessibility_violations(page)
    if found:
        problems.append(f"{path}:\n{format_violations(found)}")


def test_project_pages_have_no_serious_accessibility_violations(new_page, login_as, world):
    problems = []
    visitor = new_page()
    for path in ("/projects/", "/projects/?q=zzzzz", "/projects/rekenen/"):
        _check(visitor, path, problems)

    outsider = new_page()
    login_as(outsider, world["outsider"])
    for path in ("/", "/projects/rekenen/", "/projects/rekenen/join/", "/projects/new/"):
        _check(outsider, path, problems)

    def htmx_update(page):
        panel = page.locator("#project-filters")
        if not panel.evaluate("details => details.open"):
            panel.locator("summary").click()
        page.get_by_label(label("Sector")).select_option("mbo")
        expect(page.locator("#project-results article")).to_have_count(1)

    _check(outsider, "/projects/", problems, before=htmx_update)

    def bad_start(page):
        page.get_by_label(label("Title")).fill("")
        page.get_by_role("button", name=t("Start the project")).click()
        expect(page.locator(".invalid-feedback").first).to_be_visible()

    _check(outsider, "/projects/new/", problems, before=bad_start)

    lead = new_page()
    login_as(lead, world["lead"])
    for path in (
        "/projects/rekenen/",
        "/projects/rekenen/edit/",
        "/projects/rekenen/team/",
        "/projects/rekenen/invite/?q=sanne",
        "/projects/rekenen/updates/",
        "/projects/rekenen/leave/",
    ):
        _check(lead, path, problems)

    assert problems == [], "\n\n".join(problems)
