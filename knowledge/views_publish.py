"""Publishing results: add, edit, delete, download, report, and answering as an author.

Views are thin: forms check the shape of the input, ``knowledge.services``
does the work, ``knowledge.permissions`` decides what each viewer may do.
Changes are POST only; a refused action says why with the error's status.
The result's own page (``knowledge:result``) is the library's; its buttons are
``templates/knowledge/includes/result_actions.html``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.csp import CSP
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from knowledge import services
from knowledge.forms import AuthorshipForm, ReportForm, ResultForm, TeamPublishingForm
from knowledge.models import Author, Result
from knowledge.permissions import publish_permissions, result_permissions
from knowledge.services import KnowledgeError, ResultInvalid
from lef.documents import TYPES, stored_exists, stream_stored
from lef.http import members_only, posted
from members.decorators import profile_required
from projects.models import Project


def _project(request, slug: str) -> Project:
    project = get_object_or_404(Project.objects.defer("search_vector"), slug=slug)
    if not project.is_visible_to(request.user):
        raise PermissionDenied
    return project


def _result(request, slug: str):
    """The result at ``slug`` with the viewer's permissions; 404 for what they may not see."""
    result = get_object_or_404(
        Result.objects.select_related("project").defer(
            "search_vector", "file_text", "project__search_vector"
        ),
        slug=slug,
    )
    perms = result_permissions(request.user, result)
    if not perms.view:
        raise Http404
    return result, perms


# Adding and editing -----------------------------------------------------------------------


@profile_required
@require_http_methods(["GET", "HEAD", "POST"])
def result_add(request, project_slug):
    """/knowledge/add/<project>/: a lead (or a team member the leads allow) adds a result."""
    project = _project(request, project_slug)
    perms = publish_permissions(request.user, project)
    if not perms.add:
        raise PermissionDenied
    form = ResultForm(*posted(request), user=request.user, project=project)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.publish_result(
                    project=project,
                    by=request.user,
                    details=form.details(),
                    document=form.cleaned_data.get("file"),
                    authors=list(form.cleaned_data.get("authors") or []),
                )
            except ResultInvalid as error:
                error.add_to(form)
            except KnowledgeError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("The result has been added. The authors you named are asked to agree."),
                )
                return redirect(result)
    context = {"form": form, "project": project, "result": None, "perms": perms}
    return render(request, "knowledge/publish/result_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def result_edit(request, slug):
    """/knowledge/<slug>/edit/: a lead changes a result, its file and its authors."""
    result, perms = _result(request, slug)
    if not perms.edit:
        raise PermissionDenied
    form = ResultForm(*posted(request), user=request.user, project=result.project, result=result)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_result(
                    result=result,
                    by=request.user,
                    details=form.details(),
                    document=form.cleaned_data.get("file"),
                    remove_file=form.cleaned_data.get("remove_file", False),
                    authors=list(form.cleaned_data.get("authors") or []),
                )
            except ResultInvalid as error:
                error.add_to(form)
            except KnowledgeError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The result has been saved."))
                return redirect(result)
    context = {"form": form, "project": result.project, "result": result}
    return render(request, "knowledge/publish/result_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def result_delete(request, slug):
    """Asks first (GET), deletes on POST; the file goes with it."""
    result, perms = _result(request, slug)
    if not perms.delete:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.delete_result(result=result, by=request.user)
        except KnowledgeError as error:
            messages.error(request, error.message)
            return redirect(result)
        messages.success(request, _("The result has been deleted."))
        return redirect(result.project)
    return render(request, "knowledge/publish/result_delete.html", {"result": result})


@login_required
@require_POST
def team_publishing(request, project_slug):
    """A lead lets the whole team add results, or only leads."""
    project = _project(request, project_slug)
    form = TeamPublishingForm(request.POST)
    if not form.is_valid():
        return redirect(project)
    try:
        services.set_team_may_publish(
            project=project, by=request.user, allowed=form.cleaned_data["allowed"]
        )
    except KnowledgeError as error:
        messages.error(request, error.message)
        return redirect(project)
    if form.cleaned_data["allowed"]:
        messages.success(request, _("Every team member may now add results."))
    else:
        messages.success(request, _("Only leads may add results now."))
    return redirect(f"{project.get_absolute_url()}#results")


# Downloading ------------------------------------------------------------------------------


@require_safe
@never_cache
@csp_override({"default-src": [CSP.NONE], "frame-ancestors": [CSP.NONE]})
def result_download(request, slug):
    """The file, as a download with its checked type, streamed from storage; counts a GET.

    Never shown inline and never as HTML: ``Content-Disposition: attachment``
    with the original name (RFC 6266, Django's encoding), ``nosniff`` and a
    CSP that allows nothing, whatever a browser makes of the bytes.
    """
    result, perms = _result(request, slug)
    if not perms.download:
        raise Http404
    document_type = TYPES.get(result.file_type)
    if document_type is None or not stored_exists(result.file):
        raise Http404
    if request.method == "GET":
        services.count_download(result=result)
    response = StreamingHttpResponse(
        stream_stored(result.file), content_type=document_type.content_type
    )
    response.headers["Content-Length"] = str(result.file_size)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=result.file_name or f"{result.slug}.{document_type.extension}",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


# Reporting ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def result_report(request, slug):
    """A member tells the coordinators what is wrong with a result."""
    if not request.user.is_authenticated:
        return members_only(request, what=_("Reporting a result"))
    result, perms = _result(request, slug)
    if not perms.report:
        raise PermissionDenied
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_result(
                    result=result, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ResultInvalid as error:
                error.add_to(form)
            except KnowledgeError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request, _("Thank you. A coordinator will look at the result soon.")
                )
                return redirect(result)
    return render(
        request,
        "knowledge/publish/result_report.html",
        {"result": result, "form": form},
        status=status,
    )


# Authorship -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def authorship(request):
    """/knowledge/authorship/: the results the member is asked to be named on, or is.

    A POST answers for one of them: agree, decline, or withdraw (no longer named).
    """
    if request.method == "POST":
        form = AuthorshipForm(request.POST)
        author_id = request.POST.get("author", "")
        author = None
        if author_id.isdigit():
            author = Author.objects.filter(pk=int(author_id), member=request.user).first()
        if author is None or not form.is_valid():
            messages.error(request, _("This result does not name you (any more)."))
            return redirect("knowledge:authorship")
        decision = form.cleaned_data["decision"]
        try:
            if decision == "withdraw":
                services.withdraw_authorship(author=author, member=request.user)
                messages.success(request, _("The result no longer names you."))
            else:
                agreed = services.answer_authorship(
                    author=author, member=request.user, agree=decision == "agree"
                )
                if agreed is not None:
                    messages.success(request, _("Thank you: the result now names you."))
                else:
                    messages.success(request, _("You declined; the result does not name you."))
        except KnowledgeError as error:
            messages.error(request, error.message)
        return redirect("knowledge:authorship")
    rows = list(
        Author.objects.filter(member=request.user)
        .select_related("result__project")
        .only(
            "pk",
            "agreed_at",
            "asked_at",
            "result__title",
            "result__slug",
            "result__hidden_at",
            "result__project__title",
            "result__project__slug",
        )
        .order_by("agreed_at", "-asked_at", "pk")
    )
    context = {
        "asked": [row for row in rows if row.agreed_at is None],
        "agreed": [row for row in rows if row.agreed_at is not None],
    }
    return render(request, "knowledge/publish/authorship.html", context)
