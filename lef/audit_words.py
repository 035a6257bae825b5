"""Words for the history's entries that every app's labels share (lef.audit, AUDIT_LABELS)."""

from collections.abc import Callable

from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext


def changed_fields(model: type[Model], names: dict[str, str] | None = None) -> Callable:
    """A label for an entry whose data lists changed fields: "Changed: capacity, start"."""

    def label(data: dict) -> str:
        words = []
        for name in data.get("fields", []):
            if names and name in names:
                words.append(str(names[name]))
                continue
            try:
                words.append(str(model._meta.get_field(name).verbose_name))
            except LookupError:
                words.append(name)
        return capfirst(gettext("changed: %(fields)s") % {"fields": ", ".join(words)})

    return label


def with_count(text: Callable[[int], str], key: str) -> Callable:
    """A label built from one count in the entry's data."""
    return lambda data: text(int(data.get(key, 0)))


def mailed(count: int) -> str:
    return ngettext("%(count)d person mailed", "%(count)d people mailed", count) % {"count": count}
