"""The shape of spaces input: search, grid, booking, blocking. Rules live in services."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lef.validators import validate_multiline_text, validate_plain_text
from spaces import timeslots
from spaces.models import Amenity, Resource
from spaces.services import MAX_MESSAGE_LENGTH, MAX_PURPOSE_LENGTH, MAX_SERIES_WEEKS

# Dates further away than this are not a real question (and keep arithmetic sane).
DATE_RANGE_DAYS = 366


def _check_day(day: date | None) -> None:
    if day is None:
        return
    today = timeslots.today()
    if (
        not today - timedelta(days=DATE_RANGE_DAYS)
        <= day
        <= today + timedelta(days=DATE_RANGE_DAYS)
    ):
        raise forms.ValidationError(_("Choose a date within a year from today."))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class BootstrapMixin:
    """Bootstrap classes on the widgets, and ``is-invalid`` on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select) and not isinstance(
                widget, forms.CheckboxSelectMultiple
            ):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                ids = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    ids.append(f"{self[name].auto_id}_helptext")
                widget.attrs["aria-describedby"] = " ".join(ids)


class TimeRangeMixin:
    """``day``, ``start_time`` and ``end_time`` as UTC moments in ``cleaned_data``."""

    def clean_day(self):
        day = self.cleaned_data.get("day")
        _check_day(day)
        return day

    def _clean_range(self, cleaned, *, fold: int = 0):
        day, first, last = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day is None or first is None or last is None:
            return cleaned
        for name, wall in (("start_time", first), ("end_time", last)):
            if wall != timeslots.MIDNIGHT and not timeslots.wall_exists(day, wall):
                self.add_error(
                    name,
                    _("%(time)s does not exist on this day: the clocks go forward an hour.")
                    % {"time": wall.strftime("%H:%M")},
                )
                return cleaned
        start, end = timeslots.from_wall(day, first, last, fold=fold)
        if end <= start:
            self.add_error("end_time", _("The end must be after the start."))
            return cleaned
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


