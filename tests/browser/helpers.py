"""Helpers for browser tests: accessibility checks, logging in, reading mail.

Typical use::

    pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

    def test_projects_page_is_accessible(page, live_server, login_as):
        login_as(page, MemberFactory())
        page.goto(f"{live_server.url}/projects/")
        assert_accessible(page)
"""

import functools
import re

from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

# WCAG 2.1 A and AA, the Dutch public-sector norm, plus axe's best practices
# (landmarks, headings); only serious and critical findings fail a test.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}
FAILING_IMPACTS = {"serious", "critical"}

LINK = re.compile(r"https?://[^\s]+")


@functools.cache
def _axe() -> Axe:
    return Axe()  # reads the 500 kB axe-core script once per process


def accessibility_violations(page, *, impacts=FAILING_IMPACTS) -> list[dict]:
    """axe-core's violations on the current page with one of the given impacts."""
    results = _axe().run(page, options=AXE_OPTIONS)
    return [v for v in results.response["violations"] if v["impact"] in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail listing every serious or critical axe-core violation on the current page."""
    violations = accessibility_violations(page)
    if violations:
        message = (
            f"{len(violations)} serious/critical accessibility violation(s) on {page.url}:\n"
            + format_violations(violations)
        )
        raise AssertionError(message)


def assert_no_horizontal_scroll(page) -> None:
    """The page fits the viewport's width (nothing sticks out on a phone)."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide in a {width}px viewport"


def assert_on_first_screen(page, locator) -> None:
    """``locator`` is visible without scrolling: it starts within the viewport's height."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None
    assert box["y"] + min(box["height"], 40) <= height, (
        f"{locator} starts at {box['y']:.0f}px, below the first {height}px of {page.url}"
    )


def t(text: str, language: str = "nl") -> str:
    """``text`` as the site shows it in ``language`` (pages open in Dutch by default)."""
    with translation.override(language):
        return translation.gettext(text)


def label(text: str, language: str = "nl") -> re.Pattern:
    """A form field's label as shown: translated, maybe with crispy's required mark (*)."""
    return re.compile(rf"^\s*{re.escape(t(text, language))}\s*\*?\s*$")


def last_mail_link(to: str) -> str:
    """The one link to an account page in the last mail sent to ``to``.

    The live server runs in a thread of the test process, so Django's locmem
    outbox (django.core.mail.outbox) holds the mail it sent.
    """
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no mail to {to} in {[m.to for m in mail.outbox]}"
    links = [link for link in LINK.findall(messages[-1].body) if "/accounts/" in link]
    assert len(links) == 1, messages[-1].body
    return links[0]


def sign_up(page, *, name: str, email: str, password: str) -> None:
    """Fill in and send the signup form, starting from the navigation's signup link."""
    page.get_by_role("link", name=t("Sign up")).first.click()
    page.get_by_label(label("Your name")).fill(name)
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_label(label("Password (again)")).fill(password)
    page.get_by_role("button", name=t("Sign Up")).click()
