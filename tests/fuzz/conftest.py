import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis.configuration import set_hypothesis_home_dir

from tests.fuzz.world import build_world

# No example database (settings: database=None), and Hypothesis's other caches
# (constants it read from the code, Unicode tables) outside the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "lef-hypothesis")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world per module and worker, rolled back at the end: each test and each
    example runs in a savepoint inside it, so building it once is enough."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _english():
    """Messages outside a request in the source language, as the rest of the suite."""
    with translation.override("en"):
        yield
