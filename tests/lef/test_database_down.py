"""While the database cannot be reached: a friendly 503 at once, and the site back by itself.

The web process is gunicorn with production settings (as tests/test_processes.py
starts it; static URLs without the manifest: production_settings.py), connected to
the test database through a small TCP relay that this test opens and closes:
closing it drops every connection and refuses new ones, as a stopped database
server does, and opening it again is the server back.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import psycopg_pool
import pytest
from django.conf import global_settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db import utils as db_utils
from psycopg import errors

from lef import settings as production
from lef.middleware import RETRY_AFTER_SECONDS, is_database_unavailable
from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POOL_TIMEOUT = 1.0  # seconds a request waits for a connection (DB_POOL_TIMEOUT)
WAIT = 30  # seconds gunicorn may take to come up (not a measurement)
FRIENDLY = "The site is unavailable for a moment"


class Relay:
    """127.0.0.1:<port> -> the database server's Unix socket, switched off and on."""

    def __init__(self, target: str):
        self.target = target
        self.port = _free_port()
        self.listener: socket.socket | None = None
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and cut the open ones, as a stopped server does."""
        listener, self.listener = self.listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone does not.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.target)
            with self.lock:
                self.pairs.append((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, cookie: str = "") -> tuple[int, dict, str, float]:
    """Status, headers, body and seconds of one GET (an error status is an answer too)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": "en", "Cookie": cookie}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:  # noqa: S310
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return status, headers, body.decode(), time.monotonic() - started


@pytest.fixture
def site(tmp_path, settings):
    """gunicorn with production settings on the test database, through a relay."""
    params = connection.get_connection_params()
    relay = Relay(f"{params['host']}/.s.PGSQL.{params.get('port') or 5432}")
    relay.up()
    port = _free_port()
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.lef.production_settings",
        # The test's own key: the session made here (session_cookie) is valid there.
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": (
            f"postgres://{params['user']}@127.0.0.1:{relay.port}/"
            f"{connection.settings_dict['NAME']}"
        ),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "TASKS_DATABASE_BACKEND": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DB_POOL_TIMEOUT": str(POOL_TIMEOUT),
        "LOG_LEVEL": "ERROR",
    }
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        web = subprocess.Popen(  # noqa: S603 -- our own command
            [BIN / "gunicorn", "lef.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT
        while True:
            with contextlib.suppress(OSError):
                if get(port, "/healthz")[0] == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port, relay, log
    finally:
        web.terminate()
        web.wait(timeout=WAIT)
        relay.down()


def session_cookie() -> str:
    """A signed-in member's session, under the cookie name of the production settings."""
    session = SessionStore()
    member = MemberFactory()
    session["_auth_user_id"] = str(member.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = member.get_session_auth_hash()
    session.create()
    name = getattr(production, "SESSION_COOKIE_NAME", global_settings.SESSION_COOKIE_NAME)
    return f"{name}={session.session_key}"


@pytest.mark.django_db(transaction=True)
def test_database_down_is_a_friendly_503_and_the_site_comes_back(site):
    port, relay, log = site
    cookie = session_cookie()
    assert get(port, "/")[0] == 200
    status, _headers, body, _seconds = get(port, "/events/", cookie)
    assert (status, 'action="/accounts/logout/"' in body) == (200, True)  # signed in

    relay.down()
    # A visitor (the view reads the database) and a member (the session and the
    # user are read in the middleware, before any view). The first waits the
    # pool's timeout; after it, the worker knows and answers at once.
    for path, with_cookie, within in [
        ("/", "", POOL_TIMEOUT + 2),
        ("/events/", cookie, 0.5),
        ("/projects/", cookie, 0.5),
    ]:
        status, headers, body, seconds = get(port, path, with_cookie)

        assert (path, status) == (path, 503)
        assert FRIENDLY in body
        assert "Internal Server Error" not in body
        assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert "no-store" in headers["Cache-Control"]
        assert "script-src" in headers["Content-Security-Policy"]
        assert seconds < within, (path, seconds)
    assert get(port, "/healthz")[0] == 503

    relay.up()
    back = time.monotonic()
    while (status := get(port, "/events/", cookie)[0]) != 200:
        assert status == 503
        assert time.monotonic() - back < 10, "the site did not come back within 10 s"
        time.sleep(0.2)
    print(f"back {time.monotonic() - back:.1f} s after the relay")  # noqa: T201
    assert get(port, "/")[0] == 200
    assert b"Session data corrupted" not in log.read_bytes()


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (psycopg_pool.PoolTimeout("couldn't get a connection after 3.00 sec"), True),
        (psycopg.OperationalError("connection refused"), True),  # no SQLSTATE: never connected
        (errors.AdminShutdown(), True),  # pg_ctl stop -m fast
        (errors.CannotConnectNow(), True),  # the server is starting up
        (psycopg.InterfaceError("the connection is closed"), True),
        (errors.QueryCanceled(), False),  # a statement timeout: the query, not the server
        (errors.LockNotAvailable(), False),
        (errors.DeadlockDetected(), False),
        (ValueError("not the database at all"), False),
    ],
    ids=repr,
)
def test_only_an_unreachable_server_counts_as_unavailable(error, unavailable):
    # As the views see it: Django's error, with psycopg's as its cause.
    wrapped = (
        db_utils.InterfaceError()
        if isinstance(error, psycopg.InterfaceError)
        else db_utils.OperationalError()
    )
    wrapped.__cause__ = error

    assert is_database_unavailable(error) is unavailable
    assert is_database_unavailable(wrapped) is unavailable


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_member_finding_the_database_down_is_logged_as_an_outage(site):
    """The session is read in a middleware, whose error Django logs as a 500 before the
    503 replaces it (lef.log_format.SkipDatabaseOutage): the log says 503, not 500."""
    port, relay, log = site
    cookie = session_cookie()
    assert get(port, "/events/", cookie)[0] == 200

    relay.down()
    status, _headers, body, _seconds = get(port, "/events/", cookie)

    assert status == 503
    assert FRIENDLY in body
    logged = log.read_bytes()
    assert b"Service Unavailable: /events/" in logged
    assert b"Internal Server Error" not in logged