class SearchForm(BootstrapMixin, TimeRangeMixin, forms.Form):
    """ "Free for <date, from, to, seats, amenity>" on the overview."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput(attrs={"step": 900}))
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput(attrs={"step": 900}))
    seats = forms.IntegerField(
        label=_("People"),
        min_value=1,
        max_value=200,
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 200}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Anything")), *Resource.Kind.choices],
        required=False,
    )
    amenity = forms.ChoiceField(
        label=_("With"), choices=[("", _("Anything")), *Amenity.choices], required=False
    )

    def __init__(self, *args, suggested: tuple[datetime, datetime] | None = None, **kwargs):
        """``suggested``: the (start, end) an unbound form asks about first.

        The view finds it in the opening hours (spaces.queries.search_start);
        without it, the next whole hour today (not before nine), for two hours.
        """
        super().__init__(*args, **kwargs)
        if self.is_bound:
            return
        if suggested is not None:
            start, end = (timeslots.local(moment) for moment in suggested)
            self.initial.update(
                {"day": start.date(), "start_time": start.time(), "end_time": end.time()}
            )
            return
        now = timeslots.local(timezone.now())
        start = min(max(now.hour + 1, 9), 20)
        self.initial.update(
            {"day": now.date(), "start_time": time(start), "end_time": time(start + 2)}
        )

    def clean(self):
        cleaned = self._clean_range(super().clean())
        if "end" in cleaned and cleaned["end"] <= timezone.now():
            raise forms.ValidationError(_("That time has passed. Choose a time still to come."))
        return cleaned

    def shown_values(self) -> dict[str, str]:
        """What each input shows: its value as its widget formats it ("" for none).

        resource_list.html writes the inputs out (rendering six widgets through
        Django's widget templates cost more than the rest of the overview):
        these are their values, and tests/spaces/test_views.py checks that the
        inputs are the form's fields.
        """
        values = {}
        for name, field in self.fields.items():
            value = field.widget.format_value(self[name].value())
            if isinstance(value, list):  # a select: the chosen value
                value = value[0] if value else ""
            values[name] = "" if value is None else str(value)
        return values


class GridForm(forms.Form):
    """Which days the availability grid shows."""

    date = forms.DateField(required=False, widget=DateInput())
    view = forms.ChoiceField(choices=[("day", _("Day")), ("week", _("Week"))], required=False)

    def clean_date(self):
        day = self.cleaned_data.get("date")
        _check_day(day)
        return day or timeslots.today()

    def clean_view(self):
        return self.cleaned_data.get("view") or "day"


def repeat_choices() -> list[tuple[int, str]]:
    """Once, or every week for 2 to MAX_SERIES_WEEKS weeks: in the language of the request.

    Worded when the form is shown, not when the module is imported: a
    ``gettext_lazy(...) % ...`` at import time froze the Dutch words into the
    English form.
    """
    return [(1, gettext("Only this date"))] + [
        (n, gettext("Every week, %(n)d times") % {"n": n}) for n in range(2, MAX_SERIES_WEEKS + 1)
    ]


class BookingForm(BootstrapMixin, TimeRangeMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())
    fold = forms.TypedChoiceField(
        choices=[(0, "0"), (1, "1")],
        coerce=int,
        required=False,
        empty_value=0,
        widget=forms.HiddenInput(),
    )
    people = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=200, initial=1)
    purpose = forms.CharField(
        label=_("What for (optional)"),
        max_length=MAX_PURPOSE_LENGTH,
        required=False,
        validators=[validate_plain_text],
        help_text=_("Members see only that the slot is taken, not what for."),
    )
    on_behalf = forms.BooleanField(label=_("Book on behalf of my organisation"), required=False)
    weeks = forms.TypedChoiceField(
        label=_("Repeat"), coerce=int, initial=1, choices=repeat_choices
    )
    skip_conflicts = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, resource: Resource, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.organisation = organisation
        step = resource.slot_minutes * 60
        for name in ("start_time", "end_time"):
            self.fields[name].widget.attrs["step"] = step
        self.fields["people"].max_value = resource.seats
        self.fields["people"].validators = [
            MinValueValidator(1),
            MaxValueValidator(resource.seats),
        ]
        self.fields["people"].widget.attrs.update({"min": 1, "max": resource.seats})
        if organisation is None:
            del self.fields["on_behalf"]
        else:
            self.fields["on_behalf"].label = _("Book on behalf of %(organisation)s") % {
                "organisation": organisation.name
            }

    def clean(self):
        cleaned = super().clean()
        return self._clean_range(cleaned, fold=cleaned.get("fold") or 0)


class CancelBookingForm(forms.Form):
    """A member cancelling on the site: this booking, or (a series) this and all later ones."""

    ONE, LATER = "one", "later"

    confirm = forms.CharField(widget=forms.HiddenInput(), initial="yes")
    scope = forms.ChoiceField(
        choices=[(ONE, _("Only this one")), (LATER, _("This one and all later ones"))],
        initial=ONE,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_scope(self):
        return self.cleaned_data.get("scope") or self.ONE


class CancelForm(BootstrapMixin, forms.Form):
    message = forms.CharField(
        label=_("Message to the member"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BlockForm(TimeRangeMixin, forms.Form):
    """Coordinators: block resources for maintenance or a meetup (admin)."""

    resources = forms.ModelMultipleChoiceField(
        label=_("Resources"),
        queryset=Resource.objects.select_related("space"),
        widget=forms.CheckboxSelectMultiple,
    )
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("From"), widget=TimeInput(), initial=time(9))
    end_time = forms.TimeField(
        label=_("Until"),
        widget=TimeInput(),
        initial=time(17),
        help_text=_("00:00 means midnight."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_PURPOSE_LENGTH,
        validators=[validate_plain_text],
        help_text=_("Members see it in the grid, such as: Meetup po-vo, or: Maintenance."),
    )
    cancel_conflicting = forms.BooleanField(
        label=_("Cancel bookings in the way, with the reason as the message to each booker"),
        required=False,
    )

    def clean(self):
        return self._clean_range(super().clean())
