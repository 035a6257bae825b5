"""Everything about meetups that has rules: signing up, waiting lists, cancelling, check-in.

Every function here that touches places takes the same lock: the meetup's own
row, ``SELECT … FOR UPDATE``, taken first and held to the end of the
transaction, with a short ``lock_timeout`` so that a request never hangs behind
a long one (it gets :class:`EventBusy`, "please try again", a 503); the timeout
holds for the service's own work only, not for the rest of a caller's
transaction (an admin save, an account deletion). Under that
lock the places are counted from the registration rows themselves (no stored
"places left"), so:

* a meetup never has more confirmed sign-ups than its capacity, and no sector
  more than its share (``Event.sector_limit``), however many people sign up at
  the same moment;
* the waiting list is first come, first served: ordered by arrival (the moment
  the lock was granted, then the row's id), and every path that frees a place
  or loosens a cap (a cancellation by the member or a coordinator, a higher
  capacity, another cap, an account deletion) promotes the first *eligible*
  people in line, in the same transaction, and mails them;
* walk-ins (people let in at the door) do not take a place: the capacity is
  about sign-ups in advance.

Mail goes out only after the transaction commits (lef.notifications.after_commit). Views,
the admin, management commands and tasks all call these functions.
"""

import logging
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg.errors import LockNotAvailable

from events.calendars import event_invitation
from events.models import RESERVED_SLUGS, Event, Registration
from events.permissions import event_permissions, registration_permissions
from lef import audit
from lef.choices import Sector
from lef.errors import Busy, Conflict, DomainError, NotAllowed
from lef.images import copy_of, delete_after_commit, store_after_commit
from lef.notifications import (
    NotificationKind,
    absolute_url,
    after_commit,
    notify,
    send_transactional,
)
from lef.slugs import create_with_unique_slug, slug_base
from lef.validators import invisible_characters, validate_multiline_text
from members.models import User

logger = logging.getLogger(__name__)

# How long a request waits for a meetup's lock before it says "please try again".
LOCK_TIMEOUT = "3s"
MAX_NOTE_LENGTH = 500
MAX_MESSAGE_LENGTH = 5000
MAX_SUBJECT_LENGTH = 150
MAX_GUEST_NAME_LENGTH = 150
TITLE_LENGTH = 160  # Event.title's
MAX_GUEST_EMAIL_LENGTH = 254  # Registration.guest_email's
# Fields that change where or when a meetup is: calendars must replace their copy.
TIME_AND_PLACE = ("starts_at", "ends_at", "venue_id", "online_url")


# Errors ------------------------------------------------------------------------------


class EventActionError(DomainError):
    """Something about a meetup that cannot be done; the message says why."""


class EventBusy(EventActionError, Busy):  # noqa: N818 -- named for the outcome, like EventFull
    """Many people act on this meetup at once; trying again in a moment works."""


class RegistrationClosed(EventActionError, Conflict):  # noqa: N818 -- named for the outcome, like EventFull
    """Sign-up is not open (not yet, no longer, cancelled or a draft)."""


class AlreadyRegistered(EventActionError, Conflict):  # noqa: N818 -- named for the outcome, like EventFull
    pass


class NotRegistered(EventActionError, Conflict):  # noqa: N818 -- named for the outcome, like EventFull
    pass


class ProfileIncomplete(EventActionError, NotAllowed):  # noqa: N818 -- named for the outcome, like EventFull
    """Signing up needs the member's sector (the first profile step)."""


class RegistrationNotAllowed(EventActionError, NotAllowed):  # noqa: N818 -- named for the outcome, like EventFull
    pass


class EventChangeRefused(EventActionError):  # noqa: N818 -- named for the outcome, like EventFull
    """A change to a meetup that would break a rule (capacity below the sign-ups, ...)."""


class EventHasRegistrations(EventActionError, Conflict):  # noqa: N818 -- named for the outcome, like EventFull
    pass


# The lock ----------------------------------------------------------------------------


def _busy() -> EventBusy:
    return EventBusy(
        _("Many people are signing up for this meetup right now. Please try again in a moment.")
    )


# Sets the service's lock_timeout for the rest of the transaction and reads the one
# before it: the subquery (kept apart by OFFSET 0) runs before the set.
_SET_LOCK_TIMEOUT_SQL = """
SELECT before.value, set_config('lock_timeout', %s, true)
FROM (SELECT current_setting('lock_timeout') AS value OFFSET 0) AS before
"""


