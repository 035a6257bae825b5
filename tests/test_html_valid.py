"""The site's main pages are valid HTML, by the W3C Nu HTML checker itself.

The checker is ``vnu.jar`` from npm's ``vnu-jar`` (``make setup`` installs it
with ``npm ci``), run on the Java that ``scripts/ensure-java`` finds (``make
test`` installs Debian's when there is none). The pages are the demo site's
(``seed_demo``: every app's data, photos included), fetched as a visitor, a
member and a coordinator, and checked in one run of the checker: Java starts
once for all of them. Errors and warnings both fail the test.

Django admin's own markup is not ours to fix and is not checked here.
"""

import json
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import loader
from django.test import Client

from events.models import Event
from lef.middleware import database_unavailable_response
from members.models import Organisation, User
from projects.models import Project
from spaces.models import Resource

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
ENSURE_JAVA = ROOT / "scripts" / "ensure-java"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# One short run: the quick compiler only (it halves the checker's time here),
# and the deeper stack that the checker's schema code then needs.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-Xss16m"]
MEMBER = "sanne@demo.lef.nl"
COORDINATOR = "coordinator@demo.lef.nl"

# Checked with the pages: what the checker must find here shows that it runs
# and reports (a checker that found nothing anywhere would pass the test).
CONTROL = """<!DOCTYPE html><html lang="en"><head><title>Control</title></head><body>
<a href="/" hx-get="/">Home</a> <time datetime="2026-12-01T02:41:16.762154+01:00">1 Dec</time>
</body></html>"""


def find_java() -> str:
    """Java's path, or fail with what to install (the lookup's one owner is the script)."""
    found = subprocess.run(  # noqa: S603 -- our own script, no shell
        [ENSURE_JAVA, "--no-install"], capture_output=True, text=True, check=False
    )
    if found.returncode != 0:
        pytest.fail(found.stderr.strip(), pytrace=False)
    return found.stdout.strip()


def check(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Run the Nu checker once over all pages; return each page's errors and warnings."""
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `make setup` (npm ci).", pytrace=False)
    paths = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    command = [find_java(), *JAVA_OPTIONS, "-jar", VNU_JAR, "--format", "json", "--stdout"]
    # The checker exits 1 when it found something; its report says what.
    result = subprocess.run(  # noqa: S603 -- a fixed command on our own files
        [*command, *paths], capture_output=True, text=True, check=False
    )
    if result.returncode not in {0, 1} or not result.stdout:
        pytest.fail(f"the Nu checker failed: {result.stderr.strip()}", pytrace=False)
    found: dict[str, list[str]] = {}
    for message in json.loads(result.stdout)["messages"]:
        page = Path(message.get("url", "?")).stem
        kind = message.get("subType", message["type"])
        found.setdefault(page, []).append(
            f"{kind} at line {message.get('lastLine', '?')}: {message['message']}"
            f" [{message.get('extract', '').strip()}]"
        )
    return found


def test_main_pages_are_valid_html(tmp_path):
    call_command("seed_demo", "--force", stdout=StringIO())  # --force: DEBUG is off in tests
    member = User.objects.get(email=MEMBER)
    event = Event.objects.published().upcoming().order_by("starts_at").first()
    project = Project.objects.filter(updates__isnull=False).order_by("slug").first()
    organisation = Organisation.objects.filter(is_partner=True).order_by("slug").first()
    space = Resource.objects.order_by("slug").first()
    visitor, signed_in, coordinator = Client(), Client(), Client()
    signed_in.force_login(member)
    coordinator.force_login(User.objects.get(email=COORDINATOR))
    urls = {
        "home": (visitor, "/"),
        "login": (visitor, "/accounts/login/"),
        "signup": (visitor, "/accounts/signup/"),
        # In English: the checker flags English text in a page marked Dutch, and
        # these long texts reach the Dutch catalogue after the pages.
        "privacy": (Client(headers={"accept-language": "en"}), "/privacy/"),
        "accessibility": (Client(headers={"accept-language": "en"}), "/accessibility/"),
        "mijn-lef": (signed_in, "/"),
        "members": (signed_in, "/members/"),
        "profile": (signed_in, member.get_absolute_url()),
        "organisations": (signed_in, "/organisations/"),
        "organisation": (signed_in, organisation.get_absolute_url()),
        "projects": (signed_in, "/projects/"),
        "project": (signed_in, project.get_absolute_url()),
        "meetups": (signed_in, "/events/"),
        "meetup": (signed_in, event.get_absolute_url()),
        "meetups-month": (signed_in, "/events/calendar/"),
        "calendar": (signed_in, "/calendar/"),
        "spaces": (signed_in, "/spaces/"),
        "space": (signed_in, space.get_absolute_url()),
        "bookings": (signed_in, "/spaces/bookings/"),
        "door": (coordinator, f"{event.get_absolute_url()}check-in/"),
    }
    pages = {"control": CONTROL}
    for name, (client, url) in urls.items():
        response = client.get(url)
        assert (name, response.status_code) == (name, 200)
        pages[name] = response.content.decode()
    # The 500 page as Django's handler500 renders it: no request, no context.
    pages["500"] = loader.get_template("500.html").render()
    # The 503 page while the database is away, as lef.middleware renders it.
    pages["503"] = database_unavailable_response().content.decode()

    found = check(pages, tmp_path)

    control = found.pop("control", [])
    assert [message.split(":")[0] for message in control] == ["error at line 2"] * 2
    assert "“hx-get” not allowed" in control[0]
    assert "fraction of a second" in control[1]
    assert found == {}
