"""Start (or join) the embedded PostgreSQL server and create the database."""

import contextlib
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
from psycopg import errors, sql

from . import watchdog

_lock = threading.Lock()
_hosts: dict[Path, str] = {}


def ensure_server(pgdata: Path, dbname: str) -> str:
    """Return the socket folder of a running server on ``pgdata``.

    Starts the server on first use in this process (pgserver serialises starts
    across processes with a file lock) and creates ``dbname`` if it is missing.
    The server stops when the last process using it exits, however it exits:
    pgserver stops it at a normal exit, the watchdog started here when a
    process dies without one (see ``lef.pgembedded.watchdog``).
    """
    pgdata = Path(pgdata)
    with _lock:
        if pgdata in _hosts:
            return _hosts[pgdata]
        pgserver = watchdog.import_pgserver()

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        # Drop the pids of processes that died without taking themselves off
        # (and repair an unreadable list) before pgserver reads it.
        with watchdog.server_lock():
            watchdog.live_users(pgdata)
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        with watchdog.server_lock():
            watchdog.start_watchdog(server.pgdata)
        host = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
        _create_database(host, dbname)
        _hosts[pgdata] = host
        return host


def _create_database(host: str, dbname: str) -> None:
    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if exists:
            return
        # Another process may create it between our check and ours.
        with contextlib.suppress(errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
