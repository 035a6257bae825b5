"""The periodic jobs, run by one process: ``manage.py run_scheduler``.

One table in code (:data:`JOBS`) says which management command runs when, in
Europe/Amsterdam time, so a deployment starts one scheduler process instead of
copying crontab lines. Every job is safe to repeat and to run on several
machines at once (each command says so); the scheduler still makes sure only one
of its kind runs: it holds a PostgreSQL advisory lock for as long as it lives,
and a second scheduler started by mistake waits until the lock is free (so it
takes over when the first one stops).

A job that raises is logged and runs again at its next time; the loop goes on.
The clock and the sleep are injected, so the tests drive a fake clock instead of
waiting.
"""

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import psycopg
from django.core.management import call_command
from django.db import close_old_connections, connections
from django.db.utils import load_backend

logger = logging.getLogger("lef.scheduler")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# pg_try_advisory_lock key of the scheduler ("LEF" "SCHD" as bytes). Advisory
# locks are per database, so every site (and test database) has its own.
LOCK_KEY = 0x4C45_4653_4348_44
# How long to sleep at most between two looks at the clock, and how often a
# waiting scheduler asks for the lock again.
TICK = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class Job:
    """A management command run daily at ``at`` (Amsterdam time) or every ``every``."""

    name: str
    command: Sequence[str]
    at: dt.time | None = None
    every: dt.timedelta | None = None

    def next_run(self, after: dt.datetime) -> dt.datetime:
        """The first moment strictly after ``after`` at which this job is due."""
        if self.every is not None:
            return after + self.every
        if self.at is None:
            raise ValueError(f"Job {self.name} needs `at` or `every`.")
        local = after.astimezone(AMSTERDAM)
        day = local.date()
        while True:
            # Daily times lie outside 02:00-03:00, the hour that summer time skips.
            candidate = dt.datetime.combine(day, self.at, tzinfo=AMSTERDAM)
            if candidate > local:
                return candidate.astimezone(dt.UTC)
            day += dt.timedelta(days=1)


# The schedule. Project update digests before the daily digests, so a member
# with a daily digest gets the project news in that same morning mail (README).
JOBS: tuple[Job, ...] = (
    Job("release_no_shows", ["release_no_shows"], every=dt.timedelta(minutes=5)),
    Job("sweep_images", ["sweep_images"], at=dt.time(3, 30)),
    Job("sweep_documents", ["sweep_documents"], at=dt.time(3, 45)),
    Job(
        "prune_db_task_results",
        ["prune_db_task_results", "--min-age-days", "0", "--failed-min-age-days", "7"],
        at=dt.time(4, 0),
    ),
    Job("forget_registration_details", ["forget_registration_details"], at=dt.time(4, 15)),
    Job("clearsessions", ["clearsessions"], at=dt.time(4, 30)),
    Job("send_project_update_digests", ["send_project_update_digests"], at=dt.time(6, 45)),
    Job("send_digests", ["send_digests"], at=dt.time(7, 0)),
    Job("send_event_reminders", ["send_event_reminders"], at=dt.time(9, 0)),
)


def run_command(job: Job) -> None:
    call_command(*job.command, verbosity=0)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Scheduler:
    """Runs each job when it is due. ``now``, ``sleep`` and ``run`` are injectable."""

    def __init__(
        self,
        jobs: Sequence[Job] = JOBS,
        *,
        now: Callable[[], dt.datetime] = _now,
        sleep: Callable[[float], None] | None = None,
        run: Callable[[Job], None] = run_command,
    ):
        self.jobs = tuple(jobs)
        self.now = now
        self.sleep = sleep or _real_sleep
        self.run = run
        self.due: dict[str, dt.datetime] = {}
        self.start()

    def start(self) -> None:
        """Plan from now: interval jobs at once, daily jobs at their next time."""
        start = self.now()
        self.due = {
            job.name: start if job.every is not None else job.next_run(start) for job in self.jobs
        }

    def run_pending(self) -> list[str]:
        """Run every job that is due now, each once; return their names in order."""
        ran = []
        for job in self.jobs:
            if self.due[job.name] > self.now():
                continue
            logger.info("scheduler: %s starts", job.name)
            try:
                self.run(job)
            except Exception:
                logger.exception("scheduler: %s failed", job.name)
            else:
                logger.info("scheduler: %s done", job.name)
            finally:
                # Give this job's connection back to the pool before sleeping.
                close_old_connections()
            self.due[job.name] = job.next_run(self.now())
            ran.append(job.name)
        return ran

    def seconds_to_next(self) -> float:
        if not self.due:
            return TICK.total_seconds()
        wait = min(self.due.values()) - self.now()
        return max(0.0, min(wait, TICK).total_seconds())

    def loop(self, *, stop: Callable[[], bool]) -> None:
        """Run jobs as they fall due until ``stop()`` is true."""
        while not stop():
            self.run_pending()
            if stop():
                break
            self.sleep(self.seconds_to_next())


def _real_sleep(seconds: float) -> None:
    import time  # noqa: PLC0415

    time.sleep(seconds)


@contextlib.contextmanager
def advisory_lock(alias: str = "default") -> Iterator[Callable[[], bool]]:
    """A connection of its own that can hold the scheduler's advisory lock.

    Yields ``try_lock()``, which returns True once this connection holds the
    lock (and keeps returning True). The lock is a session lock on a connection
    outside the pool, so it lasts exactly as long as this process's hold: it is
    released when the block ends (before it returns), or by PostgreSQL when the
    process dies.
    """
    settings_dict = dict(connections[alias].settings_dict)
    settings_dict["OPTIONS"] = {
        key: value for key, value in settings_dict["OPTIONS"].items() if key != "pool"
    }
    # The backend (embedded or not) gives the connection parameters; the
    # connection itself is a plain psycopg one, unknown to Django's handler.
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=alias)
    connection = wrapper.get_new_connection(wrapper.get_connection_params())
    connection.autocommit = True
    held = False

    def try_lock() -> bool:
        nonlocal held
        if not held:
            row = connection.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()
            held = row[0]
        return held

    try:
        yield try_lock
    finally:
        # Released here, not left to the session's end: a closed connection's
        # server process lets go of its locks a moment after close() returns.
        # A connection the database has lost holds no lock any more.
        try:
            if held:
                with contextlib.suppress(psycopg.Error):
                    connection.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        finally:
            connection.close()


def run_scheduler(
    scheduler: Scheduler,
    *,
    stop: Callable[[], bool],
    on_lock: Callable[[], None] | None = None,
) -> bool:
    """Wait for the lock, then run ``scheduler`` until ``stop()``. True if it held the lock."""
    with advisory_lock() as try_lock:
        waiting_logged = False
        while not try_lock():
            if not waiting_logged:
                logger.warning("scheduler: another scheduler holds the lock; waiting")
                waiting_logged = True
            if stop():
                return False
            scheduler.sleep(TICK.total_seconds())
        logger.info("scheduler: holding the lock; %d jobs", len(scheduler.jobs))
        scheduler.start()  # a scheduler that waited does not run the jobs it waited through
        if on_lock is not None:
            on_lock()
        scheduler.loop(stop=stop)
        return True
