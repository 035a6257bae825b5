"""The coordinators' dashboard in a browser (Dutch): charts load, the period changes, and
the page and the partner report pass axe-core on a laptop and on a phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, t
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _coordinator():
    # A superuser: the Coordinators group of the migrations is gone after a live-server flush.
    return MemberFactory(name="Carla Coördinator", is_staff=True, is_superuser=True)


def _loaded(page, selector: str) -> bool:
    return page.locator(selector).evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_coordinator_changes_the_period_and_sees_the_charts(page, login_as, tmp_path):
    MemberFactory.create_batch(3)  # new members this month
    login_as(page, _coordinator())

    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Dashboard: are the sectors meeting?")
    )
    first = page.locator("#sector_matrix img").first
    first.scroll_into_view_if_needed()
    expect(first).to_have_attribute("alt", re.compile(t("Who meets whom")))
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=first.element_handle()
    )
    assert_accessible(page)

    # Another period, from the selector: this month.
    page.get_by_text(t("Choose a period or your own range")).click()
    today = timezone.localdate()
    page.get_by_label(t("Period"), exact=True).select_option("month")
    page.get_by_label(t("From"), exact=True).fill(today.isoformat())
    page.get_by_role("button", name=t("Show these figures")).click()

    expect(page).to_have_url(re.compile(rf"period=month&start={today:%Y-%m-%d}&"))
    chart = page.locator("#new_members img").first
    chart.scroll_into_view_if_needed()
    assert f"start={today:%Y-%m}-01" in chart.get_attribute("src")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    page.get_by_text(t("The numbers as a table")).nth(3).click()
    expect(page.locator("#new_members table").first).to_be_visible()
    page.screenshot(path=tmp_path / "dashboard-month.png", full_page=True)
    assert (tmp_path / "dashboard-month.png").stat().st_size > 10_000


def test_the_dashboard_and_the_report_fit_a_phone(new_page, login_as):
    page = new_page(viewport=PHONE, phone=True)
    login_as(page, _coordinator())

    page.goto("/dashboard/?period=month")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    page.get_by_role("link", name=t("Report for the partners")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Are the sectors meeting?"))
    expect(page.get_by_role("link", name=t("Download as PDF"))).to_be_visible()
    expect(page.get_by_role("button", name=t("Print"))).to_be_visible()  # shown by its script
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
