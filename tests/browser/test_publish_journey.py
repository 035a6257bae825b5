"""Publishing a result in Chromium: a lead adds a PDF to her project's page; a visitor finds
it in the library by a word inside the file and downloads it, byte for byte. The form and
the result page pass axe-core (no serious or critical violations), in Dutch."""

import re

import pytest
from playwright.sync_api import expect

from knowledge.models import Result
from lef.choices import Sector
from tests.browser.helpers import accessibility_violations, format_violations, label, t
from tests.knowledge.factories_library import pdf_with_text
from tests.projects.factories import MemberFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WORD = "rekenkabinet"
PDF = pdf_with_text("Overstaplessen rekenen", f"Het {WORD} van groep acht en de brugklas.")


@pytest.fixture
def lead():
    lead = MemberFactory(name="Lotte Leiding", language="nl", profile__primary_sector=Sector.PO)
    ProjectFactory(
        lead=lead, title="Rekenen van groep 8 naar de brugklas", slug="rekenen-overstap"
    )
    return lead


def test_a_lead_publishes_a_pdf_and_a_visitor_finds_it_by_a_word_inside_and_downloads_it(
    page, new_page, login_as, lead, tmp_path
):
    login_as(page, lead)
    page.goto("/projects/rekenen-overstap/")
    page.get_by_role("link", name=t("Add a result")).click()
    expect(page).to_have_url(re.compile(r"/knowledge/add/rekenen-overstap/$"))

    page.get_by_label(label("Title")).fill("Drie overstaplessen rekenen")
    page.get_by_label(label("Summary")).fill("Lessen die groep 8 en de brugklas samen maakten.")
    page.get_by_label(label("Type")).select_option(Result.Kind.LESSON_MATERIAL)
    page.get_by_label(label("File")).set_input_files(
        {"name": "overstaplessen.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label(label("Licence")).select_option(Result.Licence.CC_BY_SA)
    problems = accessibility_violations(page)
    assert problems == [], format_violations(problems)
    page.get_by_role("button", name=t("Add the result"), exact=True).click()

    expect(page.locator("h1")).to_have_text("Drie overstaplessen rekenen")
    expect(page.get_by_role("status").first).to_contain_text(
        t("The result has been added. The authors you named are asked to agree.")
    )
    result = Result.objects.get()
    assert (result.file_type, result.file_name, result.file_size) == (
        "pdf",
        "overstaplessen.pdf",
        len(PDF),
    )

    visitor = new_page(viewport=(375, 740))
    visitor.goto("/knowledge/")
    visitor.get_by_label(label("Search")).fill(WORD)
    expect(visitor.locator("#library-results article")).to_have_count(1)
    visitor.get_by_role("link", name="Drie overstaplessen rekenen").click()
    expect(visitor.locator("h1")).to_have_text("Drie overstaplessen rekenen")
    problems = accessibility_violations(visitor)
    assert problems == [], format_violations(problems)

    # "Downloaden (PDF, 1,2 KB)": the words before the size.
    button = re.escape(t("Download (%(type)s, %(size)s)").split("%")[0] + "PDF")
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name=re.compile(button)).click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert download.suggested_filename == "overstaplessen.pdf"
    assert saved.read_bytes() == PDF
    result.refresh_from_db()
    assert result.downloads == 1
