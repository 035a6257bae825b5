"""The pages of a project started from a meetup are valid HTML, by the W3C Nu HTML checker
(tests/test_html_valid.py's run of it): the start form with the people who came, the
meetup page and door list with the projects it started, the project page with its origin."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from knowledge import origins
from lef.choices import Sector
from projects.services import ProjectDetails
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.test_html_valid import check

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("vnu")]


def test_the_start_form_and_both_pages_are_valid_html(tmp_path):
    organiser = MemberFactory(name="Olga")
    start = timezone.now() - timedelta(days=1)
    event = EventFactory(
        slug="brugklas",
        organisers=[organiser],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        target_sectors=[Sector.PO, Sector.VO],
        target_transitions=["po-vo"],
    )
    for name in ("Anna", "Bram"):
        RegistrationFactory(
            event=event, member=MemberFactory(name=name), checked_in_at=timezone.now()
        )
    project = origins.start_project_from_meetup(
        event=event, by=organiser, details=ProjectDetails(title="Overstap", summary="Samen.")
    ).project
    browser = Client()
    browser.force_login(organiser)

    pages = {
        name: browser.get(url).content.decode()
        for name, url in {
            "start": f"/knowledge/from-meetup/{event.slug}/",
            "meetup": event.get_absolute_url(),
            "door": f"/events/{event.slug}/check-in/",
            "project": project.get_absolute_url(),
        }.items()
    }

    assert check(pages, tmp_path) == {}
    assert all("Overstap" in pages[name] for name in ("meetup", "door"))
