"""Every URL that changes state refuses a GET that would, and a POST without a CSRF token.

For every entry of the inventory (each form of the site, allauth and the
admin) and the two sign-outs, as the person the form is for:

* GET and HEAD write nothing and never give a 500; a view that takes no GET
  (``require_POST``) answers 405;
* a POST as the form would send it, but without the CSRF token (a browser
  that checks it: ``enforce_csrf_checks``), is a 403 that writes nothing.
"""

import pytest
from django.test import Client

from tests.fuzz.inventory import SIGN_OUTS, entries, routes_by_key
from tests.fuzz.probe import changed_tables, client_for, page_form, rolled_back, send, snapshot

pytestmark = pytest.mark.django_db


def _one_per_url():
    seen, chosen = set(), []
    for entry in [*entries(), *SIGN_OUTS]:
        if entry.key not in seen and entry.opener is None:
            seen.add(entry.key)
            chosen.append(entry)
    return chosen


WALKED = _one_per_url()


@pytest.mark.parametrize("entry", WALKED, ids=lambda entry: entry.id)
def test_get_and_head_write_nothing(world, entry):
    client = client_for(world.users[entry.role])
    path = entry.path(world)
    methods = routes_by_key()[entry.key].methods
    for method in ("get", "head"):
        with rolled_back():
            before = snapshot()
            outcome = send(client, method, path)
            assert outcome.error is None, f"{method.upper()} {path} raised:\n{outcome.error}"
            assert changed_tables(before, snapshot()) == [], f"{method.upper()} {path} wrote"
        if methods is not None and method.upper() not in methods:
            assert outcome.status == 405, f"{method.upper()} {path}: {outcome.status}"
        else:
            assert outcome.status != 500


@pytest.mark.parametrize("entry", WALKED, ids=lambda entry: entry.id)
def test_post_without_csrf_token_is_refused_and_writes_nothing(world, entry):
    user = world.users[entry.role]
    path, form, _status = page_form(client_for(user), entry, world)
    data = {**entry.fields, **(form.fields if form else {})}
    data.pop("csrfmiddlewaretoken", None)
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    with rolled_back():
        before = snapshot()
        response = client.post(path, data)
        assert (response.status_code, changed_tables(before, snapshot())) == (403, [])
