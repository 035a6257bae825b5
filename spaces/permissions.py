"""Who may do what with spaces: one function per object and action, used everywhere.

Views, templates (through the context the views build), the admin and the
services all ask these; none of them writes its own version of a rule.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from lef.coordinators import is_coordinator
from members.models import Organisation

CHECK_IN_WINDOW = timedelta(minutes=30)


def is_startup_member(profile) -> bool:
    """Whether the member belongs to an approved start-up or initiative."""
    organisation = getattr(profile, "organisation", None) if profile is not None else None
    return bool(
        organisation is not None
        and organisation.kind == Organisation.Kind.STARTUP
        and organisation.status == Organisation.Status.APPROVED
    )


def can_book_resource(user, resource, *, profile=None) -> bool:
    """Whether ``user`` may book ``resource`` at all (the time rules come on top).

    Members who finished onboarding may book active resources; resources for
    start-ups and initiatives only take members of an approved organisation of
    that kind. ``profile`` saves a query when the caller has it (with organisation).
    """
    from spaces.models import Resource  # noqa: PLC0415 -- models import nothing of this

    if user is None or not user.is_authenticated or not user.is_active or not resource.active:
        return False
    if profile is None:
        profile = getattr(user, "profile", None)
    if profile is None or not profile.is_onboarded:
        return False
    if resource.audience == Resource.Audience.STARTUPS:
        return is_startup_member(profile)
    return True


def can_see_booker(user) -> bool:
    """Whether ``user`` sees who holds a taken slot (others see only "taken")."""
    return is_coordinator(user)


def can_cancel_booking(user, booking, *, now: datetime | None = None) -> bool:
    """The booker until the start; a coordinator any confirmed booking or block."""
    if booking.status != booking.Status.CONFIRMED:
        return False
    if is_coordinator(user):
        return True
    now = now or timezone.now()
    return (
        user is not None
        and user.is_authenticated
        and booking.booker_id == user.pk
        and not booking.is_block
        and now < booking.start
    )


def can_check_in(user, booking, *, now: datetime | None = None) -> bool:
    """The booker, during the first 30 minutes of a confirmed booking, once."""
    now = now or timezone.now()
    return (
        user is not None
        and user.is_authenticated
        and booking.booker_id == user.pk
        and not booking.is_block
        and booking.status == booking.Status.CONFIRMED
        and booking.checked_in_at is None
        and booking.start <= now < min(booking.start + CHECK_IN_WINDOW, booking.end)
    )
