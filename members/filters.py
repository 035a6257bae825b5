"""The directory's filter form: the shape of the query string, nothing more.

Every field is optional, and an invalid value (an unknown sector, an organisation
that does not exist, an over-long search) only switches that one filter off; the
page still renders with the other filters and a message on the field.
"""

import functools
from dataclasses import dataclass
from html import escape

from django import forms
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe
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
    def select_fields(self) -> list["SelectField"]:
        """The drop-down filters with their options as HTML.

        Built in Python: rendering hundreds of organisation options through
        Django's widget templates (or a template loop) costs milliseconds a page.
        """
        self.is_valid()
        fields = []
        for name in ("sector", "role", "activity"):
            # str(): lazy labels would compare equal across languages in the memo.
            options = _options_html(
                tuple((v, str(label)) for v, label in self.fields[name].choices)
            )
            fields.append(self._select(name, options))
        organisations = tuple((slug, name) for _pk, slug, name in self.organisations)
        blank = _options_html((("", str(_("All organisations"))),))
        fields.append(self._select("organisation", blank + _options_html(organisations)))
        return fields

    def _select(self, name: str, options: str) -> "SelectField":
        selected = escape(str(self.cleaned_data.get(name) or ""))
        marked = options.replace(
            f'<option value="{selected}">', f'<option value="{selected}" selected>', 1
        )
        return SelectField(bound=self[name], options=mark_safe(marked))  # noqa: S308 -- escaped in _options_html


@dataclass(frozen=True)
class SelectField:
    bound: BoundField
    options: SafeString


@functools.lru_cache(maxsize=32)
def _options_html(choices: tuple) -> str:
    """``<option>`` elements for ``choices``, escaped, none selected.

    Memoised by content (the same few hundred organisations on every request);
    the standard library's escape, since Django's lazy-aware one costs ~10x more
    per call.
    """
    return "".join(
        f'<option value="{escape(str(value))}">{escape(str(label))}</option>'
        for value, label in choices
    )
