import datetime as dt
import threading
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command, get_commands
from django.utils import timezone

from lef import scheduler
from lef.scheduler import JOBS, Job, Scheduler, advisory_lock, run_command, run_scheduler
from tests.helpers import run_at_once

UTC = dt.UTC


class FakeClock:
    """A clock that only moves when the scheduler sleeps."""

    def __init__(self, start: dt.datetime):
        self.current = start
        self.sleeps: list[float] = []

    def now(self) -> dt.datetime:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.current += dt.timedelta(seconds=seconds)


def test_daily_job_runs_at_its_amsterdam_time_across_summer_time():
    job = Job("digest", ["send_digests"], at=dt.time(7, 0))

    # Winter time (UTC+1) on Saturday 28 March 2026; summer time (UTC+2) from Sunday.
    assert job.next_run(dt.datetime(2026, 3, 28, 5, 0, tzinfo=UTC)) == dt.datetime(
        2026, 3, 28, 6, 0, tzinfo=UTC
    )
    assert job.next_run(dt.datetime(2026, 3, 28, 6, 0, tzinfo=UTC)) == dt.datetime(
        2026, 3, 29, 5, 0, tzinfo=UTC
    )


def test_interval_job_next_run_is_one_interval_later():
    job = Job("release", ["release_no_shows"], every=dt.timedelta(minutes=5))
    moment = dt.datetime(2026, 12, 7, 5, 0, tzinfo=UTC)

    assert job.next_run(moment) == dt.datetime(2026, 12, 7, 5, 5, tzinfo=UTC)


def test_scheduler_runs_each_job_at_its_time_on_a_fake_clock():
    clock = FakeClock(dt.datetime(2026, 12, 7, 5, 48, tzinfo=UTC))  # 06:48 in Amsterdam
    ran: list[tuple[str, dt.datetime]] = []
    jobs = [
        Job("release", ["release_no_shows"], every=dt.timedelta(minutes=5)),
        Job("digest", ["send_digests"], at=dt.time(7, 0)),
    ]
    sched = Scheduler(
        jobs, now=clock.now, sleep=clock.sleep, run=lambda job: ran.append((job.name, clock.now()))
    )

    sched.loop(stop=lambda: clock.now() >= dt.datetime(2026, 12, 7, 6, 10, tzinfo=UTC))

    at = lambda h, m: dt.datetime(2026, 12, 7, h, m, tzinfo=UTC)  # noqa: E731
    assert ran == [
        ("release", at(5, 48)),
        ("release", at(5, 53)),
        ("release", at(5, 58)),
        ("digest", at(6, 0)),
        ("release", at(6, 3)),
        ("release", at(6, 8)),
    ]
    # Never a sleep longer than a tick, so a changed clock is noticed soon.
    assert max(clock.sleeps) == scheduler.TICK.total_seconds()


def test_failing_job_is_logged_and_the_others_still_run(caplog):
    clock = FakeClock(dt.datetime(2026, 12, 7, 5, 59, tzinfo=UTC))
    ran: list[str] = []

    def run(job):
        ran.append(job.name)
        if job.name == "broken":
            raise RuntimeError("mail server down")

    jobs = [
        Job("broken", ["sweep_images"], every=dt.timedelta(minutes=1)),
        Job("fine", ["send_digests"], every=dt.timedelta(minutes=1)),
    ]
    sched = Scheduler(jobs, now=clock.now, sleep=clock.sleep, run=run)

    sched.loop(stop=lambda: clock.now() >= dt.datetime(2026, 12, 7, 6, 1, 30, tzinfo=UTC))

    assert ran == ["broken", "fine", "broken", "fine", "broken", "fine"]
    failures = [r for r in caplog.records if r.getMessage() == "scheduler: broken failed"]
    assert len(failures) == 3
    assert failures[0].exc_info[1].args == ("mail server down",)


def test_every_scheduled_command_exists():
    commands = get_commands()

    assert [job.command[0] for job in JOBS if job.command[0] not in commands] == []
    assert {job.name for job in JOBS} == {
        "release_no_shows",
        "sweep_images",
        "sweep_documents",
        "prune_db_task_results",
        "forget_registration_details",
        "clearsessions",
        "send_project_update_digests",
        "send_digests",
        "send_event_reminders",
    }


def test_readme_lists_the_commands_the_scheduler_runs(settings):
    readme = (settings.BASE_DIR / "README.md").read_text()

    assert [
        job.name for job in JOBS if f"python manage.py {' '.join(job.command)}" not in readme
    ] == []


def test_run_scheduler_list_prints_the_schedule():
    out = StringIO()

    call_command("run_scheduler", "--list", stdout=out)

    assert out.getvalue().splitlines()[:2] == [
        "release_no_shows: every 0:05:00 (release_no_shows)",
        "sweep_images: daily at 03:30 (sweep_images)",
    ]


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_schedulers_holds_the_lock():
    both_tried = threading.Barrier(2)

    def contender():
        with advisory_lock() as try_lock:
            held = try_lock()
            both_tried.wait(timeout=30)
            return held

    outcomes = run_at_once([contender, contender])

    assert sorted(outcomes) == [False, True]
    # Released at the end of the block: the next one gets it.
    with advisory_lock() as try_lock:
        assert try_lock() is True


@pytest.mark.django_db(transaction=True)
def test_waiting_scheduler_takes_over_when_the_first_stops():
    first_running = threading.Event()
    first_may_stop = threading.Event()
    second_ran: list[str] = []

    def first():
        sched = Scheduler([], sleep=lambda s: first_may_stop.wait(1))
        return run_scheduler(sched, stop=first_may_stop.is_set, on_lock=first_running.set)

    def second():
        first_running.wait(30)
        clock = FakeClock(dt.datetime(2026, 12, 7, 5, 0, tzinfo=UTC))
        waits = []

        def sleep(seconds):
            waits.append(seconds)
            first_may_stop.set()  # the first scheduler stops while this one waits
            clock.sleep(seconds)

        sched = Scheduler(
            [Job("release", ["release_no_shows"], every=dt.timedelta(minutes=5))],
            now=clock.now,
            sleep=sleep,
            run=lambda job: second_ran.append(job.name),
        )
        held = run_scheduler(sched, stop=lambda: bool(second_ran))
        return held, waits[0]

    outcomes = run_at_once([first, second])

    assert outcomes == [True, (True, scheduler.TICK.total_seconds())]
    assert second_ran == ["release"]


@pytest.mark.django_db
def test_the_clearsessions_job_deletes_expired_sessions_only():
    Session.objects.create(
        session_key="expired" * 4, session_data="", expire_date=timezone.now() - dt.timedelta(1)
    )
    Session.objects.create(
        session_key="current" * 4, session_data="", expire_date=timezone.now() + dt.timedelta(1)
    )

    run_command(next(job for job in JOBS if job.name == "clearsessions"))

    assert list(Session.objects.values_list("session_key", flat=True)) == ["current" * 4]
