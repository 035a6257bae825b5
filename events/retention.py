"""How long the meetups app keeps what people leave behind at a sign-up.

A guest's email address (left at the door so the organisers can follow up) and
the note a member adds to a sign-up serve the meetup and the weeks after it,
not the years after: :func:`forget_registration_details` clears both once the
meetup ended :data:`DETAILS_KEPT` ago. The sign-up rows stay (with the sector,
the status and the check-in), so attendance and sector counts hold; a guest's
name stays on the attendance list. ``run_scheduler`` runs it daily
(``manage.py forget_registration_details``).
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from events.models import Registration

# About six months: time to follow up a meetup and report on it.
DETAILS_KEPT = dt.timedelta(days=183)


def forget_registration_details(*, now: dt.datetime | None = None) -> int:
    """Clear guests' email addresses and sign-up notes of meetups that ended
    :data:`DETAILS_KEPT` before ``now``; return how many sign-ups changed.

    One UPDATE, no lock needed: clearing twice changes nothing, so it is safe
    to repeat and to run on several machines at once.
    """
    cutoff = (now or timezone.now()) - DETAILS_KEPT
    return (
        Registration.objects.filter(event__ends_at__lt=cutoff)
        .filter(~Q(guest_email="") | ~Q(note=""))
        .update(guest_email="", note="")
    )
