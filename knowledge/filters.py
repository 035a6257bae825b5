"""The library's search and filter form: the shape of the query string, nothing more.

Every field is optional; an invalid value (an unknown sector, an over-long
search) only switches that one filter off, with a message on the field, and
the list still shows.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import Result
from lef.choices import CoreActivity, Sector, Transition
from lef.filters import DropDownFilters


def _with_blank(choices, blank_label):
    return [("", blank_label), *choices]


class LibraryFilterForm(DropDownFilters, forms.Form):
    """Search and filters of /knowledge/, read from the GET query string."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=_with_blank(Sector.choices, _("All sectors"))
    )
    transition = forms.ChoiceField(
        label=_("Transition"),
        required=False,
        choices=_with_blank(Transition.choices, _("All transitions")),
    )
    activity = forms.ChoiceField(
        label=_("Core activity"),
        required=False,
        choices=_with_blank(CoreActivity.choices, _("All core activities")),
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=_with_blank(Result.Kind.choices, _("All types"))
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        required=False,
        choices=_with_blank(Result.Licence.choices, _("All licences")),
    )

    FILTERS = ("q", "sector", "transition", "activity", "kind", "licence")
    # The drop-downs, in the form's order, with their column classes.
    SELECTS = (
        ("sector", "col-6 col-md-4"),
        ("transition", "col-6 col-md-4"),
        ("activity", "col-6 col-md-4"),
        ("kind", "col-6 col-md-4"),
        ("licence", "col-12 col-md-8"),
    )

    def filters(self) -> dict:
        """Keyword arguments for ``knowledge.queries.browse_results``; invalid fields left out."""
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in self.FILTERS}

    def active_params(self) -> dict[str, str]:
        """The valid, non-empty filters as query-string values (for page links)."""
        return {name: value for name, value in self.filters().items() if value}

    @property
    def filter_count(self) -> int:
        """How many filters (not the search) are set, for "Filters (2)"."""
        return len(set(self.active_params()) - {"q"})
