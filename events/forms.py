"""The shape of what people send about meetups: filters, a month, a note, a walk-in,
and the coordinators' copy, cancellation and message in the admin."""

import re
from datetime import date, timedelta

from django import forms
from django.contrib.admin.widgets import AdminRadioSelect
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.services import MAX_GUEST_EMAIL_LENGTH, MAX_GUEST_NAME_LENGTH, MAX_NOTE_LENGTH
from lef.choices import Sector, Transition
from lef.templatetags.lef_tags import day_label
from lef.validators import validate_multiline_text, validate_plain_text

FIRST_YEAR, LAST_YEAR = 2018, 2100  # 't LEF's first meetups were in 2018
MONTH = re.compile(r"\A(\d{4})-(\d{2})\Z")


def _with_blank(choices, blank_label):
    return [("", blank_label), *choices]


class EventFilterForm(forms.Form):
    """The list's and the calendar's filters, from the query string; all optional."""

    sector = forms.ChoiceField(
        label=_("For sector"),
        required=False,
        choices=_with_blank(Sector.choices, _("All sectors")),
    )
    transition = forms.ChoiceField(
        label=_("About transition"),
        required=False,
        choices=_with_blank(Transition.choices, _("All transitions")),
    )

    FILTERS = ("sector", "transition")

    def filters(self) -> dict[str, str]:
        """The valid filters (an invalid one is left out; the form shows why)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in self.FILTERS}

    def active_params(self) -> dict[str, str]:
        return {name: value for name, value in self.filters().items() if value}

    @property
    def selects(self) -> list[tuple[BoundField, str]]:
        """Each filter with its chosen value ("" when none or not valid), for the template."""
        self.is_valid()
        return [(self[name], self.cleaned_data.get(name) or "") for name in self.FILTERS]


class MonthForm(forms.Form):
    """``?month=2026-12`` for the calendar; this month when absent."""

    month = forms.CharField(required=False, max_length=7)

    def clean_month(self) -> date:
        value = self.cleaned_data["month"]
        if not value:
            return timezone.localdate().replace(day=1)
        match = MONTH.match(value)
        if not match:
            raise forms.ValidationError(
                _("Give the month as year and month, for example 2026-12."), code="invalid"
            )
        year, month = int(match[1]), int(match[2])
        if not (1 <= month <= 12 and FIRST_YEAR <= year <= LAST_YEAR):
            raise forms.ValidationError(
                _("Choose a month between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
                code="out_of_range",
            )
        return date(year, month, 1)


class RegisterForm(forms.Form):
    note = forms.CharField(
        label=_("Anything we should know? (optional)"),
        help_text=_("For example dietary or access needs. Only the organisers see it."),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DoorSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a name"), required=False, max_length=100)

    def query(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""


class GuestWalkInForm(forms.Form):
    guest_name = forms.CharField(
        label=_("Name"), max_length=MAX_GUEST_NAME_LENGTH, validators=[validate_plain_text]
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=_with_blank(Sector.choices, "—"))
    guest_email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        max_length=MAX_GUEST_EMAIL_LENGTH,
        help_text=_("So the organisers can follow up. Only they see it."),
    )


class MemberWalkInForm(forms.Form):
    member = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class EmailConfirmedForm(forms.Form):
    """The admin's "email everyone with a place" message."""

    subject = forms.CharField(label=_("Subject"), max_length=150, validators=[validate_plain_text])
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_("Plain text. Each person gets it as they chose for meetup news."),
    )


# The coordinators' copy and cancellation (admin) ----------------------------------------


def same_weekday_next_month(day: date) -> date:
    """The same weekday in the same week of the next month, as monthly meetups go.

    The second Tuesday gives the second Tuesday; a fifth one, which most months
    lack, gives the last.
    """
    week = (day.day - 1) // 7
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    first = date(year, month, 1)
    found = first + timedelta(days=(day.weekday() - first.weekday()) % 7 + 7 * week)
    return found if found.month == month else found - timedelta(days=7)


class CopyEventForm(forms.Form):
    """The admin's "Copy": on which day (a quick choice or a date), and, for one meetup,
    the title of the copy (its address is made from the title and the day)."""

    WEEK, FOUR_WEEKS, NEXT_MONTH, ON_DATE = "week", "four_weeks", "next_month", "date"
    SHIFTS = {
        WEEK: lambda day: day + timedelta(days=7),
        FOUR_WEEKS: lambda day: day + timedelta(days=28),
        NEXT_MONTH: same_weekday_next_month,
    }

    when = forms.ChoiceField(
        label=_("New date"),
        widget=AdminRadioSelect(attrs={"class": "radiolist"}),
        initial=WEEK,
    )
    day = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("Only for “On a date”."),
    )
    title = forms.CharField(
        label=_("Title of the copy"),
        max_length=160,
        validators=[validate_plain_text],
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_("The address of the copy is made from this title and the new date."),
    )

    def __init__(self, *args, source_days: list[date], title: str = "", **kwargs):
        """``source_days``: the day of each meetup to copy. For one, the quick
        choices name the day they give, and the title can be changed."""
        super().__init__(*args, **kwargs)
        self.source_days = source_days
        labels = {
            self.WEEK: _("A week later"),
            self.FOUR_WEEKS: _("Four weeks later"),
            self.NEXT_MONTH: _("Next month, in the same week on the same weekday"),
        }
        if len(source_days) == 1:
            labels = {
                value: f"{label} ({day_label(self.SHIFTS[value](source_days[0]))})"
                for value, label in labels.items()
            }
        self.fields["when"].choices = [*labels.items(), (self.ON_DATE, _("On a date"))]
        if len(source_days) == 1:
            self.fields["title"].initial = title
        else:
            del self.fields["title"]

    def new_day(self, source_day: date) -> date:
        """The day the copy of a meetup on ``source_day`` is on (after is_valid())."""
        when = self.cleaned_data["when"]
        if when == self.ON_DATE:
            return self.cleaned_data["day"]
        return self.SHIFTS[when](source_day)

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("when")
        if when == self.ON_DATE and not cleaned.get("day"):
            self.add_error("day", _("Choose the date of the copy."))
        elif when and not self.errors:
            today = timezone.localdate()
            if any(self.new_day(day) < today for day in self.source_days):
                self.add_error(
                    "day" if when == self.ON_DATE else "when",
                    _("That day has passed; choose a later one."),
                )
        return cleaned


class CancelEventForm(forms.Form):
    """The admin's "Cancel": an optional word from the coordinator in the mail."""

    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=5000,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "Goes into the cancellation mail to everyone signed up or waiting, for example "
            "why, or when the meetup comes back. Plain text."
        ),
    )
