"""lef's own pages: the health check, and the back office's way to the site's login."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from lef.http import safe_next_url


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
