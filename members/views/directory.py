"""The member directory: search, filters and pages, with htmx partial updates."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from members.choices import CoreActivity
from members.filters import DirectoryFilterForm
from members.queries import directory

MEMBERS_PER_PAGE = 24


@require_safe
def member_list(request):
    """Members the visitor may see, filtered by the query string, 24 to a page.

    An htmx request (the filter form changed) gets only the ``results`` partial of
    the same template; a history restore gets the full page, because htmx puts it
    in place of the whole body.
    """
    form = DirectoryFilterForm(data=request.GET, viewer=request.user)
    profiles = directory(viewer=request.user, **form.filters())
    page = Paginator(profiles, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "filter_params": form.active_params(),
        "activity_choices": CoreActivity.choices,
        # For the empty state's "invite a colleague" mail.
        "signup_url": request.build_absolute_uri(reverse("account_signup")),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context["partial"] = partial
    template_name = "members/member_list.html" + ("#results" if partial else "")
    response = render(request, template_name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
