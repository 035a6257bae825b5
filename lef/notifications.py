"""Mail about something that happened, as each member chose to get it.

Every mail the platform sends about something that happened (a join request,
meetup news, a message from a member) goes through :func:`notify`. Each member
chooses per kind of mail (:class:`NotificationKind`) whether it arrives
immediately, in a daily digest, or not at all; the choice lives in
``Profile.notification_settings`` as ``{"projects": "immediate", ...}`` and every
kind defaults to immediately.

Mails that confirm the member's own action and security mails cannot be turned
off: send those with :func:`send_transactional`, never with :func:`notify`.
django-allauth's account mails (email confirmation, password reset, ...) go
through ``members.adapters.AccountAdapter.send_mail`` and are not affected by
these settings either.

Mail is written from templates, ``<template>_subject.txt`` and
``<template>_body.txt``, rendered in the recipient's own language
(``User.language``), whoever or whatever triggers it: a digest at night, a
coordinator in the admin, or another member in a request in another language.

Each notice has a ``key`` naming what it is about (``"project:12:request:40"``);
the unique constraint on (recipient, key) means a notice is stored, and so
mailed, at most once, even when two processes try at the same moment. Of a
notice only what delivery needs is kept: see :class:`lef.models.Notice`.
"""

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lef.coordinators import is_coordinator
from lef.mail import Attachment, queue_mail
from lef.models import Notice


class NotificationKind(models.TextChoices):
    """The kinds of mail a member can switch between immediately, daily and off."""

    PROJECTS = "projects", _("Project requests and updates")
    EVENTS = "events", _("Meetup news")
    BOOKINGS = "bookings", _("Booking news")
    MESSAGES = "messages", _("Messages from members")
    COORDINATION = "coordination", _("Work for coordinators, such as organisations to approve")


# Kinds only coordinators get (lef.coordinators): nobody else is offered their setting.
COORDINATOR_KINDS = frozenset({NotificationKind.COORDINATION})


def kinds_for(user) -> list[NotificationKind]:
    """The kinds of mail ``user`` can get, so the kinds whose setting they are offered."""
    if is_coordinator(user):
        return list(NotificationKind)
    return [kind for kind in NotificationKind if kind not in COORDINATOR_KINDS]


DEFAULT_DELIVERY = Notice.Delivery.IMMEDIATE


def delivery_for(notification_settings: Mapping | None, kind: str) -> str:
    """The member's choice for ``kind`` (a ``Notice.Delivery`` value), immediately if unset."""
    value = (notification_settings or {}).get(kind)
    return value if value in Notice.Delivery.values else DEFAULT_DELIVERY


def full_notification_settings(notification_settings: Mapping | None) -> dict[str, str]:
    """Every kind with its delivery, defaults filled in, unknown keys dropped."""
    return {kind: delivery_for(notification_settings, kind) for kind in NotificationKind.values}


def absolute_url(path: str) -> str:
    """``path`` on the public site, for links in mail (sent outside any request)."""
    return f"{settings.LEF_SITE_URL}{path}"


def language_of(member) -> str:
    """The language ``member`` reads their mail in: their choice, else the site's default."""
    language = getattr(member, "language", "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render_mail(template: str, context: Mapping[str, Any], *, language: str) -> tuple[str, str]:
    """The subject (one line) and body of ``template`` rendered in ``language``."""
    context = {**context, "LEF_CONTACT_EMAIL": settings.LEF_CONTACT_EMAIL}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return " ".join(subject.split())[:200], body


def _with_footer(body: str, *, language: str) -> str:
    with translation.override(language):
        footer = render_to_string(
            "lef/email/notice_footer.txt",
            {"settings_url": absolute_url(reverse("members:edit") + "#notifications")},
        )
    return f"{body.rstrip()}\n\n{footer.strip()}\n"


def _mail_recipient(recipient):
    """The recipient as the database has them now: active, with an address and profile."""
    return (
        get_user_model()
        .objects.select_related("profile")
        .filter(pk=recipient.pk, is_active=True)
        .exclude(email="")
        .first()
    )


def after_commit(function: Callable[..., Any], /, **kwargs) -> None:
    """Call ``function(**kwargs)`` once the surrounding transaction commits.

    Every app's services send their mail through this: ``after_commit(notify,
    recipient=..., ...)`` or ``after_commit(send_transactional, ...)``, or a
    function of their own that renders a mail. So the mail is rendered and
    queued outside the service's locks (others wait for those), never for a
    change that rolled back; a failure to render or queue is logged and never
    undoes the committed change. Read what the mail must say *now* (a place in
    line, a count) and pass it in ``kwargs``.
    """
    transaction.on_commit(partial(function, **kwargs), robust=True)


def notify(
    *,
    recipient,
    kind: str,
    key: str,
    template: str,
    context: Mapping[str, Any],
    reply_to: Sequence[str] = (),
    about=None,
) -> Notice | None:
    """Tell ``recipient`` about something, as they chose for this ``kind`` of mail.

    * off: nothing is stored or sent; returns None;
    * immediately: the mail is queued for after the surrounding transaction
      commits, and a Notice without text records that it went (for ``key``);
    * daily digest: a Notice keeps the subject and text until ``send_digests``
      sends them (then they are cleared).

    The mail is ``template`` rendered in the recipient's language, with
    ``context`` plus ``recipient``. ``key`` must name the event uniquely for this
    recipient (e.g. ``"project:12:request:40"``): if a notice with this key
    exists, nothing is stored or sent and None is returned; the unique
    constraint makes this hold across processes (the second insert waits for the
    first and then fails inside a savepoint). ``about`` is the member whose words
    or address the text carries (see Notice). Inactive (deleted) members and
    members without an address get nothing. Call it inside the caller's
    transaction: if that rolls back, the notice and its mail go too.
    """
    if kind not in NotificationKind.values:
        msg = f"Unknown notification kind {kind!r}."
        raise ValueError(msg)
    member = _mail_recipient(recipient)
    if member is None:
        return None
    profile = getattr(member, "profile", None)
    delivery = delivery_for(profile.notification_settings if profile else None, kind)
    if delivery == Notice.Delivery.OFF:
        return None
    language = language_of(member)
    subject, body = render_mail(template, {**context, "recipient": member}, language=language)
    immediate = delivery == Notice.Delivery.IMMEDIATE
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            recipient=member,
            key=key,
            defaults={
                "kind": kind,
                "delivery": delivery,
                "about": about,
                # A mail sent at once needs nothing kept; a digest needs its text until then.
                "subject": "" if immediate else subject,
                "body": "" if immediate else body,
                "sent_at": timezone.now() if immediate else None,
            },
        )
        if not created:
            return None
        if immediate:
            queue_mail(
                subject=subject,
                body=_with_footer(body, language=language),
                to=[member.email],
                reply_to=list(reply_to),
                about=[about.pk] if about is not None else [],
            )
    return notice


