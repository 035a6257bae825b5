"""``python -m loadtest`` (``make loadtest``): the site under load, with a database restart.

What a run does:

1. starts its own PostgreSQL server (loadtest/database.py: initdb into a fresh
   folder under .loadtest/, a free port on loopback, no root needed) and loads
   the bench data (bench/seed.py: 10 000 members, 3 000 meetups, 200 000
   bookings) from a dump cached in .loadtest/, made by bench's own builder on the
   first run; then ``manage.py migrate`` and the plan
   (loadtest/prepare.py: coordinators with a second factor, what the load uses);
2. starts gunicorn as docs/deploy.md runs it (3 sync workers) with the production
   settings (loadtest/settings.py: lef.settings plus the floor page);
3. runs locust headless (loadtest/locustfile.py) for LOADTEST_SECONDS (90);
4. in the middle, restarts the database server (``pg_ctl stop -m fast``, a
   pause, ``pg_ctl start``) while a probe asks for the home page four times a
   second, and records what every request got meanwhile and when the site
   answered again;
5. prints requests per second and, per page: requests, rps, p50/p95/p99, errors,
   and its throughput as a share of the floor's (the bare layout, signed in, as in
   bench): throughput per connection is 1 / response time (the median, which the
   odd stall of a shared machine does not move), so the share is the floor's
   median time over the page's (target at least 40 %);
6. checks the database: no meetup over its capacity, no overlapping confirmed
   bookings of one resource, no team over its size, and nothing the load users
   were told was confirmed (a sign-up, a booking, a team place) lost.

Exits 1 when a check fails. Figures are from one machine, where the load tool
runs beside the site: compare runs of the same machine only.
"""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from loadtest.database import Server, free_port

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".loadtest"
BIN = Path(sys.executable).parent
DATABASE = "lef_bench"  # the name bench's settings give it; the dump restores into it
SHARE_TARGET = 0.40
FLOOR = "floor"
FRIENDLY_503 = "The site is unavailable for a moment"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WAIT = 120  # seconds a process may take to come up (not a measurement)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__)
    parser.add_argument(
        "--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", "90"))
    )
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOADTEST_USERS", "20")))
    parser.add_argument("--spawn-rate", type=float, default=4.0, help="users started per second")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (docs/deploy.md)")
    parser.add_argument("--members", type=int, default=10_000, help="bench members to seed")
    parser.add_argument("--down", type=float, default=5.0, help="seconds the database is down")
    parser.add_argument("--no-restart", action="store_true", help="leave the database alone")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder and server")
    args = parser.parse_args(argv)

    CACHE.mkdir(exist_ok=True)
    run = CACHE / datetime.now(tz=AMSTERDAM).strftime("run-%Y%m%d-%H%M%S")
    server = Server(run / "db")
    processes: list[subprocess.Popen] = []
    try:
        server.init()
        server.start()
        load_bench_data(server, members=args.members)
        env = site_environment(server, run)
        step("Migrating, writing the plan")
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "createcachetable")
        plan = run / "plan.json"
        subprocess.run(  # noqa: S603 -- our own module
            [BIN / "python", "-m", "loadtest.prepare", str(plan)], cwd=ROOT, env=env, check=True
        )
        port = free_port()
        processes.append(start_web(env, port, workers=args.workers, log=run / "web.log"))
        record = run / "requests.json"
        result = drive(server, port, plan, record, args=args, run=run, processes=processes)
        return report(server, record, result, args=args)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=WAIT)
        if args.keep:
            print(f"Kept {run} (the server is stopped: {server.pgdata}).")
            if server.running():
                server.stop()
        else:
            server.remove()  # the logs stay in the run's folder, the last few runs'
            for old in sorted(CACHE.glob("run-*"))[:-3]:
                shutil.rmtree(old, ignore_errors=True)


def step(text: str) -> None:
    print(f"[{datetime.now(tz=AMSTERDAM):%H:%M:%S}] {text} ...", flush=True)


# -- the data -------------------------------------------------------------------------


