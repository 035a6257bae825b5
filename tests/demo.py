"""``manage.py seed_demo`` once per test module instead of once per test.

A seed takes some ten seconds (every app's demo, photos re-encoded, the
library's files read); most demo tests only look at what it made. So a module
seeds once, in a transaction that is rolled back when the module is done, and
each of its tests runs in a savepoint inside it (pytest-django's ``db``): what
one test changes (a login, a second seed), the next does not see. The pattern
is the fuzz tests' world (tests/fuzz/conftest.py)::

    pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-events")]

    @pytest.fixture(scope="module")
    def demo(django_db_setup, django_db_blocker, tmp_path_factory):
        with seeded_demo(django_db_blocker, tmp_path_factory) as seeded:
            yield seeded

The xdist group keeps the module's tests on one worker, one after the other,
so the module seeds once per run, not once per worker. The files the seed
stores (photos, the library's documents) are in ``seeded.media_root``; every
test gets a fresh MEDIA_ROOT of its own (tests/conftest.py), so a test that
opens those files points MEDIA_ROOT back at them.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings


@dataclass(frozen=True)
class SeededDemo:
    output: str  # what the command printed
    media_root: Path  # where it stored its files


def seed(*args: str) -> str:
    """Run ``seed_demo`` with ``args``; its after-commit work (files, text) runs too."""
    out = StringIO()
    # Photos and the library's files are stored once the seed's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@contextmanager
def seeded_demo(django_db_blocker, tmp_path_factory, *args: str, debug: bool = False):
    """The demo, seeded once, until the ``with`` ends; then rolled back.

    ``debug=False`` (the tests' setting) seeds with ``--force``; ``debug=True``
    seeds as a developer would, with DEBUG on and ``args`` only.
    """
    media_root = tmp_path_factory.mktemp("demo-media")
    args = args if debug else ("--force", *args)
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=debug, MEDIA_ROOT=media_root):
            output = seed(*args)
        yield SeededDemo(output=output, media_root=media_root)
        transaction.set_rollback(True)
