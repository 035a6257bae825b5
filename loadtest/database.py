"""The load test's own PostgreSQL server: initdb into a fresh folder, start, restart, stop.

The binaries are the embedded ones (the ``pgserver`` package, as lef.pgembedded
uses), so no root and no system install are needed. Unlike the embedded
server of a checkout, this one listens on a TCP port of its own on loopback:
the web processes reach it as they would reach a database server, and the load
test can stop and start it in the middle of a run.

PostgreSQL refuses to run as root; as root (containers) the server runs as the
``pgserver`` system user that the pgserver package creates, as it does itself.
"""

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

import psycopg

# Found without importing pgserver (its import warns about XDG_RUNTIME_DIR on servers).
BIN = Path(importlib.util.find_spec("pgserver").origin).parent / "pginstall" / "bin"
SYSTEM_USER = "pgserver"  # pgserver's own, for a server started by root
USER = "postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One PostgreSQL cluster in ``folder``, on 127.0.0.1:``port``."""

    def __init__(self, folder: Path, *, port: int | None = None):
        self.folder = folder
        self.pgdata = folder / "pgdata"
        self.port = port or free_port()
        self.log = folder / "postgres.log"
        self._as_root = os.geteuid() == 0

    def url(self, database: str) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **kwargs) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname=database, **kwargs
        )

    # -- lifecycle ----------------------------------------------------------------

    def init(self) -> None:
        """A new, empty cluster (trust authentication: loopback only, a throwaway)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir()
        if self._as_root:
            _give_to_system_user(self.folder)
        self._run(
            "initdb",
            "-D",
            str(self.pgdata),
            "--auth=trust",
            "--encoding=utf8",
            "--no-sync",
            "-U",
            USER,
        )

    def start(self) -> float:
        """Start and wait until it takes connections; return the seconds it took."""
        started = time.monotonic()
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder}"
        self._run(
            "pg_ctl", "-D", str(self.pgdata), "-l", str(self.log), "-o", options, "-w", "start"
        )
        return time.monotonic() - started

    def stop(self, mode: str = "fast") -> float:
        """Stop (``fast``: roll back open transactions, as a restart does); return seconds."""
        started = time.monotonic()
        self._run("pg_ctl", "-D", str(self.pgdata), "-m", mode, "-w", "stop")
        return time.monotonic() - started

    def running(self) -> bool:
        result = subprocess.run(  # noqa: S603 -- the embedded binaries
            [BIN / "pg_ctl", "-D", str(self.pgdata), "status"],
            capture_output=True,
            check=False,
            **self._user(),
        )
        return result.returncode == 0

    def remove(self) -> None:
        if self.pgdata.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- data ---------------------------------------------------------------------

    def dump(self, database: str, target: Path) -> None:
        """``pg_dump`` in the custom format (compressed; restored in parallel)."""
        partial = target.with_suffix(".partial")
        subprocess.run(  # noqa: S603 -- the embedded binaries
            [BIN / "pg_dump", "-Fc", "-f", str(partial), "-d", self.url(database)],
            check=True,
        )
        partial.replace(target)  # a dump is in the cache only once complete

    def restore(self, database: str, source: Path) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        subprocess.run(  # noqa: S603 -- the embedded binaries
            [BIN / "pg_restore", "-j", "2", "--no-owner", "-d", self.url(database), str(source)],
            check=True,
        )
        with self.connect(database, autocommit=True) as conn:
            conn.execute("ANALYZE")

    # -- helpers ------------------------------------------------------------------

    def _user(self) -> dict:
        return {"user": SYSTEM_USER} if self._as_root else {}

    def _run(self, program: str, *args: str) -> None:
        # Output to a file, not a pipe: pg_ctl's server would keep a pipe open.
        with (self.folder / "commands.log").open("ab") as out:
            subprocess.run(  # noqa: S603 -- the embedded binaries
                [BIN / program, *args],
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                **self._user(),
            )


def _give_to_system_user(folder: Path) -> None:
    """Let the server's user own ``folder`` and reach it (every parent: o+x)."""
    entry = pwd.getpwnam(SYSTEM_USER)
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)
    for parent in folder.parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o005)