@contextmanager
def _event_locked(event_id: int, *, member=None) -> Iterator[Event]:
    """A transaction holding the meetup's row lock; yields the meetup as it is now.

    With ``member``, their user row is locked first, in the order
    members.services.deactivate_member takes them (the member, then the
    meetups it frees), and ``member.is_active`` is read again under that lock:
    a deactivation that committed meanwhile is seen, and one that comes later
    waits for this transaction and then frees what it made.

    A lock that cannot be had within ``LOCK_TIMEOUT`` becomes :class:`EventBusy`
    (and everything in the block rolls back). The timeout lasts as long as the
    block: PostgreSQL can only set it for the whole transaction, so inside a
    caller's transaction (an admin save, an account deletion) the caller's own
    value is put back when the block ends; when the block fails, rolling back
    its savepoint puts it back.
    """
    nested = connection.in_atomic_block
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_SET_LOCK_TIMEOUT_SQL, [LOCK_TIMEOUT])
                before = cursor.fetchone()[0]
            if member is not None:
                member.is_active = (
                    User.objects.select_for_update()
                    .filter(pk=member.pk)
                    .values_list("is_active", flat=True)
                    .get()
                )
            event = (
                Event.objects.select_for_update(of=("self",))
                .select_related("venue")
                .get(pk=event_id)
            )
            yield event
            if nested:  # else the transaction, and the setting with it, ends here
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
    except OperationalError as error:
        if isinstance(error.__cause__, LockNotAvailable):
            raise _busy() from error
        raise


# Counting places ---------------------------------------------------------------------


@dataclass
class Places:
    """The places of one meetup, counted from its registrations (under its lock)."""

    capacity: int | None
    sector_limit: int | None
    taken: int = 0
    by_sector: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, event: Event) -> "Places":
        rows = (
            Registration.objects.holding_a_place()
            .filter(event=event)
            .values_list("sector")
            .annotate(count=Count("pk"))
            .order_by()
        )
        by_sector = Counter(dict(rows))
        return cls(
            capacity=event.capacity,
            sector_limit=event.sector_limit,
            taken=sum(by_sector.values()),
            by_sector=by_sector,
        )

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity

    def sector_is_full(self, sector: str) -> bool:
        return self.sector_limit is not None and self.by_sector[sector] >= self.sector_limit

    def waiting_reason(self, sector: str) -> str:
        """Why someone from ``sector`` cannot have a place now ("" if they can).

        The sector's cap comes first: even when a place frees up, it is not theirs.
        """
        if self.sector_is_full(sector):
            return Registration.WaitingReason.SECTOR_FULL
        if self.is_full:
            return Registration.WaitingReason.FULL
        return ""

    def placement(self, sector: str) -> tuple[str, str]:
        """(status, waiting reason) for a new sign-up from ``sector``."""
        reason = self.waiting_reason(sector)
        if reason:
            return Registration.Status.WAITING, reason
        return Registration.Status.CONFIRMED, ""

    def take(self, sector: str) -> None:
        self.taken += 1
        self.by_sector[sector] += 1


def waiting_position(registration: Registration) -> int | None:
    """Where ``registration`` stands on its meetup's waiting list (1 = next), or None."""
    if registration.status != Registration.Status.WAITING:
        return None
    return (
        Registration.objects.waiting()
        .filter(event_id=registration.event_id)
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lte=registration.pk)
        )
        .count()
    )


# Mail --------------------------------------------------------------------------------


def _context(event: Event, registration: Registration | None = None, **extra) -> dict:
    return {
        "event": event,
        "registration": registration,
        "event_url": absolute_url(event.get_absolute_url()),
        "calendar_url": absolute_url(reverse("events:ics", kwargs={"slug": event.slug})),
        "events_url": absolute_url(reverse("events:list")),
        **extra,
    }


def _mail(registration: Registration, template: str, *, calendar: str = "", **extra) -> None:
    """A service mail about the member's own sign-up (cannot be turned off).

    Rendered and queued once the transaction commits, so not while the
    meetup's lock is held (others wait for it) and never for a change that
    rolled back. ``calendar``: "" for no .ics file, "place" for the meetup
    (with its online link), "cancelled" for it marked cancelled: an iTIP
    message (REQUEST or CANCEL) that updates the member's calendar. ``extra`` is
    read now (a place in line must be counted under the lock); a failure to
    render is logged, never undoes the committed change.
    """
    if registration.member_id is None:
        return
    after_commit(
        _send_mail,
        registration=registration,
        template=template,
        calendar=calendar,
        context=_context(registration.event, registration, **extra),
    )


def _send_mail(*, registration: Registration, template: str, calendar: str, context) -> None:
    # _mail's mail, once the transaction has committed.
    attachments = []
    if calendar:
        attachments.append(event_invitation(registration, cancelled=calendar == "cancelled"))
    send_transactional(
        recipient=registration.member,
        template=f"events/email/{template}",
        context=context,
        reply_to=[settings.LEF_CONTACT_EMAIL],
        attachments=attachments,
    )


def _mail_confirmed(registration: Registration, template: str) -> None:
    _mail(registration, template, calendar="place")


# Signing up --------------------------------------------------------------------------


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise EventActionError(
            _("Keep your note to at most %(max)d characters.") % {"max": MAX_NOTE_LENGTH}
        )
    if invisible_characters(note, multiline=True):
        raise EventActionError(_("Use letters, digits and punctuation only in your note."))
    return note