def load_bench_data(server: Server, *, members: int) -> None:
    """Restore the cached dump of the bench data, or seed it with bench's builder and dump it."""
    sys.path.insert(0, str(ROOT))
    dump = CACHE / f"bench-v{_seed_version()}-{members}-{_migrations_digest()}.dump"
    if dump.exists():
        step(f"Restoring the bench data from {dump.relative_to(ROOT)}")
        server.restore(DATABASE, dump)
        return
    step(f"Seeding the bench data ({members} members; once, then cached in .loadtest/)")
    env = {
        **os.environ,
        "DATABASE_URL": server.url(DATABASE),
        "PYTHONPATH": str(ROOT),
    }
    code = (
        "from bench.__main__ import prepare_database; "
        f"print(prepare_database(members={members}, reseed=False))"
    )
    subprocess.run([BIN / "python", "-c", code], cwd=ROOT, env=env, check=True)  # noqa: S603
    server.dump(DATABASE, dump)
    for old in CACHE.glob("bench-v*.dump"):
        if old != dump:
            old.unlink()


def _migrations_digest() -> str:
    """Our migrations as they are now: a dump made under others is not restored.

    ``migrate`` after a restore applies migrations that are new, but not one
    that was changed after the dump applied it (as happens before it lands).
    """
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _seed_version() -> int:
    text = (ROOT / "bench" / "seed.py").read_text()
    line = next(line for line in text.splitlines() if line.startswith("SEED_VERSION"))
    return int(line.split("=")[1])


# -- the site -------------------------------------------------------------------------


def site_environment(server: Server, run: Path) -> dict:
    """The production settings, from the environment, as docs/deploy.md sets them."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(run)),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "loadtest.settings",
        "DEBUG": "0",
        "SECRET_KEY": "loadtest-only-secret-key-not-for-any-site-5e1d7c30a8",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": server.url(DATABASE),
        # Behind the (imagined) TLS proxy: the load users send X-Forwarded-For and
        # X-Forwarded-Proto as Caddy does, so HTTPS redirects and secure cookies hold.
        "TRUSTED_PROXY_COUNT": "1",
        "TASKS_DATABASE_BACKEND": "1",  # mail is queued in the database, as in production
        "MEDIA_ROOT": str(run / "media"),
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603 -- our own manage.py
        [BIN / "python", "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def start_web(env: dict, port: int, *, workers: int, log: Path) -> subprocess.Popen:
    step(f"Starting gunicorn ({workers} workers) on 127.0.0.1:{port}")
    with log.open("wb") as out:
        web = subprocess.Popen(  # noqa: S603 -- our own command
            [
                BIN / "gunicorn",
                "lef.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + WAIT
    while fetch(port, "/healthz")[0] != 200:
        if web.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"gunicorn did not come up; see {log}")
        time.sleep(0.3)
    return web


def fetch(port: int, path: str, timeout: float = 30) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"X-Forwarded-Proto": "https", "Accept-Language": "en"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


# -- the run --------------------------------------------------------------------------


class Probe(threading.Thread):
    """The home page, four times a second: what a visitor got, and when."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.seen: list[tuple[float, int, float, bool]] = []  # start, status, seconds, friendly
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            started = time.time()
            status, body = fetch(self.port, "/", timeout=30)
            self.seen.append(
                (started, status, time.time() - started, status == 503 and FRIENDLY_503 in body)
            )
            self.done.wait(0.25)


