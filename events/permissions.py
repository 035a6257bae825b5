"""Who may do what with meetups: one function per question, for views, templates and admin."""

from events.models import Event, Registration
from lef.coordinators import is_coordinator


def can_view_event(user, event: Event) -> bool:
    """Published and cancelled meetups are for everyone; a draft only for coordinators."""
    return event.status != Event.Status.DRAFT or is_coordinator(user)


def is_organiser(user, event: Event, *, organiser_ids: set[int] | None = None) -> bool:
    """Whether ``user`` organises ``event`` (``organiser_ids`` saves the query when known)."""
    if user is None or not user.is_authenticated:
        return False
    if organiser_ids is None:
        organiser_ids = set(event.organisers.values_list("pk", flat=True))
    return user.pk in organiser_ids


def organiser_ids_of(user, event: Event) -> set[int]:
    """``organiser_ids`` for the checks above, from a meetup read with
    ``Event.objects.with_organised_by(user)``: no query of its own."""
    return {user.pk} if event.organised_by_user else set()


def can_check_in(user, event: Event, *, organiser_ids: set[int] | None = None) -> bool:
    """The door list of a meetup: its organisers and coordinators, not for drafts."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if event.status == Event.Status.DRAFT:
        return is_coordinator(user)
    # Coordinators first: for anyone else that check needs no query.
    return is_coordinator(user) or is_organiser(user, event, organiser_ids=organiser_ids)


def can_cancel_registration(user, registration: Registration) -> bool:
    """The member themself, or a coordinator."""
    if user is None or not user.is_authenticated:
        return False
    return registration.member_id == user.pk or is_coordinator(user)
