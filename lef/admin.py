"""Building blocks of the coordinators' back office, shared by every app's admin.

* :class:`ChoiceListFilter`: a list filter on one vocabulary choice, in a plain
  field or an ArrayField, that ignores values it does not know (a tampered
  query string shows the unfiltered list, never an error);
* :func:`csv_response`: a streaming CSV download that Excel opens as UTF-8 and
  splits into columns in the coordinator's language, with every cell made safe
  against spreadsheet formulas (:func:`csv_safe`);
* :func:`labels`: codes shown as their translated labels ("Teacher, Researcher");
* :func:`list_time`: a moment in a list, in Amsterdam and the page's language;
* :class:`ReadOnlyAdmin`: records coordinators look at but never change.

Also registers the admin of :class:`lef.models.Notice` (superusers only), and
makes Django's own admin speak one language at a time (:func:`boolean_icon`,
:data:`DJANGO_CATALOGUE_GAPS`).
"""

import csv
from collections.abc import Iterable

from django.contrib import admin, messages
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.templatetags.static import static
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext_lazy

from lef.errors import DomainError
from lef.models import Notice
from lef.templatetags.lef_tags import timespan

# Django's own admin in the page's language ---------------------------------------------

# Strings of Django's admin that Django 6.1's Dutch catalogue leaves untranslated, so
# that the Dutch admin showed them in English ("Filter by begint om", the screen-reader
# headings "Search meetups" and "Pagination meetups"). Named here so that makemessages
# keeps them in our catalogue, which comes first (LOCALE_PATHS); the strings of the
# admin's scripts are in lef/admin_catalogue.js for the same reason.
DJANGO_CATALOGUE_GAPS = (
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Logout"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop('The app "%s" could not be found.'),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting "
        "related objects, but your account doesn't have permission to delete the "
        "following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the "
        "following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All "
        "of the following related items will be deleted:"
    ),
)

BOOLEAN_ICONS = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(value: bool | None) -> str:
    """Django's yes / no / unknown icon, its text in the page's language.

    Django (6.1) writes the Python value as the icon's alternative text, "True",
    "False" or "None", whatever the language: what a screen reader read out for
    every yes/no column and read-only box of the Dutch admin. Installed in
    Django's place below, so every list and change form uses it.
    """
    text = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{BOOLEAN_ICONS[value]}.svg"), text
    )


# Django's list and form helpers look the function up on this module at each call.
admin_list._boolean_icon = boolean_icon

# Filters ----------------------------------------------------------------------------


class ChoiceListFilter(admin.SimpleListFilter):
    """Filter on one choice, in a plain field or in an ArrayField (``array = True``)."""

    field: str = ""
    array = False
    # Not "choices": SimpleListFilter has a method of that name.
    options: Iterable[tuple[str, str]] = ()

    def lookups(self, request, model_admin):
        return list(self.options)

    def queryset(self, request, queryset):
        value = self.value()
        if value not in {code for code, _label in self.options}:
            return queryset
        if self.array:
            return queryset.filter(**{f"{self.field}__contains": [value]})
        return queryset.filter(**{self.field: value})


class YesNoFilter(admin.SimpleListFilter):
    """Filter on one condition: "yes" shows the rows that meet :meth:`condition`, "no"
    the others. ``labels`` names the two, in the order the filter lists them."""

    labels = {"yes": gettext_lazy("Yes"), "no": gettext_lazy("No")}

    def condition(self) -> models.Q:
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return list(self.labels.items())

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.exclude(self.condition())
        return queryset


def choice_filter(
    field: str, choices: type[models.Choices], *, title, parameter: str, array: bool = False
) -> type[ChoiceListFilter]:
    """A :class:`ChoiceListFilter` for ``field`` (``profile__roles``) over ``choices``."""
    return type(
        f"{parameter.title()}ChoiceFilter",
        (ChoiceListFilter,),
        {
            "title": title,
            "parameter_name": parameter,
            "field": field,
            "array": array,
            "options": choices.choices,
        },
    )


# Autocomplete -----------------------------------------------------------------------


