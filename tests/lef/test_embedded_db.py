"""The embedded PostgreSQL (lef.pgembedded), used when DATABASE_URL is not set."""

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from lef.pgembedded.server import _create_database, ensure_server

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL is set: no embedded server"
    ),
]


def _pgdata() -> Path:
    return settings.DATABASES["default"]["PGDATA"]


def _database_exists(host: str, name: str) -> bool:
    with psycopg.connect(host=host, user="postgres", dbname="postgres") as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def test_embedded_backend_is_postgresql_on_a_socket():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        version = int(cursor.fetchone()[0])

    assert connection.vendor == "postgresql"
    assert version >= 160000
    assert connection.get_connection_params()["host"] == ensure_server(_pgdata(), "lef")


def test_embedded_server_creates_a_missing_database_once():
    host = ensure_server(_pgdata(), "lef")
    name = f"lef_created_{uuid.uuid4().hex[:8]}"
    try:
        _create_database(host, name)
        _create_database(host, name)  # already there: nothing happens

        assert _database_exists(host, name)
    finally:
        with psycopg.connect(
            host=host, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def test_second_process_shares_the_server_and_leaves_it_running():
    host = ensure_server(_pgdata(), "lef")
    code = (
        "import sys; from lef.pgembedded.server import ensure_server; "
        "print(ensure_server(sys.argv[1], 'lef'))"
    )

    result = subprocess.run(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", code, str(_pgdata())],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert result.stdout.strip() == host
    # The other process has exited; the server it shared is still ours.
    assert _database_exists(host, "lef")


# How long the server may outlive its last user: the watchdog looks every half
# second, and pg_ctl stop takes a fraction of one.
STOP_TIMEOUT = 10

# A process that uses the server on the folder in argv[1] until it is stopped.
USER_CODE = (
    "import sys, time; from lef.pgembedded.server import ensure_server; "
    "ensure_server(sys.argv[1], 'lef'); print('ready', flush=True); time.sleep(120)"
)


@pytest.fixture(scope="module")
def own_pgdata():
    """A data folder of this module's own, so only the processes a test starts use it."""
    folder = Path(tempfile.mkdtemp(prefix="lef-pgdata-"))
    pgdata = folder / "pgdata"
    yield pgdata
    postmaster = _postmaster(pgdata)
    if postmaster is not None:  # a failed test left it running
        postmaster.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
        postmaster.wait(STOP_TIMEOUT)
    shutil.rmtree(folder, ignore_errors=True)


def _postmaster(pgdata: Path) -> psutil.Process | None:
    """The server process running on ``pgdata``, if any."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        return psutil.Process(pid)
    except (FileNotFoundError, psutil.NoSuchProcess):
        return None


def _sigint_as_in_a_terminal() -> None:
    """In the child: Ctrl-C's signal back to its default.

    A test run started in the background (`make test &`, nohup) ignores SIGINT,
    and an ignored signal stays ignored across exec: the child would never see
    the Ctrl-C these tests send.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _read_until(process: subprocess.Popen, text: str, timeout: float = 60) -> str:
    """Read the process's output until ``text`` shows up (or it ends, or time is up).

    Straight from the pipe: a buffered readline would keep lines that select()
    then no longer sees.
    """
    output = b""
    deadline = time.monotonic() + timeout
    pipe = process.stdout.fileno()
    while text.encode() not in output:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([pipe], [], [], remaining)[0]:
            break
        chunk = os.read(pipe, 65536)
        if not chunk:
            break
        output += chunk
    return output.decode(errors="replace")


def _has_exited(process: psutil.Process) -> bool:
    # A zombie has exited too: a container's init may be slow to reap it.
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_until_stopped(postmaster: psutil.Process, pgdata: Path) -> bool:
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        if _has_exited(postmaster) and not (pgdata / "postmaster.pid").exists():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.xdist_group("embedded-lifetime")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_embedded_server_stops_when_its_last_user_is_signalled(own_pgdata, signum):
    # SIGINT ends Python normally (atexit: pgserver stops the server); SIGTERM
    # kills it on the spot, and the watchdog stops the server.
    with subprocess.Popen(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", USER_CODE, str(own_pgdata)],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_sigint_as_in_a_terminal,  # noqa: PLW1509 -- no threads of ours run yet
    ) as user:
        try:
            output = _read_until(user, "ready\n")
            assert output.endswith("ready\n"), output
            postmaster = _postmaster(own_pgdata)
            assert postmaster is not None

            user.send_signal(signum)
            user.wait(STOP_TIMEOUT)
        finally:
            user.kill()

    assert _wait_until_stopped(postmaster, own_pgdata)


@pytest.mark.xdist_group("embedded-lifetime")
@pytest.mark.parametrize(
    ("stop", "to_group"),
    [(signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["ctrl-c", "SIGTERM-to-runserver"],
)
def test_embedded_server_stops_after_runserver_is_stopped(own_pgdata, stop, to_group):
    # `make run` in a terminal: runserver's autoreloader runs the site in a child
    # process and kills it (SIGKILL) a quarter of a second after Ctrl-C, or at
    # once when the parent gets SIGTERM, so the child's atexit may never run.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DEBUG="1", EMBEDDED_PGDATA=str(own_pgdata), PYTHONUNBUFFERED="1")
    with subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "127.0.0.1:0"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group of its own, like a terminal's job
        preexec_fn=_sigint_as_in_a_terminal,  # noqa: PLW1509 -- no threads of ours run yet
    ) as runserver:
        try:
            # The child prints this after its migration check used the database.
            output = _read_until(runserver, "Quit the server")
            assert "Quit the server" in output, output
            postmaster = _postmaster(own_pgdata)
            assert postmaster is not None

            if to_group:
                os.killpg(runserver.pid, stop)
            else:
                runserver.send_signal(stop)
            runserver.wait(STOP_TIMEOUT)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(runserver.pid, signal.SIGKILL)

    assert _wait_until_stopped(postmaster, own_pgdata)
