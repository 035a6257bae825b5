"""/healthz: 200 "ok" when the database answers, 503 when it does not."""

import contextlib
import copy
import socket

import pytest
from django.db import connections
from django.db.utils import load_backend

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
    assert response.content == b"ok\n"
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
