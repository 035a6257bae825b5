"""Every form of the site and the admin, sent hostile values by the right person.

For each entry of the inventory (tests/fuzz/inventory.py) Hypothesis fills in
the form as its page shows it and then changes some fields: huge strings,
control and direction characters, injection strings, numbers and dates out of
range, text where a number or date belongs, a key repeated, a field left out
or added, a file that is not an image. Two properties hold for every example:

* the answer is never a 500 (nor an exception that a 500 would be made of);
* a refusal (4xx, or the form again with its errors) writes nothing: every
  table (but sessions and the cache) is the same before and after. A success
  leaves a state whose page opens.

Each example runs in a savepoint that is rolled back, so the examples are
independent and the world is built once per module.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.hostile import submissions
from tests.fuzz.inventory import entries
from tests.fuzz.probe import (
    changed_tables,
    client_for,
    page_form,
    rolled_back,
    send,
    snapshot,
)

pytestmark = pytest.mark.django_db

# Examples per form: the site's forms get more than the admin's, which are
# Django's own pages over the same model validation (and many: add, change,
# delete, list and each action of every model). LEF_FUZZ_EXAMPLES=200 for a
# longer hunt by hand; the suite stays fast.
EXAMPLES = int(os.environ.get("LEF_FUZZ_EXAMPLES", "12"))


def examples_for(entry) -> int:
    return max(EXAMPLES // 3, 4) if entry.key.startswith("admin:") else EXAMPLES


FUZZ = settings(
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is deterministic
    database=None,  # no .hypothesis folder
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    print_blob=False,
)


@pytest.mark.parametrize("entry", entries(), ids=lambda entry: entry.id)
def test_hostile_values_never_give_a_500_nor_a_partial_write(world, entry):
    user = world.users[entry.role]
    client = client_for(user)
    path, form, _status = page_form(client, entry, world)
    fields = {**entry.fields, **(entry.opener(world) if entry.opener else {})}
    choices, files = {}, set()
    if form is not None:
        fields.update(form.fields)
        choices, files = form.choices, form.files
    fields.pop("csrfmiddlewaretoken", None)  # the test client does not check it
    cookies = client.cookies

    @settings(FUZZ, max_examples=examples_for(entry))
    @given(data=submissions(fields, choices, files))
    def post_hostile(data):
        client.cookies = type(cookies)(cookies)  # as signed in, whatever the last example did
        with rolled_back():
            before = snapshot()
            outcome = send(client, "post", path, data)
            assert outcome.error is None, f"POST {path} raised:\n{outcome.error}"
            assert outcome.status != 500, f"POST {path}: 500"
            if outcome.refused:
                changed = changed_tables(before, snapshot())
                assert changed == [], f"POST {path} refused ({outcome.status}) but wrote {changed}"
            else:
                after = send(client, "get", _local(outcome.location) or path)
                assert after.error is None, f"GET after POST {path} raised:\n{after.error}"
                assert after.status != 500

    post_hostile()


def _local(location: str) -> str:
    return location if location.startswith("/") and not location.startswith("//") else ""
