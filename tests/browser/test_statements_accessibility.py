"""axe-core finds no serious or critical violations on the privacy and accessibility
statements, in Dutch and English, and they fit a 375 px phone."""

import pytest

from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STATEMENTS = ("/privacy/", "/accessibility/")


def test_statements_are_accessible_and_fit_a_phone_in_dutch(phone_page):
    for path in STATEMENTS:
        phone_page.goto(path)
        assert_accessible(phone_page)
        assert_no_horizontal_scroll(phone_page)


def test_statements_are_accessible_in_english(new_page):
    page = new_page(locale="en-GB")

    for path in STATEMENTS:
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert_accessible(page)