def _sector_of(member) -> str:
    profile = getattr(member, "profile", None)
    if profile is None or not profile.is_onboarded:
        raise ProfileIncomplete(
            _("Tell us your sector first (the first step of your profile); then sign up.")
        )
    return profile.primary_sector


def _check_registration_open(event: Event, now: datetime) -> None:
    messages = {
        "cancelled": _("This meetup has been cancelled."),
        "draft": _("This meetup is not open for sign-up."),
        "not_open": _("Sign-up for this meetup has not opened yet."),
        "closed": _("Sign-up for this meetup has closed."),
    }
    phase = event.sign_up_phase(now)
    if phase != "open":
        raise RegistrationClosed(messages[phase])


def register_for_event(*, event: Event, member, note: str = "") -> Registration:
    """Sign ``member`` up for ``event``: a place if there is one, else the waiting list.

    Takes the member's row lock, then the meetup's; checks under them that the
    account is active (a deactivation at the same moment either comes first
    and is refused here, or waits and then frees the place), that sign-up is
    open (published, after the opening and before the closing moment) and that
    the member has no active registration, then counts the places taken: a
    full meetup puts the member on the waiting list with reason ``full``; a
    meetup whose cap for the member's sector is reached puts them there with
    reason ``sector_full`` while other sectors still get a place. The sector
    is the member's primary sector now, kept on the registration. Mails a
    confirmation (with the meetup as an .ics file) or the waiting-list
    position after the commit.

    Raises ProfileIncomplete, RegistrationNotAllowed (an inactive account),
    RegistrationClosed, AlreadyRegistered, EventActionError (a bad note) or
    EventBusy.
    """
    note = _clean_note(note)
    sector = _sector_of(member)
    with _event_locked(event.pk, member=member) as locked:
        if not member.is_active:
            raise RegistrationNotAllowed(_("This account cannot sign up."))
        now = timezone.now()
        _check_registration_open(locked, now)
        if Registration.objects.active().filter(event=locked, member=member).exists():
            raise AlreadyRegistered(_("You are already signed up for this meetup."))
        status, reason = Places.of(locked).placement(sector)
        confirmed = status == Registration.Status.CONFIRMED
        registration = Registration.objects.create(
            event=locked,
            member=member,
            sector=sector,
            status=status,
            waiting_reason=reason,
            note=note,
            created_at=now,
            confirmed_at=now if confirmed else None,
        )
        audit.record(
            registration,
            "events.registration.signed_up" if confirmed else "events.registration.waiting",
            actor=member,
        )
        if confirmed:
            _mail_confirmed(registration, "registered")
        else:
            _mail(registration, "waiting", position=waiting_position(registration))
    return registration


# The waiting list --------------------------------------------------------------------


def _promote_locked(event: Event, *, now: datetime) -> list[Registration]:
    """Give free places to the first eligible people in line; the caller holds the lock.

    Only for a published meetup that has not started. Walks the waiting list in
    order: whoever's sector still has room gets a place, until none is left;
    the others keep their place in line, with the reason brought up to date.
    An inactive account is passed over (deactivation takes it off the list; an
    older one may still be on it): a place goes only to someone who can come.
    """
    if event.status != Event.Status.PUBLISHED or event.has_started(now):
        return []
    waiting = list(Registration.objects.waiting().filter(event=event).select_related("member"))
    if not waiting:
        return []
    places = Places.of(event)
    promoted = []
    for registration in waiting:
        if places.is_full:
            break
        if places.sector_is_full(registration.sector) or not _can_come(registration):
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.waiting_reason = ""
        registration.confirmed_at = now
        registration.save(update_fields=["status", "waiting_reason", "confirmed_at"])
        audit.record(registration, "events.registration.promoted", actor=None)
        places.take(registration.sector)
        promoted.append(registration)
    still_waiting = [r for r in waiting if r.status == Registration.Status.WAITING]
    _update_waiting_reasons(still_waiting, places)
    for registration in promoted:
        registration.event = event
        _mail_confirmed(registration, "promoted")
    return promoted


def _can_come(registration: Registration) -> bool:
    """Whether a place may go to this person: a guest, or a member whose account is active."""
    return registration.member_id is None or registration.member.is_active


def _update_waiting_reasons(still_waiting: list[Registration], places: Places) -> None:
    """Why each person still waits: the meetup is full, or their sector's places are."""
    changes: dict[str, list[int]] = {}
    for registration in still_waiting:
        reason = places.waiting_reason(registration.sector)
        if registration.waiting_reason != reason:
            registration.waiting_reason = reason
            changes.setdefault(reason, []).append(registration.pk)
    for reason, pks in changes.items():
        Registration.objects.filter(pk__in=pks).update(waiting_reason=reason)