class _ValidKeysOnly:
    """Django's autocomplete widgets, minus their 500 on a posted value that is not an id.

    Re-rendering a form after a tampered POST (``organisation=abc``,
    ``organisers=abc``) made the widget look the bad value up, and the database
    refuse the query. Values that are not valid keys are simply not shown; the
    form already says why.
    """

    def optgroups(self, name, value, attr=None):
        key = self.field.remote_field.model._meta.pk
        valid = []
        for item in value:
            try:
                key.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(_ValidKeysOnly, AutocompleteSelect):
    """An autocomplete for one choice (a foreign key)."""


class SafeAutocompleteSelectMultiple(_ValidKeysOnly, AutocompleteSelectMultiple):
    """An autocomplete for several choices (a many-to-many field)."""


class SafeAutocompleteMixin:
    """For a ModelAdmin or inline with ``autocomplete_fields``: every one of them, single
    or multiple choice, gets the safe widget. Every admin with autocomplete fields
    uses this (tests/lef/test_admin_site.py checks)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is AutocompleteSelect:
            field.widget.__class__ = SafeAutocompleteSelect
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and type(field.widget) is AutocompleteSelectMultiple:
            field.widget.__class__ = SafeAutocompleteSelectMultiple
        return field


# Labels -----------------------------------------------------------------------------


def labels(codes: Iterable[str], choices: type[models.Choices], separator: str = ", ") -> str:
    """``codes`` as their translated labels, in the vocabulary's order; unknown codes dropped."""
    wanted = set(codes)
    return separator.join(str(label) for value, label in choices.choices if value in wanted)


def local_time(moment) -> str:
    """A moment as a coordinator reads it in a spreadsheet: Europe/Amsterdam, to the minute.

    For CSV files (a spreadsheet reads "2026-12-03 15:30" as a date in every
    language); lists show :func:`list_time`.
    """
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def list_time(moment, end=None) -> str:
    """A moment (or span) as a list in the admin shows it: in Europe/Amsterdam and the
    page's language, "zo 13 dec 2026, 15:30" / "Sun 13 Dec 2026, 15:30-17:00"."""
    return timespan(moment, end)


# CSV export --------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula.

    Cells starting with = + - @ (or a tab or carriage return, which some
    spreadsheets skip before looking for those) get a leading apostrophe.
    """
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv."""

    def write(self, value: str) -> str:
        return value


def csv_delimiter() -> str:
    """The column separator Excel expects in the active language.

    Excel splits a CSV file at the list separator of the computer's region:
    a semicolon where the decimal separator is a comma (Dutch), a comma
    elsewhere. A Dutch coordinator's export with commas opened as one column.
    """
    return ";" if formats.get_format("DECIMAL_SEPARATOR") == "," else ","


def csv_response(rows: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` (the header first) as ``<filename>-<date>.csv``.

    Every cell passes :func:`csv_safe`; the file starts with a byte-order mark
    so that Excel opens it as UTF-8, and separates columns with
    :func:`csv_delimiter` (";" in Dutch), so that it opens as columns.
    """
    writer = csv.writer(_Echo(), delimiter=csv_delimiter())

    def lines():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"{filename}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Read-only records -------------------------------------------------------------------


class RefusalAsMessageMixin:
    """A write the services refuse is a message on the same page, not a half-saved form or a 500.

    For a ModelAdmin whose saves, deletes or actions call services that may
    raise a :class:`~lef.errors.DomainError` (a rule that can only be checked
    at the moment of writing, under the service's locks: a race, the bulk
    delete of a meetup with sign-ups). The admin writes a form and its inlines
    in one transaction; leaving it with the error rolls all of it back.
    """

    def _refused(self, request, view):
        try:
            return view()
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        parent = super().changeform_view
        return self._refused(request, lambda: parent(request, object_id, form_url, extra_context))

    def delete_view(self, request, object_id, extra_context=None):
        parent = super().delete_view
        return self._refused(request, lambda: parent(request, object_id, extra_context))

    def changelist_view(self, request, extra_context=None):
        parent = super().changelist_view
        return self._refused(request, lambda: parent(request, extra_context))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records to look at (who wrote to whom, what was mailed), never to change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Mails to members, to check digests. Superusers only (no group permission)."""

    list_display = ["created_at", "recipient", "kind", "delivery", "sent_at"]
    list_select_related = ["recipient"]
    list_filter = ["kind", "delivery", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__username", "key"]
    date_hierarchy = "created_at"
    fields = ["recipient", "kind", "key", "delivery", "created_at", "sent_at"]
