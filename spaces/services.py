"""Booking, cancelling, checking in, releasing no-shows and blocking: every rule in one place.

Each action is one function that owns its transaction. Bookings lock the
booker's user row (and the organisation's row when booking on its behalf)
before counting the week's hours from the stored rows, so two bookings of one
member or one organisation cannot both slip under a quota. The overlap rule is
the database's: an exclusion constraint on the rows that block (confirmed
bookings and blocks); a concurrent insert that loses the race gets its
IntegrityError turned into :class:`SlotTaken`, like a booking that saw the
slot taken before it tried. Mail is rendered and queued once the transaction
commits (``after_commit``), outside the locks.

Views, the admin and the ``release_no_shows`` command call these functions;
nothing else writes bookings. Changes to a place that would leave bookings on
a closed or unbookable place (closure days, opening hours, a resource no
longer bookable or for start-ups only) go through here too, and either refuse
with the number of bookings in the way or cancel them and mail their owners.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Sum, When
from django.db.models.functions import ExtractIsoWeekDay
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lef import audit
from lef.calendar import Attendee, CalendarEntry, invitation_attachment
from lef.errors import Conflict, DomainError, NotAllowed
from lef.notifications import (
    NotificationKind,
    absolute_url,
    after_commit,
    notify,
    send_transactional,
)
from lef.validators import validate_multiline_text, validate_plain_text
from members.models import Organisation, Profile, User
from spaces import timeslots
from spaces.models import MAX_SPAN, Booking, Closure, OpeningHours, Resource, Space
from spaces.permissions import (
    CHECK_IN_WINDOW,
    booking_permissions,
    booking_refusal,
    is_startup_member,
    resource_permissions,
    space_permissions,
)

MAX_SERIES_WEEKS = 12
MAX_PURPOSE_LENGTH = 200
MAX_MESSAGE_LENGTH = 2000
RELEASE_LOOKBACK = timedelta(days=1)  # no-shows older than this are left as they are
OVERLAP_CONSTRAINT = "spaces_booking_no_overlap"


@dataclass(frozen=True)
class SeriesDate:
    start: datetime
    end: datetime
    reason: str = ""


@dataclass
class SeriesResult:
    bookings: list[Booking]
    skipped: list[SeriesDate] = field(default_factory=list)


class BookingError(DomainError):
    """A booking action that cannot be done (400: the input breaks a rule)."""


class BookingRuleBroken(BookingError):  # noqa: N818 -- a domain outcome, like EventFull
    """The time asked for breaks one of the resource's rules (hours, duration, notice, ...)."""


class BookingNotAllowed(BookingError, NotAllowed):  # noqa: N818 -- a domain outcome, like EventFull
    """The member may not do this (not their booking, resource only for start-ups).

    ``code`` names the rule when it is one of :class:`spaces.permissions.Refusal`'s,
    so a page can add the way out (finish your profile, see other places).
    """

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.code = code


