"""Who may do what with spaces: one function per object and action, used everywhere.

Views, templates (through the context the views build), the admin and the
services all ask these; none of them writes its own version of a rule.
"""

import functools
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from members.models import Organisation

CHECK_IN_WINDOW = timedelta(minutes=30)


def is_coordinator(user) -> bool:
    """Coordinators run the spaces: they see who booked, cancel any booking and block slots."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and _may_change_bookings(user)
    )


def _may_change_bookings(user) -> bool:
    """``user.has_perm("spaces.change_booking")`` as Django's ModelBackend answers it.

    In one small query, where has_perm reads all of a user's permissions in
    two (every coordinator's grid page asks); has_perm itself when it has read
    them already. tests/spaces/test_caching.py holds the two together.
    """
    if hasattr(user, "_perm_cache") or user.is_superuser:
        return user.has_perm("spaces.change_booking")
    if not hasattr(user, "_spaces_may_change_bookings"):
        # Kept on the user object for the request, as has_perm keeps its answer.
        with connection.cursor() as cursor:
            cursor.execute(_change_booking_sql(), ["spaces", "change_booking", user.pk, user.pk])
            user._spaces_may_change_bookings = cursor.fetchone()[0]
    return user._spaces_may_change_bookings


@functools.cache
def _change_booking_sql() -> str:
    """Whether a user has a permission, directly or through a group (ModelBackend's rule)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.contrib.auth.models import Group, Permission  # noqa: PLC0415

    user_model = get_user_model()
    table = connection.ops.quote_name
    permission, content_type = Permission._meta, Permission._meta.get_field("content_type")
    own = user_model._meta.get_field("user_permissions").remote_field.through._meta
    groups = user_model._meta.get_field("groups").remote_field.through._meta
    granted = Group._meta.get_field("permissions").remote_field.through._meta
    return f"""
        SELECT EXISTS (
            SELECT 1 FROM {table(permission.db_table)} AS p
            JOIN {table(content_type.related_model._meta.db_table)} AS c
                ON c.id = p.content_type_id
            WHERE c.app_label = %s AND p.codename = %s AND (
                p.id IN (SELECT permission_id FROM {table(own.db_table)} WHERE user_id = %s)
                OR p.id IN (
                    SELECT g.permission_id FROM {table(granted.db_table)} AS g
                    JOIN {table(groups.db_table)} AS m ON m.group_id = g.group_id
                    WHERE m.user_id = %s)))
    """  # noqa: S608 -- table names from the models


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
