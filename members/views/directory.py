"""The member directory: search, filters and pages, with htmx partial updates."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from members.filters import DirectoryFilterForm
from members.queries import (
    SEARCH_COUNT_AT_MOST,
    directory_organisations,
    directory_page,
    member_cards,
)

MEMBERS_PER_PAGE = 12


@require_safe
def member_list(request):
    """Members the visitor may see, filtered by the query string, 12 to a page.

    Three queries whatever the number of members: the organisations to filter
    on (which validate the organisation filter), the count, and the page of
    cards. An htmx request (the filter form changed) gets only the ``results``
    partial of the same template; a history restore gets the full page, because
    htmx puts it in place of the whole body.
    """
    form = DirectoryFilterForm(
        data=request.GET, organisations=directory_organisations(viewer=request.user)
    )
    filters = form.filters()
    page = directory_page(
        viewer=request.user,
        page_number=request.GET.get("page"),
        per_page=MEMBERS_PER_PAGE,
        **filters,
    )
    context = {
        "form": form,
        "page_obj": page,
        "cards": member_cards(page.object_list, q=filters["q"], activity=filters["activity"]),
        # "Filters (2)": how many filters besides the search are set.
        "filter_count": len(set(form.active_params()) - {"q"}),
        "filter_params": form.active_params(),
        "search_count_at_most": SEARCH_COUNT_AT_MOST,
        # For the empty state's "invite a colleague" mail.
        "signup_url": request.build_absolute_uri(reverse("account_signup")),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context["partial"] = partial
    template_name = "members/member_list.html" + ("#results" if partial else "")
    response = render(request, template_name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