def promote_waiting(*, event: Event) -> list[Registration]:
    """Fill the free places of ``event`` from its waiting list (see the module docstring).

    Takes the meetup's lock; returns the promoted registrations (mailed after
    the commit). Every path that frees a place runs this in its own transaction.
    """
    with _event_locked(event.pk) as locked:
        return _promote_locked(locked, now=timezone.now())


# Cancelling a sign-up ----------------------------------------------------------------


@dataclass(frozen=True)
class Cancelled:
    """What cancelling a sign-up did: the sign-up, and who got the place (each mailed)."""

    registration: Registration
    promoted: tuple[Registration, ...] = ()


def cancel_registration(*, registration: Registration, by) -> Cancelled:
    """Cancel a sign-up (by the member, or by a coordinator) and pass the place on.

    Takes the meetup's lock, then the registration's. The row stays, marked
    cancelled, with who cancelled it and when. In the same transaction the
    first eligible people on the waiting list get the free place, and are
    mailed. A member cannot cancel once the meetup has started, nor anyone
    after a check-in (undo the check-in first). Returns the sign-up and who
    moved up, for the coordinator's message.

    Raises RegistrationNotAllowed, NotRegistered (already cancelled),
    EventActionError or EventBusy.
    """
    with _event_locked(registration.event_id) as event:
        now = timezone.now()
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("member")
            .get(pk=registration.pk)
        )
        registration.event = event
        if not registration_permissions(by, registration).cancel:
            raise RegistrationNotAllowed(_("You cannot cancel this sign-up."))
        if registration.status == Registration.Status.CANCELLED:
            raise NotRegistered(_("This sign-up was already cancelled."))
        by_member = by.pk == registration.member_id
        if by_member and event.has_started(now):
            raise RegistrationClosed(_("This meetup has already started."))
        if registration.checked_in_at is not None:
            raise EventActionError(_("This person has been checked in; undo the check-in first."))
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.waiting_reason = ""
        registration.cancelled_at = now
        registration.cancelled_by = by
        registration.save(
            update_fields=["status", "waiting_reason", "cancelled_at", "cancelled_by"]
        )
        audit.record(
            registration,
            "events.registration.cancelled"
            if by_member
            else "events.registration.cancelled_by_coordinator",
            actor=by,
            data={"was": "confirmed" if was_confirmed else "waiting"},
        )
        _mail(
            registration,
            "registration_cancelled",
            calendar="cancelled" if was_confirmed else "",
            by_member=by_member,
            was_confirmed=was_confirmed,
        )
        promoted = _promote_locked(event, now=now)
    return Cancelled(registration=registration, promoted=tuple(promoted))


def cancel_own_registration(*, event: Event, member) -> Cancelled:
    """Cancel ``member``'s active sign-up for ``event`` (see :func:`cancel_registration`)."""
    registration = Registration.objects.active().filter(event=event, member=member).first()
    if registration is None:
        raise NotRegistered(_("You are not signed up for this meetup."))
    return cancel_registration(registration=registration, by=member)


def delete_registration(*, registration: Registration, by=None) -> None:
    """Delete a registration row (a superuser's clean-up in the back office) and pass the place on.

    Coordinators cancel instead, which keeps the row; this exists so that the
    admin's delete, too, promotes from the waiting list in the same transaction.
    """
    with _event_locked(registration.event_id) as event:
        Registration.objects.filter(pk=registration.pk).delete()
        audit.record(
            event, "events.registration.deleted", actor=by, data={"registration": registration.pk}
        )
        _promote_locked(event, now=timezone.now())


# Coordinators: meetups ----------------------------------------------------------------


def _mail_everyone_active(event: Event, template: str, **extra) -> int:
    registrations = list(
        Registration.objects.active()
        .filter(event=event, member__isnull=False)
        .select_related("member")
        .order_by("pk")
    )
    for registration in registrations:
        registration.event = event
        confirmed = registration.status == Registration.Status.CONFIRMED
        _mail(registration, template, calendar="place" if confirmed else "", **extra)
    return len(registrations)


def _cancel_locked(event: Event, *, now: datetime, message: str = "") -> int:
    event.status = Event.Status.CANCELLED
    event.cancelled_at = now
    event.sequence += 1
    event.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    return _mail_everyone_active(event, "event_cancelled", message=message)


def _clean_message(message: str) -> str:
    """A coordinator's own words for a mail: plain text, at most MAX_MESSAGE_LENGTH."""
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise EventActionError(
            _("Write a message of at most %(max)d characters.") % {"max": MAX_MESSAGE_LENGTH}
        )
    if invisible_characters(message, multiline=True):
        raise EventActionError(validate_multiline_text.multiline_message)
    return message


