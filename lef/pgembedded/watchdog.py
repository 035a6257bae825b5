"""Stop the embedded PostgreSQL once no process using it is alive.

pgserver keeps the pids of the processes using a server in
``PGDATA/.handle_pids.json``; at a normal exit (atexit) a process takes itself
off and stops the server if it was the last one. A process killed by a signal
it does not handle never gets there: SIGHUP when its terminal closes, SIGTERM
without a handler, SIGKILL. runserver's autoreloader SIGKILLs its child (the
process that uses the database) a quarter of a second after Ctrl-C, and at once
when the parent gets SIGTERM. The dead pid then stays in the list, no later
process is ever the last one, and the server runs until someone kills it.

So the process that starts or joins a server also starts this watchdog beside
it, unless one runs already: ``python -m lef.pgembedded.watchdog PGDATA
LOCK_FD``. Every half second it drops dead pids from the list and, once none is
left, stops the server the way pgserver does (``pg_ctl stop``) and exits; it
also exits when the server was stopped by someone else. It runs in a session of
its own, so the Ctrl-C or hang-up that ends the site does not end it.

The list is only read and written under pgserver's inter-process lock, and is
written atomically (write a temporary file, rename it over the list):
pgserver's own write truncates first, and a signal in between left an empty
file on which every later start failed.
"""

import fcntl
import json
import logging
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import psutil

PID_LIST = ".handle_pids.json"
LOCK_FILE = ".watchdog.lock"
LOG_FILE = "watchdog.log"
POLL_SECONDS = 0.5
PROJECT_DIR = Path(__file__).resolve().parents[2]

logger = logging.getLogger(__name__)


def import_pgserver():
    """Import pgserver, with its pid list written atomically."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI); /tmp is fine.
        warnings.simplefilter("ignore")
        import pgserver  # noqa: PLC0415 -- heavy import, only when embedded is used
        from pgserver.utils import DiskList  # noqa: PLC0415

    # pgserver 0.1.4 (pinned) writes with Path.write_text, which truncates the
    # file before writing. Replace that one method; everything else is theirs.
    DiskList.put = _put_atomically
    return pgserver


def _put_atomically(disk_list, values: list[int]) -> None:
    write_pid_list(disk_list.path, values)


def server_lock():
    """pgserver's inter-process lock, which guards the pid list and starts.

    The very object pgserver uses: a second lock object on the same file would
    not exclude this process's own pgserver, and closing it would release theirs.
    """
    return import_pgserver().PostgresServer._lock


def write_pid_list(path: Path, pids: list[int]) -> None:
    """Replace the pid list in one step: readers see the old list or the new one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(pids))
    temporary.replace(path)


def live_users(pgdata: Path) -> list[int]:
    """Return the pids in the list that are alive, dropping the others from it.

    An unreadable list (left by a version that wrote it in place) counts as
    empty. The caller holds ``server_lock()``.
    """
    path = Path(pgdata) / PID_LIST
    try:
        listed = json.loads(path.read_text())
    except FileNotFoundError:
        return []
    except ValueError:
        listed = None
    if not isinstance(listed, list) or not all(isinstance(pid, int) for pid in listed):
        logger.warning("%s is unreadable; starting an empty list", path)
        listed = None
    alive = [pid for pid in listed or [] if _is_alive(pid)]
    if alive != listed:
        write_pid_list(path, alive)
    return alive


def start_watchdog(pgdata: Path) -> None:
    """Start a watchdog for the server on ``pgdata`` unless one runs already.

    A running watchdog holds an exclusive ``flock`` on ``PGDATA/.watchdog.lock``.
    This process takes that lock and hands the very descriptor to the new
    watchdog, so there is no moment at which a second one could start. The
    caller holds ``server_lock()``; a watchdog gives its lock up before that
    lock when it exits, so a server is never left without one.
    """
    pgdata = Path(pgdata)
    descriptor = os.open(pgdata / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # one is watching
        with (pgdata / LOG_FILE).open("ab") as log:
            # It forks and its first process exits at once (see main), so
            # this process neither waits for the watchdog nor leaves a zombie.
            subprocess.run(  # noqa: S603 -- our own interpreter and module
                [sys.executable, "-m", __name__, str(pgdata), str(descriptor)],
                cwd=PROJECT_DIR,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=(descriptor,),
                start_new_session=True,
                check=True,
            )
    finally:
        os.close(descriptor)


def watch(pgdata: Path, lock_descriptor: int) -> None:
    """Stop the server on ``pgdata`` when no listed process is alive any more."""
    lock = server_lock()
    while True:
        time.sleep(POLL_SECONDS)
        with lock:
            postmaster = _postmaster_pid(pgdata)
            if postmaster is not None and not live_users(pgdata):
                _stop(pgdata)
                postmaster = None
            if postmaster is None:
                # Let the next user start a watchdog: give the watchdog lock up
                # while still holding pgserver's.
                os.close(lock_descriptor)
                return


def _is_alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def _postmaster_pid(pgdata: Path) -> int | None:
    """The pid of the server running on ``pgdata``, or None."""
    try:
        pid = int((Path(pgdata) / "postmaster.pid").read_text().split("\n", 1)[0])
    except (FileNotFoundError, ValueError):
        return None
    return pid if _is_alive(pid) else None


def _stop(pgdata: Path) -> None:
    # pg_ctl must run as the owner of the data folder: pgserver runs the server
    # as a user of its own when started by root.
    owner = Path(pgdata).stat().st_uid
    user = owner if owner != os.geteuid() else None
    logger.info("no process uses %s any more; stopping its server", pgdata)
    import_pgserver().pg_ctl(["-w", "stop"], pgdata=Path(pgdata), user=user)


def main(argv: list[str]) -> int:
    pgdata, lock_descriptor = Path(argv[0]), int(argv[1])
    if os.fork():
        return 0  # the starting process waits for this one only
    # Our own lines at INFO, pgserver's (every command it runs) only at WARNING.
    logging.basicConfig(format=f"%(asctime)s watchdog {os.getpid()}: %(message)s")
    logger.setLevel(logging.INFO)
    watch(pgdata, lock_descriptor)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
