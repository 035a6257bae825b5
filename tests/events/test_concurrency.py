"""Places, caps, promotion and reminders hold when many people act at the same moment.

Every test releases its threads together with a barrier; each thread has its
own database connection and transaction, as separate web requests or workers
would. Each is repeated: a race that is lost only sometimes must fail the run.
"""

import threading
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from events import services
from events.models import Event, Registration
from events.services import EventBusy, cancel_registration, register_for_event
from lef.choices import Sector
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.helpers import errors_of, run_at_once

ATTEMPTS = range(3)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_thirty_people_for_the_last_ten_places_give_ten_places_and_twenty_waiting(attempt):
    event = EventFactory(capacity=40)
    RegistrationFactory.create_batch(30, event=event)  # 30 of 40 places are taken
    members = [MemberFactory(profile__primary_sector=Sector.VO) for _ in range(30)]

    outcomes = run_at_once(
        [lambda m=m: register_for_event(event=event, member=m) for m in members]
    )

    assert errors_of(outcomes) == []
    assert [r.member for r in outcomes] == members
    assert sorted(r.status for r in outcomes) == ["confirmed"] * 10 + ["waiting"] * 20
    newcomers = list(
        Registration.objects.filter(event=event, member__in=members).order_by("created_at", "pk")
    )
    assert [r.status for r in newcomers] == ["confirmed"] * 10 + ["waiting"] * 20
    assert Registration.objects.holding_a_place().filter(event=event).count() == 40
    # Arrival order is the order the lock was granted: ids and times agree, and the
    # waiting list numbers 1 to 20 in that order.
    assert [r.pk for r in newcomers] == sorted(r.pk for r in newcomers)
    waiting = [r for r in newcomers if r.status == "waiting"]
    assert [services.waiting_position(r) for r in waiting] == list(range(1, 21))
    assert {r.waiting_reason for r in waiting} == {"full"}
    assert len(mail.outbox) == 30


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_sector_cap_holds_when_two_sectors_sign_up_at_once(attempt):
    event = EventFactory(capacity=10, max_sector_share=40)  # 4 places per sector
    po = [MemberFactory(profile__primary_sector=Sector.PO) for _ in range(8)]
    vo = [MemberFactory(profile__primary_sector=Sector.VO) for _ in range(8)]

    outcomes = run_at_once(
        [lambda m=m: register_for_event(event=event, member=m) for m in po + vo]
    )

    assert errors_of(outcomes) == []
    assert sorted(r.status for r in outcomes) == ["confirmed"] * 8 + ["waiting"] * 8
    confirmed = Registration.objects.holding_a_place().filter(event=event)
    assert confirmed.filter(sector="po").count() == 4
    assert confirmed.filter(sector="vo").count() == 4
    assert set(
        Registration.objects.waiting().filter(event=event).values_list("waiting_reason", flat=True)
    ) == {"sector_full"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_cancellations_and_sign_ups_at_once_never_overfill_and_keep_the_line(attempt):
    event = EventFactory(capacity=5)
    holders = [register_for_event(event=event, member=MemberFactory()) for _ in range(5)]
    waiting = [register_for_event(event=event, member=MemberFactory()) for _ in range(3)]
    newcomers = [MemberFactory() for _ in range(4)]

    outcomes = run_at_once(
        [lambda r=r: cancel_registration(registration=r, by=r.member) for r in holders[:3]]
        + [lambda m=m: register_for_event(event=event, member=m) for m in newcomers]
    )

    assert errors_of(outcomes) == []
    assert [r.status for r in outcomes[3:]] == ["waiting"] * 4
    assert Registration.objects.holding_a_place().filter(event=event).count() == 5
    # The three who waited got the three places that came free, whatever the order.
    assert {r.status for r in Registration.objects.filter(pk__in=[w.pk for w in waiting])} == {
        "confirmed"
    }
    assert set(
        Registration.objects.filter(event=event, member__in=newcomers).values_list(
            "status", flat=True
        )
    ) == {"waiting"}


@pytest.mark.django_db(transaction=True)
def test_a_lock_that_cannot_be_had_quickly_is_busy_not_an_error(monkeypatch):
    event = EventFactory()
    member = MemberFactory()
    monkeypatch.setattr(services, "LOCK_TIMEOUT", "100ms")

    with _meetup_locked_elsewhere(event), pytest.raises(EventBusy) as raised:
        register_for_event(event=event, member=member)

    assert raised.value.status == 503
    assert Registration.objects.count() == 0
    # Once the lock is free, the same call succeeds.
    assert register_for_event(event=event, member=member).status == "confirmed"


@contextmanager
def _meetup_locked_elsewhere(event):
    """Another transaction holds the meetup's row lock for the duration."""
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        yield
    finally:
        release.set()
        holder.join(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_signing_up_while_the_meetup_is_busy_says_try_again_with_a_503(client, monkeypatch):
    event = EventFactory()
    client.force_login(MemberFactory())
    monkeypatch.setattr(services, "LOCK_TIMEOUT", "100ms")

    with _meetup_locked_elsewhere(event):
        response = client.post(f"/events/{event.slug}/register/")

    assert response.status_code == 503
    assert "Please try again in a moment." in response.content.decode()
    assert Registration.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_workers_sending_reminders_at_once_remind_everyone_exactly_once(attempt):
    zone = timezone.get_default_timezone()
    tomorrow = timezone.localdate() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(15, 30), tzinfo=zone)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), capacity=None)
    people = [register_for_event(event=event, member=MemberFactory()) for _ in range(12)]
    mail.outbox.clear()

    outcomes = run_at_once([lambda: services.send_due_reminders(batch_size=5) for _ in range(2)])

    assert errors_of(outcomes) == []
    assert sum(outcomes) == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.member.email for r in people)
    assert Registration.objects.filter(event=event, reminded_at__isnull=True).count() == 0
    assert services.send_due_reminders() == 0
