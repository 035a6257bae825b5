"""Organisation pages: the directory of approved organisations and one organisation's page."""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from lef.choices import Sector
from lef.pagination import page_of
from members.models import Organisation
from members.organisations import (
    can_view_organisation,
    initials,
    organisation_members,
    organisations_for_directory,
    resolve_merged,
)
from members.queries import member_cards

ORGANISATIONS_PER_PAGE = 24
MEMBERS_PER_PAGE = 24


class OrganisationFilterForm(forms.Form):
    """The filters of /organisations/ (a GET form; invalid values are ignored)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Sector.choices],
    )
    partner = forms.BooleanField(label=_("Partners of 't LEF only"), required=False)

    def filters(self) -> dict:
        """The valid filters; a tampered value drops only its own filter."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "kind": data.get("kind", ""),
            "sector": data.get("sector", ""),
            "partner": True if data.get("partner") else None,
        }


@require_safe
def organisation_list(request):
    """Approved organisations as cards, filtered by kind, sector and partner flag."""
    form = OrganisationFilterForm(request.GET)
    filters = form.filters()
    organisations = organisations_for_directory(request.user, **filters)
    page = page_of(organisations, number=request.GET.get("page"), per_page=ORGANISATIONS_PER_PAGE)
    # A card's words and address ready-made: a reverse(), a choice label and a
    # {% blocktranslate count %} per card cost more than the rest of the card.
    organisations_url = reverse("organisations:list")  # "/organisations/<slug>/" below
    for organisation in page:
        organisation.initials = initials(organisation.name)
        organisation.url = f"{organisations_url}{organisation.slug}/"
        organisation.kind_label = organisation.get_kind_display()
        organisation.member_count_text = ngettext(
            "%(counter)s member", "%(counter)s members", organisation.member_count
        ) % {"counter": organisation.member_count}
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "form": form,
            "page_obj": page,
            "organisations": page.object_list,
            "is_filtered": any(value for value in filters.values()),
        },
    )


@require_safe
def organisation_detail(request, slug):
    """One organisation and its members whom the viewer may see.

    A merged organisation's address redirects permanently to the one it was
    merged into; a proposal is shown only to its proposer and coordinators.
    """
    organisation = get_object_or_404(Organisation.objects.select_related("merged_into"), slug=slug)
    if organisation.status == Organisation.Status.MERGED:
        target = resolve_merged(organisation)
        if target is None:
            raise Http404
        return redirect(target, permanent=True)
    if not can_view_organisation(request.user, organisation):
        raise Http404
    organisation.initials = initials(organisation.name)
    page = page_of(
        organisation_members(organisation, request.user),
        number=request.GET.get("page"),
        per_page=MEMBERS_PER_PAGE,
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "page_obj": page,
            # The organisation is the page's subject: the cards leave it out.
            "members": member_cards(page.object_list),
            "is_proposal": organisation.status == Organisation.Status.PROPOSED,
        },
    )
