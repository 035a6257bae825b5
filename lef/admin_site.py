"""The admin site of the back office, so that every app's admin shares its guards.

Django's change list turns most tampered query strings into its "?e=1"
redirect, but a few date filters only fail later, with a 500:

* a date hierarchy in the year 9999 (``?created_at__year=9999``) asks Python
  for the first day after it, which does not exist;
* a year lookup outside 1 to 9999 on any date field (``?date_joined__year=0``)
  is only checked when the query is compiled, after Django's own guard.

:class:`LefAdminSite` gives every registered admin :class:`SafeChangeList`
through :class:`SafeChangeListMixin`, so no app's admin can forget it; and
:class:`InlineWordingMixin`, so an inline's "Add another …" reads as a sentence
in every language ("Nog een openingstijd toevoegen").

Its index shows a coordinator today's work above the apps: every app's
``coordinator_today`` lists (lef.hooks), each line linking to where it is handled.
"""

import functools
import json

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from lef import hooks, second_factor
from lef.coordinators import is_coordinator


class SafeChangeList(ChangeList):
    """A change list that answers a date filter off the calendar like any bad filter.

    Compiles the query once here, so that a lookup value the database layer
    refuses (a year out of range) becomes :class:`IncorrectLookupParameters`:
    the admin then shows the unfiltered list with "?e=1", as it does for
    every other bad lookup, instead of failing while it renders.
    """

    def get_queryset(self, request, exclude_parameters=None):
        try:
            queryset = super().get_queryset(request, exclude_parameters)
            queryset.query.sql_with_params()
        except (EmptyResultSet, FullResultSet):
            return queryset
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        return queryset


class SafeChangeListMixin:
    """For a ModelAdmin: use :class:`SafeChangeList`. Added by :class:`LefAdminSite`."""

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if changelist is ChangeList:
            return SafeChangeList
        return changelist

    def response_action(self, request, queryset, **kwargs):
        """Django's, but a selection that holds no ids (a tampered form) is a 400, not a 500.

        Django filters on the posted ids as they come, and an id that is not a
        number (or is beyond any row's) ends in a ValueError or a DataError.
        """
        field = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                field.clean(field.to_python(value), None)
        except ValidationError:
            return render(request, "400.html", status=400)
        return super().response_action(request, queryset, **kwargs)


class InlineAdminFormSet(helpers.InlineAdminFormSet):
    """An inline whose "Add another …" link keeps the name as it is written.

    Django capitalises the name in the middle of the sentence: "Nog een
    Openingstijd toevoegen" in Dutch, where it is "Nog een openingstijd toevoegen".
    """

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = gettext("Add another %(verbose_name)s") % {
            "verbose_name": self.opts.verbose_name
        }
        return json.dumps(data)


class InlineWordingMixin:
    """For a ModelAdmin: its inlines are :class:`InlineAdminFormSet`. Added by LefAdminSite."""

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            if type(inline_formset) is helpers.InlineAdminFormSet:
                inline_formset.__class__ = InlineAdminFormSet  # the same object, reworded
        return inline_formsets


class LefAdminSite(admin.AdminSite):
    """Django's admin site, giving every registered admin the shared guards."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeChangeListMixin):
            admin_class = type(
                admin_class.__name__,
                (SafeChangeListMixin, InlineWordingMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        """Django's guard around every admin page; what the page records says "in the back office".

        lef.audit marks the history entries made while the page runs, so a
        service the admin calls needs no flag of its own.
        """
        # Imported here: this module is loaded with INSTALLED_APPS, before any model.
        from lef import audit  # noqa: PLC0415

        guarded = super().admin_view(view, cacheable)

        @functools.wraps(guarded)
        def in_back_office(request, *args, **kwargs):
            with audit.in_admin():
                return guarded(request, *args, **kwargs)

        return in_back_office

    def has_permission(self, request):
        """Django's test (active staff), and a second factor passed in this session.

        Without one, every admin page sends staff to /admin/login/ (lef.views),
        which sends them on to set one up or to type its code (lef.second_factor).
        """
        return super().has_permission(request) and second_factor.passed_if_needed(request)

    def index(self, request, extra_context=None):
        """Django's index; for a coordinator, today's work of every app above it."""
        if is_coordinator(request.user):
            now = timezone.now()
            extra_context = {
                **(extra_context or {}),
                "coordinator_day": timezone.localdate(now),
                "coordinator_today": hooks.coordinator_today(now),
            }
        return super().index(request, extra_context)


class LefAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`LefAdminSite` as ``admin.site``."""

    default_site = "lef.admin_site.LefAdminSite"
