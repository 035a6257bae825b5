"""Races between a coordinator's change to a meetup and people acting on it at the same moment.

Threads with their own connections, released together (tests.helpers.run_at_once),
repeated; every outcome is exact, whatever order the meetup's lock is granted in.
"""

import threading
from contextlib import contextmanager

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import translation

from events import services
from events.models import Event, Registration
from events.services import EventBusy, RegistrationNotAllowed, register_for_event, save_event
from lef.choices import Sector
from members.models import User
from members.services import deactivate_member
from tests.events.factories import EventFactory
from tests.factories import MemberFactory
from tests.helpers import errors_of, run_at_once

ATTEMPTS = range(3)

# The mails of a sign-up, as a member reads them (in Dutch, the default language).
KINDS = {
    "'t LEF: je bent aangemeld voor Brugklas": "signed up",
    "'t LEF: je staat op de wachtlijst voor Brugklas": "waiting",
    "'t LEF: er is een plek vrijgekomen voor je bij Brugklas": "place came free",
}


def _mails_by_person() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in mail.outbox:
        [address] = message.to
        found.setdefault(address, []).append(KINDS[message.subject])
    return {address: sorted(kinds) for address, kinds in found.items()}


@contextmanager
def _capacity_raised_first(monkeypatch, *, first: bool):
    """(raise, sign up): the two calls to race. With ``first``, the sign-ups start
    once the raise holds the meetup's lock (left to itself, the raise, which checks
    the whole meetup first, mostly comes last)."""
    raising, has_lock = threading.local(), threading.Event()
    locked = services._event_locked

    @contextmanager
    def watched(event_id, **kwargs):
        with locked(event_id, **kwargs) as event:
            if getattr(raising, "now", False):
                has_lock.set()
            yield event

    monkeypatch.setattr(services, "_event_locked", watched)

    def raise_capacity(event):
        raising.now = True
        return save_event(event=event)

    def sign_up(event, member):
        if first:
            assert has_lock.wait(timeout=30)
        return register_for_event(event=event, member=member)

    yield raise_capacity, sign_up


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", [False, True], ids=["as it comes", "capacity first"])
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_raising_the_capacity_while_people_sign_up_fills_the_new_places_in_order(
    monkeypatch, attempt, first
):
    event = EventFactory(title="Brugklas", capacity=2)
    people = [MemberFactory(profile__primary_sector=Sector.PO) for _ in range(4)]
    holders, waiting = people[:2], people[2:]
    for person in people:
        register_for_event(event=event, member=person)
    newcomers = [MemberFactory(profile__primary_sector=Sector.VO) for _ in range(4)]
    mail.outbox.clear()
    raised = Event.objects.get(pk=event.pk)
    raised.capacity = 6  # four more places: two for those waiting, two for newcomers

    with _capacity_raised_first(monkeypatch, first=first) as (raise_capacity, sign_up):
        outcomes = run_at_once(
            [lambda: raise_capacity(raised)] + [lambda m=m: sign_up(event, m) for m in newcomers]
        )

    assert errors_of(outcomes) == []
    holding = Registration.objects.holding_a_place().filter(event=event)
    assert holding.count() == 6
    # Those who waited before come first, whenever the capacity went up.
    assert set(holding.filter(member__in=holders + waiting).values_list("member", flat=True)) == {
        person.pk for person in holders + waiting
    }
    # Of the newcomers, the first two to get the lock have a place, the others
    # wait, numbers 1 and 2 in line.
    arrived = list(
        Registration.objects.filter(event=event, member__in=newcomers).order_by("created_at", "pk")
    )
    assert [r.status for r in arrived] == ["confirmed"] * 2 + ["waiting"] * 2
    assert [services.waiting_position(r) for r in arrived[2:]] == [1, 2]
    assert {r.waiting_reason for r in arrived[2:]} == {"full"}
    # Everyone mailed once for each thing that happened to them: a place at once;
    # or the waiting list, then a place when the capacity went up; or the waiting list.
    expected = {person.email: ["place came free"] for person in waiting}
    for registration in arrived:
        if registration.status == Registration.Status.WAITING:
            kinds = ["waiting"]
        elif registration.confirmed_at == registration.created_at:
            kinds = ["signed up"]
        else:
            kinds = ["place came free", "waiting"]
        expected[registration.member.email] = kinds
    assert _mails_by_person() == expected


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


def _lock_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_busy_meetup_leaves_the_callers_transaction_its_own_lock_timeout(monkeypatch):
    event, member = EventFactory(), MemberFactory()
    monkeypatch.setattr(services, "LOCK_TIMEOUT", "100ms")

    with _meetup_locked_elsewhere(event), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '7s'")
        with pytest.raises(EventBusy):
            register_for_event(event=event, member=member)
        after = _lock_timeout()

    assert after == "7s"
    assert Registration.objects.count() == 0


# Signing up while the account is deactivated ------------------------------------------


MEETUPS = 3


def _coordinator():
    # A superuser: the Coordinators group of the migrations is gone after a flush.
    return MemberFactory(is_staff=True, is_superuser=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_sign_ups_made_while_the_member_is_deactivated_never_keep_a_place(attempt):
    """The member's row is locked and is_active read again: a stale ``member`` keeps nothing.

    Each sign-up holds the member as loaded before the deactivation, as a
    request does. One that got its turn first is cancelled by the deactivation;
    one that waited for it is refused.
    """
    coordinator = _coordinator()
    meetups = [EventFactory(title="Brugklas") for _ in range(MEETUPS)]
    member = MemberFactory(profile__primary_sector=Sector.PO)

    def sign_up(event):
        with translation.override("en"):
            return register_for_event(event=event, member=member)

    deactivated, *signed_up = run_at_once(
        [
            lambda: deactivate_member(user=User.objects.get(pk=member.pk), by=coordinator),
            *[lambda event=event: sign_up(event) for event in meetups],
        ]
    )

    made = [o.pk for o in signed_up if isinstance(o, Registration)]
    refused = [o for o in signed_up if not isinstance(o, Registration)]
    assert isinstance(deactivated, list), deactivated
    assert [(type(o), o.message) for o in refused] == [
        (RegistrationNotAllowed, "This account cannot sign up.")
    ] * len(refused)
    assert len(made) + len(refused) == MEETUPS
    # Whatever got in first was cancelled by the deactivation; nothing holds a place.
    assert not Registration.objects.active().filter(member=member).exists()
    assert sorted(
        Registration.objects.filter(member=member, status="cancelled").values_list("pk", flat=True)
    ) == sorted(made)


@pytest.mark.django_db(transaction=True)
def test_a_deactivation_that_commits_as_the_sign_up_begins_is_seen_under_the_lock(monkeypatch):
    """The window of the old check: the member was active when the sign-up began, and
    the deactivation (finding nothing to free) committed before the meetup's lock."""
    event = EventFactory()
    member = MemberFactory(profile__primary_sector=Sector.PO)
    deactivated = threading.Event()
    sector_of = services._sector_of

    def after_the_deactivation(user):
        assert deactivated.wait(timeout=30)
        return sector_of(user)

    monkeypatch.setattr(services, "_sector_of", after_the_deactivation)

    def deactivate():
        try:
            return deactivate_member(user=User.objects.get(pk=member.pk), by=_coordinator())
        finally:
            deactivated.set()

    def sign_up():
        with translation.override("en"):
            return register_for_event(event=event, member=member)

    done, refused = run_at_once([deactivate, sign_up])

    assert done == []
    assert (type(refused), refused.message) == (
        RegistrationNotAllowed,
        "This account cannot sign up.",
    )
    assert Registration.objects.filter(member=member).count() == 0
