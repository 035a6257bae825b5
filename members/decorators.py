"""View decorators of the members area."""

from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lef.http import on_this_site
from members.models import Profile


def _return_path(request) -> str:
    """Where to come back to after onboarding: this page, or the page a POST came from."""
    if request.method in {"GET", "HEAD"}:
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and on_this_site(request, referer):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""


def has_completed_onboarding(user) -> bool:
    """``Profile.is_onboarded`` for a user who may have no profile yet (or be a visitor)."""
    if not user.is_authenticated:
        return False
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        return False
    return profile.is_onboarded


def profile_required(view):
    """For views that need the member's sector (joining, registering, booking).

    Visitors go to the login page as with ``login_required``; members who have
    not finished onboarding go to the onboarding step with ``?next=`` pointing
    back here (for a POST: to the page the form was on), and come back after.
    Costs the one query for ``request.user.profile`` (cached on the user).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_completed_onboarding(request.user):
            messages.info(
                request,
                _("Tell us who you are first: your sector and organisation. It takes a minute."),
            )
            url = reverse("members:onboarding")
            next_url = _return_path(request)
            if next_url:
                url = f"{url}?{urlencode({'next': next_url})}"
            return redirect(url)
        return view(request, *args, **kwargs)

    return login_required(wrapper)
