"""Who may do what with meetups: one object of flags per viewer and object, used everywhere.

``event_permissions(user, event)`` answers every question about one viewer and
one meetup at once, ``registration_permissions(user, registration)`` about one
sign-up. Templates read their flags (``perms.check_in``, ``perms.edit``), views
refuse with them, and the services re-check the same flags after taking the
meetup's lock.
"""

from dataclasses import dataclass

from events.models import Event, Registration
from lef.coordinators import is_coordinator


@dataclass(frozen=True)
class EventPermissions:
    """What one viewer may do with one meetup."""

    # Open its page (and its calendar file): Event.is_visible_to.
    view: bool = False
    # Its door list: check people in, add walk-ins. Organisers and coordinators,
    # for a draft coordinators only.
    check_in: bool = False
    # Coordinators: change it in the back office, cancel it, mail everyone with a place.
    edit: bool = False
    cancel: bool = False
    email: bool = False


@dataclass(frozen=True)
class RegistrationPermissions:
    """What one viewer may do with one sign-up."""

    # The member themself, or a coordinator (the service adds the rules of time).
    cancel: bool = False


def organiser_ids_of(user, event: Event) -> set[int]:
    """``organiser_ids`` for :func:`event_permissions`, from a meetup read with
    ``Event.objects.with_organised_by(user)``: no query of its own."""
    return {user.pk} if event.organised_by_user else set()


def event_permissions(
    user, event: Event, *, organiser_ids: set[int] | None = None
) -> EventPermissions:
    """Everything ``user`` may do with ``event``.

    ``organiser_ids`` (the meetup's organisers, or :func:`organiser_ids_of`)
    saves the query that asks whether ``user`` organises it; it is only asked
    of an active member who is no coordinator, for a meetup that is no draft.
    ``view`` is ``Event.is_visible_to``: the rule ``Event.objects.visible_to``
    filters lists by.
    """
    if not event.is_visible_to(user):
        return EventPermissions()
    coordinator = is_coordinator(user)
    active = user is not None and user.is_authenticated and user.is_active
    organiser = False
    # Coordinators first: for anyone else that check needs no query.
    if active and not coordinator and event.status != Event.Status.DRAFT:
        if organiser_ids is None:
            organiser_ids = set(event.organisers.values_list("pk", flat=True))
        organiser = user.pk in organiser_ids
    return EventPermissions(
        view=True,
        check_in=coordinator or organiser,
        edit=coordinator,
        cancel=coordinator,
        email=coordinator,
    )


def registration_permissions(user, registration: Registration) -> RegistrationPermissions:
    """Everything ``user`` may do with ``registration``."""
    if user is None or not user.is_authenticated:
        return RegistrationPermissions()
    return RegistrationPermissions(
        cancel=registration.member_id == user.pk or is_coordinator(user),
    )