class SlotTaken(BookingError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """Someone else holds (part of) this time."""


class BookingsInTheWay(SlotTaken):
    """A change to a place would leave members' bookings on it; ``count`` says how many."""

    def __init__(self, message: str, *, count: int):
        super().__init__(message)
        self.count = count


class QuotaReached(BookingError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """The week's hours for the member or the organisation are used up."""


class TooLate(BookingError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """The moment for this has passed (cancel after the start, check in after 30 minutes)."""


class SeriesConflict(BookingError, Conflict):  # noqa: N818 -- a domain outcome, like EventFull
    """Some dates of a weekly series cannot be booked; ``conflicts`` says which and why."""

    def __init__(self, message: str, *, conflicts: Sequence[SeriesDate]):
        super().__init__(message)
        self.conflicts = list(conflicts)


# Booking ----------------------------------------------------------------------------


def book_resource(
    *,
    resource: Resource,
    booker: User,
    start: datetime,
    end: datetime,
    people: int = 1,
    purpose: str = "",
    organisation: Organisation | None = None,
) -> Booking:
    """Book [``start``, ``end``) of ``resource`` for ``booker``; mail a confirmation with .ics.

    Checks, in this order: who may book, people and purpose, then the time
    rules of the resource (past, notice, how far ahead, slot alignment,
    shortest and longest, opening hours, closure days), whether the time is
    free, and the weekly quotas of the member and of the organisation. A
    booking of a place for start-ups only is always on behalf of the member's
    start-up, so it counts toward the start-up's quota. Locks the booker's user
    row, the organisation's row and the resource's (see
    :func:`_lock_for_booking`). The exclusion constraint has the last word on
    overlaps: losing a race raises :class:`SlotTaken` too. The confirmation is
    mailed after the commit.
    """
    purpose = _clean_text(purpose, MAX_PURPOSE_LENGTH, _("purpose"))
    with transaction.atomic():
        resource, profile, active = _lock_for_booking(resource, booker, organisation)
        organisation = _check_booker(
            resource, booker, profile, people, organisation, active=active
        )
        now = timezone.now()
        _check_time(resource, start, end, now=now)
        _check_free(resource, start, end)
        _check_quotas(resource, booker, organisation, start, end)
        booking = _insert(
            Booking(
                resource=resource,
                booker=booker,
                organisation=organisation,
                start=start,
                end=end,
                people=people,
                purpose=purpose,
            )
        )
        audit.record(booking, "spaces.booking.booked", actor=booker)
        after_commit(_mail_confirmation, booker=booker, bookings=[booking])
    return booking


def series_dates(start: datetime, end: datetime, weeks: int) -> list[tuple[datetime, datetime]]:
    """The same local clock times on ``weeks`` consecutive weeks (DST keeps 10:00 at 10:00)."""
    return [
        (
            timeslots.same_wall_time_days_later(start, 7 * week),
            timeslots.same_wall_time_days_later(end, 7 * week),
        )
        for week in range(weeks)
    ]


def book_series(
    *,
    resource: Resource,
    booker: User,
    start: datetime,
    end: datetime,
    weeks: int,
    people: int = 1,
    purpose: str = "",
    organisation: Organisation | None = None,
    skip_conflicts: bool = False,
) -> SeriesResult:
    """Book the same time on ``weeks`` consecutive weeks, all or nothing.

    Every date gets every rule of :func:`book_resource`. When some dates
    cannot be booked, nothing is booked and :class:`SeriesConflict` lists them
    with the reason, so the member can confirm the rest: called again with
    ``skip_conflicts`` it books the dates that can be booked and returns the
    skipped ones. One confirmation mail with all of them. Same locks as
    :func:`book_resource`.
    """
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise BookingRuleBroken(
            _("Repeat a booking for 1 to %(max)d weeks.") % {"max": MAX_SERIES_WEEKS}
        )
    purpose = _clean_text(purpose, MAX_PURPOSE_LENGTH, _("purpose"))
    series = uuid.uuid4() if weeks > 1 else None
    with transaction.atomic():
        resource, profile, active = _lock_for_booking(resource, booker, organisation)
        organisation = _check_booker(
            resource, booker, profile, people, organisation, active=active
        )
        now = timezone.now()
        booked, conflicts = [], []
        for first, last in series_dates(start, end, weeks):
            try:
                _check_time(resource, first, last, now=now)
                _check_free(resource, first, last)
                _check_quotas(resource, booker, organisation, first, last)
                booked.append(
                    _insert(
                        Booking(
                            resource=resource,
                            booker=booker,
                            organisation=organisation,
                            start=first,
                            end=last,
                            people=people,
                            purpose=purpose,
                            series=series,
                        )
                    )
                )
            except BookingError as error:
                conflicts.append(SeriesDate(first, last, error.message))
        if conflicts and (not skip_conflicts or not booked):
            raise SeriesConflict(_series_message(conflicts, weeks), conflicts=conflicts)
        for booking in booked:
            audit.record(
                booking,
                "spaces.booking.booked_in_series" if series else "spaces.booking.booked",
                actor=booker,
                data={"weeks": len(booked), "skipped": len(conflicts)} if series else None,
            )
        after_commit(_mail_confirmation, booker=booker, bookings=booked, skipped=conflicts)
    return SeriesResult(bookings=booked, skipped=conflicts)


def _series_message(conflicts: Sequence[SeriesDate], weeks: int) -> str:
    if len(conflicts) == weeks:
        return _("None of these dates can be booked.")
    return ngettext(
        "%(count)d date cannot be booked. Book the other dates, or choose another time.",
        "%(count)d dates cannot be booked. Book the other dates, or choose another time.",
        len(conflicts),
    ) % {"count": len(conflicts)}


def _lock_for_booking(resource, booker, organisation):
    """Lock the booker's row, the organisation's, then the resource's (always this order).

    Returns the resource and the booker's profile as read under the locks, and
    whether the account is still active.

    The organisation is the one booked on behalf of, else the member's own
    approved start-up: their bookings of a place for start-ups only count
    toward its quota whether or not they said "on behalf of" (see
    :func:`_check_booker`), and which places those are is only known once the
    resource is locked, after the organisation.

    The resource's lock makes bookings of one resource take turns, so the
    second of two people after one slot sees the first one's row and gets a
    clear refusal. Without it both would insert, and PostgreSQL, checking
    each new row of the exclusion constraint against the other's still
    uncommitted one, can only break the wait by killing one of them as a
    deadlock, after a second. ``no_key``: booking rows pointing at the
    resource are still inserted alongside.
    """
    # Whether the account is active is read here, under the lock: the caller's
    # ``booker`` may predate a deactivation that committed while this waited.
    active = (
        User.objects.select_for_update()
        .filter(pk=booker.pk)
        .values_list("is_active", flat=True)
        .get()
    )
    profile = Profile.objects.select_related("organisation").filter(user=booker).first()
    if organisation is None and is_startup_member(profile):
        organisation = profile.organisation
    if organisation is not None:
        Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list(
            "pk"
        ).first()
    resource = (
        Resource.objects.select_for_update(no_key=True, of=("self",))
        .select_related("space")
        .get(pk=resource.pk)
    )
    return resource, profile, active


def _check_booker(
    resource, booker, profile, people, organisation, *, active: bool
) -> Organisation | None:
    """Who may book, for whom and how many; returns on whose behalf the booking is.

    That is ``organisation`` as asked, except on a place for start-ups only:
    there it is always the member's start-up, so its quota holds for all of
    its members' bookings. The refusal is the permissions' own, with its code.
    """
    refusal = booking_refusal(booker, resource, profile=profile, is_active=active)
    if refusal is not None:
        raise BookingNotAllowed(refusal.message, code=refusal.code)
    if organisation is not None and (
        profile is None
        or profile.organisation_id != organisation.pk
        or not is_startup_member(profile)
    ):
        raise BookingNotAllowed(
            _("You can only book on behalf of your own start-up or initiative.")
        )
    if not 1 <= people <= resource.seats:
        raise BookingRuleBroken(
            ngettext(
                "%(name)s has %(seats)d seat: book for 1 person.",
                "%(name)s has %(seats)d seats: book for 1 to %(seats)d people.",
                resource.seats,
            )
            % {"name": resource.name, "seats": resource.seats}
        )
    if resource.audience == Resource.Audience.STARTUPS:
        return profile.organisation
    return organisation


def _check_time(resource: Resource, start: datetime, end: datetime, *, now: datetime) -> None:
    """Every rule about when: raises BookingRuleBroken with the first that fails."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("Aware datetimes only.")  # a programming error
    if end <= start:
        raise BookingRuleBroken(_("The end must be after the start."))
    if start < now:
        raise BookingRuleBroken(_("This time has already begun or passed."))
    notice = timedelta(minutes=resource.min_notice_minutes)
    if start < now + notice:
        raise BookingRuleBroken(
            ngettext(
                "Book at least %(minutes)d minute ahead.",
                "Book at least %(minutes)d minutes ahead.",
                resource.min_notice_minutes,
            )
            % {"minutes": resource.min_notice_minutes}
        )
    last_day = timeslots.local_date(now) + timedelta(days=resource.max_days_ahead)
    if timeslots.local_date(start) > last_day:
        raise BookingRuleBroken(
            ngettext(
                "You can book at most %(days)d day ahead.",
                "You can book at most %(days)d days ahead.",
                resource.max_days_ahead,
            )
            % {"days": resource.max_days_ahead}
        )
    slot = resource.slot_minutes
    if not (timeslots.is_aligned(start, slot) and timeslots.is_aligned(end, slot)):
        raise BookingRuleBroken(
            _("Start and end on whole slots of %(minutes)d minutes (such as 9:00 or 9:%(m)02d).")
            % {"minutes": slot, "m": slot % 60}
        )
    minutes = (end - start).total_seconds() / 60
    if minutes < resource.min_minutes:
        raise BookingRuleBroken(
            _("Book at least %(duration)s.") % {"duration": duration_label(resource.min_minutes)}
        )
    if minutes > resource.max_minutes:
        raise BookingRuleBroken(
            _("Book at most %(duration)s at a time.")
            % {"duration": duration_label(resource.max_minutes)}
        )
    day = timeslots.local_date(start)
    if Closure.objects.filter(space_id=resource.space_id, date=day).exists():
        raise BookingRuleBroken(
            _("%(space)s is closed on %(day)s.")
            % {"space": resource.space.name, "day": date_format(day, "l j F Y")}
        )
    windows = timeslots.open_windows(
        day, OpeningHours.objects.filter(space_id=resource.space_id, weekday=day.weekday())
    )
    if not any(window.contains(start, end) for window in windows):
        raise BookingRuleBroken(_("This is outside the opening hours."))


def _check_free(resource: Resource, start: datetime, end: datetime) -> None:
    """Raise SlotTaken when a booking or block holds part of the time; a block says why.

    The block's reason is what the grid shows on it, for everyone; whose
    booking it is, is not said.
    """
    holding = list(
        Booking.objects.blocking()
        .overlapping(start, end, resource=resource)
        .order_by(Case(When(kind=Booking.Kind.BLOCK, then=0), default=1), "start")
        .values_list("kind", "purpose")[:1]
    )
    if not holding:
        return
    [(kind, reason)] = holding
    reason = reason.rstrip(". ")
    if kind == Booking.Kind.BLOCK and reason:
        raise SlotTaken(_("This time is blocked: %(reason)s.") % {"reason": reason})
    raise SlotTaken(_("This time is already taken. Choose another slot."))


def _week_minutes(queryset, start: datetime) -> int:
    week_start, week_end = timeslots.week_bounds(timeslots.local_date(start))
    total = (
        queryset.blocking()
        .filter(start__gte=week_start, start__lt=week_end)
        .aggregate(total=Sum(F("end") - F("start")))["total"]
    )
    return int(total.total_seconds() // 60) if total else 0


def _check_quotas(resource, booker, organisation, start, end) -> None:
    """The week's hours, counted from the rows while the booker (and organisation) is locked."""
    minutes = (end - start).total_seconds() / 60
    bookings = Booking.objects.bookings().filter(resource=resource)
    if resource.member_quota_hours is not None:
        if resource.kind == Resource.Kind.DESK:
            # Desks are alike: a member's hours count over every desk of the space,
            # or one member could hold them all.
            desks = Booking.objects.bookings().filter(
                resource__space_id=resource.space_id, resource__kind=Resource.Kind.DESK
            )
            used = _week_minutes(desks.filter(booker=booker), start)
            message = _(
                "You can book desks in %(name)s for %(hours)d hours a week; you have "
                "booked %(used)s of them this week."
            )
            name = resource.space.name
        else:
            used = _week_minutes(bookings.filter(booker=booker), start)
            message = _(
                "You can book %(name)s for %(hours)d hours a week; you have booked "
                "%(used)s of them this week."
            )
            name = resource.name
        if used + minutes > resource.member_quota_hours * 60:
            raise QuotaReached(
                message
                % {
                    "name": name,
                    "hours": resource.member_quota_hours,
                    "used": duration_label(used),
                }
            )
    if organisation is not None and resource.organisation_quota_hours is not None:
        used = _week_minutes(bookings.filter(organisation=organisation), start)
        if used + minutes > resource.organisation_quota_hours * 60:
            raise QuotaReached(
                _(
                    "%(organisation)s can book %(name)s for %(hours)d hours a week; "
                    "%(used)s of them are booked this week."
                )
                % {
                    "organisation": organisation.name,
                    "name": resource.name,
                    "hours": resource.organisation_quota_hours,
                    "used": duration_label(used),
                }
            )


def is_overlap_error(error: IntegrityError) -> bool:
    """Whether ``error`` is the exclusion constraint refusing an overlapping row."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == OVERLAP_CONSTRAINT


def _insert(booking: Booking) -> Booking:
    """Insert in a savepoint; the exclusion constraint's refusal becomes SlotTaken."""
    try:
        with transaction.atomic():
            booking.save(force_insert=True)
    except IntegrityError as error:
        if is_overlap_error(error):
            raise SlotTaken(
                _("Someone else just booked this time. Choose another slot.")
            ) from error
        raise
    return booking


def duration_label(minutes: float) -> str:
    """90 -> "1 hour 30 minutes", in the active language."""
    minutes = int(minutes)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)s and %(minutes)s") % {
            "hours": ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours},
            "minutes": ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest},
        }
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest}


