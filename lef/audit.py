"""The history of meetups, sign-ups, bookings, projects and organisations: who did what, when.

Services call :func:`record` inside their own transaction, right where the
change is made, so an action that rolls back leaves no entry, and an entry is
never missing for a change that stayed. Each entry is a row of
:class:`lef.models.AuditEntry` (the object by content type and id, a dotted
action code, the actor, the moment, ids and counts as data) and, once the
transaction commits, one line on the logger ``lef.audit``: the action, the
object's type and id and the actor's id. No names, no addresses, in the row's
data or in the log: they are read from the rows when the history is shown.

The words for an action code belong to the app that records it: its
``hooks.py`` has ``AUDIT_LABELS = {"events.registration.signed_up": _("Signed up"),
…}`` (lazy translations), which :func:`label` looks up. A code without words
shows as itself.

The back office (lef.admin_site) marks the requests it serves, so an entry
made by an admin page says so without every admin call passing a flag.
"""

import contextlib
import contextvars
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet

from lef import hooks
from lef.models import AuditEntry

logger = logging.getLogger("lef.audit")

_in_admin: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "lef_audit_in_admin", default=False
)


@contextlib.contextmanager
def in_admin() -> Iterator[None]:
    """Entries recorded inside this block were made in the back office."""
    token = _in_admin.set(True)
    try:
        yield
    finally:
        _in_admin.reset(token)


def record(
    obj: Model,
    action: str,
    *,
    actor: Any,
    data: dict | None = None,
    via_admin: bool | None = None,
) -> AuditEntry:
    """Write that ``actor`` did ``action`` to ``obj`` now; call it inside the change's transaction.

    ``actor`` is a user, or None for the platform itself (a scheduled job, a
    place passed on by the waiting list). ``data``: ids and counts only, JSON-able.
    ``via_admin`` defaults to whether the back office is serving the request.
    The log line is written once the surrounding transaction commits.
    """
    actor_id = getattr(actor, "pk", None)
    entry = AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        actor_id=actor_id,
        via_admin=_in_admin.get() if via_admin is None else via_admin,
        automatic=actor_id is None,
        data=data or {},
    )
    fields = {
        "action": action,
        "object_type": obj._meta.label_lower,
        "object_id": obj.pk,
        "actor_id": actor_id,
        "via_admin": entry.via_admin,
    }
    transaction.on_commit(
        lambda: logger.info(
            "%s %s:%s by %s",
            action,
            fields["object_type"],
            obj.pk,
            actor_id if actor_id is not None else "-",
            extra={"fields": fields},
        )
    )
    return entry


def label(entry: AuditEntry) -> str:
    """What ``entry`` says in words, in the active language (its code when no app names it)."""
    words = hooks.audit_labels().get(entry.action)
    if words is None:
        return entry.action
    if callable(words):
        return str(words(entry.data))
    return str(words)


def history(obj: Model, *, children: Iterable[QuerySet] = ()) -> QuerySet:
    """The entries of ``obj`` and of the rows of each of ``children``, newest first.

    ``children`` are querysets of rows that belong to ``obj`` (a meetup's
    sign-ups, a project's memberships); their entries are found by a subquery,
    so the whole history is one query, with the actors joined.
    """
    condition = Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    for queryset in children:
        condition |= Q(
            content_type=ContentType.objects.get_for_model(queryset.model),
            object_id__in=queryset.values("pk"),
        )
    return (
        AuditEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-at", "-pk")
    )
