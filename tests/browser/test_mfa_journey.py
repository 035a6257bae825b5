"""A coordinator logs in with a password and a code from their code app, and reaches the
back office; the code page is accessible."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, label, t
from tests.factories import PASSWORD, MemberFactory
from tests.second_factor import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_coordinator_logs_in_with_a_code_and_reaches_the_admin(page):
    # A superuser: the Coordinators group of the migrations is gone after an earlier
    # transactional test's flush. Staff get an app code from the factory.
    MemberFactory(
        name="Carla Coördinator", email="carla@lef.example", is_staff=True, is_superuser=True
    )

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label(label("Email")).fill("carla@lef.example")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign In"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    assert_accessible(page)
    page.get_by_role("textbox").fill(totp_code())
    page.get_by_role("button", name=t("Sign In"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Leids Education Fieldlab: coordinators")
    )