def _clean_text(text: str, limit: int, name: str, *, multiline: bool = False) -> str:
    """``text`` stripped, refused when too long or holding control or direction characters.

    Purposes and reasons reach the admin, the CSV export and the .ics file, so
    the same rule as the forms' holds here for every caller.
    """
    text = (text or "").strip()
    if len(text) > limit:
        raise BookingRuleBroken(
            _("Keep the %(field)s to %(max)d characters.") % {"field": name, "max": limit}
        )
    try:
        (validate_multiline_text if multiline else validate_plain_text)(text)
    except ValidationError as error:
        raise BookingRuleBroken(error.messages[0]) from error
    return text


# Calendar entries and mail ---------------------------------------------------------


def calendar_entry(booking: Booking) -> CalendarEntry:
    """``booking`` as an appointment; its UID stays the same when it is cancelled."""
    resource = booking.resource
    return CalendarEntry(
        uid=f"booking-{booking.pk}",
        start=booking.start,
        end=booking.end,
        summary=_("%(resource)s at %(space)s")
        % {
            "resource": resource.name,
            "space": resource.space.name,
        },
        description=booking.purpose,
        location=f"{resource.space.name}, {resource.space.address}",
        url=absolute_url(resource.get_absolute_url()),
        cancelled=booking.status != Booking.Status.CONFIRMED,
        sequence=0 if booking.status == Booking.Status.CONFIRMED else 1,
    )


