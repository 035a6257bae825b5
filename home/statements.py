"""The site's statements: privacy, accessibility, and security.txt for researchers.

Their texts are in the templates; what varies per site (who runs it, where to
write) comes from the settings, and the retention periods from the code that
enforces them (the scheduler's jobs, events.retention), so a statement cannot
promise other terms than the jobs keep. The backups' terms are the settings the
backup service reads too (BACKUP_KEEP_DAILY, BACKUP_KEEP_MONTHLY in compose.yaml).
"""

import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from events.retention import DETAILS_KEPT
from lef.scheduler import JOBS

# The day the statements were last checked against the code; shown on the pages.
REVIEWED_ON = dt.date(2026, 12, 7)
# security.txt must expire within a year (RFC 9116); each answer is valid this long.
SECURITY_TXT_VALID = dt.timedelta(days=180)


def failed_mail_kept_days() -> int:
    """How many days a mail that could not be delivered stays in the queue: the
    ``--failed-min-age-days`` of the scheduler's pruning job."""
    [job] = [job for job in JOBS if job.name == "prune_db_task_results"]
    arguments = list(job.command)
    return int(arguments[arguments.index("--failed-min-age-days") + 1])


def _statement_context() -> dict:
    return {
        "organisation": settings.LEF_ORGANISATION_NAME,
        "contact_email": settings.LEF_CONTACT_EMAIL,
        "security_email": settings.LEF_SECURITY_EMAIL,
        "reviewed_on": REVIEWED_ON,
    }


@require_safe
def privacy(request):
    """/privacy/: the privacy statement (privacyverklaring): who is responsible,
    which data, why, for how long, who receives it, and the member's rights."""
    return render(
        request,
        "home/privacy.html",
        {
            **_statement_context(),
            "details_kept_days": DETAILS_KEPT.days,
            "failed_mail_kept_days": failed_mail_kept_days(),
            "backup_daily_kept": settings.BACKUP_KEEP_DAILY,
            "backup_monthly_kept": settings.BACKUP_KEEP_MONTHLY,
        },
    )


@require_safe
def accessibility(request):
    """/accessibility/: the accessibility statement (toegankelijkheidsverklaring),
    after the Dutch public sector's model."""
    return render(request, "home/accessibility.html", _statement_context())


@require_safe
def security_txt(request):
    """/.well-known/security.txt (RFC 9116): where to report a vulnerability."""
    expires = (timezone.now() + SECURITY_TXT_VALID).replace(microsecond=0)
    lines = [
        f"Contact: mailto:{settings.LEF_SECURITY_EMAIL}",
        f"Expires: {expires.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: nl, en",
        f"Policy: {request.build_absolute_uri('/privacy/')}#security",
        f"Canonical: {request.build_absolute_uri(request.path)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