def cancel_event(*, event: Event, by, message: str = "") -> int:
    """Cancel a meetup and mail everyone signed up or waiting; return how many were mailed.

    The registrations stay as they are (nothing is lost); the meetup shows as
    cancelled everywhere, and its calendar entry (sequence raised) as
    cancelled. ``message``, optional, is the coordinator's own word to them,
    put in the mail (not stored). Takes the meetup's lock. Raises
    EventChangeRefused when it was cancelled already, RegistrationNotAllowed
    for anyone but a coordinator, EventActionError for a message too long.
    """
    if not event_permissions(by, event).cancel:
        raise RegistrationNotAllowed(_("Only coordinators can cancel a meetup."))
    message = _clean_message(message)
    with _event_locked(event.pk) as locked:
        if locked.status == Event.Status.CANCELLED:
            raise EventChangeRefused(_("This meetup was already cancelled."))
        mailed = _cancel_locked(locked, now=timezone.now(), message=message)
        audit.record(locked, "events.event.cancelled", actor=by, data={"mailed": mailed})
    event.refresh_from_db()
    return mailed


def check_event_change(*, current: Event, changed: Event) -> None:
    """Refuse a change to a meetup that would break a rule (for the service and the admin form).

    A cancelled meetup stays cancelled; a meetup people signed up for cannot
    become a draft again; the capacity cannot go below the places already
    given (nobody loses their place because of an edit). Counts from the rows.
    """
    if current.is_cancelled and changed.status != Event.Status.CANCELLED:
        raise EventChangeRefused(
            _("A cancelled meetup stays cancelled. Copy it to a new date to plan it again.")
        )
    if (
        changed.status == Event.Status.DRAFT
        and current.status != Event.Status.DRAFT
        and Registration.objects.active().filter(event=current).exists()
    ):
        raise EventChangeRefused(
            _("People have signed up for this meetup, so it cannot become a draft again.")
        )
    if changed.capacity is not None:
        taken = Registration.objects.holding_a_place().filter(event=current).count()
        if changed.capacity < taken:
            raise EventChangeRefused(
                ngettext(
                    "%(count)d person already has a place, so the meetup needs at least "
                    "%(count)d place. Cancel sign-ups first to go lower.",
                    "%(count)d people already have a place, so the meetup needs at least "
                    "%(count)d places. Cancel sign-ups first to go lower.",
                    taken,
                )
                % {"count": taken}
            )


@dataclass(frozen=True)
class EventSaved:
    """What saving a coordinator's change did besides the change, for the message they read."""

    event: Event
    cancelled: bool = False  # the meetup was cancelled by this save
    moved: bool = False  # its time or place changed
    mailed: int = 0  # people told of the cancellation, or of the new time or place
    promoted: int = 0  # people who moved up from the waiting list (each mailed)


def save_event(*, event: Event, by=None) -> EventSaved:
    """Save a coordinator's changes to a meetup (the admin's form, already cleaned).

    A new meetup is simply saved. A change takes the meetup's lock and then:

    * refuses a capacity below the places already given, a way back from
      cancelled, and back to draft while people are signed up;
    * raises the calendar sequence when time or place change, and mails
      everyone signed up the new time or place (with a new .ics);
    * a status changed to cancelled cancels the meetup (:func:`cancel_event`);
    * promotes from the waiting list: a higher capacity or a looser (or no)
      sector cap gives the places that freed up, in the same transaction;
    * keeps the image the row has: it changes only through lef.images (the
      admin stores an upload after the commit, and deletes a removed image's
      files then), so a save never writes back a stem it read earlier.

    Returns what it did (:class:`EventSaved`): who was mailed, who moved up.
    """
    event.full_clean(validate_unique=False)
    if event.pk is None:
        if event.status == Event.Status.CANCELLED:
            raise EventChangeRefused(_("A new meetup cannot start out cancelled."))
        event.save()
        audit.record(event, "events.event.created", actor=by, data={"status": event.status})
        return EventSaved(event=event)
    with _event_locked(event.pk) as current:
        now = timezone.now()
        check_event_change(current=current, changed=event)
        cancelling = event.status == Event.Status.CANCELLED and not current.is_cancelled
        moved = any(getattr(event, name) != getattr(current, name) for name in TIME_AND_PLACE)
        if event.image:
            event.image = current.image
        event.sequence = current.sequence + (1 if moved else 0)
        event.cancelled_at = current.cancelled_at
        if cancelling:
            event.status = current.status  # _cancel_locked sets it, and raises the sequence
        event.save()
        mailed = 0
        if cancelling:
            mailed = _cancel_locked(event, now=now)
        elif moved and event.status == Event.Status.PUBLISHED:
            mailed = _mail_everyone_active(event, "event_changed")
        _record_change(current, event, by=by, cancelling=cancelling, mailed=mailed)
        promoted = _promote_locked(event, now=now)
    return EventSaved(
        event=event, cancelled=cancelling, moved=moved, mailed=mailed, promoted=len(promoted)
    )


