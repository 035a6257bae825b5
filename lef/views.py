from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from events.queries import upcoming_public_events
from lef.calendar import (
    agenda_days,
    calendar_feed_for,
    ics_response,
    personal_entries,
    reset_calendar_feed,
)
from lef.http import safe_next_url
from lef.models import CalendarFeed
from lef.queries import member_overview
from members.queries import community
from projects.queries import newest_public_projects

HOME_ROWS = 3  # meetups and projects on the visitor's home page


@require_safe
def home(request):
    """The visitor's first look at 't LEF, or a signed-in member's own "Mijn LEF".

    A visitor sees a living community: members per sector and some of their
    faces, the next meetups, the newest projects, why 't LEF exists and who is
    behind it. A member sees what comes next for them (their meetups, project
    invitations and bookings), colleagues from other sectors to meet, and what
    the apps suggest; the visitor's blocks are left out. A signed-in account
    without a profile (a coordinator made in the admin) gets the visitor's page.
    """
    overview = member_overview(user=request.user) if request.user.is_authenticated else None
    if overview is not None:
        return render(request, "lef/home.html", {"overview": overview})
    return render(
        request,
        "lef/home.html",
        {
            "community": community(),
            "upcoming_events": upcoming_public_events(HOME_ROWS),
            "newest_projects": newest_public_projects(HOME_ROWS),
        },
    )


@never_cache
@require_safe
def healthz(request):
    """Liveness and database check for load balancers: 200 or 503, plain text."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def admin_login(request):
    """/admin/login/: the back office has no login of its own; the site's login serves it.

    So allauth's rate limits and lockouts hold for the back office too, and a
    coordinator logs in once for both. A visitor is sent to the site's login
    (and back); a staff member straight on; a signed-in member without access
    gets the 403 page (sending them to the login again would loop). A POST of
    credentials here logs nobody in.
    """
    next_url = safe_next_url(request, request.GET.get("next")) or reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_staff and request.user.is_active:
            return HttpResponseRedirect(next_url)
        raise PermissionDenied
    login_url = reverse("account_login")
    return HttpResponseRedirect(f"{login_url}?{urlencode({'next': next_url})}")


@never_cache
@require_safe
def calendar_feed(request, token: str):
    """/calendar/<token>.ics: the member's meetups and bookings, for a calendar app.

    No login (calendar apps cannot log in): the secret token is the key, and
    an unknown or reset token is a 404. Only active members have a feed.
    """
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    return ics_response(
        personal_entries(feed.user),
        name=_("'t LEF: my meetups and bookings"),
        filename="lef.ics",
        private=True,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_settings(request):
    """/calendar/: the member's agenda (what their feed holds from now on), the
    address of the feed to subscribe to, and a button to make a new one."""
    if request.method == "POST":
        reset_calendar_feed(request.user)
        messages.success(
            request,
            _(
                "Your calendar has a new address. The old one no longer works; "
                "add the new one to your calendar app."
            ),
        )
        return redirect("calendar_settings")
    feed = calendar_feed_for(request.user)
    url = request.build_absolute_uri(f"/calendar/{feed.token}.ics")
    # webcal:// opens the phone's or computer's calendar app to subscribe.
    subscribe_url = "webcal://" + url.split("://", 1)[1]
    return render(
        request,
        "lef/calendar.html",
        {
            "feed_url": url,
            "subscribe_url": subscribe_url,
            "feed": feed,
            "days": agenda_days(request.user),
        },
    )
