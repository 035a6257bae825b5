"""How members joins the pages that span every app (lef.hooks): the coordinators' today.

The other hooks (Mijn LEF, the export, deletion) are members' own pages and
services; here only what the admin index shows beside the other apps' lists.
"""

from django.db.models import Count, Window
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from lef.hooks import TodayLine, TodayList
from lef.templatetags.lef_tags import short_day
from members.audit_labels import AUDIT_LABELS  # noqa: F401 -- a hook: the history's words
from members.models import Organisation

ORDER = 5  # before the apps built on members

TODAY_LIMIT = 5  # organisations named; the count links to all of them


def coordinator_today(now) -> list[TodayList]:
    """Organisations proposed by members, waiting for a coordinator's approval. One query."""
    proposed = list(
        Organisation.objects.filter(status=Organisation.Status.PROPOSED)
        .select_related("proposed_by")
        .annotate(waiting=Window(Count("pk")))
        .order_by("created_at", "pk")[:TODAY_LIMIT]
    )
    waiting = proposed[0].waiting if proposed else 0
    return [
        TodayList(
            heading=gettext("Organisations to approve"),
            lines=tuple(_proposal_line(organisation) for organisation in proposed),
            empty=gettext("No proposed organisations."),
            more_url=(
                f"{reverse('admin:members_organisation_changelist')}?status__exact=proposed"
                if waiting
                else ""
            ),
            more_label=ngettext(
                "%(counter)s organisation is waiting for approval.",
                "%(counter)s organisations are waiting for approval.",
                waiting,
            )
            % {"counter": waiting}
            if waiting
            else "",
        )
    ]


def _proposal_line(organisation: Organisation) -> TodayLine:
    parts = [organisation.get_kind_display()]
    if organisation.proposed_by is not None:
        parts.append(gettext("proposed by %(name)s") % {"name": organisation.proposed_by})
    parts.append(short_day(organisation.created_at))
    return TodayLine(
        title=organisation.name,
        url=reverse("admin:members_organisation_change", args=[organisation.pk]),
        detail=", ".join(parts),
        tone="action",
    )
