"""The projects area: browse, start, open, join and run a project.

Views are thin: forms check the shape of the input, ``projects.services`` does
the work, ``projects.permissions`` decides what each viewer sees and may do.
Changes are POST only. A refused action shows the project page again with the
reason and the error's status (400, 403, 409, 429); a form with errors comes
back with 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lef.http import members_only, posted
from lef.pagination import page_of, read_page
from members.decorators import profile_required
from members.matching import match_members
from members.models import User, audience
from projects import services
from projects.forms import (
    AnswerForm,
    DecisionForm,
    HideForm,
    InviteForm,
    InviteSearchForm,
    JoinForm,
    LeaveForm,
    ModerateForm,
    ProjectFilterForm,
    ProjectForm,
    TeamMemberForm,
    UpdateForm,
)
from projects.models import Membership, Project, ProjectUpdate
from projects.permissions import ProjectPermissions, project_permissions
from projects.queries import (
    browse_page,
    invite_candidates,
    latest_updates,
    looking_for_viewer,
    project_cards,
    project_for_viewer,
    read_team,
    request_rows,
    show_authors,
    show_people,
    team_on_page,
    team_rows,
    updates_for,
)
from projects.services import ProjectError, ProjectInvalid

PROJECTS_PER_PAGE = 12
TEAM_ON_PAGE = 12
UPDATES_ON_PAGE = 5
UPDATES_PER_PAGE = 20
REQUESTS_ON_PAGE = 3
TEAM_PER_PAGE = 24


# Browsing ---------------------------------------------------------------------------------


@require_safe
def project_list(request):
    """Projects the visitor may see, filtered and sorted by the query string, 12 a page.

    An htmx request (the filter form changed) gets only the results (the
    page's ``results`` partial); without JavaScript the form is an ordinary
    GET form and the page works the same. Two queries: the count and the page
    (each project with its team's sectors); a broad search is not ordered by
    relevance (projects.queries.RANK_AT_MOST).
    """
    user = request.user
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    form = ProjectFilterForm(data=request.GET)
    page = browse_page(
        viewer=user,
        page_number=request.GET.get("page"),
        per_page=PROJECTS_PER_PAGE,
        **form.filters(),
    )
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "form": form,
        "can_filter_mine": bool(profile and profile.is_onboarded),
        "page_obj": page,
        "cards": project_cards(page.object_list, profile=profile),
        "filter_params": form.active_params(),
        "partial": partial,
    }
    template = "projects/project_list.html"
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _visible_project(request, slug: str) -> Project:
    """The project at ``slug`` (404 when there is none), with the viewer's membership.

    Visibility is checked by the caller (``project_permissions``).
    """
    try:
        return project_for_viewer(request.user, slug=slug)
    except Project.DoesNotExist as missing:
        raise Http404 from missing


def _with_permissions(request, slug: str) -> tuple[Project, ProjectPermissions]:
    project = _visible_project(request, slug)
    perms = project_permissions(request.user, project, project.viewer_membership)
    if not perms.view:
        raise PermissionDenied
    return project, perms


def _detail_context(request, project: Project, perms: ProjectPermissions, **extra) -> dict:
    """Everything the project page shows this viewer, in a fixed number of queries.

    The first of the team with the team's mix and, for leads, the first
    requests and how many wait (one query), the latest shown updates with
    their authors (one).
    """
    seen_by = audience(request.user)
    lead = perms.manage_team
    team = read_team(
        project,
        limit=TEAM_ON_PAGE,
        waiting=[Membership.Status.REQUESTED] if lead else [],
        waiting_limit=REQUESTS_ON_PAGE,
        count_waiting=lead,
    )
    show_people(team.members, seen_by, avatar_size=40)
    updates = latest_updates(project, limit=UPDATES_ON_PAGE + 1)
    show_authors(updates, seen_by)
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    mix = team.mix
    context = {
        "project": project,
        "perms": perms,
        "membership": perms.membership,
        "team": team.members,
        "team_size": team.size,
        "team_mix": mix,
        "cross_sector": len(mix) >= 2,
        "updates": updates[:UPDATES_ON_PAGE],
        "more_updates": len(updates) > UPDATES_ON_PAGE,
        # The first few requests; the team page has them all.
        "requests": request_rows(team.waiting, project=project),
        "request_count": team.request_count,
        "more_requests": team.request_count - len(team.waiting),
        "invitation_count": team.invitation_count,
        "is_full": project.is_full(team.size),
        "looking_for_you": looking_for_viewer(project, profile),
        "update_form": UpdateForm(user=request.user) if perms.post_update else None,
    }
    context.update(extra)
    return context


def _render_detail(request, project, perms, *, status=200, **extra):
    context = _detail_context(request, project, perms, **extra)
    return render(request, "projects/project_detail.html", context, status=status)


@require_safe
def project_detail(request, slug):
    """A project's page: what, who, the join/leave button for this viewer, updates."""
    project = _visible_project(request, slug)
    perms = project_permissions(request.user, project, project.viewer_membership)
    if not perms.view:
        return members_only(request, what=_("This project"))
    return _render_detail(request, project, perms)


def _refuse(request, project, error: ProjectError):
    """The project page again, with the service's reason and its status."""
    perms = project_permissions(request.user, project, project.viewer_membership)
    messages.error(request, error.message)
    return _render_detail(request, project, perms, status=error.status)


def _bad_input(request, project, message: str | None = None):
    perms = project_permissions(request.user, project, project.viewer_membership)
    messages.error(request, message or _("That did not work: the form was not filled in right."))
    return _render_detail(request, project, perms, status=400)


# Starting and editing ---------------------------------------------------------------------


@profile_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_start(request):
    """/projects/new/: any onboarded member starts a project and becomes its first lead."""
    form = ProjectForm(*posted(request), user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                project = services.start_project(
                    by=request.user,
                    details=form.details(),
                    image=form.cleaned_data.get("image"),
                )
            except ProjectInvalid as error:
                error.add_to(form)
            except ProjectError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Your project is online. Invite colleagues, or wait for them to ask."),
                )
                return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "project": None}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_edit(request, slug):
    """/projects/<slug>/edit/: the leads change what the project says about itself."""
    project, perms = _with_permissions(request, slug)
    if not perms.edit:
        raise PermissionDenied
    form = ProjectForm(*posted(request), user=request.user, project=project)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_project(
                    project=project,
                    by=request.user,
                    details=form.details(),
                    image=form.cleaned_data.get("image"),
                    remove_image=form.cleaned_data.get("remove_image", False),
                )
            except ProjectInvalid as error:
                error.add_to(form)
            except ProjectError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The project has been saved."))
                return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "project": project}, status=status
    )


