"""/knowledge/: the library (search and filters) and one result's page.

Views are thin: ``knowledge.filters`` reads the query string,
``knowledge.queries`` reads what the viewer may see, ``knowledge.metadata``
writes the citation and the schema.org data. Publishing, downloads and reports
are in ``knowledge.urls_publish``; OAI-PMH in ``knowledge.oai``.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from knowledge import metadata
from knowledge.filters import LibraryFilterForm
from knowledge.models import Result
from knowledge.permissions import result_permissions
from knowledge.queries import agreed_authors, library_page, result_by_slug
from lef.choices import CoreActivity, Transition
from lef.http import members_only
from members.models import audience

RESULTS_PER_PAGE = 12


@require_safe
def library(request):
    """The library: results the viewer may see, searched and filtered, 12 a page.

    An htmx request (the filter form changed) gets only the results (the
    page's ``results`` partial); without JavaScript the form is an ordinary
    GET form. Two queries whatever the number of results: the count and the
    page (each result with its project).
    """
    form = LibraryFilterForm(data=request.GET)
    page = library_page(
        viewer=request.user,
        page_number=request.GET.get("page"),
        per_page=RESULTS_PER_PAGE,
        **form.filters(),
    )
    for result in page.object_list:
        result.licence_short = metadata.LICENCE_SHORT.get(result.licence, "")
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "form": form,
        "page_obj": page,
        "results": page.object_list,
        "filter_params": form.active_params(),
        "partial": partial,
    }
    template = "knowledge/library.html"
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def result_detail(request, slug):
    """A result's page: what it is, who made it, its licence, how to cite it, the file.

    A hidden result is a 404 but for coordinators and the project's team, who
    see it with a notice (knowledge/includes/result_actions.html, with the
    download, edit and report buttons); a members-only result asks a visitor
    to log in, as a members-only project does.
    """
    try:
        result = result_by_slug(slug)
    except Result.DoesNotExist as missing:
        raise Http404 from missing
    # Most views are of a result anyone may see: no query. Otherwise the one rule
    # for a result (knowledge.permissions): its team and coordinators see it too.
    if (
        not result.is_visible_to(request.user)
        and not result_permissions(request.user, result).view
    ):
        if result.is_hidden or request.user.is_authenticated:
            raise Http404
        return members_only(request, what=_("This result"))
    authors = agreed_authors(result, seen_by=audience(request.user))
    context = {
        "result": result,
        "project": result.project,
        "authors": authors,
        "transitions": metadata.labels(Transition, result.transitions),
        "activities": metadata.labels(CoreActivity, result.core_activities),
        "licence_short": metadata.LICENCE_SHORT.get(result.licence, ""),
        "licence_deed_url": metadata.licence_deed_url(result.licence),
        "citation": metadata.citation(result, authors),
        "permanent_url": metadata.permanent_url(result),
        "json_ld": metadata.json_ld_script(metadata.json_ld(result, authors)),
    }
    return render(request, "knowledge/result.html", context)
