"""The directory's filter form: the shape of the query string, nothing more.

Every field is optional, and an invalid value (an unknown sector, an organisation
that does not exist, an over-long search) only switches that one filter off; the
page still renders with the other filters and a message on the field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.choices import CoreActivity, Role, Sector
from members.queries import directory_organisations


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
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    open = forms.BooleanField(label=_("Open to collaboration"), required=False)

    # The query-string names of the filters, in the order the form shows them.
    FILTERS = ("q", "sector", "role", "activity", "organisation", "open")

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        # One query: the approved organisations that have members this viewer may see.
        self.organisation_ids = {}
        choices = [("", _("All organisations"))]
        for pk, slug, name in directory_organisations(viewer=viewer):
            self.organisation_ids[slug] = pk
            choices.append((slug, name))
        self.fields["organisation"].choices = choices

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
    def select_fields(self):
        """The drop-down filters; the template renders their options itself (fast)."""
        return [self[name] for name in ("sector", "role", "activity", "organisation")]