def drive(server: Server, port: int, plan: Path, record: Path, *, args, run: Path, processes):
    env = {
        **os.environ,
        "LOADTEST_PLAN": str(plan),
        "LOADTEST_RECORD": str(record),
        "PYTHONPATH": str(ROOT),
    }
    step(
        f"Running locust: {args.users} users, {args.spawn_rate:g} started per second, "
        f"{args.seconds} s"
    )
    with server.connect(DATABASE) as conn:
        over_capacity = {row[0]: row[3] for row in conn.execute(CONFIRMED_OVER_CAPACITY)}
    probe = Probe(port)
    probe.start()
    started = time.time()
    with (run / "locust.log").open("wb") as out:
        locust = subprocess.Popen(  # noqa: S603 -- the load tool
            [
                BIN / "locust",
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--stop-timeout",
                "10",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    processes.append(locust)
    restart = {}
    if not args.no_restart:
        time.sleep(max(0.0, started + args.seconds / 2 - time.time()))
        restart["stopping"] = time.time()
        step("Stopping the database server (pg_ctl stop -m fast)")
        server.stop("fast")
        restart["down"] = time.time()
        time.sleep(args.down)
        step("Starting it again")
        restart["starting"] = time.time()
        server.start()
        restart["up"] = time.time()
    locust.wait(timeout=args.seconds + WAIT)
    probe.done.set()
    probe.join()
    if not record.exists():
        sys.exit(f"locust wrote no record; see {run / 'locust.log'}")
    return {
        "started": started,
        "restart": restart,
        "probe": probe.seen,
        "over_capacity": {str(pk): count for pk, count in over_capacity.items()},
    }


# -- the report -----------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def report(server: Server, record: Path, result: dict, *, args) -> int:
    data = json.loads(record.read_text())
    requests = data["requests"]  # start, method, name, status, ms, friendly
    restart, probe = result["restart"], result["probe"]
    started = result["started"]
    warmup = min(15.0, args.seconds / 6)
    outage = outage_window(restart, probe)
    failures = []

    def measured(start: float, ms: float) -> bool:
        """After the warm-up, not overlapping the restart (to 2 s after the site is back)."""
        overlaps = outage is not None and start <= outage[1] + 2 and start + ms / 1000 >= outage[0]
        return start >= started + warmup and not overlaps

    span = (started + args.seconds) - (started + warmup)
    if outage is not None:
        span -= outage[1] + 2 - outage[0]
    by_page = defaultdict(list)
    errors = defaultdict(int)
    for start, _method, name, status, ms, _friendly in requests:
        if measured(start, ms):
            by_page[name].append(ms)
            if status >= 500 or status == 0:
                errors[name] += 1
    total = sum(len(times) for times in by_page.values())
    print()
    print(
        f"Load: {args.users} users for {args.seconds} s; gunicorn {args.workers} sync workers; "
        f"locust, the site and PostgreSQL on this one machine ({os.cpu_count()} cores)."
    )
    print(
        f"Measured: {span:.0f} s (after {warmup:.0f} s of warm-up, without the database's "
        f"restart and 2 s after it); {total} requests, {total / span:.1f} requests per second."
    )
    print_table(by_page, errors, span)
    steady_errors = sum(errors.values())
    if steady_errors:
        failures.append(f"{steady_errors} server errors outside the database's restart")

    if restart:
        failures += report_outage(restart, probe, requests, outage)
    failures += report_checks(server, data["told"], over_before=result["over_capacity"])
    print()
    if failures:
        print("FAILED: " + "; ".join(failures) + ".")
        return 1
    print("All checks passed.")
    return 0


def print_table(by_page: dict, errors: dict, span: float) -> None:
    floor = by_page.get(FLOOR)
    floor_median = statistics.median(floor) if floor else None
    header = (
        f"{'page':<40} {'requests':>8} {'rps':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f" {'errors':>6} {'share':>6}"
    )
    print()
    print(header)
    print("-" * len(header))
    misses = []
    order = sorted(by_page, key=lambda name: (name != FLOOR, name))
    for name in order:
        times = by_page[name]
        share = floor_median / statistics.median(times) if floor_median else float("nan")
        mark = " <" if share < SHARE_TARGET else ""
        if share < SHARE_TARGET:
            misses.append(name)
        print(
            f"{name:<40} {len(times):>8} {len(times) / span:>6.1f} {percentile(times, 0.5):>7.0f}"
            f" {percentile(times, 0.95):>7.0f} {percentile(times, 0.99):>7.0f}"
            f" {errors[name]:>6} {share:>5.0%}{mark}"
        )
    print()
    print(
        "share: the page's throughput per connection (1 / median time) as a share of the "
        f"floor's ({FLOOR}: the bare layout, signed in); target {SHARE_TARGET:.0%}, "
        "'<' marks a miss."
    )
    if misses:
        print(f"Below {SHARE_TARGET:.0%}: {', '.join(misses)}.")


def outage_window(restart: dict, probe: list) -> tuple[float, float] | None:
    """From the stop of the server to the first good answer after its start."""
    if not restart:
        return None
    back = next(
        (start for start, status, _s, _f in probe if start >= restart["up"] and status == 200),
        None,
    )
    return restart["stopping"], back or restart["up"] + 60


def report_outage(restart: dict, probe: list, requests: list, outage) -> list[str]:
    failures = []
    stopping, up = restart["stopping"], restart["up"]
    back = outage[1]
    during = [r for r in requests if stopping <= r[0] <= back]
    statuses = defaultdict(int)
    for _start, _method, _name, status, _ms, friendly in during:
        statuses["503 friendly" if friendly else str(status)] += 1
    probe_during = [p for p in probe if stopping <= p[0] <= back]
    slowest = max([r[4] / 1000 for r in during] + [p[2] for p in probe_during], default=0)
    unfriendly = sum(1 for r in during if r[3] >= 500 and not r[5]) + sum(
        1 for p in probe_during if p[1] >= 500 and not p[3]
    )
    print()
    print(
        f"Database restart: stopped in {restart['down'] - stopping:.1f} s, down "
        f"{restart['starting'] - restart['down']:.1f} s, started in "
        f"{up - restart['starting']:.1f} s."
    )
    print(
        f"Site back {back - up:.1f} s after the server was up (first 200 of the probe); "
        f"{len(during)} load requests in between: "
        + ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items()))
        + f"; the slowest answer took {slowest:.1f} s."
    )
    print(
        f"Probe (GET / every 0.25 s) in between: "
        f"{sum(1 for p in probe_during if p[3])} friendly 503, "
        f"{sum(1 for p in probe_during if p[1] == 200)} x 200, "
        f"{sum(1 for p in probe_during if p[1] not in {200, 503})} other."
    )
    if unfriendly:
        failures.append(f"{unfriendly} answers during the restart were errors but not the 503")
    if back - up > 10:
        failures.append(f"the site took {back - up:.0f} s to come back")
    if slowest > 10:
        failures.append(f"a request hung {slowest:.0f} s during the restart")
    return failures


