"""``python -m bench``: seed the bench database if needed, measure every page, print a table.

It reports; it does not fail (exit 0), so it can run on any machine. Compare
figures from the same machine only; the ratio to the floor is what travels.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# Always the bench settings: never seed or measure the development database.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models.functions import Lower  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import seed as seeding  # noqa: E402
from bench.pages import EXTRAS, PAGES, TOUCHES, Page  # noqa: E402
from bench.urls import FLOOR_PATH  # noqa: E402
from members.models import Profile, User  # noqa: E402

TARGET_RATIO = 2.5  # warm: median of a page whose cached parts are in the cache
TARGET_COLD_RATIO = 5.0  # cold: the first request after a change the page shows
TARGET_QUERIES = 10
FLOOR_REQUESTS = 100
PERSONAS = {"member": "bench-member", "coordinator": "bench-coordinator"}
SEED_PEOPLE = {"member": "bench-member", "colleague": "bench-colleague"}
# Paths may name tomorrow's date ({tomorrow}): searches for a free place then.
PATH_VALUES = {
    **SEED_PEOPLE,
    "tomorrow": (
        datetime.now(tz=ZoneInfo("Europe/Amsterdam")).date() + timedelta(days=1)
    ).isoformat(),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000, help="members to seed (10000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (5)")
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database anew")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    args = parser.parse_args(argv)

    print(prepare_database(members=args.members, reseed=args.reseed))
    pages = [p for p in PAGES if args.only in p.name]
    rows = measure_all(pages, requests=args.requests, warmup=args.warmup)
    rows += measure_cold(pages, rows, requests=max(10, args.requests // 2))
    print_table(rows, requests=args.requests, warmup=args.warmup)
    for extra in EXTRAS:
        if args.only in extra.__name__:
            figures = extra()
            if figures:
                print(figures)
    return 0


# -- the database -------------------------------------------------------------


def prepare_database(*, members: int, reseed: bool) -> str:
    """Create, migrate and seed the bench database, or reuse it when it matches.

    What was seeded is written as the database's comment, after seeding
    succeeded, so an interrupted seed is never mistaken for a finished one.
    """
    name = settings.DATABASES["default"]["NAME"]
    wanted = {"version": seeding.SEED_VERSION, "members": members}
    # The maintenance connection Django's test runner uses to create databases.
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        found = cursor.fetchone()
        exists = found is not None
        seeded = json.loads(found[0]) if exists and found[0] else None
        if exists and (reseed or seeded != wanted):
            cursor.execute(f"DROP DATABASE {connection.ops.quote_name(name)} WITH (FORCE)")
            exists = False
        if not exists:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if exists:
        return f"Reusing database {name}: {members} members (--reseed to start over)."

    print(f"Seeding database {name} with {members} members ...", flush=True)
    report = seeding.seed(members=members)
    with connection.cursor() as cursor:
        cursor.execute(
            f"COMMENT ON DATABASE {connection.ops.quote_name(name)} IS %s", [json.dumps(wanted)]
        )
    return (
        f"Seeded {report.members} members and {report.organisations} organisations "
        f"in {report.seconds:.1f} s."
    )


# -- measuring ----------------------------------------------------------------


def _client(as_user: str | None) -> Client:
    client = Client()
    if as_user is not None:
        client.force_login(User.objects.get(username=PERSONAS[as_user]))
    return client


def measure(client: Client, path: str, *, requests: int, warmup: int) -> dict:
    """Server time of ``path`` in this process: middleware, view, template, SQL."""
    for _ in range(warmup):
        response = client.get(path)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    # Counted on an extra, untimed request: capturing SQL slows the cursor down.
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    return {
        "status": response.status_code,
        "median": statistics.median(timings),
        "p95": timings[math.ceil(0.95 * len(timings)) - 1],
        "queries": len(queries.captured_queries),
    }


def measure_all(pages: list[Page], *, requests: int, warmup: int) -> list[dict]:
    clients = {kind: _client(kind) for kind in {p.as_user for p in pages}}
    floors = {}
    rows = []
    for kind, client in clients.items():
        # Every ratio divides by the floor, so it gets more samples (it is cheap).
        floors[kind] = measure(
            client, FLOOR_PATH, requests=max(requests, FLOOR_REQUESTS), warmup=warmup
        )
        rows.append({"name": f"floor ({kind or 'anonymous'})", "as_user": kind} | floors[kind])
    for page in pages:
        path = page.path.format(**PATH_VALUES)
        result = measure(clients[page.as_user], path, requests=requests, warmup=warmup)
        rows.append({"name": page.name, "as_user": page.as_user, "target": page.target} | result)
    for row in rows:
        row["ratio"] = row["median"] / floors[row["as_user"]]["median"]
    return rows


def touch_profiles() -> None:
    """Change the profiles the measured pages show, as a member editing theirs would.

    The colleague (profile page, suggestions) gets a new job title and a new
    expertise tag, the first member of the directory a new job title; each in
    its own committed transaction, so the database raises their revisions and
    the directory generations, and every cached part that depends on them is
    computed again on the next request.
    """
    stamp = f"Docent {time.perf_counter_ns() % 100_000}"
    colleague = Profile.objects.get(user__username=SEED_PEOPLE["colleague"])
    tags = [tag for tag in colleague.expertise if not tag.startswith("bench ")]
    Profile.objects.filter(pk=colleague.pk).update(
        job_title=stamp, expertise=[*tags, f"bench {stamp}"]
    )
    first = Profile.objects.listed().order_by(Lower("user__name"), "user__username").first()
    Profile.objects.filter(pk=first.pk).update(job_title=stamp)


def touch() -> None:
    """Change what the cached pages show: the profiles, then each of bench.pages.TOUCHES."""
    touch_profiles()
    for change in TOUCHES:
        change()


def measure_cold(pages: list[Page], warm_rows: list[dict], *, requests: int) -> list[dict]:
    """The first request after a change (``touch``), for the pages that cache (``cold=True``)."""
    floors = {row["as_user"]: row for row in warm_rows if row["name"].startswith("floor")}
    clients = {kind: _client(kind) for kind in {p.as_user for p in pages if p.cold}}
    rows = []
    for page in pages:
        if not page.cold:
            continue
        client = clients[page.as_user]
        path = page.path.format(**PATH_VALUES)
        timings = []
        change = touch_profiles if page.touch == "profiles" else touch
        for _ in range(requests):
            change()
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        change()
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        timings.sort()
        median = statistics.median(timings)
        rows.append(
            {
                "name": f"{page.name} (cold)",
                "as_user": page.as_user,
                "status": response.status_code,
                "median": median,
                "p95": timings[math.ceil(0.95 * len(timings)) - 1],
                "queries": len(queries.captured_queries),
                "ratio": median / floors[page.as_user]["median"],
                "cold": True,
                "target": page.target,
            }
        )
    return rows


# -- reporting ----------------------------------------------------------------


def print_table(rows: list[dict], *, requests: int, warmup: int) -> None:
    print()
    print(
        f"Server time per page, in-process (Django test client), DEBUG off, "
        f"{requests} requests after {warmup} warm-up."
    )
    print(
        f"Targets: median <= {TARGET_RATIO:g}x the floor (the bare layout) for the same "
        f"visitor, and <= {TARGET_COLD_RATIO:g}x for the first request after a change the "
        f"page shows (cold); <= {TARGET_QUERIES} SQL queries; status 200. Visitors' pages that "
        "read the database have no target: their floor reads nothing."
    )
    header = f"{'page':<36} {'visitor':<11} {'status':>6} {'median ms':>10} {'p95 ms':>8}"
    header += f" {'queries':>8} {'x floor':>8}  target"
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        misses = []
        if row["status"] != 200:
            misses.append(f"status {row['status']}")
        target = TARGET_COLD_RATIO if row.get("cold") else TARGET_RATIO
        if row["ratio"] > target:
            misses.append(f"ratio > {target:g}")
        if row["queries"] > TARGET_QUERIES:
            misses.append(f"queries > {TARGET_QUERIES}")
        verdict = "MISS: " + ", ".join(misses) if misses else "ok"
        if not row.get("target", True):
            verdict = "(no target)"
        print(
            f"{row['name']:<36} {row['as_user'] or 'anonymous':<11} {row['status']:>6} "
            f"{row['median']:>10.1f} {row['p95']:>8.1f} {row['queries']:>8} "
            f"{row['ratio']:>7.1f}x  {verdict}"
        )
    print()


if __name__ == "__main__":
    sys.exit(main())
