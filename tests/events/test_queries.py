"""events.queries counts places as the one QuerySet method does: ``holding_a_place()``."""

from collections import Counter

import pytest
from django.utils import timezone

from events.models import Event, Registration
from events.queries import event_card_page, registration_counts, upcoming_public_events
from lef.choices import Sector
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _every_kind_of_sign_up(event: Event, viewer) -> None:
    """Two places taken (po, vo), a walk-in (mbo), one waiting (the viewer), one cancelled."""
    RegistrationFactory(event=event, sector=Sector.PO)
    RegistrationFactory(event=event, sector=Sector.VO)
    RegistrationFactory(event=event, sector=Sector.MBO, walk_in=True)
    RegistrationFactory(
        event=event, member=viewer, status="waiting", waiting_reason="full", confirmed_at=None
    )
    RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())


def test_the_pages_count_the_places_that_holding_a_place_counts():
    event = EventFactory(capacity=10)
    viewer = MemberFactory()
    _every_kind_of_sign_up(event, viewer)
    holding = Registration.objects.holding_a_place().filter(event=event)

    counts = registration_counts([event], viewer=viewer)[event.pk]
    _page, [card] = event_card_page(
        Event.objects.filter(pk=event.pk), number=1, per_page=12, viewer=viewer
    )
    [home] = upcoming_public_events()

    assert counts.taken == home.counts.taken == holding.count() == 2
    assert card.count_text == "8 places left"  # of 10
    assert counts.taken_by_sector == Counter(holding.values_list("sector", flat=True))
    assert counts.present_mix == Counter({"po": 1, "vo": 1, "mbo": 1})  # walk-ins came
    assert card.mix.total == 3
    assert (counts.waiting, counts.mine, card.mine) == (1, "waiting", "waiting")
