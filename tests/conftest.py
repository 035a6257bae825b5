import os
import uuid

import pytest
from django.core.cache import caches

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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Put the xdist group in the ids of grouped tests that keep the database's rows.

    pytest-xdist (3.8) marks a test of ``@pytest.mark.xdist_group("vnu")`` by
    appending ``@vnu`` to ``item._nodeid``, but pytest 9.2 keeps the id in
    ``item._id``: the suffix is lost and every test is its own unit, so a
    module's once-per-module fixture (tests/demo.py) ran once per worker or more.
    This sets the suffix as xdist means to, on the workers only, and does
    nothing once xdist's own suffix is there.

    Not for a group with a transactional test (the browser tests): xdist
    schedules the largest group first, and a transactional test empties every
    table when it ends (the migrations' rows too: the coordinators' group), so
    the tests after it on that worker would fail. Those stay single units, run
    after the others as pytest-django orders them, as they did before.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId  # noqa: PLC0415 -- pytest 9.2's id, only here

    groups, transactional = {}, set()
    for item in items:
        names = sorted({str(mark.args[0]) for mark in item.iter_markers("xdist_group")})
        if not names:
            continue
        group = "_".join(names)
        groups.setdefault(group, []).append(item)
        marker = item.get_closest_marker("django_db")
        if {"transactional_db", "live_server"} & set(item.fixturenames) or (
            marker is not None and marker.kwargs.get("transaction")
        ):
            transactional.add(group)
    for group, members in groups.items():
        suffix = f"@{group}"
        if group in transactional:
            continue
        for item in members:
            if not item.nodeid.endswith(suffix):
                item._id = NodeId.parse(item.nodeid + suffix)


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(request, settings, tmp_path):
    """Rate limits and the directory live in caches, uploads in MEDIA_ROOT: fresh for every test.

    The caches are database tables, so they are only cleared for tests that use
    the database (pytest-django blocks queries elsewhere).
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    uses_db = request.node.get_closest_marker("django_db") or DB_FIXTURES & set(
        request.fixturenames
    )
    if uses_db:
        _clear_caches()
    yield
    if uses_db:
        _clear_caches()


def _clear_caches():
    for cache in caches.all(initialized_only=False):
        cache.clear()


@pytest.fixture
def app_hooks():
    """Register a made-up app's hooks (lef.hooks) for one test: ``app_hooks("x", export=f)``."""
    from types import SimpleNamespace  # noqa: PLC0415

    from lef import hooks  # noqa: PLC0415

    registered = []

    def register(label: str, **names):
        hooks.register(label, SimpleNamespace(**names))
        registered.append(label)

    yield register
    for label in registered:
        hooks.unregister(label)


@pytest.fixture(autouse=True)
def _forced_logins_pass_the_second_factor(monkeypatch):
    """``client.force_login(user)`` of a user with a second factor records it as passed.

    As allauth's login does after its code page, so tests of the back office
    need not type codes; tests/members/test_mfa.py types them through the pages.
    """
    from django.test.client import ClientMixin  # noqa: PLC0415

    force_login = ClientMixin.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        from allauth.mfa.models import Authenticator  # noqa: PLC0415

        from tests.second_factor import record_second_factor_passed  # noqa: PLC0415

        if user.is_staff and Authenticator.objects.filter(user=user).exists():
            record_second_factor_passed(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login_with_second_factor)
