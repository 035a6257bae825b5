"""The processes of compose.yaml, started without containers from the same settings.

No container runtime runs on the CI machine, so this test starts what the
image's services run (gunicorn, ``manage.py db_worker``, ``manage.py
run_scheduler``) as subprocesses with production settings (``lef.settings``,
DEBUG off, a secret key, DATABASE_URL pointing at the test database, the
database task queue) and checks that the web answers /healthz, the worker
delivers a queued mail, and the scheduler holds its lock until it is stopped.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from lef.mail import send_email
from lef.scheduler import advisory_lock

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WAIT = 90  # seconds a process may take to come up on a busy machine (not a measurement)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    params = connection.get_connection_params()
    host, port = quote(params["host"], safe=""), params.get("port") or 5432
    name = quote(connection.settings_dict["NAME"])
    return f"postgres://{quote(params['user'])}@{host}:{port}/{name}"


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def healthz(port: int) -> tuple[int, str] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, response.read().decode()
    except OSError:
        return None


@pytest.mark.django_db(transaction=True)
def test_web_worker_and_scheduler_run_from_production_settings(tmp_path, settings):
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "lef.settings",
        "DEBUG": "0",
        "SECRET_KEY": "processes-test-key-not-for-any-site-4b1f0c7e2a9d",
        "DATABASE_URL": database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_DATABASE_BACKEND": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DB_POOL_MAX_SIZE": "4",
        "LOG_LEVEL": "INFO",
    }
    commands = {
        "web": [BIN / "gunicorn", "lef.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        "worker": [BIN / "python", "manage.py", "db_worker", "--interval", "0.2"],
        "scheduler": [BIN / "python", "manage.py", "run_scheduler"],
    }
    logs = {name: tmp_path / f"{name}.log" for name in commands}
    processes = {}
    try:
        for name, command in commands.items():
            with logs[name].open("wb") as log:
                processes[name] = subprocess.Popen(  # noqa: S603 (our own commands)
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )

        status, report = wait_for(lambda: healthz(port), "/healthz")
        assert (status, report.splitlines()[:2]) == (200, ["ok", "database: ok"])

        # A mail queued in the database, as the site queues it, is sent by the worker
        # (console backend: no SMTP_HOST) and its row deleted once delivered.
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        send_email.enqueue(subject="Queued for the worker", body="Hallo", to=["a@school.example"])
        wait_for(lambda: b"Subject: Queued for the worker" in logs["worker"].read_bytes(), "mail")
        wait_for(lambda: not DBTaskResult.objects.exists(), "the delivered mail's row to go")

        wait_for(lambda: b"scheduler: holding the lock" in logs["scheduler"].read_bytes(), "lock")
        assert "scheduler: running" in healthz(port)[1].splitlines()
        with advisory_lock() as try_lock:
            assert try_lock() is False  # the scheduler process holds it
        processes["scheduler"].terminate()
        assert processes["scheduler"].wait(timeout=WAIT) == 0
        with advisory_lock() as try_lock:
            assert try_lock() is True  # a scheduler that stops lets go of it
        assert all(p.poll() is None for name, p in processes.items() if name != "scheduler")
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=WAIT)
