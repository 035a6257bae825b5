"""The record of growth's choices: the period and the language of the download."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from home.growth import EARLIEST, LATEST, Span


class GrowthForm(forms.Form):
    """``?start=…&end=…&language=…`` in the query string of the page and its downloads."""

    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    end = forms.DateField(
        label=_("Up to and including"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the CSV and PDF"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        for name, day in (("start", start), ("end", end)):
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(
                    name,
                    _("Choose a day between %(first)s and %(last)s.")
                    % {"first": EARLIEST.year, "last": LATEST.year},
                )
        if start and end and end < start and not self.errors:
            self.add_error("end", _("The end date cannot be before the start date."))
        return cleaned

    @property
    def span(self) -> Span:
        """The chosen days; only for a valid form."""
        return Span(self.cleaned_data["start"], self.cleaned_data["end"])


def growth_form(query, *, today, language: str) -> GrowthForm:
    """The form bound to ``query``; without a choice in it, to this school year in ``language``.

    Bound either way, so the page and the downloads read one ``cleaned_data``.
    """
    default = Span.school_year(today)
    data = {
        "start": default.first.isoformat(),
        "end": default.last.isoformat(),
        "language": language,
    }
    for name in data:
        if name in query:
            data[name] = query[name]
    return GrowthForm(data)