# Joining ----------------------------------------------------------------------------------


@profile_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_join(request, slug):
    """Ask to join (or join at once); a GET shows the form on a page of its own."""
    project, perms = _with_permissions(request, slug)
    if request.method != "POST":
        if not perms.join:
            return redirect(project)
        return render(
            request,
            "projects/project_join.html",
            {"project": project, "form": JoinForm(), "perms": perms},
        )
    form = JoinForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "projects/project_join.html",
            {"project": project, "form": form, "perms": perms},
            status=400,
        )
    try:
        membership = services.request_to_join(
            project=project, member=request.user, motivation=form.cleaned_data["motivation"]
        )
    except ProjectError as error:
        return _refuse(request, project, error)
    if membership.is_active:
        messages.success(request, _("Welcome to the team!"))
    else:
        messages.success(
            request,
            _("Your request has been sent to the leads. You get an email when they answer."),
        )
    return redirect(project)


def _membership_in(project: Project, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("member"), pk=membership_id, project=project
    )


@login_required
@require_POST
def membership_answer(request, slug, membership_id):
    """The invitee accepts or declines an invitation; the asker withdraws a request."""
    project, _perms = _with_permissions(request, slug)
    membership = _membership_in(project, membership_id)
    if membership.member_id != request.user.pk:
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, project)
    decision = form.cleaned_data["decision"]
    try:
        if decision == "accept":
            services.accept_invitation(membership=membership, member=request.user)
            messages.success(request, _("Welcome to the team!"))
        elif decision == "decline":
            services.decline_invitation(membership=membership, member=request.user)
            messages.success(request, _("You declined the invitation. The leads have been told."))
        else:
            services.withdraw_request(membership=membership, member=request.user)
            messages.success(request, _("Your request has been withdrawn."))
    except ProjectError as error:
        return _refuse(request, project, error)
    return redirect(project)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_leave(request, slug):
    """Leave the team; the last lead first names who takes over."""
    project, perms = _with_permissions(request, slug)
    if not perms.leave:
        return redirect(project)
    others = list(team_on_page(project).exclude(member=request.user))
    needs_successor = perms.is_lead and not any(m.is_lead for m in others)
    form = LeaveForm(posted(request)[0], candidates=others if needs_successor else ())
    context = {
        "project": project,
        "form": form,
        "needs_successor": needs_successor,
        "alone": not others,
    }
    if request.method != "POST":
        return render(request, "projects/project_leave.html", context)
    if not form.is_valid():
        return render(request, "projects/project_leave.html", context, status=400)
    try:
        services.leave_project(
            project=project, member=request.user, new_lead=form.cleaned_data["new_lead"]
        )
    except ProjectError as error:
        form.add_error(None, error.message)
        return render(request, "projects/project_leave.html", context, status=error.status)
    messages.success(request, _("You have left the team of %(project)s.") % {"project": project})
    return redirect(project)


