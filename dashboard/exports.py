"""Every dashboard figure as a CSV download, for the same period as the page.

The file holds the figure's rows for the period and then for the same period a
year earlier, each row starting with its period, so a spreadsheet can compare
them. It is the site's CSV (lef.admin.csv_response): a byte-order mark, ";"
between columns in Dutch, formulas defused. The partner report's CSV shows
counts under 5 as "< 5" (dashboard.figures.suppress_small).
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dashboard.figures import KEYS, Figure, figure, suppress_small
from dashboard.periods import Period, period_from_query
from dashboard.views import coordinators_only
from lef.admin import csv_response


def figure_rows(found: Figure, period: Period) -> list[tuple]:
    """The CSV's rows: the header, the period's rows, then the year before's."""
    before = period.previous_year()
    return [
        (_("Period"), *found.columns),
        *((period.label, *row) for row in found.rows),
        *((before.label, *row) for row in found.previous),
    ]


def _download(request, key: str, *, small_hidden: bool):
    if key not in KEYS:
        raise Http404
    period = period_from_query(request.GET, timezone.localdate())
    found = figure(key, period)
    if small_hidden:
        found = suppress_small(found)
    name = f"lef-{key.replace('_', '-')}-{period.start:%Y-%m-%d}"
    return csv_response(figure_rows(found, period), filename=name)


@never_cache
@require_safe
@coordinators_only
def figure_csv(request, key: str):
    """/dashboard/csv/<key>.csv: one figure's numbers, as on the page."""
    return _download(request, key, small_hidden=False)


@never_cache
@require_safe
@coordinators_only
def report_csv(request, key: str):
    """/dashboard/report/csv/<key>.csv: the same, with counts under 5 shown as "< 5"."""
    return _download(request, key, small_hidden=True)