def send_transactional(
    *,
    recipient,
    template: str,
    context: Mapping[str, Any],
    reply_to: Sequence[str] = (),
    attachments: Sequence[Attachment] = (),
) -> bool:
    """Mail that cannot be turned off: confirmations of the member's own action, security.

    ``template`` is rendered in the recipient's language and sent after the
    surrounding transaction commits, whatever the member's notification
    settings; never to inactive members. Returns whether it was queued.
    """
    member = _mail_recipient(recipient)
    if member is None:
        return False
    subject, body = render_mail(
        template, {**context, "recipient": member}, language=language_of(member)
    )
    queue_mail(
        subject=subject,
        body=body,
        to=[member.email],
        reply_to=list(reply_to),
        attachments=list(attachments),
    )
    return True


def _pending_daily():
    return Notice.objects.filter(delivery=Notice.Delivery.DAILY, sent_at__isnull=True)


def claim_digest(recipient_id: int) -> bool:
    """Take the member's digest for this transaction, unless another one holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext('lef.send_digest'), %s)", [recipient_id]
        )
        return cursor.fetchone()[0]


def send_digest(*, recipient_id: int) -> int:
    """Send one member their unsent daily notices as one mail; return how many it held.

    One worker per member at a time: a transaction-scoped advisory lock on the
    member, which a second worker running at the same time does not wait for
    but skips the member (locking the notices row by row would let two workers
    each take some of them: two mails). Its pending notices are then locked
    too, and once they are marked sent (and their text cleared) a rerun finds
    nothing. Inactive members get no digest.
    """
    with transaction.atomic():
        if not claim_digest(recipient_id):
            return 0  # another worker is sending this member's digest
        notices = list(
            _pending_daily()
            .select_for_update(skip_locked=True)
            .filter(recipient_id=recipient_id)
            .order_by("created_at", "pk")
        )
        if not notices:
            return 0
        member = _mail_recipient(get_user_model()(pk=recipient_id))
        if member is None:
            return 0
        language = language_of(member)
        subject, body = render_mail(
            "lef/email/digest",
            {"member": member, "notices": notices, "count": len(notices)},
            language=language,
        )
        queue_mail(subject=subject, body=_with_footer(body, language=language), to=[member.email])
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(
            sent_at=timezone.now(), subject="", body=""
        )
    return len(notices)


def send_daily_digests() -> tuple[int, int]:
    """Send every active member with unsent daily notices their digest.

    One transaction per member (see :func:`send_digest`), so a failure for one
    member does not hold back the others. Returns (digests sent, notices in them).
    """
    recipient_ids = list(
        _pending_daily()
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    digests = notices = 0
    for recipient_id in recipient_ids:
        count = send_digest(recipient_id=recipient_id)
        if count:
            digests += 1
            notices += count
    return digests, notices


def forget_notices_about(member) -> int:
    """Delete undelivered notices that carry ``member``'s words or address.

    Part of deleting an account: a message they sent that still waits for a
    digest is not delivered after they left. Returns how many were deleted.
    """
    deleted, _per_model = _pending_daily().filter(about=member).delete()
    Notice.objects.filter(about=member).update(about=None)
    return deleted
