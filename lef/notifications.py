"""The shared mail helper: notices that honour each member's notification settings.

Every mail the platform sends about something that happened (a join request, event
news, a message from a member) goes through :func:`notify`. Each member chooses per
kind of mail (:class:`NotificationKind`) whether it arrives immediately, in a daily
digest, or not at all; the choice lives in ``Profile.notification_settings`` as
``{"projects": "immediate", ...}`` and every kind defaults to immediately.

Mails that confirm the member's own action and security mails cannot be turned
off: send those with :func:`send_transactional`, never with :func:`notify`.
django-allauth's account mails (email confirmation, password reset, ...) go
through ``members.adapters.AccountAdapter.send_mail`` and are not affected by
these settings either.

Each notice has a ``key`` naming what it is about (``"project:12:request:40"``);
the unique constraint on (recipient, key) means a notice is stored, and so
mailed, at most once, even when two processes try at the same moment.
"""

from django.conf import settings
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lef.mail import queue_mail
from members.models import Notice, User


class NotificationKind(models.TextChoices):
    """The kinds of mail a member can switch between immediately, daily and off."""

    PROJECTS = "projects", _("Project requests and updates")
    EVENTS = "events", _("Event news")
    BOOKINGS = "bookings", _("Booking confirmations")
    MESSAGES = "messages", _("Messages from members")


DEFAULT_DELIVERY = Notice.Delivery.IMMEDIATE


def delivery_for(notification_settings: dict | None, kind: str) -> str:
    """The member's choice for ``kind`` (a ``Notice.Delivery`` value), immediately if unset."""
    value = (notification_settings or {}).get(kind)
    return value if value in Notice.Delivery.values else DEFAULT_DELIVERY


def full_notification_settings(notification_settings: dict | None) -> dict[str, str]:
    """Every kind with its delivery, defaults filled in, unknown keys dropped."""
    return {kind: delivery_for(notification_settings, kind) for kind in NotificationKind.values}


def absolute_url(path: str) -> str:
    """``path`` on the public site for use in mails, or "" when LEF_SITE_URL is not set."""
    base = settings.LEF_SITE_URL
    return f"{base}{path}" if base else ""


def _with_footer(body: str) -> str:
    footer = render_to_string(
        "members/email/notice_footer.txt",
        {"settings_url": absolute_url(reverse("members:edit"))},
    )
    return f"{body.rstrip()}\n\n{footer.strip()}\n"


def _mail_recipient(recipient: User) -> User | None:
    """The recipient as the database has them now: active, with an address, and profile."""
    return (
        User.objects.select_related("profile")
        .filter(pk=recipient.pk, is_active=True)
        .exclude(email="")
        .first()
    )


def notify(
    *,
    recipient: User,
    kind: str,
    key: str,
    subject: str,
    body: str,
    html: str | None = None,
    reply_to: list[str] | None = None,
) -> Notice | None:
    """Tell ``recipient`` about something, as they chose for this ``kind`` of mail.

    * off: nothing is stored or sent; returns None;
    * immediately: stores a Notice (``sent_at`` set) and queues the mail for after
      the surrounding transaction commits;
    * daily digest: stores a Notice with ``sent_at`` empty; ``send_digests`` sends it.

    ``key`` must name the event uniquely for this recipient (e.g.
    ``"project:12:request:40"``). If a notice with this key exists already, nothing
    is stored or sent and None is returned: the unique constraint makes this hold
    across processes (the second insert waits for the first and then fails inside a
    savepoint). Inactive (deleted) members and members without an address get
    nothing. The text body gets a footer pointing to the settings; ``html``, when
    given, is sent as the alternative unchanged. Call it inside the caller's
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
    immediate = delivery == Notice.Delivery.IMMEDIATE
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            recipient=member,
            key=key,
            defaults={
                "kind": kind,
                "subject": subject[:200],
                "body": body,
                "delivery": delivery,
                "sent_at": timezone.now() if immediate else None,
            },
        )
        if not created:
            return None
        if immediate:
            queue_mail(
                subject=notice.subject,
                body=_with_footer(body),
                to=[member.email],
                reply_to=reply_to,
                html=html,
            )
    return notice


def send_transactional(
    *,
    recipient: User,
    subject: str,
    body: str,
    html: str | None = None,
    reply_to: list[str] | None = None,
) -> bool:
    """Mail that cannot be turned off: confirmations of the member's own action, security.

    Sent after the surrounding transaction commits, whatever the member's
    notification settings; never to inactive members. Returns whether it was queued.
    """
    member = _mail_recipient(recipient)
    if member is None:
        return False
    queue_mail(subject=subject, body=body, to=[member.email], reply_to=reply_to, html=html)
    return True


def _pending_daily():
    return Notice.objects.filter(delivery=Notice.Delivery.DAILY, sent_at__isnull=True)


def send_digest(*, recipient_id: int) -> int:
    """Send one member their unsent daily notices as one mail; return how many it held.

    Locks the member's pending notices with ``SELECT … FOR UPDATE SKIP LOCKED``:
    a second worker running at the same time skips the ones this one holds, so no
    notice is ever in two digests, and once they are marked sent a rerun finds
    nothing (idempotent). Inactive members get no digest; their notices stay unsent.
    """
    with transaction.atomic():
        notices = list(
            _pending_daily()
            .select_for_update(skip_locked=True)
            .filter(recipient_id=recipient_id)
            .order_by("created_at", "pk")
        )
        if not notices:
            return 0
        member = User.objects.filter(pk=recipient_id, is_active=True).exclude(email="").first()
        if member is None:
            return 0
        context = {"member": member, "notices": notices, "count": len(notices)}
        subject = " ".join(render_to_string("members/email/digest_subject.txt", context).split())
        body = render_to_string("members/email/digest_body.txt", context)
        queue_mail(subject=subject, body=_with_footer(body), to=[member.email])
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=timezone.now())
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
