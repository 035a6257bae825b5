"""The directory's filter form: the shape of the query string, nothing more.

Every field is optional, and an invalid value (an unknown sector, an organisation
that does not exist, an over-long search) only switches that one filter off; the
page still renders with the other filters and a message on the field.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from lef.choices import CoreActivity, Role, Sector


def _with_blank(choices, blank_label):
    return [("", blank_label), *choices]


class DirectoryFilterForm(forms.Form):
    """Search and filters of /members/, read from the GET query string."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=_with_blank(Sector.choices, _("All sectors"))
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=_with_blank(Role.choices, _("All roles"))
    )
    activity = forms.ChoiceField(
        label=_("Core activity"),
        required=False,
        choices=_with_blank(CoreActivity.choices, _("All core activities")),
    )
    # A slug checked against the offered organisations (a ChoiceField would copy
    # and normalise hundreds of choices on every request).
    organisation = forms.SlugField(label=_("Organisation"), required=False, max_length=160)
    open = forms.BooleanField(label=_("Open to collaboration"), required=False)

    # The query-string names of the filters, in the order the form shows them.
    FILTERS = ("q", "sector", "role", "activity", "organisation", "open")

    def __init__(self, *args, organisations, **kwargs):
        """``organisations``: ``(pk, slug, name)`` of the organisations to offer."""
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        self.organisation_ids = {slug: pk for pk, slug, _name in organisations}

    def clean_organisation(self):
        slug = self.cleaned_data["organisation"]
        if slug and slug not in self.organisation_ids:
            raise forms.ValidationError(
                _("Select a valid choice. That choice is not one of the available choices."),
                code="invalid_choice",
            )
        return slug

    def filters(self) -> dict:
        """Keyword arguments for ``members.queries.directory``; invalid fields are left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "sector": data.get("sector", ""),
            "role": data.get("role", ""),
            "activity": data.get("activity", ""),
            "organisation": self.organisation_ids.get(data.get("organisation", "")),
            "open_only": data.get("open", False),
        }

    def active_params(self) -> dict[str, str]:
        """The valid, non-empty filters as query-string values (for page links)."""
        self.is_valid()
        params = {}
        for name in self.FILTERS:
            value = self.cleaned_data.get(name)
            if value is True:
                params[name] = "1"
            elif value:
                params[name] = value
        return params

    @property
    def select_filters(self) -> list["SelectFilter"]:
        """The drop-down filters, their options split around the one selected.

        Plain dicts for loops in the template that only look values up: rendering
        hundreds of organisation options through Django's widget templates, or
        comparing each with the selected value in the template, costs
        milliseconds a page. Exactly one option is selected (the blank one when
        the filter is not set), as a browser would show it.
        """
        self.is_valid()
        choices = {name: self.fields[name].choices for name in ("sector", "role", "activity")}
        choices["organisation"] = [
            ("", _("All organisations")),
            *((slug, name) for _pk, slug, name in self.organisations),
        ]
        filters = []
        for name, options in choices.items():
            bound = self[name]
            filters.append(
                SelectFilter(
                    name=bound.html_name,
                    id=bound.id_for_label,
                    label=bound.label,
                    errors=bound.errors,
                    **_split(options, self.cleaned_data.get(name) or ""),
                )
            )
        return filters


def _split(choices, selected: str) -> dict:
    """``before``, ``selected`` and ``after``: the options as dicts of value and label."""
    options = [{"value": value, "label": label} for value, label in choices]
    for index, option in enumerate(options):
        if option["value"] == selected:
            return {"before": options[:index], "selected": option, "after": options[index + 1 :]}
    return {"before": options, "selected": None, "after": []}


@dataclass(frozen=True)
class SelectFilter:
    """One drop-down of the filter form, for the template's hand-written <select>."""

    name: str
    id: str
    label: str
    errors: ErrorList
    before: Sequence[dict]  # the options before the selected one: {"value", "label"}
    selected: dict | None
    after: Sequence[dict]
