"""The embedded PostgreSQL (lef.pgembedded), used when DATABASE_URL is not set."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

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