def _ics(bookings: Iterable[Booking], *, booker: User) -> list:
    """The bookings as invitations to the booker's calendar (lef.calendar): one per booking.

    An iTIP message updates one UID at a time, so a series gets a file per
    date; each later change or cancellation of one date updates just that one.
    """
    attendee = Attendee(email=booker.email, name=str(booker))
    return [
        invitation_attachment(
            calendar_entry(b),
            attendee=attendee,
            filename=f"booking-{timezone.localtime(b.start):%Y-%m-%d}.ics",
        )
        for b in bookings
    ]


def _mail_confirmation(
    *, booker: User, bookings: list[Booking], skipped: Sequence[SeriesDate] = ()
) -> None:
    """Confirm ``bookings`` to ``booker`` with their calendar file (run after the commit).

    A weekly series is one mail that names its dates once, and the dates the
    member chose to leave out (``skipped``) with the reason.
    """
    send_transactional(
        recipient=booker,
        template="spaces/email/booking_confirmed",
        context={
            "bookings": bookings,
            "skipped": list(skipped),
            "resource": bookings[0].resource,
            "bookings_url": absolute_url("/spaces/bookings/"),
        },
        attachments=_ics(bookings, booker=booker),
    )


# Cancelling ------------------------------------------------------------------------


def cancel_booking(*, booking: Booking, by: User, message: str = "") -> Booking:
    """Cancel ``booking``: the booker until its start, a coordinator any time, with a message.

    The row stays with status cancelled, who cancelled and why; it no longer
    blocks the time. The booker gets a mail: a confirmation with the cancelled
    calendar entry when they cancelled themselves, the coordinator's message
    (as booking news) otherwise, after the commit. Locks the booking's row.
    """
    return _cancel_from(booking=booking, by=by, message=message, later=False)[0]


