from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lef.queries import member_overview


@require_safe
def home(request):
    """What 't LEF is, who is behind it, and what is coming up.

    A signed-in member also gets their own overview, "Mijn LEF": profile
    completeness, members to meet across sectors, and their projects, meetups
    and bookings (as those apps land).
    """
    context = {}
    if request.user.is_authenticated:
        context["overview"] = member_overview(user=request.user)
    return render(request, "lef/home.html", context)


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
