"""/healthz: 200 when the database answers, 503 when it does not; the queue and scheduler told."""

import contextlib
import copy
import socket
from datetime import timedelta

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from lef.scheduler import LOCK_KEY, advisory_lock

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def _database_unreachable():
    """Point the default connection at a local port where nothing listens.

    A real connection attempt fails (connection refused), through a real
    psycopg pool configured like production's. The socket is bound but not
    listening, so no other process can take the port meanwhile. The pool gets its
    own alias: Django keeps pools per alias, and the test's own connection must
    stay untouched.
    """
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        original = connections["default"]
        settings_dict = copy.deepcopy(original.settings_dict)
        settings_dict.pop("PGDATA", None)  # an option of the embedded backend only
        settings_dict |= {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": "127.0.0.1",
            "PORT": str(blocker.getsockname()[1]),
            "USER": "postgres",
        }
        settings_dict["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 2, "timeout": 0.5}
        backend = load_backend(settings_dict["ENGINE"])
        dead = backend.DatabaseWrapper(settings_dict, alias="healthz_unreachable")
        connections["default"] = dead
        try:
            yield
        finally:
            connections["default"] = original
            dead.close()
            dead.close_pool()


def test_healthz_with_database_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "ok",
        "database: ok",
        "task queue: ok, 0 waiting, the oldest for 0 s",
        "scheduler: not running",
    ]
    assert response["Content-Type"] == "text/plain"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_without_database_answers_503(client):
    with _database_unreachable():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert response["Content-Type"] == "text/plain"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_recovers_when_the_database_is_back(client):
    with _database_unreachable():
        assert client.get("/healthz").status_code == 503

    assert client.get("/healthz").status_code == 200


def test_healthz_is_not_redirected_to_https(client, settings):
    # Load balancers probe over plain HTTP behind the TLS terminator.
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_healthz_post_is_not_allowed(client):
    assert client.post("/healthz").status_code == 405


def _waiting_task(age: timedelta, **fields) -> DBTaskResult:
    """A task in the database queue, ready since ``age`` ago (as the worker would find it)."""
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="lef.mail.send_mail",
        backend_name="default",
        **({"run_after": get_date_max()} | fields),
    )
    DBTaskResult.objects.filter(pk=result.pk).update(enqueued_at=timezone.now() - age)
    return result


def _json(client) -> dict:
    response = client.get("/healthz", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_healthz_reports_the_oldest_waiting_task_and_stays_200_when_late(client, settings):
    settings.TASK_QUEUE_LATE_AFTER = 300
    _waiting_task(timedelta(seconds=30))
    _waiting_task(timedelta(minutes=10))
    _waiting_task(timedelta(hours=2), status="SUCCESSFUL")  # done: not waiting
    _waiting_task(timedelta(hours=3), status="RUNNING")  # a worker has it

    report = _json(client)

    assert report["status"] == "ok"
    assert report["task_queue"]["status"] == "late"
    assert report["task_queue"]["waiting"] == 2
    assert 600 <= report["task_queue"]["oldest_seconds"] < 660
    assert (
        "task queue: late, 2 waiting, the oldest for 6" in client.get("/healthz").content.decode()
    )


def test_healthz_queue_is_ok_while_the_oldest_task_is_young(client, settings):
    settings.TASK_QUEUE_LATE_AFTER = 300
    _waiting_task(timedelta(seconds=30))
    # Planned for later: waiting only from its run_after on.
    _waiting_task(timedelta(hours=1), run_after=timezone.now() - timedelta(seconds=10))

    queue = _json(client)["task_queue"]

    assert queue["status"] == "ok"
    assert queue["waiting"] == 2
    assert 30 <= queue["oldest_seconds"] < 90


def test_healthz_scheduler_runs_while_another_connection_holds_its_lock(client):
    assert _json(client)["scheduler"] == "not running"

    with advisory_lock() as try_lock:
        assert try_lock()
        assert _json(client)["scheduler"] == "running"
        assert b"scheduler: running\n" in client.get("/healthz").content

    assert _json(client)["scheduler"] == "not running"


def test_healthz_another_advisory_lock_is_not_the_scheduler(client):
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY + 1])

        assert _json(client)["scheduler"] == "not running"


def test_healthz_asks_the_database_twice(client, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get("/healthz")