def cancel_series(*, booking: Booking, by: User, message: str = "") -> list[Booking]:
    """Cancel ``booking`` and the later ones of its weekly series ("this and all later ones").

    The later ones are the series' confirmed bookings of the same booker that
    start after ``booking``; earlier ones, and ones already cancelled or
    released, stay as they are. ``booking`` alone when it is no series. The
    rules of :func:`cancel_booking` hold for ``booking`` (the later ones have
    not started when it has not). One mail for all of them, not one per date.
    Locks ``booking``'s row, then the later ones' in time order. Returns the
    bookings cancelled, in time order.
    """
    return _cancel_from(booking=booking, by=by, message=message, later=True)


def later_in_series(booking: Booking):
    """The confirmed bookings of ``booking``'s series by its booker that start after it.

    A QuerySet in time order (none when ``booking`` is no series).
    """
    if booking.series is None:
        return Booking.objects.none()
    return (
        Booking.objects.bookings()
        .filter(
            series=booking.series,
            booker_id=booking.booker_id,
            status=Booking.Status.CONFIRMED,
            start__gt=booking.start,
        )
        .order_by("start", "pk")
    )


def _cancel_from(*, booking: Booking, by: User, message: str, later: bool) -> list[Booking]:
    message = _clean_text(message, MAX_MESSAGE_LENGTH, _("message"), multiline=True)
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("resource__space", "booker")
            .get(pk=booking.pk)
        )
        if booking.status != Booking.Status.CONFIRMED:
            raise TooLate(_("This booking was already cancelled or released."))
        perms = booking_permissions(by, booking)
        if not perms.cancel:
            if booking.booker_id == by.pk and not booking.is_block:
                raise TooLate(_("This booking has started; it can no longer be cancelled."))
            raise BookingNotAllowed(_("You can only cancel your own bookings."))
        if perms.cancel_needs_message and not message:
            raise BookingRuleBroken(_("Tell the member why their booking is cancelled."))
        cancelled = [booking]
        if later and not booking.is_block:
            cancelled += list(
                later_in_series(booking)
                .select_for_update(of=("self",))
                .select_related("resource__space", "booker")
            )
        for row in cancelled:
            _cancel(row, by=by, message=message)
        if booking.is_block:
            pass
        elif booking.booker_id != by.pk:
            _notify_cancelled(booking, message=message, bookings=cancelled)
        else:
            after_commit(_mail_own_cancellation, bookings=cancelled)
    return cancelled


def _mail_own_cancellation(*, bookings: list[Booking]) -> None:
    """Confirm to the booker that they cancelled, with the calendar files that remove them."""
    booking = bookings[0]
    send_transactional(
        recipient=booking.booker,
        template="spaces/email/booking_cancelled",
        context={
            "booking": booking,
            "bookings": bookings,
            "bookings_url": absolute_url("/spaces/bookings/"),
        },
        attachments=_ics(bookings, booker=booking.booker),
    )


def _cancel(booking: Booking, *, by: User, message: str) -> None:
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancelled_by = by
    booking.cancel_message = message
    booking.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "cancel_message", "updated_at"]
    )
    if booking.is_block:
        action = "spaces.booking.block_removed"
    elif booking.booker_id == by.pk:
        action = "spaces.booking.cancelled"
    else:
        action = "spaces.booking.cancelled_by_coordinator"
    audit.record(booking, action, actor=by)


def _notify_cancelled(
    booking: Booking, *, message: str, place_url: str = "", bookings: Sequence[Booking] = ()
) -> None:
    """Tell the booker, after the commit, that 't LEF cancelled ``booking`` and why.

    ``place_url`` is where to look for another place (the resource's grid
    unless given: a resource that is no longer bookable has none).
    ``bookings``: all that were cancelled with it (dates of a series), in
    one mail.
    """
    after_commit(
        notify,
        recipient=booking.booker,
        kind=NotificationKind.BOOKINGS,
        key=f"booking:{booking.pk}:cancelled",
        template="spaces/email/booking_cancelled_by_coordinator",
        context={
            "booking": booking,
            "bookings": list(bookings) or [booking],
            "message": message,
            "resource_url": absolute_url(place_url or booking.resource.get_absolute_url()),
        },
    )


# Checking in and no-shows ----------------------------------------------------------


