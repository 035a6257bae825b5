"""The pages on top of every app: the home page with Mijn LEF, and the member's calendar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from events.queries import upcoming_public_events
from home.queries import member_overview
from lef.calendar import (
    agenda_days,
    calendar_feed_for,
    ics_response,
    personal_entries,
    reset_calendar_feed,
)
from lef.models import CalendarFeed
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
        return render(request, "home/home.html", {"overview": overview})
    return render(
        request,
        "home/home.html",
        {
            "community": community(),
            "upcoming_events": upcoming_public_events(HOME_ROWS),
            "newest_projects": newest_public_projects(HOME_ROWS),
        },
    )


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
        "home/calendar.html",
        {
            "feed_url": url,
            "subscribe_url": subscribe_url,
            "feed": feed,
            "days": agenda_days(request.user),
        },
    )