# -- the checks -----------------------------------------------------------------------

# Meetups over capacity: counted before the run and after it, so that only the
# load's doing counts (the bench data seeds none: bench/seed_events.py puts
# sign-ups past a meetup's places on its waiting list, as the site does).
CONFIRMED_OVER_CAPACITY = """
    SELECT e.id, e.slug, e.capacity, count(*) FROM events_event e
    JOIN events_registration r ON r.event_id = e.id
    WHERE r.status = 'confirmed' AND NOT r.walk_in AND e.capacity IS NOT NULL
    GROUP BY e.id HAVING count(*) > e.capacity
"""
# Each confirmed booking against the latest end of the earlier ones of its resource.
DOUBLE_BOOKED = """
    SELECT resource_id, start FROM (
        SELECT resource_id, start, max("end") OVER (
            PARTITION BY resource_id ORDER BY start, id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS earlier_end
        FROM spaces_booking WHERE status = 'confirmed'
    ) b WHERE start < earlier_end
"""
OVER_TEAM_SIZE = """
    SELECT p.slug, p.max_team_size, count(*) FROM projects_project p
    JOIN projects_membership m ON m.project_id = p.id
    WHERE m.status = 'active' AND p.max_team_size IS NOT NULL
    GROUP BY p.id HAVING count(*) > p.max_team_size
"""
SIGN_UPS = """
    SELECT u.email, e.slug, r.status, r.confirmed_at IS NOT NULL FROM events_registration r
    JOIN events_event e ON e.id = r.event_id JOIN members_user u ON u.id = r.member_id
    WHERE e.slug = ANY(%s) AND u.email = ANY(%s)
"""
BOOKINGS = """
    SELECT u.email, s.slug, b.start, b.id, b.status FROM spaces_booking b
    JOIN spaces_resource s ON s.id = b.resource_id JOIN members_user u ON u.id = b.booker_id
    WHERE u.email = ANY(%s) AND b.start >= now()
"""
MEMBERSHIPS = """
    SELECT u.email, p.slug, m.status FROM projects_membership m
    JOIN projects_project p ON p.id = m.project_id JOIN members_user u ON u.id = m.member_id
    WHERE p.slug = ANY(%s) AND u.email = ANY(%s)
"""


