"""From meetup to project in one step: after the meetup the organiser, on a phone at the
door list, starts a project; the people who came are invited and one of them, in a browser
of her own, joins. The project page says where it started, the meetup page lists it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from knowledge.models import ProjectOrigin
from lef.choices import Sector
from projects.models import Membership, Project
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, label, t
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MEETUP = "Rekenen van groep 8 naar de brugklas"


@pytest.fixture
def meetup():
    organiser = MemberFactory(name="Olga Organisator", profile__primary_sector=Sector.HO)
    start = (timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    event = EventFactory(
        title=MEETUP,
        slug="rekenen-brugklas",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        organisers=[organiser],
        target_sectors=[Sector.PO, Sector.VO],
        target_transitions=["po-vo"],
    )
    people = {
        name: MemberFactory(
            name=name,
            email=f"{name.split()[0].lower()}@school.example",
            profile__primary_sector=sector,
        )
        for name, sector in [("Sanne de Vries", Sector.PO), ("Bram Jansen", Sector.VO)]
    }
    for person in people.values():
        RegistrationFactory(event=event, member=person, checked_in_at=timezone.now())
    return {"organiser": organiser, "event": event, **people}


def test_the_organiser_starts_a_project_at_the_door_and_an_attendee_joins(
    phone_page, new_page, login_as, meetup
):
    mail.outbox.clear()
    page = phone_page
    login_as(page, meetup["organiser"])
    page.goto("/events/rekenen-brugklas/check-in/")

    page.get_by_role("link", name=t("Start a project from this meetup")).click()
    expect(page).to_have_url(re.compile(r"/knowledge/from-meetup/rekenen-brugklas/$"))
    expect(page.get_by_label(label("Title"))).to_have_value(MEETUP)
    sanne = page.get_by_role("checkbox", name=re.compile("^Sanne de Vries"))
    bram = page.get_by_role("checkbox", name=re.compile("^Bram Jansen"))
    expect(sanne).to_be_checked()
    expect(bram).to_be_checked()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    bram.uncheck()
    page.get_by_label(label("Title")).fill("Overstaplessen rekenen")
    page.get_by_role("button", name=t("Start the project")).click()

    expect(page.get_by_role("heading", level=1, name="Overstaplessen rekenen")).to_be_visible()
    started = t('Started at the meetup <a href="%(meetup_url)s">%(title)s</a> on %(day)s')
    origin = page.get_by_text(re.compile(re.escape(started.split("<")[0].strip())))
    expect(origin.get_by_role("link", name=MEETUP)).to_be_visible()
    assert [m.to for m in mail.outbox] == [["sanne@school.example"]]
    project = Project.objects.get(title="Overstaplessen rekenen")
    assert ProjectOrigin.objects.get(project=project).event == meetup["event"]

    # Sanne, in a browser of her own, finds the invitation on the project page and joins.
    sanne_page = new_page()
    login_as(sanne_page, meetup["Sanne de Vries"])
    sanne_page.goto(project.get_absolute_url())
    sanne_page.get_by_role("button", name=t("Join the team")).click()
    expect(sanne_page.get_by_text(t("Welcome to the team!"))).to_be_visible()
    assert Membership.objects.get(project=project, member=meetup["Sanne de Vries"]).is_active

    # The meetup's page lists the project it started.
    page.goto("/events/rekenen-brugklas/")
    started = page.get_by_role("region", name=t("Projects from this meetup"))
    expect(started.get_by_role("link", name="Overstaplessen rekenen")).to_be_visible()
    assert_accessible(page)
