"""A browser signs in and posts forms with the production cookies: __Host- names, over HTTPS.

The Django test client does not enforce cookie prefixes; Chromium does: it keeps
a ``__Host-`` cookie only when it is Secure, for Path=/ and without a Domain. So
this test runs the site as production does (gunicorn over TLS with the
production settings, tests/lef/test_observatory.py's ``production_site``) and
has Chromium log in through the login form and switch the language, both
posts with the CSRF token that the pages carry (the cookie is HttpOnly).
"""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.helpers import label, t
from tests.factories import PASSWORD, MemberFactory
from tests.lef.test_observatory import production_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),  # gunicorn sees committed rows only
]


def test_a_member_signs_in_and_switches_language_with_host_cookies(browser, tmp_path):
    member = MemberFactory(name="Noor Visser")
    # The production settings hash with PBKDF2 (the tests' quick MD5 is not among them).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        member.password = make_password(PASSWORD)
    member.save(update_fields=["password"])

    with production_site(tmp_path) as (port, _cert):
        context = browser.new_context(
            base_url=f"https://localhost:{port}", ignore_https_errors=True, locale="nl-NL"
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        problems = []  # CSP violations and script errors, as tests/browser/conftest.py collects
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on(
            "console",
            lambda message: problems.append(message.text) if message.type == "error" else None,
        )
        try:
            page.goto("/accounts/login/")
            page.get_by_label(label("Email")).fill(member.email)
            page.get_by_label(label("Password")).fill(PASSWORD)
            page.get_by_role("button", name=t("Sign In"), exact=True).click()
            expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
            page.goto("/")
            expect(page.get_by_role("button", name="Noor")).to_be_visible()

            page.get_by_role("button", name=re.compile("English")).click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.get_by_role("button", name="Noor")).to_be_visible()

            cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        finally:
            context.close()

    assert problems == []
    assert set(cookies) == {"__Host-sessionid", "__Host-csrftoken", "__Host-django_language"}
    for cookie in cookies.values():
        assert (cookie["secure"], cookie["httpOnly"], cookie["path"]) == (True, True, "/")
        assert cookie["sameSite"] == "Lax"
        assert cookie["domain"] == "localhost"  # host-only: no Domain attribute
    assert cookies["__Host-django_language"]["value"] == "en"