def report_checks(server: Server, told: list, *, over_before: dict) -> list[str]:
    failures = []
    print()
    with server.connect(DATABASE) as conn:
        over = [
            (slug, capacity, count)
            for pk, slug, capacity, count in conn.execute(CONFIRMED_OVER_CAPACITY)
            if count > over_before.get(str(pk), 0)
        ]
        print(
            f"Integrity: {len(over)} meetups over their capacity by the run "
            f"({len(over_before)} over it before the run)."
        )
        if over:
            failures.append(f"{len(over)} meetups over their capacity ({over[:3]})")
        for label, sql in [
            ("overlapping confirmed bookings of one resource", DOUBLE_BOOKED),
            ("teams over their size", OVER_TEAM_SIZE),
        ]:
            rows = conn.execute(sql).fetchall()
            print(f"Integrity: {len(rows)} {label}.")
            if rows:
                failures.append(f"{len(rows)} {label} ({rows[:3]})")
        lost = lost_confirmations(conn, told)
    counts = defaultdict(int)
    for entry in told:
        counts[entry[1]] += 1
    print(
        "Told the load users: "
        + ", ".join(f"{count} {what}" for what, count in sorted(counts.items()))
        + "."
    )
    print(f"Lost: {len(lost)} of the confirmed sign-ups, bookings and team places.")
    for line in lost[:10]:
        print(f"  lost: {line}")
    if lost:
        failures.append(f"{len(lost)} confirmed sign-ups, bookings or team places lost")
    return failures


def lost_confirmations(conn, told: list) -> list[str]:
    """What a load user was told was confirmed and is not there (or not as it should be)."""
    emails = sorted({entry[2] for entry in told})
    last: dict[tuple, str] = {}  # (kind, email, key) -> the last thing said about it
    for _t, what, email, *key in told:
        kind = {
            "signed_up": "meetup",
            "left_meetup": "meetup",
            "unsure_left_meetup": "meetup",
            "joined": "team",
            "left_team": "team",
            "unsure_left_team": "team",
        }.get(what)
        if kind:
            last[(kind, email, key[0])] = what

    lost = lost_sign_ups(conn, told, last, emails) + lost_team_places(conn, last, emails)
    return lost + lost_bookings(conn, told, emails)


def lost_sign_ups(conn, told: list, last: dict, emails: list) -> list[str]:
    lost = []
    meetups = sorted({key for kind, _e, key in last if kind == "meetup"})
    found = defaultdict(list)
    for email, slug, status, was_confirmed in conn.execute(SIGN_UPS, [meetups, emails]):
        found[(email, slug)].append((status, was_confirmed))
    for (kind, email, slug), what in last.items():
        if kind != "meetup":
            continue
        rows = found[(email, slug)]
        said_confirmed = any(e[1] == "signed_up" and e[2:4] == [email, slug] for e in told)
        if said_confirmed and not any(was for _status, was in rows):
            lost.append(f"sign-up of {email} for {slug}: no confirmed row")
        elif what == "signed_up" and not any(status == "confirmed" for status, _w in rows):
            lost.append(f"sign-up of {email} for {slug}: no longer confirmed ({rows})")
    return lost


def lost_team_places(conn, last: dict, emails: list) -> list[str]:
    lost = []
    teams = sorted({key for kind, _e, key in last if kind == "team"})
    memberships = defaultdict(list)
    for email, slug, status in conn.execute(MEMBERSHIPS, [teams, emails]):
        memberships[(email, slug)].append(status)
    for (kind, email, slug), what in last.items():
        if kind == "team" and what == "joined" and "active" not in memberships[(email, slug)]:
            lost.append(f"team place of {email} in {slug}: {memberships[(email, slug)]}")
    return lost


def lost_bookings(conn, told: list, emails: list) -> list[str]:
    lost = []
    cancelled = {
        entry[3] for entry in told if entry[1] in {"cancelled_booking", "unsure_cancelled_booking"}
    }
    bookings = {}
    for email, slug, start, pk, status in conn.execute(BOOKINGS, [emails]):
        bookings.setdefault((email, slug, start), []).append((pk, status))
    for _t, what, email, *key in told:
        if what != "booked":
            continue
        slug, day, start, _end = key
        at = datetime.fromisoformat(f"{day}T{start}").replace(tzinfo=AMSTERDAM)
        rows = bookings.get((email, slug, at), [])
        if not rows:
            lost.append(f"booking of {email}: {slug} {day} {start}: no row")
        elif not any(status == "confirmed" or pk in cancelled for pk, status in rows):
            lost.append(f"booking of {email}: {slug} {day} {start}: {rows}")
    return lost


if __name__ == "__main__":
    sys.exit(main())
