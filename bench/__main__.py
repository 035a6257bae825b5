"""``python -m bench``: seed the bench database if needed, measure every page, print a table.

There is no page cache (README, "Speed"): every request reads everything it
shows from the database, so these figures are the first visit after a change
too. A page is fast because its queries are good. Should a cache ever be
added, it gets a settings switch and this bench measures the page with it off
and on, side by side (DESIGN.md, "Speed, simply"); the targets hold with it off.

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
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import seed as seeding  # noqa: E402
from bench.pages import EXTRAS, PAGES, Page  # noqa: E402
from bench.urls import FLOOR_PATH  # noqa: E402
from members.models import User  # noqa: E402

TARGET_RATIO = 3.0  # median, against the floor
TARGET_QUERIES = 10
FLOOR_REQUESTS = 100
PERSONAS = {"member": "bench-member", "coordinator": "bench-coordinator"}


def path_values() -> dict[str, str]:
    """What page paths may name in braces: seeded people, tomorrow, a one-person project."""
    from projects.models import Membership, Project  # noqa: PLC0415 -- needs django.setup()

    small = (
        Project.objects.filter(visibility=Project.Visibility.PUBLIC)
        .annotate(
            team=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
        )
        .filter(team=1)
        .order_by("pk")
        .values_list("slug", flat=True)
        .first()
    )
    return {
        "member": "bench-member",
        "colleague": "bench-colleague",
        "small_project": small or "",
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
    values = path_values()
    rows = measure_all(pages, values, requests=args.requests, warmup=args.warmup)
    print_table(pages, rows, requests=args.requests, warmup=args.warmup)
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


def measure(
    client: Client, path: str, *, requests: int, warmup: int, floor: Client | None = None
) -> dict:
    """Server time of ``path`` in this process: middleware, view, template, SQL.

    With ``floor`` (a client), each timed request of the page follows one of
    the floor page by that client, and the result holds the floor's median of
    those requests too: page and floor are timed in the same seconds, so a
    machine that gets busier or quieter during the run moves both alike and
    their ratio stays what the page costs.
    """
    for _ in range(warmup):
        response = client.get(path)
    timings, floor_timings = [], []
    for _ in range(requests):
        if floor is not None:
            started = time.perf_counter()
            floor.get(FLOOR_PATH)
            floor_timings.append((time.perf_counter() - started) * 1000)
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
        "floor": statistics.median(floor_timings) if floor_timings else None,
    }


def measure_all(pages: list[Page], values: dict, *, requests: int, warmup: int) -> dict:
    """{"floor (<visitor>)" or a page's name: figures}, each ratio against its floor.

    A visitor's floor reads nothing from the database, so visitors' pages are
    held against the member's floor (the same layout with the session and user
    read). Each page's ratio divides by the floor timed between its own
    requests (:func:`measure`); the floor rows show the floor on its own.
    """
    clients = {kind: _client(kind) for kind in {p.as_user for p in pages} | {"member"}}
    rows = {}
    for kind, client in clients.items():
        floor = measure(client, FLOOR_PATH, requests=max(requests, FLOOR_REQUESTS), warmup=warmup)
        rows[f"floor ({kind or 'anonymous'})"] = floor | {"as_user": kind, "ratio": 1.0}
    for page in pages:
        floor_client = clients[page.as_user or "member"]
        result = measure(
            clients[page.as_user],
            page.path.format(**values),
            requests=requests,
            warmup=warmup,
            floor=floor_client,
        )
        ratio = result["median"] / result["floor"]
        rows[page.name] = result | {"as_user": page.as_user, "ratio": ratio}
    return rows


# -- reporting ----------------------------------------------------------------


def verdict(page: Page, row: dict, rows: dict) -> str:
    misses = []
    if row["status"] != 200:
        misses.append(f"status {row['status']}")
    if row["ratio"] > TARGET_RATIO:
        misses.append(f"ratio > {TARGET_RATIO:g}")
    allowed = TARGET_QUERIES + page.extra_queries
    if row["queries"] > allowed:
        misses.append(f"queries > {allowed}")
    if page.same_queries_as and page.same_queries_as in rows:
        other = rows[page.same_queries_as]["queries"]
        if other != row["queries"]:
            misses.append(f"queries {row['queries']} != {other} of '{page.same_queries_as}'")
    return "MISS: " + ", ".join(misses) if misses else "ok"


def print_table(pages: list[Page], rows: dict, *, requests: int, warmup: int) -> None:
    print()
    print(
        f"Server time per page, in-process (Django test client), DEBUG off, "
        f"{requests} requests after {warmup} warm-up."
    )
    print(
        f"Targets: median <= {TARGET_RATIO:g}x the floor (the bare layout; the member's floor "
        f"for visitors' pages), <= {TARGET_QUERIES} SQL queries (Mijn LEF: one more per app "
        "section), the same count for one row and many; status 200."
    )
    header = f"{'page':<36} {'visitor':<11} {'status':>6} {'median ms':>10} {'p95 ms':>8}"
    header += f" {'queries':>8} {'x floor':>8}  target"
    print()
    print(header)
    print("-" * len(header))
    floor_names = [name for name in rows if name.startswith("floor")]
    for name in [*floor_names, *(page.name for page in pages)]:
        page = next((p for p in pages if p.name == name), None)
        row = rows[name]
        print(
            f"{name:<36} {row['as_user'] or 'anonymous':<11} {row['status']:>6} "
            f"{row['median']:>10.1f} {row['p95']:>8.1f} {row['queries']:>8} "
            f"{row['ratio']:>7.1f}x  {'' if page is None else verdict(page, row, rows)}"
        )
    print()


if __name__ == "__main__":
    sys.exit(main())
