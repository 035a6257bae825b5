"""Models every app shares: the notices behind the platform's mail, and calendar feeds."""

from django.conf import settings
from django.db import models
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
