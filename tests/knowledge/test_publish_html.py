"""The publishing pages are valid HTML, by the W3C Nu HTML checker (tests/test_html_valid.py's
run of it): the add and edit forms, the delete and report pages, the authorship page, and the
project page with its results section as its lead sees it (a hidden result among them)."""

import pytest
from django.test import Client

from knowledge import services
from tests.knowledge.factories import publish
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory, add_member
from tests.test_html_valid import check

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("vnu")]


def test_the_publishing_pages_are_valid_html(tmp_path):
    project = ProjectFactory(slug="rekenen")
    lead = project.created_by
    colleague = MemberFactory(name="Bram")
    add_member(project, colleague)
    result = publish(project, lead, authors=[lead, colleague])
    hidden = publish(project, lead, title="Verborgen")
    services.hide_result(result=hidden, by=CoordinatorFactory(), reason="Even nakijken.")
    lead_browser = Client(headers={"accept-language": "en"})
    lead_browser.force_login(lead)
    colleague_browser = Client(headers={"accept-language": "en"})
    colleague_browser.force_login(colleague)
    member_browser = Client(headers={"accept-language": "en"})
    member_browser.force_login(MemberFactory())

    pages = {
        name: browser.get(url).content.decode()
        for name, (browser, url) in {
            "add": (lead_browser, f"/knowledge/add/{project.slug}/"),
            "edit": (lead_browser, f"/knowledge/{result.slug}/edit/"),
            "delete": (lead_browser, f"/knowledge/{result.slug}/delete/"),
            "project": (lead_browser, project.get_absolute_url()),
            "report": (member_browser, f"/knowledge/{result.slug}/report/"),
            "authorship": (colleague_browser, "/knowledge/authorship/"),
        }.items()
    }

    assert check(pages, tmp_path) == {}
    assert "Hidden by a coordinator" in pages["project"]
    assert "Yes, name me" in pages["authorship"]
