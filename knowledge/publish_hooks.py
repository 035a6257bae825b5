"""The publishing side's part in lef.hooks (knowledge.hooks names these)."""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from knowledge import services
from knowledge.models import Result
from lef.hooks import TodayLine, TodayList

TODAY_LIMIT = 5


def export(user) -> dict:
    return {"knowledge": services.export_member(user)}


def delete_account(user) -> None:
    services.anonymise_member(user)


def coordinator_today(now) -> list[TodayList]:
    """Results with open reports, those reported first on top. One query."""
    reported = list(
        Result.objects.annotate(
            open_reports=Count("reports", filter=Q(reports__handled_at__isnull=True)),
            first_report=Min("reports__created_at", filter=Q(reports__handled_at__isnull=True)),
        )
        .filter(open_reports__gt=0)
        .only("pk", "title")
        .order_by("first_report", "pk")[: TODAY_LIMIT + 1]
    )
    more = len(reported) > TODAY_LIMIT
    reports_url = reverse("admin:knowledge_resultreport_changelist") + "?handled=no"
    return [
        TodayList(
            heading=gettext("Reported results"),
            lines=tuple(
                TodayLine(
                    title=result.title,
                    url=reverse("admin:knowledge_result_change", args=[result.pk]),
                    count=result.open_reports,
                    badge=ngettext("%(count)d report", "%(count)d reports", result.open_reports)
                    % {"count": result.open_reports},
                    tone="action",
                )
                for result in reported[:TODAY_LIMIT]
            ),
            empty=gettext("No result is waiting for a look."),
            more_url=reports_url if more else "",
            more_label=gettext("All open reports") if more else "",
        )
    ]
