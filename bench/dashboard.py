"""The coordinators' dashboard on the bench data: the page for a school year, and its figures.

Issue 18's target: the dashboard for a school year renders within 5x the
floor's median (the empty layout page), with a fixed number of queries and no
cache of its own. The page is a coordinator's, behind a second factor: the
bench coordinator gets an app code once and a session that passed it.

Measured on the last whole school year, in-process like the page table
(bench/__main__.py), plus ``dashboard_figures`` alone and each figure's share.
"""

import math
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.urls import FLOOR_PATH
from dashboard.figures import KEYS, dashboard_figures, figure
from dashboard.periods import Period
from members.models import User

TARGET_RATIO = 5.0
REQUESTS = 10
FLOOR_REQUESTS = 50
# Any base32 secret: the bench coordinator's app code, never typed.
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 -- bench data only


def _coordinator_client() -> Client:
    """A client signed in as the bench coordinator, whose session passed a second factor."""
    from allauth.account.internal.flows.login import (  # noqa: PLC0415 -- after setup
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str  # noqa: PLC0415
    from allauth.mfa.models import Authenticator  # noqa: PLC0415
    from allauth.mfa.totp.internal.auth import TOTP  # noqa: PLC0415

    user = User.objects.get(username="bench-coordinator")
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        authenticator = TOTP.activate(user, BENCH_TOTP_SECRET).instance
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": authenticator.type}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return client


def _timed(action, times: int) -> list[float]:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


def measure_dashboard() -> str:
    period = Period.school_year(timezone.localdate()).previous_year()
    path = f"/dashboard/?period=school_year&start={period.start.isoformat()}"
    client = _coordinator_client()
    for _ in range(2):
        response = client.get(path)
        client.get(FLOOR_PATH)
    floor = statistics.median(_timed(lambda: client.get(FLOOR_PATH), FLOOR_REQUESTS))
    page = _timed(lambda: client.get(path), REQUESTS)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    ratio = statistics.median(page) / floor
    verdict = "ok" if response.status_code == 200 and ratio <= TARGET_RATIO else "MISS"

    figures = _timed(lambda: dashboard_figures(period), 5)
    each = {key: statistics.median(_timed(lambda key=key: figure(key, period), 3)) for key in KEYS}
    slowest = sorted(each.items(), key=lambda item: -item[1])
    lines = [
        f"Dashboard, {period.label} (coordinator): status {response.status_code}, "
        f"median {statistics.median(page):.1f} ms, "
        f"p95 {page[math.ceil(0.95 * len(page)) - 1]:.1f} ms, "
        f"{len(queries.captured_queries)} queries, {ratio:.1f}x the floor "
        f"({floor:.1f} ms; target <= {TARGET_RATIO:g}x): {verdict}",
        f"  dashboard_figures(): median {statistics.median(figures):.1f} ms "
        f"for {len(KEYS)} figures and their year before ({len(KEYS)} queries)",
        "  per figure (both years): " + ", ".join(f"{key} {ms:.1f} ms" for key, ms in slowest),
    ]
    return "\n".join(lines)
