"""lef's own pages: the health check, and the back office's way to the site's login."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

from lef.http import safe_next_url
from lef.scheduler import LOCK_KEY
from lef.second_factor import second_factor_redirect

# A task waiting longer than this (seconds) makes the queue "late" on /healthz.
TASK_QUEUE_LATE_AFTER = 300

# The scheduler's advisory lock (lef.scheduler.LOCK_KEY) held by any session of this database.
_SCHEDULER_SQL = """
SELECT EXISTS (
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 1
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid::bigint = %s AND objid::bigint = %s
)
"""


def _task_queue(now) -> dict:
    """How many tasks are ready to run, and since when the oldest has waited (seconds)."""
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    found = DBTaskResult.objects.ready().aggregate(waiting=Count("pk"), oldest=Min(waiting_since))
    age = max(0, int((now - found["oldest"]).total_seconds())) if found["oldest"] else 0
    late_after = getattr(settings, "TASK_QUEUE_LATE_AFTER", TASK_QUEUE_LATE_AFTER)
    return {
        "status": "late" if age > late_after else "ok",
        "waiting": found["waiting"],
        "oldest_seconds": age,
    }


def _scheduler_running() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_SCHEDULER_SQL, [LOCK_KEY >> 32, LOCK_KEY & 0xFFFF_FFFF])
        return cursor.fetchone()[0]


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 while the database answers, else 503.

    Plain lines (JSON when the request accepts application/json): the
    database; the task queue, with how many tasks are ready and how long the
    oldest has waited ("late" after TASK_QUEUE_LATE_AFTER seconds: no worker
    runs, or it cannot keep up); the scheduler, running when some process holds
    its advisory lock (lef.scheduler). Only the database decides the status: a
    late queue or a stopped scheduler does not make this web process unfit to
    serve pages, and a load balancer taking every node out for it would stop
    the site as well (README, docs/deploy.md). Two queries.
    """
    try:
        queue = _task_queue(timezone.now())
        scheduler = "running" if _scheduler_running() else "not running"
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {"status": "ok", "database": "ok", "task_queue": queue, "scheduler": scheduler}
        )
    lines = [
        "ok",
        "database: ok",
        f"task queue: {queue['status']}, {queue['waiting']} waiting, "
        f"the oldest for {queue['oldest_seconds']} s",
        f"scheduler: {scheduler}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def admin_login(request):
    """/admin/login/: the back office has no login of its own; the site's login serves it.

    So allauth's rate limits and lockouts hold for the back office too, and a
    coordinator logs in once for both. A visitor is sent to the site's login
    (and back); a staff member straight on, once their session passed a second
    factor (else to set one up or type a code: lef.second_factor); a signed-in
    member without access gets the 403 page (sending them to the login again
    would loop). A POST of credentials here logs nobody in.
    """
    next_url = safe_next_url(request, request.GET.get("next")) or reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_staff and request.user.is_active:
            # The admin sends staff here when their session passed no second factor.
            return second_factor_redirect(request, next_url) or HttpResponseRedirect(next_url)
        raise PermissionDenied
    login_url = reverse("account_login")
    return HttpResponseRedirect(f"{login_url}?{urlencode({'next': next_url})}")
