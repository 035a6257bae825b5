"""Who may do what with spaces: one object of flags per viewer and object, used everywhere.

``resource_permissions(user, resource)`` answers every question about one
viewer and one resource at once, ``booking_permissions(user, booking)`` about
one booking and ``space_permissions(user, space)`` about a space (its opening
hours and closure days). Views and templates read their flags (``perms.book``,
``line.perms.cancel``), the admin asks them before it offers a change, and the
services re-check the same flags after taking their locks. When a member may
not book, :class:`Refusal` says why, so the page and the service give the same
reason: the rule is decided here once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from lef.coordinators import is_coordinator
from members.models import Organisation

CHECK_IN_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Refusal:
    """Why a member may not book a resource: ``code`` for the code, ``message`` for them."""

    LOGIN = "login"
    INACTIVE = "inactive"
    PROFILE = "profile"
    STARTUPS_ONLY = "startups_only"
    STARTUP_PENDING = "startup_pending"

    code: str
    message: str

    @property
    def asks_for_profile(self) -> bool:
        """Whether finishing the profile is the way out (else: another place)."""
        return self.code == self.PROFILE

    @property
    def waits_for_approval(self) -> bool:
        """Whether the member's start-up waits for approval (meanwhile: places for all)."""
        return self.code == self.STARTUP_PENDING


@dataclass(frozen=True)
class ResourcePermissions:
    """What one viewer may do with one resource."""

    # Its grid and booking form: a bookable resource, for everyone.
    view: bool = False
    # Book it (the time rules come on top); ``refusal`` says why not.
    book: bool = False
    refusal: Refusal | None = None
    # Coordinators: see who holds a taken slot, block slots, change its rules.
    see_bookers: bool = False
    block: bool = False
    change: bool = False


@dataclass(frozen=True)
class BookingPermissions:
    """What one viewer may do with one booking (or block) now."""

    # The booker until the start; a coordinator any confirmed booking or block.
    cancel: bool = False
    # A coordinator cancelling a member's booking tells them why.
    cancel_needs_message: bool = False
    # The booker, during the first 30 minutes of a confirmed booking, once.
    check_in: bool = False


@dataclass(frozen=True)
class SpacePermissions:
    """What one viewer may do with a space."""

    # Coordinators: its opening hours and closure days.
    change: bool = False


def is_startup_member(profile) -> bool:
    """Whether the member belongs to an approved start-up or initiative."""
    organisation = getattr(profile, "organisation", None) if profile is not None else None
    return bool(
        organisation is not None
        and organisation.kind == Organisation.Kind.STARTUP
        and organisation.status == Organisation.Status.APPROVED
    )


def _startup_waits_for_approval(profile) -> bool:
    organisation = getattr(profile, "organisation", None) if profile is not None else None
    return bool(
        organisation is not None
        and organisation.kind == Organisation.Kind.STARTUP
        and organisation.status == Organisation.Status.PROPOSED
    )


def booking_refusal(user, resource, *, profile=None, is_active=None) -> Refusal | None:
    """Why ``user`` may not book ``resource`` at all, or None when they may.

    Members who finished onboarding may book active resources; resources for
    start-ups and initiatives only take members of an approved organisation of
    that kind. ``profile`` saves a query when the caller has it (with organisation).
    ``is_active`` is the account's flag as the services read it under the lock
    of the user's row; ``user.is_active`` may be older than that (the account
    deactivated since the request loaded it).
    """
    from spaces.models import Resource  # noqa: PLC0415 -- models import nothing of this

    if is_active is None:
        is_active = user is not None and user.is_active
    if user is None or not user.is_authenticated or not is_active:
        return Refusal(Refusal.LOGIN, _("Log in to book."))
    if not resource.active:
        return Refusal(Refusal.INACTIVE, _("This resource cannot be booked at the moment."))
    if profile is None:
        profile = getattr(user, "profile", None)
    if profile is None or not profile.is_onboarded:
        return Refusal(Refusal.PROFILE, _("Finish your profile first to book a seat."))
    if resource.audience == Resource.Audience.STARTUPS and not is_startup_member(profile):
        if _startup_waits_for_approval(profile):
            # Why not yet, and what happens next: approving mails the proposer
            # (members.organisations.approve_organisation).
            return Refusal(
                Refusal.STARTUP_PENDING,
                _(
                    "Your start-up %(name)s is waiting for a coordinator's approval. Once it "
                    "is approved you can book this place; we will mail you when it is."
                )
                % {"name": profile.organisation.name},
            )
        return Refusal(
            Refusal.STARTUPS_ONLY,
            _("This resource is for members of education start-ups and initiatives."),
        )
    return None


def resource_permissions(user, resource, *, profile=None) -> ResourcePermissions:
    """Everything ``user`` may do with ``resource``.

    ``profile`` is the user's profile with its organisation; pass it when it is
    already loaded, so this runs no query for members (the coordinator check
    asks once per request for staff, kept on ``user``).
    """
    coordinator = is_coordinator(user)
    refusal = booking_refusal(user, resource, profile=profile)
    return ResourcePermissions(
        view=resource.active,
        book=refusal is None,
        refusal=refusal,
        see_bookers=coordinator,
        block=coordinator,
        change=coordinator,
    )


def booking_permissions(user, booking, *, now: datetime | None = None) -> BookingPermissions:
    """Everything ``user`` may do with ``booking`` at ``now``; no query for members."""
    if user is None or not user.is_authenticated or booking.status != booking.Status.CONFIRMED:
        return BookingPermissions()
    now = now or timezone.now()
    own = booking.booker_id == user.pk and not booking.is_block
    coordinator = is_coordinator(user)
    return BookingPermissions(
        cancel=coordinator or (own and now < booking.start),
        cancel_needs_message=coordinator and not own and not booking.is_block,
        check_in=(
            own
            and booking.checked_in_at is None
            and booking.start <= now < min(booking.start + CHECK_IN_WINDOW, booking.end)
        ),
    )


def space_permissions(user, space) -> SpacePermissions:
    """Everything ``user`` may do with ``space`` (None: any space)."""
    return SpacePermissions(change=is_coordinator(user))


# One flag each, for callers that ask one question.


def can_book_resource(user, resource, *, profile=None) -> bool:
    return booking_refusal(user, resource, profile=profile) is None


def can_see_booker(user) -> bool:
    """Whether ``user`` sees who holds a taken slot (others see only "taken")."""
    return is_coordinator(user)


def can_cancel_booking(user, booking, *, now: datetime | None = None) -> bool:
    return booking_permissions(user, booking, now=now).cancel


def can_check_in(user, booking, *, now: datetime | None = None) -> bool:
    return booking_permissions(user, booking, now=now).check_in