# Running the team -------------------------------------------------------------------------


def _lead_project(request, slug) -> tuple[Project, ProjectPermissions]:
    project, perms = _with_permissions(request, slug)
    if not perms.manage_team:
        raise PermissionDenied
    return project, perms


@login_required
@require_POST
def request_decide(request, slug, membership_id):
    """A lead approves or declines a request to join, with an optional message."""
    project, _perms = _lead_project(request, slug)
    membership = _membership_in(project, membership_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, project)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            services.approve_request(
                membership=membership, by=request.user, message=data["message"]
            )
            messages.success(
                request, _("%(name)s is now on the team.") % {"name": membership.member}
            )
        else:
            services.decline_request(
                membership=membership, by=request.user, message=data["message"]
            )
            messages.success(
                request,
                _("You declined the request of %(name)s; they have been told.")
                % {"name": membership.member},
            )
    except ProjectError as error:
        return _refuse(request, project, error)
    if request.POST.get("back") == "team":
        return redirect("projects:team", slug=project.slug)
    return redirect(project)


@never_cache  # who is on a team, and for leads who asks to join: no cache may keep it
@require_safe
def project_team(request, slug):
    """The whole team, with what leads may change; requests and invitations for leads."""
    project = _visible_project(request, slug)
    perms = project_permissions(request.user, project, project.viewer_membership)
    if not perms.view:
        return members_only(request, what=_("This project"))
    # The page's window of the team, read with everyone's sectors (the mix and
    # the size) and, for leads, the requests and invitations: one query.
    # A page number out of range reads the team again (lef.pagination.read_page).
    teams = []

    def read(offset: int, limit: int) -> tuple[list[Membership], int]:
        team = read_team(
            project,
            limit=limit,
            offset=offset,
            waiting=Membership.PENDING_STATUSES if perms.manage_team else [],
        )
        teams.append(team)
        return team.members, team.size

    page = read_page(read, number=request.GET.get("page"), per_page=TEAM_PER_PAGE)
    team = teams[-1]
    team_rows(
        page.object_list,
        seen_by=audience(request.user),
        project=project,
        viewer=request.user,
        manage=perms.manage_team,
        avatar_size=48,
    )
    requests = request_rows(
        [m for m in team.waiting if m.status == Membership.Status.REQUESTED], project=project
    )
    context = {
        "project": project,
        "perms": perms,
        "page_obj": page,
        "team_size": team.size,
        "team_mix": team.mix,
        "requests": requests,
        "request_count": len(requests),
        "invited": [m for m in team.waiting if m.status == Membership.Status.INVITED],
    }
    return render(request, "projects/project_team.html", context)


