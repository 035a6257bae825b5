"""Every form of the site and the admin is in the fuzzing inventory, and found on its page."""

import re

import pytest

from tests.fuzz.inventory import SKIPPED, entries, post_urls, skip_reason
from tests.fuzz.probe import client_for, page_form


def test_every_url_that_takes_a_post_is_fuzzed_or_skipped_for_a_reason():
    fuzzed = {entry.key for entry in entries()}
    missing = [
        route.route
        for route in post_urls()
        if route.key not in fuzzed and skip_reason(route.key) is None
    ]
    assert missing == []


def test_every_entry_and_skip_names_a_url_that_exists():
    keys = {route.key for route in post_urls()}
    stale = sorted({entry.key for entry in entries()} - keys) + sorted(set(SKIPPED) - keys)
    assert stale == []


@pytest.mark.django_db
def test_every_entry_finds_its_form_on_its_page(world):
    """Else the fuzzing would send hostile values to the wrong fields, or none."""
    lost = []
    # Pages whose opener posts (an admin action such as "mark e-mail addresses
    # verified") come last, so they cannot change another entry's page first.
    for entry in sorted(entries(), key=lambda entry: entry.opener is not None):
        client = client_for(world.users[entry.role])
        path, form, status = page_form(client, entry, world)
        # A page refused to this role (403) is fuzzed as a refusal, with what it has.
        if form is None and not entry.fields and entry.opener is None and status == 200:
            lost.append(f"{entry.id} ({status}): {_what_it_says(client, path)}")
    assert lost == []


def _what_it_says(client, path: str) -> str:
    """The page's main text, so that a lost form says why (an expired link, say)."""
    html = client.get(path, follow=True).content.decode()
    main = html.split("<main", 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())[:300]
