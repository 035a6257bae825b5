"""A teacher opens her record of growth from the account menu on a phone, picks last school
year, and downloads it as a PDF in English; the page is accessible and fits 375 px."""

import pytest

from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, t
from tests.factories import MemberFactory
from tests.home.growth_data import make_dataset

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_teacher_finds_her_record_picks_a_period_and_downloads_the_pdf(phone_page, login_as):
    data = make_dataset()
    login_as(phone_page, data.member)
    page = phone_page

    page.goto("/")
    page.get_by_role("button", name=t("Open menu")).click()  # a phone folds the navigation
    page.locator("#account-menu").click()
    page.locator(".dropdown-menu").get_by_role("link", name=t("My growth record")).click()

    assert page.locator("h1").inner_text() == t("My growth record")
    page.get_by_label(t("From"), exact=True).fill("2025-08-01")
    page.get_by_label(t("Up to and including")).fill("2026-07-31")
    page.get_by_label(t("Language of the CSV and PDF")).select_option("en")
    page.get_by_role("button", name=t("Show this period")).click()

    assert page.get_by_role("cell", name="Rekenen po-vo").is_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("Download as PDF")).click()
    download = download_info.value
    assert download.suggested_filename.endswith("-2025-08-01-2026-07-31.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_empty_record_is_accessible_and_says_what_to_do(new_page, login_as):
    page = new_page(locale="en-GB")
    login_as(page, MemberFactory())

    page.goto("/members/me/growth/")

    assert page.get_by_text("Nothing in this period yet.").is_visible()
    assert_accessible(page)