def _record_change(current: Event, event: Event, *, by, cancelling: bool, mailed: int) -> None:
    """The history of a coordinator's save: what changed (field names), published, cancelled."""
    changed = [
        field.name
        for field in Event._meta.concrete_fields
        if field.name not in {"updated_at", "sequence", "status", "cancelled_at"}
        and field.value_from_object(current) != field.value_from_object(event)
    ]
    if cancelling:
        audit.record(event, "events.event.cancelled", actor=by, data={"mailed": mailed})
    elif event.status != current.status and event.status == Event.Status.PUBLISHED:
        audit.record(event, "events.event.published", actor=by)
    if changed:
        audit.record(event, "events.event.changed", actor=by, data={"fields": changed})


def delete_event(*, event: Event) -> None:
    """Delete a meetup nobody ever signed up for (a mistake, a test).

    A meetup with registrations (even cancelled ones) is cancelled instead, so
    that nothing is lost: raises EventHasRegistrations.
    """
    with _event_locked(event.pk) as locked:
        if Registration.objects.filter(event=locked).exists():
            raise EventHasRegistrations(
                _(
                    "People have signed up for “%(title)s”, so it cannot be deleted. "
                    "Cancel it instead: everyone gets a mail."
                )
                % {"title": locked.title}
            )
        locked.delete()
        delete_after_commit(locked.image)


