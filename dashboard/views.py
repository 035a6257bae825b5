"""The coordinators' dashboard, its charts and the report for the partners.

Coordinators only: a visitor is asked to log in, a member gets 403, and a
coordinator passes a second factor first (lef/second_factor.py). Every page
reads the period from the query string (``?period=school_year&start=…``), so a
link, a bookmark and the PDF show the same period.

The page itself runs the figures' queries and shows the tables; each chart is
an ``<img>`` of its own request (see dashboard/charts.py for why).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from dashboard import report
from dashboard.figures import KEYS, dashboard_figures
from dashboard.forms import PeriodForm
from dashboard.periods import Period, period_from_query
from lef.coordinators import is_coordinator
from lef.second_factor import second_factor_required_for_staff


def coordinators_only(view):
    """Visitors log in, members get 403, coordinators pass their second factor; then ``view``."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return second_factor_required_for_staff(view)(request, *args, **kwargs)

    return wrapper


def _period(request) -> Period:
    return period_from_query(request.GET, timezone.localdate())


@never_cache
@require_safe
@coordinators_only
def dashboard(request):
    """/dashboard/: every figure for the chosen period, beside the same period a year earlier."""
    period = _period(request)
    cards = report.cards(dashboard_figures(period), period, small_hidden=False)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "period": period,
            "before": period.previous_year(),
            "form": PeriodForm.for_period(period),
            "cards": cards,
            "shortcuts": report.shortcuts(period, timezone.localdate()),
            "steps": report.steps(period),
            "query": report.query_string(period),
        },
    )


@never_cache
@require_safe
@coordinators_only
def chart(request, key: str):
    """/dashboard/chart/<key>.svg: one figure's chart as SVG, for an ``<img>``
    (:func:`dashboard.report.chart_for` says which)."""
    if key not in KEYS:
        raise Http404
    svg = report.chart_for(key, request.GET, today=timezone.localdate())
    response = HttpResponse(svg, content_type="image/svg+xml")
    # A picture, never a page: even opened on its own it may run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_safe
@coordinators_only
def partner_report(request):
    """/dashboard/report/: the report for the partners, to print (counts under 5 hidden)."""
    return render(request, "dashboard/report.html", report.report_context(_period(request)))


@never_cache
@require_safe
@coordinators_only
def partner_report_pdf(request):
    """/dashboard/report.pdf: the same report as a PDF, made by WeasyPrint from the same HTML."""
    period = _period(request)
    pdf = report.report_pdf(request, period)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"lef-{period.start.isoformat()}-{period.last_day.isoformat()}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
