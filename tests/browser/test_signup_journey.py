"""A new teacher signs up, confirms the address, logs out and in again; and the
pages they see first are accessible and fit a phone."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from members.models import User
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    label,
    last_mail_link,
    sign_up,
    t,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "Fietsenstalling-2026"


def _expect_signed_in_as(page, first_name):
    """Past the account pages (wherever the site sends a member next), and on the
    home page the account menu carries the member's first name."""
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    page.goto("/")
    expect(page.get_by_role("button", name=first_name)).to_be_visible()


def test_new_member_signs_up_confirms_logs_out_and_logs_in(page):
    mail.outbox.clear()
    page.goto("/")

    # Sign up, as a person would: the button in the navigation, then the form.
    sign_up(page, name="Sanne de Vries", email="sanne@school.example", password=PASSWORD)

    # Not logged in yet: the address must be confirmed first.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("link", name=t("Log in"))).to_be_visible()
    assert User.objects.get(email="sanne@school.example").name == "Sanne de Vries"

    # The link in the mail opens a confirmation page; confirming logs her in.
    page.goto(last_mail_link("sanne@school.example"))
    page.get_by_role("button", name=t("Confirm")).click()
    _expect_signed_in_as(page, "Sanne")
    account_menu = page.get_by_role("button", name="Sanne")
    expect(account_menu).to_be_visible()

    # Log out from the account menu.
    account_menu.click()
    page.get_by_role("button", name=t("Log out")).click()
    expect(page.get_by_role("link", name=t("Log in"))).to_be_visible()
    expect(page.get_by_role("button", name="Sanne")).to_have_count(0)

    # Log in again by email.
    page.get_by_role("link", name=t("Log in")).click()
    page.get_by_label(label("Email")).fill("sanne@school.example")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign In"), exact=True).click()
    _expect_signed_in_as(page, "Sanne")
    assert len(mail.outbox) == 1  # only the confirmation


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/projects/",
        "/events/",
        "/spaces/",
        "/nowhere/",
    ],
)
def test_first_pages_are_accessible(page, path):
    page.goto(path)

    assert_accessible(page)


def test_home_signed_in_is_accessible(page, login_as):
    login_as(page, UserFactory(name="Pieter Jansen"))
    page.goto("/")
    expect(page.get_by_role("button", name="Pieter")).to_be_visible()

    assert_accessible(page)


def test_home_fits_a_phone(phone_page):
    phone_page.goto("/")

    assert_no_horizontal_scroll(phone_page)
    # The navigation collapses behind the menu button and opens on a tap.
    menu = phone_page.get_by_role("button", name=t("Open menu"))
    expect(phone_page.get_by_role("link", name=t("Members"))).to_be_hidden()
    menu.click()
    expect(phone_page.get_by_role("link", name=t("Members"))).to_be_visible()
    assert_no_horizontal_scroll(phone_page)