def _on_another_day(moment: datetime | None, days: timedelta) -> datetime | None:
    """``moment`` ``days`` later, at the same hour in Amsterdam (whatever the clocks did)."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return datetime.combine(
        local.date() + days, local.time(), tzinfo=timezone.get_default_timezone()
    )


def duplicate_event(*, event: Event, starts_on: date, title: str = "", by=None) -> Event:
    """A draft copy of ``event`` on ``starts_on``, without sign-ups.

    Same texts, place, caps, development hours and organisers; the same hour in Amsterdam and the
    same length, on the new day; the sign-up window (if set) moves with it by
    as many days. The title is ``title`` (or the original's), and the address
    is made from that title and the new date ("brugklas-2027-01-12"), so
    copies of a monthly meetup each read as their own. The copy gets its own
    copy of the image, stored once the copy is committed. Raises
    EventActionError for a title that is empty, too long or holds invisible
    characters.
    """
    source = Event.objects.get(pk=event.pk)
    title = " ".join((title or source.title).split())
    if not title or len(title) > TITLE_LENGTH or invisible_characters(title):
        raise EventActionError(
            _("Write a title of at most %(max)d characters.") % {"max": TITLE_LENGTH}
        )
    days = starts_on - timezone.localdate(source.starts_at)
    starts_at = _on_another_day(source.starts_at, days)
    image = copy_of(source.image)
    copied = {
        name: getattr(source, name)
        for name in (
            "summary",
            "description",
            "venue_id",
            "online_url",
            "capacity",
            "max_sector_share",
            "target_sectors",
            "target_transitions",
            "development_hours",
        )
    }
    copied |= {
        "starts_at": starts_at,
        "ends_at": starts_at + (source.ends_at - source.starts_at),
        "registration_opens_at": _on_another_day(source.registration_opens_at, days),
        "registration_closes_at": _on_another_day(source.registration_closes_at, days),
    }

    def create(slug: str) -> Event:
        return Event.objects.create(title=title, slug=slug, status=Event.Status.DRAFT, **copied)

    with transaction.atomic():
        copy = create_with_unique_slug(
            Event,
            slug_base(f"{title} {starts_on.isoformat()}", max_length=160, fallback="meetup"),
            create,
            reserved=RESERVED_SLUGS,
        )
        copy.organisers.set(source.organisers.all())
        audit.record(copy, "events.event.copied", actor=by, data={"from": source.pk})
        audit.record(source, "events.event.copied_to", actor=by, data={"to": copy.pk})
        if image is not None:
            store_after_commit(instance=copy, field="image", image=image)
    return copy


def email_confirmed(*, event: Event, subject: str, message: str, by) -> int:
    """Mail a coordinator's message to everyone with a place; return how many it reaches.

    Goes through ``notify`` (kind "events": each member's choice of
    immediately, daily or off holds), with the contact address as Reply-To.
    """
    if not event_permissions(by, event).email:
        raise RegistrationNotAllowed(_("Only coordinators can mail the people signed up."))
    subject = " ".join((subject or "").split())
    message = (message or "").strip()
    if not subject or len(subject) > MAX_SUBJECT_LENGTH or invisible_characters(subject):
        raise EventActionError(
            _("Write a subject of at most %(max)d characters.") % {"max": MAX_SUBJECT_LENGTH}
        )
    if not message or len(message) > MAX_MESSAGE_LENGTH:
        raise EventActionError(
            _("Write a message of at most %(max)d characters.") % {"max": MAX_MESSAGE_LENGTH}
        )
    if invisible_characters(message, multiline=True):
        raise EventActionError(validate_multiline_text.multiline_message)
    token = uuid.uuid4().hex[:12]
    reached = 0
    with transaction.atomic():
        registrations = (
            Registration.objects.confirmed()
            .filter(event=event, member__isnull=False)
            .select_related("member")
            .order_by("pk")
        )
        for registration in registrations:
            notice = notify(
                recipient=registration.member,
                kind=NotificationKind.EVENTS,
                key=f"event:{event.pk}:message:{token}",
                template="events/email/message",
                context=_context(event, registration, subject=subject, message=message),
                reply_to=[settings.LEF_CONTACT_EMAIL],
            )
            reached += notice is not None
        audit.record(event, "events.event.mailed", actor=by, data={"reached": reached})
    return reached


# At the door --------------------------------------------------------------------------


def _may_check_in(by, event: Event) -> None:
    if not event_permissions(by, event).check_in:
        raise RegistrationNotAllowed(
            _("Only the organisers and coordinators can check people in.")
        )
    if event.is_cancelled:
        raise RegistrationClosed(_("This meetup has been cancelled."))


def _check_in_locked(registration: Registration, *, now: datetime, by) -> Registration:
    if registration.status == Registration.Status.CANCELLED:
        raise EventActionError(_("This sign-up was cancelled."))
    if registration.checked_in_at is not None:
        return registration
    fields = ["checked_in_at"]
    if registration.status == Registration.Status.WAITING:
        # Let in at the door from the waiting list: a walk-in, not a place.
        registration.status = Registration.Status.CONFIRMED
        registration.waiting_reason = ""
        registration.walk_in = True
        registration.confirmed_at = now
        fields += ["status", "waiting_reason", "walk_in", "confirmed_at"]
    registration.checked_in_at = now
    registration.save(update_fields=fields)
    audit.record(registration, "events.registration.checked_in", actor=by)
    return registration


def check_in(*, registration: Registration, by) -> Registration:
    """Mark someone present. Someone from the waiting list comes in as a walk-in.

    Idempotent (checking in twice keeps the first time). Takes the meetup's
    lock, so a promotion and a check-in never cross. Organisers and
    coordinators only; any time, so attendance can be filled in afterwards.
    """
    with _event_locked(registration.event_id) as event:
        _may_check_in(by, event)
        registration = Registration.objects.select_for_update(of=("self",)).get(
            pk=registration.pk, event=event
        )
        return _check_in_locked(registration, now=timezone.now(), by=by)


def undo_check_in(*, registration: Registration, by) -> Registration:
    """Take back a check-in; a walk-in added by mistake is cancelled (the row stays)."""
    with _event_locked(registration.event_id) as event:
        _may_check_in(by, event)
        registration = Registration.objects.select_for_update(of=("self",)).get(
            pk=registration.pk, event=event
        )
        if registration.checked_in_at is None:
            return registration
        registration.checked_in_at = None
        fields = ["checked_in_at"]
        if registration.walk_in:
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = timezone.now()
            registration.cancelled_by = by
            fields += ["status", "cancelled_at", "cancelled_by"]
        registration.save(update_fields=fields)
        audit.record(registration, "events.registration.check_in_undone", actor=by)
        return registration


def _clean_guest_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    try:
        if len(email) > MAX_GUEST_EMAIL_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError as error:
        raise EventActionError(
            _("Write the guest's email address in full, like name@school.nl, or leave it empty.")
        ) from error
    return email


def add_walk_in(
    *,
    event: Event,
    by,
    member=None,
    guest_name: str = "",
    sector: str = "",
    guest_email: str = "",
) -> Registration:
    """Let someone in at the door who did not sign up: a member, or a guest by name.

    A member who is signed up or waiting is simply checked in. A walk-in is
    confirmed and checked in at once, with the member's sector (or the sector
    given for a guest); it does not take a place of the capacity. A guest may
    leave an email address (optional) so the organisers can follow up; it is
    kept on their registration, shown to organisers and coordinators only.
    """
    guest_name = " ".join((guest_name or "").split())
    guest_email = _clean_guest_email(guest_email) if member is None else ""
    with _event_locked(event.pk) as locked:
        _may_check_in(by, locked)
        now = timezone.now()
        if member is not None:
            existing = (
                Registration.objects.active()
                .select_for_update(of=("self",))
                .filter(event=locked, member=member)
                .first()
            )
            if existing is not None:
                return _check_in_locked(existing, now=now, by=by)
            profile = getattr(member, "profile", None)
            sector = (profile.primary_sector if profile else "") or sector or Sector.OTHER
            guest_name = ""
        else:
            if not guest_name or len(guest_name) > MAX_GUEST_NAME_LENGTH:
                raise EventActionError(
                    _("Write the guest's name (at most %(max)d characters).")
                    % {"max": MAX_GUEST_NAME_LENGTH}
                )
            if invisible_characters(guest_name):
                raise EventActionError(_("Use letters, digits and punctuation only in the name."))
            if sector not in Sector.values:
                raise EventActionError(_("Choose the guest's sector."))
        walk_in = Registration.objects.create(
            event=locked,
            member=member,
            guest_name=guest_name,
            guest_email=guest_email,
            sector=sector,
            status=Registration.Status.CONFIRMED,
            walk_in=True,
            created_at=now,
            confirmed_at=now,
            checked_in_at=now,
        )
        audit.record(walk_in, "events.registration.walk_in", actor=by)
        return walk_in


# Reminders ----------------------------------------------------------------------------


def _day_after(now: datetime) -> tuple[datetime, datetime]:
    """The start and end of tomorrow, in Amsterdam, as aware moments."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    zone = timezone.get_default_timezone()
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(tomorrow + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start, end


def send_due_reminders(*, now: datetime | None = None, batch_size: int = 100) -> int:
    """Remind everyone with a place at a meetup tomorrow (Amsterdam); return how many.

    Each batch locks its registrations with ``SELECT … FOR UPDATE SKIP
    LOCKED`` and marks them reminded in the same transaction as it queues their
    mail: a second worker running at the same time skips the rows this one
    holds and, once they are committed, no longer finds them. So nobody is
    reminded twice, however many workers run, and a rerun sends nothing new.
    Each member gets the mail in their own language, with the .ics file.
    """
    now = now or timezone.now()
    start, end = _day_after(now)
    sent = 0
    while True:
        with transaction.atomic():
            due = list(
                Registration.objects.confirmed()
                .filter(
                    reminded_at__isnull=True,
                    member__isnull=False,
                    event__status=Event.Status.PUBLISHED,
                    event__starts_at__gte=start,
                    event__starts_at__lt=end,
                )
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("event", "event__venue", "member")
                .order_by("pk")[:batch_size]
            )
            if not due:
                return sent
            for registration in due:
                _mail_confirmed(registration, "reminder")
            Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
            sent += len(due)


# Account deletion and export ------------------------------------------------------------


@dataclass(frozen=True)
class Withdrawn:
    """What :func:`withdraw_member` gave up: places, places in line, and who moved up."""

    places: int = 0
    waiting: int = 0
    promoted: int = 0


def withdraw_member(user) -> Withdrawn:
    """Give up the coming sign-ups of ``user``, whose account is deactivated or deleted.

    Every active sign-up for a meetup that has not started is cancelled and its
    place passed on, meetup by meetup in id order (each under its lock), in the
    caller's transaction: the waiting list moves up and whoever gets a place is
    mailed after the commit, as when a member cancels. The member is not
    mailed (mail never goes to an inactive account). Past sign-ups stay as
    they are. Raises EventBusy when a meetup stays locked too long.
    """
    now = timezone.now()
    event_ids = sorted(
        set(
            Registration.objects.active()
            .filter(member=user, event__starts_at__gt=now)
            .values_list("event_id", flat=True)
        )
    )
    places = waiting = promoted = 0
    for event_id in event_ids:
        with _event_locked(event_id) as event:
            withdrawn = list(Registration.objects.active().filter(event=event, member=user))
            statuses = [registration.status for registration in withdrawn]
            Registration.objects.active().filter(event=event, member=user).update(
                status=Registration.Status.CANCELLED,
                waiting_reason="",
                checked_in_at=None,
                cancelled_at=now,
                cancelled_by=None,
            )
            for registration in withdrawn:
                audit.record(registration, "events.registration.withdrawn", actor=None)
            places += statuses.count(Registration.Status.CONFIRMED)
            waiting += statuses.count(Registration.Status.WAITING)
            promoted += len(_promote_locked(event, now=now))
    return Withdrawn(places=places, waiting=waiting, promoted=promoted)


def anonymise_registrations(user) -> None:
    """Account deletion (members.privacy): their coming sign-ups end, their past ones stay.

    The coming sign-ups were given up when the account was deactivated, which
    the deletion does first; :func:`withdraw_member` runs again here (then
    finding nothing), so this step stands on its own. Notes are cleared
    everywhere. The rows and their sector stay, so past meetups keep their
    counts per sector.
    """
    withdraw_member(user)
    Registration.objects.filter(member=user).exclude(note="").update(note="")


def export_registrations(user) -> list[dict]:
    """The member's own sign-ups, for their data export (members.privacy)."""
    registrations = (
        Registration.objects.filter(member=user).select_related("event").order_by("created_at")
    )
    return [
        {
            "meetup": r.event.title,
            "url": absolute_url(r.event.get_absolute_url()),
            "starts_at": r.event.starts_at,
            "ends_at": r.event.ends_at,
            "status": r.status,
            "waiting_reason": r.waiting_reason,
            "sector": r.sector,
            "note": r.note,
            "walk_in": r.walk_in,
            "signed_up_at": r.created_at,
            "place_given_at": r.confirmed_at,
            "cancelled_at": r.cancelled_at,
            "checked_in_at": r.checked_in_at,
            "reminded_at": r.reminded_at,
        }
        for r in registrations
    ]
