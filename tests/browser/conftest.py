"""Fixtures for end-to-end tests in Chromium, driven by Playwright.

The browser is the one ``scripts/ensure-chromium`` finds: ``$CHROMIUM`` when set
(``make test`` sets it, after installing Debian's ``chromium`` when it may), else
``chromium``, ``chromium-browser`` or ``google-chrome`` on PATH, else
``/usr/bin/chromium``.

* ``browser``: one headless Chromium per test session (per xdist worker);
* ``page``: a fresh browser context (no cookies) per test, Dutch locale, laptop
  viewport, ``base_url`` set to the live server, so ``page.goto("/members/")``;
* ``phone_page``: the same at 375 x 740, as a phone;
* ``new_page(viewport=(w, h), locale="en-GB")``: any other combination;
* ``login_as(page, user)``: signs the page's browser in as ``user``.

Every page fails its test when the browser reports a Content Security Policy
violation or an uncaught JavaScript error.

Mark browser test modules with
``pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]``:
the group keeps them on one xdist worker, so a run starts one browser and one
live server, not one per worker.
"""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an asyncio event loop in the test's thread from the
# moment the browser starts until the session ends. Django refuses ORM calls
# from a thread with a running event loop (SynchronousOnlyOperation), which would
# forbid factories and queries in browser tests, and in every later test of the
# same worker. The loop only drives the browser; our ORM calls never run inside
# a coroutine, so the check is a false alarm here. Set at import time, before any
# test runs; it affects this test process (and its subprocesses) only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ENSURE_CHROMIUM = Path(__file__).resolve().parents[2] / "scripts" / "ensure-chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI containers run as root, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",  # no requests to Google while testing
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
]
LAPTOP = (1280, 800)
PHONE = (375, 740)


def find_chromium() -> str:
    """Return the Chromium's path, or fail the test with what to install.

    The lookup has one owner, the script ``make test`` runs first; here it only
    looks (a test run does not install packages).
    """
    found = subprocess.run(  # noqa: S603 -- our own script, no shell
        [ENSURE_CHROMIUM, "--no-install"], capture_output=True, text=True, check=False
    )
    if found.returncode != 0:
        pytest.fail(found.stderr.strip(), pytrace=False)
    return found.stdout.strip()


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    """Open pages in fresh browser contexts; all are closed after the test."""
    contexts = []
    problems: list[str] = []

    def open_page(*, viewport=LAPTOP, locale="nl-NL", phone=False):
        width, height = viewport
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": width, "height": height},
            is_mobile=phone,
            has_touch=phone,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"{message.type}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert problems == [], "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(viewport=PHONE, phone=True)


@pytest.fixture
def login_as(live_server):
    """Sign a page's browser in as a user, without going through the login form.

    Django's test client logs the user in (``force_login``: a real session in the
    database) and the session cookie is handed to the browser context. Fast, and
    it does not count towards allauth's login rate limits; the journey test in
    test_signup_journey.py covers the real login form.
    """

    def login(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )

    return login