def check_in(*, booking: Booking, by: User) -> Booking:
    """Record that the booker came: only they, from the start for 30 minutes. Locks the row."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.booker_id != by.pk or booking.is_block:
            raise BookingNotAllowed(_("You can only check in to your own bookings."))
        if booking.checked_in_at is not None:
            return booking
        now = timezone.now()
        if booking.status != Booking.Status.CONFIRMED:
            raise TooLate(_("This booking was cancelled or released."))
        if now < booking.start:
            raise TooLate(_("You can check in from the start of your booking."))
        if now >= min(booking.start + CHECK_IN_WINDOW, booking.end):
            raise TooLate(_("Checking in is possible during the first 30 minutes only."))
        booking.checked_in_at = now
        booking.save(update_fields=["checked_in_at", "updated_at"])
        audit.record(booking, "spaces.booking.checked_in", actor=by)
    return booking


def release_no_shows(*, now: datetime | None = None) -> int:
    """Release bookings of auto-release resources nobody checked in to within 30 minutes.

    Rerun-safe and safe to run in several processes at once: rows are taken
    with ``SELECT … FOR UPDATE SKIP LOCKED``. The booker is told (booking
    news, after the commit). Returns how many were released.
    """
    now = now or timezone.now()
    released = 0
    with transaction.atomic():
        due = list(
            Booking.objects.bookings()
            .blocking()
            .filter(
                resource__auto_release=True,
                checked_in_at__isnull=True,
                start__lte=now - CHECK_IN_WINDOW,
                start__gte=now - RELEASE_LOOKBACK,
            )
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("resource__space", "booker")
        )
        for booking in due:
            booking.status = Booking.Status.RELEASED
            booking.save(update_fields=["status", "updated_at"])
            audit.record(booking, "spaces.booking.released", actor=None)
            after_commit(
                notify,
                recipient=booking.booker,
                kind=NotificationKind.BOOKINGS,
                key=f"booking:{booking.pk}:released",
                template="spaces/email/booking_released",
                context={
                    "booking": booking,
                    "resource_url": absolute_url(booking.resource.get_absolute_url()),
                },
            )
            released += 1
    return released


# Coordinators' blocks --------------------------------------------------------------


def block_slots(
    *,
    resources: Sequence[Resource],
    start: datetime,
    end: datetime,
    by: User,
    reason: str,
    cancel_conflicting: bool = False,
) -> list[Booking]:
    """Block [``start``, ``end``) of every resource in ``resources`` for maintenance or a meetup.

    All or nothing. Bookings in the way make it fail with :class:`SlotTaken`
    naming them, unless ``cancel_conflicting``: then each is cancelled with
    ``reason`` as the message to its booker. Only coordinators. A block is a
    booking row of kind "block" under the same exclusion constraint; opening
    hours and quotas do not apply to it. Locks the bookings it cancels; the
    mail goes after the commit.
    """
    if not all(resource_permissions(by, resource).block for resource in resources):
        raise BookingNotAllowed(_("Only coordinators can block slots."))
    reason = _clean_text(reason, MAX_PURPOSE_LENGTH, _("reason"))
    if not reason:
        raise BookingRuleBroken(_("Say why the slots are blocked; members see it."))
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise BookingRuleBroken(_("The end must be after the start."))
    if end - start > MAX_SPAN:
        raise BookingRuleBroken(
            _("Block at most %(days)d days at a time; for longer, add closure days.")
            % {"days": MAX_SPAN.days}
        )
    if not resources:
        raise BookingRuleBroken(_("Choose at least one resource."))
    blocks = []
    with transaction.atomic():
        for resource in sorted(resources, key=lambda r: r.pk):
            # The same turn-taking as a member's booking (see _lock_for_booking).
            Resource.objects.select_for_update(no_key=True).filter(pk=resource.pk).values_list(
                "pk"
            ).get()
            in_the_way = list(
                Booking.objects.blocking()
                .overlapping(start, end, resource=resource)
                .select_for_update(of=("self",))
                .select_related("resource__space", "booker")
            )
            if in_the_way and not cancel_conflicting:
                raise SlotTaken(
                    ngettext(
                        "%(resource)s has %(count)d booking in this time. "
                        "Choose to cancel it, or another time.",
                        "%(resource)s has %(count)d bookings in this time. "
                        "Choose to cancel them, or another time.",
                        len(in_the_way),
                    )
                    % {"resource": resource.name, "count": len(in_the_way)}
                )
            for booking in in_the_way:
                _cancel(booking, by=by, message=reason)
                if not booking.is_block:
                    _notify_cancelled(booking, message=reason)
            blocks.append(
                _insert(
                    Booking(
                        resource=resource,
                        booker=by,
                        start=start,
                        end=end,
                        purpose=reason,
                        kind=Booking.Kind.BLOCK,
                    )
                )
            )
            audit.record(
                blocks[-1], "spaces.booking.blocked", actor=by, data={"cancelled": len(in_the_way)}
            )
    return blocks


# Closure days ----------------------------------------------------------------------


def bookings_on_day(space_id: int, day) -> list[Booking]:
    """Members' confirmed bookings in ``space_id``'s resources that meet ``day`` (local)."""
    start = timeslots.local_midnight(day)
    end = timeslots.local_midnight(day + timedelta(days=1))
    return list(
        Booking.objects.blocking()
        .bookings()
        .overlapping(start, end)
        .filter(resource__space_id=space_id)
        .select_related("resource__space", "booker")
        .order_by("start", "pk")
    )


def _lock_resources_of(space_id: int) -> None:
    """Lock every resource of the space, in the order bookings lock them (see _lock_for_booking).

    A booking of one of them that comes after waits, and then sees the change.
    """
    list(
        Resource.objects.select_for_update(no_key=True)
        .filter(space_id=space_id)
        .order_by("pk")
        .values_list("pk")
    )


def _cancel_with_message(
    bookings: Sequence[Booking], *, by: User, message: str, place_url: str = ""
) -> list[Booking]:
    """Cancel those of ``bookings`` that are still confirmed; mail each booker ``message``.

    Each row is locked first, so a member who cancels at the same moment
    does not get their own cancellation overwritten (nor two mails).
    """
    locked = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(pk__in=[booking.pk for booking in bookings], status=Booking.Status.CONFIRMED)
        .select_related("resource__space", "booker")
        .order_by("start", "pk")
    )
    for booking in locked:
        _cancel(booking, by=by, message=message)
        _notify_cancelled(booking, message=message, place_url=place_url)
    return locked


def close_day(*, closure: Closure, by: User, cancel_bookings: bool = False) -> list[Booking]:
    """Save ``closure`` (a new or moved closure day of a space); returns the bookings cancelled.

    Members' bookings on that day make it fail with :class:`BookingsInTheWay`,
    unless ``cancel_bookings``: then each is cancelled and its booker gets the
    closure's reason (or that the place is closed), after the commit. Only
    coordinators. Locks the space's resources first, as a booking does, so no
    booking slips in between: one that waited books against the closure.
    """
    if not space_permissions(by, closure.space).change:
        raise BookingNotAllowed(_("Only coordinators can close a space."))
    closure.full_clean()
    with transaction.atomic():
        _lock_resources_of(closure.space_id)
        in_the_way = bookings_on_day(closure.space_id, closure.date)
        if in_the_way and not cancel_bookings:
            raise BookingsInTheWay(
                ngettext(
                    "There is %(count)d booking on %(day)s. Choose to cancel it, or another day.",
                    "There are %(count)d bookings on %(day)s. Choose to cancel them, "
                    "or another day.",
                    len(in_the_way),
                )
                % {"count": len(in_the_way), "day": date_format(closure.date, "l j F Y")},
                count=len(in_the_way),
            )
        closure.save()
        message = closure.reason or _("%(space)s is closed on %(day)s.") % {
            "space": closure.space.name,
            "day": date_format(closure.date, "l j F Y"),
        }
        cancelled = _cancel_with_message(in_the_way, by=by, message=message)
        audit.record(
            closure.space,
            "spaces.space.closed_day",
            actor=by,
            data={"date": closure.date.isoformat(), "cancelled": len(cancelled)},
        )
    return cancelled


# Opening hours ---------------------------------------------------------------------


def bookings_outside_hours(
    space_id: int, hours: Iterable, *, weekdays: Iterable[int], now: datetime | None = None
) -> list[Booking]:
    """Members' confirmed future bookings in ``space_id``'s resources that ``hours`` leave out.

    ``hours`` are OpeningHours rows, saved or not (what the space's hours
    would be); only bookings on ``weekdays`` (0 is Monday) are looked at,
    those whose hours change. A booking is left out when no open window of
    its day holds it, the rule :func:`book_resource` applies. Bookings that
    have begun are left alone.
    """
    weekdays = set(weekdays)
    if not weekdays:
        return []
    hours = list(hours)
    now = now or timezone.now()
    candidates = (
        Booking.objects.blocking()
        .bookings()
        .filter(resource__space_id=space_id, start__gt=now)
        .annotate(local_weekday=ExtractIsoWeekDay("start", tzinfo=timeslots.LOCAL))
        .filter(local_weekday__in=[weekday + 1 for weekday in weekdays])
        .only("pk", "start", "end")
        .order_by("start", "pk")
    )
    return [
        booking
        for booking in candidates
        if not any(
            window.contains(booking.start, booking.end)
            for window in timeslots.open_windows(timeslots.local_date(booking.start), hours)
        )
    ]


def hours_refusal_message(count: int) -> str:
    """What a coordinator reads when new opening hours would leave ``count`` bookings out."""
    return ngettext(
        "%(count)d booking falls outside the new opening hours. "
        "Choose to cancel it and mail its owner, or keep the hours.",
        "%(count)d bookings fall outside the new opening hours. "
        "Choose to cancel them and mail their owners, or keep the hours.",
        count,
    ) % {"count": count}


def change_opening_hours(
    *,
    space: Space,
    saved: Sequence[OpeningHours] = (),
    deleted: Sequence[OpeningHours] = (),
    by: User,
    cancel_bookings: bool = False,
) -> list[Booking]:
    """Save ``saved`` and delete ``deleted`` opening-hour rows of ``space``; returns the cancelled.

    Members' confirmed future bookings that the new hours leave outside (see
    :func:`bookings_outside_hours`) make it fail with :class:`BookingsInTheWay`
    and change nothing, unless ``cancel_bookings``: then each is cancelled and
    its booker mailed why, after the commit. Only coordinators. Locks the
    space's resources first, as a booking does, so no booking slips in
    between: one that waited is checked against the new hours.
    """
    if not space_permissions(by, space).change:
        raise BookingNotAllowed(_("Only coordinators can change opening hours."))
    for row in saved:
        row.space = space
        try:
            row.full_clean()
        except ValidationError as error:
            raise BookingRuleBroken(error.messages[0]) from error
    with transaction.atomic():
        _lock_resources_of(space.pk)
        stored = dict(OpeningHours.objects.filter(space=space).values_list("pk", "weekday"))
        weekdays = {row.weekday for row in saved} | {
            stored[row.pk] for row in [*saved, *deleted] if row.pk in stored
        }
        OpeningHours.objects.filter(
            space=space, pk__in=[row.pk for row in deleted if row.pk is not None]
        ).delete()
        for row in saved:
            row.save()
        in_the_way = bookings_outside_hours(
            space.pk, OpeningHours.objects.filter(space=space), weekdays=weekdays
        )
        if in_the_way and not cancel_bookings:
            raise BookingsInTheWay(hours_refusal_message(len(in_the_way)), count=len(in_the_way))
        message = _(
            "%(space)s has new opening hours, and the time you booked is outside them."
        ) % {"space": space.name}
        cancelled = _cancel_with_message(in_the_way, by=by, message=message)
        audit.record(
            space,
            "spaces.space.hours_changed",
            actor=by,
            data={"weekdays": sorted(weekdays), "cancelled": len(cancelled)},
        )
    return cancelled


# Resources -------------------------------------------------------------------------


def bookings_stranded_by(
    resource_id: int | None, *, active: bool, audience: str, now: datetime | None = None
) -> list[Booking]:
    """Members' confirmed future bookings the stored resource would no longer take.

    That is, were it made ``active`` and for ``audience``: all of them when it
    stops being bookable; those of members outside an approved start-up when
    it becomes for start-ups only (the rule :func:`book_resource` applies).
    What it already was strands nothing: its bookings stood then too.
    Bookings that have begun are left alone.
    """
    stored = Resource.objects.filter(pk=resource_id).values_list("active", "audience").first()
    if stored is None:
        return []
    was_active, was_audience = stored
    closing = was_active and not active
    startups = Resource.Audience.STARTUPS
    narrowing = active and audience == startups and was_audience != startups
    if not (closing or narrowing):
        return []
    bookings = (
        Booking.objects.blocking()
        .bookings()
        .filter(resource_id=resource_id, start__gt=now or timezone.now())
        .select_related("booker__profile__organisation")
        .order_by("start", "pk")
    )
    if closing:
        return list(bookings)
    return [
        booking
        for booking in bookings
        if not is_startup_member(getattr(booking.booker, "profile", None))
    ]


def resource_refusal_message(name: str, count: int) -> str:
    """What a coordinator reads when a change to resource ``name`` would strand ``count``."""
    return ngettext(
        "%(resource)s has %(count)d booking coming up that it would no longer take. "
        "Choose to cancel it and mail its owner, or keep the resource as it is.",
        "%(resource)s has %(count)d bookings coming up that it would no longer take. "
        "Choose to cancel them and mail their owners, or keep the resource as it is.",
        count,
    ) % {"resource": name, "count": count}


def save_resource(*, resource: Resource, by: User, cancel_bookings: bool = False) -> list[Booking]:
    """Save ``resource``, new or changed (the admin's form); returns the bookings cancelled.

    Making it not bookable, or for start-ups only, would leave members'
    confirmed future bookings on a place that refuses them (see
    :func:`bookings_stranded_by`): that fails with :class:`BookingsInTheWay`
    and saves nothing, unless ``cancel_bookings``: then each is cancelled and
    its booker mailed why, after the commit. Only coordinators. Locks the
    resource's row first, as a booking does, so no booking slips in between:
    one that waited sees the resource as saved.
    """
    if not resource_permissions(by, resource).change:
        raise BookingNotAllowed(_("Only coordinators can change resources."))
    try:
        resource.full_clean()
    except ValidationError as error:
        raise BookingRuleBroken(error.messages[0]) from error
    with transaction.atomic():
        if resource.pk is not None:
            Resource.objects.select_for_update(no_key=True).filter(pk=resource.pk).values_list(
                "pk"
            ).first()
        in_the_way = bookings_stranded_by(
            resource.pk, active=resource.active, audience=resource.audience
        )
        if in_the_way and not cancel_bookings:
            raise BookingsInTheWay(
                resource_refusal_message(resource.name, len(in_the_way)), count=len(in_the_way)
            )
        if not resource.active:
            message = _("%(resource)s can no longer be booked.") % {"resource": resource.name}
        else:
            message = _(
                "%(resource)s is now for members of education start-ups and initiatives only."
            ) % {"resource": resource.name}
        cancelled = _cancel_with_message(
            in_the_way,
            by=by,
            message=message,
            place_url="" if resource.active else reverse("spaces:list"),
        )
        resource.save()
    return cancelled


# Account deletion ------------------------------------------------------------------


def cancel_future_bookings(user: User) -> list[Booking]:
    """Cancel ``user``'s bookings that have not started: their account is deactivated or deleted.

    The seats are free for others at once; past and current bookings stay as
    they are. The booker is not mailed (mail never goes to an inactive
    account). Locks the booker's user row, then the bookings' rows (the order
    of :func:`_lock_for_booking`), in the caller's transaction. Returns the
    bookings cancelled.
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
        bookings = list(
            Booking.objects.bookings()
            .select_for_update(of=("self",))
            .filter(booker=user, status=Booking.Status.CONFIRMED, start__gt=timezone.now())
            .select_related("resource__space")
            .order_by("start", "pk")
        )
        for booking in bookings:
            _cancel(booking, by=user, message="")
    return bookings


def anonymise_bookings(user: User) -> None:
    """For account deletion: keep the rows (occupancy stays true), drop what is personal.

    Future bookings were cancelled when the account was deactivated, which the
    deletion does first; :func:`cancel_future_bookings` runs again here (then
    finding nothing), so this step stands on its own. Every booking loses its
    purpose and messages. Runs inside the deletion's transaction.
    """
    cancel_future_bookings(user)
    now = timezone.now()
    Booking.objects.bookings().filter(booker=user).update(
        purpose="", cancel_message="", updated_at=now
    )
