"""The library in Chromium: a visitor finds a result by a word inside its PDF (live, with
htmx), opens it and copies its citation; axe-core finds no serious or critical
violations on the list and a result page, on a laptop and on a phone, in Dutch."""

import pytest
from playwright.sync_api import expect

from knowledge.models import Result
from knowledge.tasks import extract_text
from tests.browser.helpers import (
    accessibility_violations,
    assert_no_horizontal_scroll,
    format_violations,
    label,
    t,
)
from tests.knowledge.factories_library import ResultFactory, add_author, pdf_with_text, store_file
from tests.projects.factories import MemberFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def world():
    project = ProjectFactory(title="Rekenen van groep 8 naar de brugklas", slug="rekenen")
    result = ResultFactory(
        project=project,
        title="Drie overstaplessen rekenen",
        slug="overstaplessen",
        summary="Lessen die groep 8 en de brugklas samen maakten.",
        learned="We leerden **veel** van elkaars lessen.\n\n- lesbezoek\n- ontwerpen",
        kind=Result.Kind.LESSON_MATERIAL,
        licence=Result.Licence.CC_BY_SA,
    )
    add_author(result, MemberFactory(name="Anna Jansen"))
    store_file(result, pdf_with_text("Het rekenkabinet van groep acht"), file_type="pdf")
    extract_text.enqueue(result.pk)
    ResultFactory(title="Doorstroom mbo-hbo", sectors=["mbo", "ho"], kind=Result.Kind.RESEARCH)
    return result


def test_a_visitor_finds_a_result_by_a_word_in_its_file_and_copies_the_citation(page, world):
    page.goto("/knowledge/")
    expect(page.locator("#library-results article")).to_have_count(2)

    page.get_by_label(label("Search")).fill("rekenkabinet")
    expect(page.locator("#library-results article")).to_have_count(1)
    assert "q=rekenkabinet" in page.url
    page.get_by_role("link", name="Drie overstaplessen rekenen").click()

    expect(page.locator("h1")).to_have_text("Drie overstaplessen rekenen")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name=t("Copy citation")).click()
    expect(page.locator("#citation-copied")).to_have_text(
        t("Copied. Paste the citation where you need it.")
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Anna Jansen (20")
    assert copied.endswith("/knowledge/overstaplessen/")


def test_library_pages_have_no_serious_accessibility_violations(new_page, world):
    problems = []
    for viewport in ((1280, 800), (375, 740)):
        page = new_page(viewport=viewport)
        for path in ("/knowledge/", "/knowledge/?q=zzzzz", "/knowledge/overstaplessen/"):
            page.goto(path)
            found = accessibility_violations(page)
            if found:
                problems.append(f"{path} at {viewport}:\n{format_violations(found)}")
            assert_no_horizontal_scroll(page)

    assert problems == []