@login_required
@require_POST
def team_member_change(request, slug, membership_id):
    """A lead makes someone lead or team member, or takes them off the team."""
    project, _perms = _lead_project(request, slug)
    membership = _membership_in(project, membership_id)
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, project)
    action = form.cleaned_data["action"]
    if action == "remove" and request.POST.get("confirm") != "yes":
        # Taking someone off a team mails them: ask once more, on a page of its own.
        return render(
            request,
            "projects/project_remove.html",
            {"project": project, "membership": membership},
        )
    try:
        if action == "remove":
            services.remove_member(membership=membership, by=request.user)
            messages.success(
                request, _("%(name)s is no longer on the team.") % {"name": membership.member}
            )
        else:
            role = Membership.Role.LEAD if action == "make_lead" else Membership.Role.MEMBER
            services.change_role(membership=membership, by=request.user, role=role)
            messages.success(request, _("The team has been updated."))
    except ProjectError as error:
        return _refuse(request, project, error)
    if membership.member_id == request.user.pk:
        return redirect(project)
    return redirect("projects:team", slug=project.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_invite(request, slug):
    """A lead finds members by name (or among suggestions) and invites them."""
    project, perms = _lead_project(request, slug)
    search = InviteSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    status = 200
    form = InviteForm(posted(request)[0])
    if request.method == "POST":
        status = 400
        if form.is_valid():
            member = User.objects.filter(
                username=form.cleaned_data["member"], is_active=True
            ).first()
            try:
                if member is None:
                    raise services.ProjectNotAllowed(_("This member cannot be found."))
                membership = services.invite_member(
                    project=project,
                    by=request.user,
                    member=member,
                    message=form.cleaned_data["message"],
                )
            except ProjectError as error:
                messages.error(request, error.message)
                status = error.status
            else:
                if membership.is_active:
                    messages.success(
                        request,
                        _("%(name)s had asked to join and is now on the team.") % {"name": member},
                    )
                else:
                    messages.success(
                        request,
                        _("%(name)s has been invited and gets an email.") % {"name": member},
                    )
                return redirect("projects:team", slug=project.slug)
    team_ids = Membership.objects.filter(
        project=project, status__in=Membership.CURRENT_STATUSES
    ).values_list("member_id", flat=True)
    suggestions = match_members(
        viewer=request.user,
        activities=project.core_activities,
        expertise=project.tags,
        exclude_user_ids=team_ids,
        limit=6,
    )
    context = {
        "project": project,
        "perms": perms,
        "search": search,
        "q": q,
        "candidates": invite_candidates(project=project, viewer=request.user, q=q),
        "suggestions": suggestions,
        "form": form,
    }
    return render(request, "projects/project_invite.html", context, status=status)


# Updates ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def project_updates(request, slug):
    """Every update of a project, 20 a page; team members post new ones here (POST)."""
    project = _visible_project(request, slug)
    perms = project_permissions(request.user, project, project.viewer_membership)
    if not perms.view:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return members_only(request, what=_("This project"))
    if request.method == "POST":
        return _post_update(request, project, perms)
    updates = updates_for(project, include_hidden=perms.hide_updates)
    page = page_of(updates, number=request.GET.get("page"), per_page=UPDATES_PER_PAGE)
    show_authors(page.object_list, audience(request.user))
    return render(
        request,
        "projects/project_updates.html",
        {"project": project, "perms": perms, "page_obj": page},
    )


def _post_update(request, project, perms):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perms.post_update:
        raise PermissionDenied
    form = UpdateForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render_detail(request, project, perms, status=400, update_form=form)
    try:
        services.post_update(
            project=project,
            author=request.user,
            text=form.cleaned_data["text"],
            image=form.cleaned_data.get("image"),
        )
    except ProjectError as error:
        form.add_error(None, error.message)
        return _render_detail(request, project, perms, status=error.status, update_form=form)
    messages.success(
        request, _("Your update is on the project page. The team gets it in their digest.")
    )
    return redirect(f"{project.get_absolute_url()}#updates")


@login_required
@require_POST
def update_hide(request, slug, update_id):
    """A lead (or coordinator) hides an update, or shows it again."""
    project, perms = _with_permissions(request, slug)
    if not perms.hide_updates:
        raise PermissionDenied
    update = get_object_or_404(ProjectUpdate, pk=update_id, project=project)
    form = HideForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, project)
    hidden = form.cleaned_data["hidden"]
    try:
        services.hide_update(update=update, by=request.user, hidden=hidden)
    except ProjectError as error:
        return _refuse(request, project, error)
    messages.success(
        request,
        _("The update is hidden from the team and visitors.")
        if hidden
        else _("The update is shown again."),
    )
    return redirect(f"{project.get_absolute_url()}#updates")


# Coordinators -----------------------------------------------------------------------------


@login_required
@require_POST
def project_moderate(request, slug):
    """Coordinators feature a project, stop featuring it, or archive it."""
    project, perms = _with_permissions(request, slug)
    if not perms.moderate:
        raise PermissionDenied
    form = ModerateForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, project)
    action = form.cleaned_data["action"]
    try:
        if action == "archive":
            services.archive_project(project=project, by=request.user)
            messages.success(request, _("The project has been archived."))
        else:
            services.set_featured(project=project, by=request.user, featured=action == "feature")
            messages.success(
                request,
                _("The project is featured on the list.")
                if action == "feature"
                else _("The project is no longer featured."),
            )
    except ProjectError as error:
        return _refuse(request, project, error)
    return redirect(project)
