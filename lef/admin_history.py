"""The "History" panel of an admin change page: who did what, when (lef.audit).

:class:`HistoryAdminMixin` adds a read-only field at the foot of the page of a
meetup, a booking, a project or an organisation: the newest
:data:`HISTORY_LIMIT` entries of the object and of its rows named by
``history_children`` (a meetup's sign-ups, a project's memberships), with the
total count. When, who (a name; "a former member" for an account that is gone;
"'t LEF" for what the platform did by itself), what (the app's words), and
about whom for a child row. A fixed number of queries: the entries with their
actors, their count, and one per kind of child row.
"""

from collections.abc import Callable, Iterable

from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext, gettext_lazy

from lef import audit

HISTORY_LIMIT = 50


class HistoryAdminMixin:
    """For a ModelAdmin: a "History" section on the change page (not on the add page)."""

    def history_children(self, obj: Model) -> Iterable[tuple[QuerySet, Callable[[Model], str]]]:
        """Rows of ``obj`` whose history shows with it: (queryset, how to name one row)."""
        return ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "history"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "history"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is None:
            return fieldsets
        return [*fieldsets, (gettext("History"), {"fields": ["history"]})]

    def history(self, obj) -> str:
        if obj is None or obj.pk is None:
            return ""
        children = list(self.history_children(obj))
        entries = audit.history(obj, children=[queryset for queryset, _name in children])
        shown = list(entries[:HISTORY_LIMIT])
        total = len(shown) if len(shown) < HISTORY_LIMIT else entries.count()
        about = {}
        for queryset, name in children:
            ids = {e.object_id for e in shown if e.content_type.model_class() is queryset.model}
            if ids:
                model = queryset.model
                about |= {(model, row.pk): name(row) for row in queryset.filter(pk__in=ids)}
        rows = [
            {
                "at": entry.at,
                "who": _who(entry),
                "what": audit.label(entry),
                "about": about.get((entry.content_type.model_class(), entry.object_id), ""),
                "via_admin": entry.via_admin,
            }
            for entry in shown
        ]
        return render_to_string(
            "admin/lef/history.html",
            {"rows": rows, "total": total, "shown": len(rows), "has_about": bool(children)},
        )

    # The section is called "History"; the field says what its table holds.
    history.short_description = gettext_lazy("who did what, when")


def _who(entry) -> str:
    if entry.actor is not None:
        return str(entry.actor)
    if entry.automatic:
        return gettext("'t LEF (automatically)")
    return gettext("a former member")
