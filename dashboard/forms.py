"""The dashboard's period selector: what the coordinator asks for, in the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboard.periods import Period


class PeriodForm(forms.Form):
    """``?period=…&start=…&end=…``, as :func:`dashboard.periods.period_from_query` reads it.

    The form only draws the selector: the period itself comes from
    ``period_from_query``, which never refuses (a wrong date falls back to the
    school year), so the form is bound to the period it chose, not to the raw
    query: what the page shows and what the selector says are the same.
    """

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("month", _("Month")),
            ("quarter", _("Quarter")),
            ("school_year", _("School year (1 August to 31 July)")),
            ("custom", _("Custom range")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("For a month, quarter or school year: any day in it."),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    end = forms.DateField(
        label=_("Up to and including"),
        required=False,
        help_text=_("Only for a custom range."),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    @classmethod
    def for_period(cls, period: Period) -> "PeriodForm":
        return cls(
            initial={
                "period": period.kind,
                "start": period.start.isoformat(),
                "end": period.last_day.isoformat(),
            }
        )
