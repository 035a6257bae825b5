"""/knowledge/from-meetup/<slug>/: start a project from a meetup (knowledge.origins).

For the meetup's organisers and the coordinators, once it has started: the
projects app's new-project form, filled in from the meetup, with the people
who came to invite. A visitor is asked to log in, anyone else gets 403, as do
the organisers of a meetup that has not started or was cancelled.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import Event
from knowledge import origins
from knowledge.forms_origins import MeetupProjectForm
from lef.second_factor import second_factor_required_for_staff
from members.decorators import profile_required
from projects.services import ProjectError, ProjectInvalid


def _meetup(request, slug: str) -> Event:
    """The meetup, read with whether the viewer organises it; 404 when they may not see it."""
    event = (
        Event.objects.with_organised_by(request.user)
        .select_related("venue")
        .filter(slug=slug)
        .first()
    )
    if event is None or not event.is_visible_to(request.user):
        raise Http404
    return event


def _tell(request, started: origins.Started) -> None:
    count = len(started.invited)
    if count:
        messages.success(
            request,
            ngettext(
                "Your project is online. %(count)d person from the meetup was invited; "
                "they decide themselves whether they join.",
                "Your project is online. %(count)d people from the meetup were invited; "
                "they decide themselves whether they join.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.success(
            request, _("Your project is online. Invite colleagues, or wait for them to ask.")
        )
    for member, reason in started.not_invited:
        messages.warning(
            request,
            _("%(name)s was not invited: %(reason)s") % {"name": member, "reason": reason},
        )


@never_cache  # the names of the people who came: no cache may keep them
@login_required
@profile_required
@second_factor_required_for_staff  # the list of who came, as the door list
@require_http_methods(["GET", "HEAD", "POST"])
def start_from_meetup(request, slug):
    """The new-project form from a meetup; a POST starts the project and sends the invitations."""
    event = _meetup(request, slug)
    if not origins.start_check(request.user, event).may:
        raise PermissionDenied
    attendees = origins.attendees(event, leave_out=request.user)
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = MeetupProjectForm(*data, user=request.user, event=event, attendees=attendees)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                started = origins.start_project_from_meetup(
                    event=event,
                    by=request.user,
                    details=form.details(),
                    invite=form.cleaned_data.get("invite", []),
                    message=form.cleaned_data.get("message", ""),
                    image=form.cleaned_data.get("image"),
                )
            except ProjectInvalid as error:
                error.add_to(form)
            except (ProjectError, origins.OriginError) as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                _tell(request, started)
                return redirect(started.project)
    context = {"form": form, "event": event, "attendees": attendees}
    return render(request, "knowledge/origins/start.html", context, status=status)
