import os
import uuid

import pytest
from django.core.cache import cache

# One id per test run, shared by its xdist workers, so that two runs at once
# (a developer's and CI's, or two checkouts) never use the same test databases.
RUN_ID = os.environ.setdefault("LEF_TEST_RUN_ID", uuid.uuid4().hex[:8])


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    from django.conf import settings  # noqa: PLC0415

    for db in settings.DATABASES.values():
        test = db.setdefault("TEST", {})
        name = test.get("NAME") or f"test_{db['NAME']}"
        if RUN_ID not in name:
            test["NAME"] = f"{name}_{RUN_ID}"


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Rate limits live in the cache and uploads in MEDIA_ROOT: fresh for every test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()
