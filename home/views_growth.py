"""/members/me/growth/: a member's own record of professional growth, as a page, CSV and PDF.

Only the signed-in member's own record: no address names another member, so
nobody (a coordinator neither) can open someone else's. The period and the
download's language come in the query string (home.forms.GrowthForm); the
downloads are made in the chosen language (translation.override), the page in
the site's.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from home import growth_pdf
from home.forms import GrowthForm, growth_form
from home.growth import GrowthRecord, growth_record
from lef.admin import csv_response
from lef.notifications import language_of

BAD_REQUEST = 400


def _form(request) -> GrowthForm:
    return growth_form(request.GET, today=timezone.localdate(), language=language_of(request.user))


def _refused(request, form: GrowthForm):
    """The page with the form's messages and no record: a 400, never a download."""
    return render(request, "home/growth.html", {"form": form}, status=BAD_REQUEST)


@never_cache
@login_required
@require_safe
def growth(request):
    """The record on a page, with the period to choose and the two downloads."""
    form = _form(request)
    if not form.is_valid():
        return _refused(request, form)
    record = growth_record(user=request.user, span=form.span)
    return render(
        request,
        "home/growth.html",
        {"form": form, "record": record, "query": _query(form)},
    )


@never_cache
@login_required
@require_safe
def growth_csv(request):
    """The record as one table with a "kind" column, in the chosen language (UTF-8, BOM)."""
    form = _form(request)
    if not form.is_valid():
        return _refused(request, form)
    record = growth_record(user=request.user, span=form.span)
    with translation.override(form.cleaned_data["language"]):
        rows = list(csv_rows(record, absolute=request.build_absolute_uri))
        return csv_response(rows, filename=_("lef-growth"))


@never_cache
@login_required
@require_safe
def growth_pdf_view(request):
    """The record as a PDF to hand to a school, in the chosen language."""
    form = _form(request)
    if not form.is_valid():
        return _refused(request, form)
    record = growth_record(user=request.user, span=form.span)
    with translation.override(form.cleaned_data["language"]):
        pdf = growth_pdf.record_pdf(record, base_url=request.build_absolute_uri("/"))
        filename = f"{_('lef-growth')}-{record.span.first:%Y-%m-%d}-{record.span.last:%Y-%m-%d}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


def _query(form: GrowthForm) -> str:
    """The query string of the downloads: the period and language the page shows."""
    return urlencode(
        {
            "start": form.cleaned_data["start"].isoformat(),
            "end": form.cleaned_data["end"].isoformat(),
            "language": form.cleaned_data["language"],
        }
    )


def csv_rows(record: GrowthRecord, *, absolute=str):
    """The header, then a line per meetup, project and result, in the active language."""
    yield [
        _("kind"),
        _("from"),
        _("until"),
        _("title"),
        _("role or type"),
        _("project"),
        _("hours"),
        _("address"),
    ]
    for meetup in record.meetups:
        day = timezone.localdate(meetup.starts_at)
        yield [
            _("meetup"),
            day.isoformat(),
            day.isoformat(),
            meetup.title,
            "",
            "",
            _hours(meetup.hours),
            absolute(meetup.url),
        ]
    for part in record.projects:
        yield [
            _("project"),
            part.joined.isoformat(),
            part.until.isoformat() if part.until else "",
            part.title,
            part.role,
            "",
            "",
            absolute(part.url),
        ]
    for result in record.results:
        yield [
            _("result"),
            result.published.isoformat(),
            "",
            result.title,
            result.kind,
            result.project,
            "",
            absolute(result.url) if result.url else "",
        ]


def _hours(hours) -> str:
    """1,5 in Dutch, 1.5 in English: as the spreadsheet of that language reads a number."""
    return "" if hours is None else formats.number_format(hours, decimal_pos=1)
