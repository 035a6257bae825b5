"""Passkeys, with Chromium's virtual authenticator (DevTools' WebAuthn domain) as the key.

A member adds a passkey on the two-factor page and logs in with it, without a
password; a coordinator with a passkey as second factor reaches the admin. The
live server runs on http://localhost: a passkey's domain (RP ID) cannot be an IP
address, and the browser counts localhost as a secure context.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, label, t
from tests.factories import PASSWORD, MemberFactory
from tests.test_html_valid import check

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def add_virtual_authenticator(page) -> None:
    """Give ``page`` a platform passkey store that verifies its user without asking."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def log_in_with_password(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign In"), exact=True).click()


def add_passkey(page, name: str) -> None:
    """From the two-factor page: add a passkey called ``name`` with the virtual key."""
    page.goto("/accounts/2fa/")
    page.get_by_role("link", name=t("Add a passkey")).click()
    # allauth asks for the password again before a key is added (a login is not enough).
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/\?next="))
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Confirm")).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/$"))
    page.get_by_label(t("Name"), exact=True).fill(name)
    page.get_by_role("button", name=t("Add a passkey")).click()
    # The first passkey comes with recovery codes, shown once.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))


def log_out(page) -> None:
    page.goto("/accounts/logout/")
    page.get_by_role("button", name=t("Sign Out")).click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_live_server_is_on_localhost(live_server):
    assert live_server.url.startswith("http://localhost:")


def served_html(page, path: str) -> str:
    """The page at ``path`` as the server sends it, with the browser's cookies."""
    response = page.request.get(path)
    assert response.status == 200, (path, response.status)
    return response.text()


def test_member_adds_a_passkey_and_logs_in_with_it_without_a_password(page, tmp_path):
    member = MemberFactory(name="Pim Passkey", email="pim@lef.example")
    add_virtual_authenticator(page)
    log_in_with_password(page, "pim@lef.example")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    pages = {"add": served_html(page, "/accounts/2fa/webauthn/add/")}

    add_passkey(page, "Laptop")
    page.goto("/accounts/2fa/webauthn/")
    expect(page.get_by_role("heading", name="Laptop")).to_be_visible()
    passkey = Authenticator.objects.get(user=member, type=Authenticator.Type.WEBAUTHN)
    page.get_by_role("link", name=t("Rename")).click()
    page.get_by_label(t("Name"), exact=True).fill("Werklaptop")
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_role("heading", name="Werklaptop")).to_be_visible()
    pages |= {
        "index": served_html(page, "/accounts/2fa/"),
        "list": served_html(page, "/accounts/2fa/webauthn/"),
        "rename": served_html(page, f"/accounts/2fa/webauthn/keys/{passkey.pk}/edit/"),
        "remove": served_html(page, f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/"),
        "reauthenticate": served_html(page, "/accounts/2fa/webauthn/reauthenticate/"),
    }

    log_out(page)
    pages["login"] = served_html(page, "/accounts/login/")
    # With the password, the passkey is the second step (the code page offers it).
    log_in_with_password(page, "pim@lef.example")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    pages["second-step"] = served_html(page, "/accounts/2fa/authenticate/")
    assert_accessible(page)
    page.get_by_role("button", name=t("Cancel")).click()

    page.goto("/accounts/login/")
    page.get_by_role("button", name=t("Sign in with a passkey")).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    # Signed in as Pim: the account menu carries the name.
    expect(page.get_by_role("button", name=re.compile("Pim"))).to_be_visible()

    # The pages the passkeys brought are valid HTML (one run of the Nu checker).
    assert check(pages, tmp_path) == {}


def test_coordinator_with_a_passkey_as_second_factor_reaches_the_admin(page):
    # A superuser: the Coordinators group of the migrations is gone after an earlier
    # transactional test's flush. No app code: the passkey is the second factor.
    MemberFactory(
        name="Kees Key",
        email="kees@lef.example",
        is_staff=True,
        is_superuser=True,
        second_factor=False,
    )
    add_virtual_authenticator(page)
    log_in_with_password(page, "kees@lef.example")
    add_passkey(page, "Werklaptop")
    log_out(page)

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label(label("Email")).fill("kees@lef.example")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign In"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_role("button", name=t("Use a passkey")).click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Leids Education Fieldlab: coordinators")
    )

    # Asked again later (allauth's re-authentication), the passkey answers too.
    page.goto("/accounts/2fa/webauthn/reauthenticate/?next=/admin/")
    page.get_by_role("button", name=t("Use a passkey")).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
