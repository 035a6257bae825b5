"""Models every app shares: the notices behind the platform's mail, calendar feeds, history."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One notice for one member, sent immediately or in a daily digest.

    ``key`` identifies what the notice is about (e.g. ``project:12:request:40``);
    the unique constraint makes sending the same notice twice impossible, even
    when two requests try at once.

    Only what delivery needs is kept, for as long as it needs it: a notice that
    is mailed at once stores no text at all, and a digest notice's subject and
    text are cleared once its digest is sent (see lef.notifications). ``about``
    is the member whose words or address the text carries (the sender of a
    message); deleting that account deletes their undelivered notices.
    """

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        OFF = "off", _("Off")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("about member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(_("key"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="lef_notice_once"),
        ]
        indexes = [models.Index(fields=["delivery", "sent_at"], name="lef_notice_pending_idx")]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id}"


class CalendarFeed(models.Model):
    """A member's personal calendar feed: its secret address (lef.calendar)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reset_at = models.DateTimeField(_("reset at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user_id}"


class AuditEntry(models.Model):
    """One thing someone did to an object: who, when, what (lef.audit writes these).

    The object is any model's row (a meetup, a sign-up, a booking, a project),
    by content type and id, so lef needs no app. ``action`` is a dotted code
    ("events.registration.cancelled") that the app's ``AUDIT_LABELS`` (its
    hooks.py) turn into words. ``data`` holds ids and counts, never names or
    addresses: the names are read from the rows when the history is shown, so
    an account deletion needs no change here. ``actor`` is None for the
    platform itself (``automatic``: a scheduled job, the waiting list), and
    for a person whose account is gone.
    The entries of one object are read newest first (the index).
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("object type"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=100)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    via_admin = models.BooleanField(_("in the back office"), default=False)
    # Done by the platform itself (a job, the waiting list), not by a person: so an
    # entry whose actor is gone (SET_NULL) still says which of the two it was.
    automatic = models.BooleanField(_("automatically"), default=False)
    at = models.DateTimeField(_("when"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="lef_audit_object_idx")
        ]

    def __str__(self):
        return f"{self.action} {self.content_type_id}:{self.object_id}"
