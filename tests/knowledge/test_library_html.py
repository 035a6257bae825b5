"""The library's pages are valid HTML, by the W3C Nu HTML checker (tests/test_html_valid.py's
run of it): the list with results, an empty search, a result page with its JSON-LD, and a
hidden result as its team sees it."""

import pytest
from django.test import Client
from django.utils import timezone

from knowledge.models import Result
from tests.knowledge.factories_library import ResultFactory, add_author, pdf_with_text, store_file
from tests.projects.factories import MemberFactory, add_member
from tests.test_html_valid import check

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("vnu")]


def test_library_pages_are_valid_html(tmp_path):
    result = ResultFactory(
        slug="overstaplessen",
        learned="We leerden **veel**.\n\n- lesbezoek\n- ontwerpen",
        kind=Result.Kind.LESSON_MATERIAL,
        visibility=Result.Visibility.MEMBERS,
    )
    add_author(result, MemberFactory(name="Anna Jansen"))
    add_author(result, None)
    store_file(result, pdf_with_text("Rekenen"), file_type="pdf")
    hidden = ResultFactory(slug="verborgen", hidden_at=timezone.now(), hidden_reason="Namen.")
    member = MemberFactory()
    add_member(hidden.project, member)
    browser = Client()
    browser.force_login(member)

    pages = {
        name: browser.get(url).content.decode()
        for name, url in {
            "library": "/knowledge/",
            "empty": "/knowledge/?q=zzzz&sector=po",
            "result": "/knowledge/overstaplessen/",
            "hidden": "/knowledge/verborgen/",
        }.items()
    }

    assert check(pages, tmp_path) == {}
    assert "application/ld+json" in pages["result"]
