"""The rules of events.services: places, sector caps, the waiting list, cancelling, the door."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone

from events import services
from events.forms import same_weekday_next_month
from events.models import Event, Registration
from events.services import (
    AlreadyRegistered,
    EventActionError,
    EventChangeRefused,
    EventHasRegistrations,
    ProfileIncomplete,
    RegistrationClosed,
    RegistrationNotAllowed,
    add_walk_in,
    anonymise_registrations,
    cancel_event,
    cancel_own_registration,
    cancel_registration,
    check_in,
    delete_event,
    delete_registration,
    duplicate_event,
    email_confirmed,
    export_registrations,
    register_for_event,
    save_event,
    undo_check_in,
)
from lef.choices import Sector
from lef.models import Notice
from members.models import Profile
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.helpers import clear_mail, ics_of, mails_to, outbox, vevents
from tests.factories import MemberFactory, UserFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db

PO, VO, MBO, HO = Sector.PO, Sector.VO, Sector.MBO, Sector.HO


def amsterdam(*parts) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo("Europe/Amsterdam"))


def member(sector=PO, **kwargs):
    return MemberFactory(profile__primary_sector=sector, **kwargs)


def statuses(event) -> list[tuple[str, str, str]]:
    """(member's name, status, reason) of every registration, in arrival order."""
    return [
        (r.member.name, r.status, r.waiting_reason)
        for r in event.registrations.select_related("member").order_by("created_at", "pk")
    ]


def fill(event, count, sector=PO):
    return [register_for_event(event=event, member=member(sector)) for _ in range(count)]


# Signing up ---------------------------------------------------------------------------


def test_register_with_places_left_confirms_and_mails_the_meetup_as_ics():
    event = EventFactory(title="Rekenen in de brugklas", capacity=2)
    sanne = member(name="Sanne de Vries")

    registration = register_for_event(event=event, member=sanne, note="Vegetarisch")

    assert (registration.status, registration.waiting_reason) == ("confirmed", "")
    assert (registration.sector, registration.note) == ("po", "Vegetarisch")
    assert registration.confirmed_at is not None
    [message] = mails_to(sanne)
    assert message.subject == "'t LEF: je bent aangemeld voor Rekenen in de brugklas"
    [entry] = vevents(ics_of(message))
    assert str(entry["uid"]) == f"event-{event.pk}@127.0.0.1"
    assert entry.decoded("dtstart") == event.starts_at
    assert str(entry["status"]) == "CONFIRMED"


def test_register_when_full_joins_the_waiting_list_with_its_position():
    event = EventFactory(capacity=1)
    fill(event, 1)
    first, second = member(), member()

    one = register_for_event(event=event, member=first)
    two = register_for_event(event=event, member=second)

    assert (one.status, one.waiting_reason) == ("waiting", "full")
    assert (two.status, two.waiting_reason) == ("waiting", "full")
    assert services.waiting_position(one) == 1
    assert services.waiting_position(two) == 2
    [message] = mails_to(second)
    assert "nummer 2" in message.body
    assert message.attachments == []


def test_register_with_unlimited_places_always_confirms():
    event = EventFactory(capacity=None)

    registrations = fill(event, 5)

    assert {r.status for r in registrations} == {"confirmed"}


def test_sector_cap_sends_the_full_sector_to_the_waiting_list_while_others_get_places():
    event = EventFactory(capacity=10, max_sector_share=40)  # at most 4 per sector

    po = fill(event, 5, PO)
    vo = register_for_event(event=event, member=member(VO))

    assert [r.status for r in po] == ["confirmed"] * 4 + ["waiting"]
    assert po[-1].waiting_reason == "sector_full"
    assert vo.status == "confirmed"
    assert "De plekken voor po zijn bezet" in mails_to(po[-1].member)[0].body


def test_sector_limit_rounds_down_but_is_at_least_one_place():
    assert EventFactory.build(capacity=10, max_sector_share=40).sector_limit == 4
    assert EventFactory.build(capacity=3, max_sector_share=10).sector_limit == 1
    assert EventFactory.build(capacity=3, max_sector_share=None).sector_limit is None


def test_register_twice_is_refused():
    event = EventFactory()
    sanne = member()
    register_for_event(event=event, member=sanne)

    with pytest.raises(AlreadyRegistered):
        register_for_event(event=event, member=sanne)

    assert event.registrations.count() == 1


def test_register_again_after_cancelling_goes_to_the_back_of_the_line():
    event = EventFactory(capacity=1)
    fill(event, 1)
    sanne, jeroen = member(name="Sanne"), member(name="Jeroen")
    register_for_event(event=event, member=sanne)
    register_for_event(event=event, member=jeroen)
    cancel_own_registration(event=event, member=sanne)

    register_for_event(event=event, member=sanne)

    waiting = [r.member.name for r in Registration.objects.waiting().filter(event=event)]
    assert waiting == ["Jeroen", "Sanne"]
    assert event.registrations.filter(member=sanne).count() == 2  # the cancelled row stays


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Event.Status.DRAFT}, "not open for sign-up"),
        ({"status": Event.Status.CANCELLED}, "has been cancelled"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "has closed"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "has not opened yet"),
    ],
)
def test_register_outside_the_sign_up_window_is_refused(changes, message):
    event = EventFactory(**changes)

    with pytest.raises(RegistrationClosed, match=message):
        register_for_event(event=event, member=member())

    assert event.registrations.count() == 0


def test_register_closes_at_the_start_without_a_closing_moment():
    start = timezone.now() - timedelta(minutes=5)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))

    with pytest.raises(RegistrationClosed, match="has closed"):
        register_for_event(event=event, member=member())


def test_register_exactly_at_the_closing_moment_is_refused(monkeypatch):
    closes = timezone.now() + timedelta(hours=1)
    event = EventFactory(registration_closes_at=closes)
    monkeypatch.setattr(services.timezone, "now", lambda: closes)

    with pytest.raises(RegistrationClosed):
        register_for_event(event=event, member=member())


def test_register_without_a_sector_asks_for_the_profile_step():
    event = EventFactory()

    with pytest.raises(ProfileIncomplete):
        register_for_event(event=event, member=UserFactory())


@pytest.mark.parametrize("note", ["x" * 501, "bel me\x00 even"])
def test_register_with_a_bad_note_is_refused(note):
    event = EventFactory()

    with pytest.raises(EventActionError):
        register_for_event(event=event, member=member(), note=note)

    assert event.registrations.count() == 0


def test_register_keeps_the_sector_after_the_member_changes_it():
    event = EventFactory()
    sanne = member(PO)
    register_for_event(event=event, member=sanne)

    Profile.objects.filter(pk=sanne.pk).update(primary_sector=VO)

    assert event.registrations.get().sector == "po"


# Cancelling and the waiting list --------------------------------------------------------


def test_cancel_promotes_the_first_in_line_in_the_same_transaction_and_mails_them():
    event = EventFactory(capacity=1, title="Brugklas")
    sanne = member(name="Sanne")
    register_for_event(event=event, member=sanne)
    jeroen, fatima = member(name="Jeroen"), member(name="Fatima")
    register_for_event(event=event, member=jeroen)
    register_for_event(event=event, member=fatima)
    clear_mail()

    cancel_own_registration(event=event, member=sanne)

    assert statuses(event) == [
        ("Sanne", "cancelled", ""),
        ("Jeroen", "confirmed", ""),
        ("Fatima", "waiting", "full"),
    ]
    [promoted] = mails_to(jeroen)
    assert promoted.subject == "'t LEF: er is een plek vrijgekomen voor je bij Brugklas"
    assert len(vevents(ics_of(promoted))) == 1
    [cancelled] = mails_to(sanne)
    assert str(vevents(ics_of(cancelled))[0]["status"]) == "CANCELLED"
    assert mails_to(fatima) == []


def test_cancel_promotes_the_first_eligible_skipping_a_full_sector():
    event = EventFactory(capacity=5, max_sector_share=40)  # 2 per sector
    po = fill(event, 2, PO)
    fill(event, 2, VO)
    po_waiting = register_for_event(event=event, member=member(PO, name="Piet"))
    mbo = register_for_event(event=event, member=member(MBO, name="Mila"))
    last = register_for_event(event=event, member=member(HO, name="Harm"))
    assert (po_waiting.status, po_waiting.waiting_reason) == ("waiting", "sector_full")
    assert (mbo.status, last.status) == ("confirmed", "waiting")

    cancel_registration(registration=mbo, by=mbo.member)

    po_waiting.refresh_from_db()
    last.refresh_from_db()
    assert (po_waiting.status, po_waiting.waiting_reason) == ("waiting", "sector_full")
    assert last.status == "confirmed"
    # A po place frees up: now Piet's turn.
    cancel_registration(registration=po[0], by=po[0].member)
    po_waiting.refresh_from_db()
    assert po_waiting.status == "confirmed"


def test_leaving_the_waiting_list_moves_the_others_up():
    event = EventFactory(capacity=1)
    fill(event, 1)
    first, second = fill(event, 2)

    cancel_registration(registration=first, by=first.member)

    second.refresh_from_db()
    assert services.waiting_position(second) == 1
    assert "niet meer op de wachtlijst" in mails_to(first.member)[-1].body


def test_cancel_someone_elses_registration_is_refused():
    event = EventFactory()
    registration = register_for_event(event=event, member=member())

    with pytest.raises(RegistrationNotAllowed):
        cancel_registration(registration=registration, by=member())

    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_coordinator_cancels_a_registration_and_the_member_is_told():
    event = EventFactory(capacity=1)
    registration = register_for_event(event=event, member=member())
    waiting = register_for_event(event=event, member=member())
    coordinator = CoordinatorFactory()
    clear_mail()

    cancel_registration(registration=registration, by=coordinator)

    registration.refresh_from_db()
    assert registration.cancelled_by == coordinator
    assert "Een coördinator van 't LEF" in mails_to(registration.member)[0].body
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_member_cannot_cancel_once_the_meetup_started():
    start = timezone.now() - timedelta(minutes=10)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    registration = RegistrationFactory(event=event)

    with pytest.raises(RegistrationClosed):
        cancel_registration(registration=registration, by=registration.member)


def test_cancel_twice_is_refused():
    registration = register_for_event(event=EventFactory(), member=member())
    cancel_registration(registration=registration, by=registration.member)

    with pytest.raises(services.NotRegistered):
        cancel_registration(registration=registration, by=registration.member)


def test_admin_delete_of_a_registration_promotes():
    event = EventFactory(capacity=1)
    first = register_for_event(event=event, member=member())
    second = register_for_event(event=event, member=member())

    delete_registration(registration=first)

    second.refresh_from_db()
    assert second.status == "confirmed"


# Coordinators change meetups -------------------------------------------------------------


def _edit(event, **changes):
    fresh = Event.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(fresh, name, value)
    return save_event(event=fresh)


def test_raising_the_capacity_promotes_as_many_as_fit_in_order():
    event = EventFactory(capacity=1)
    fill(event, 1)
    waiting = fill(event, 3)

    _edit(event, capacity=3)

    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [
        "confirmed",
        "confirmed",
        "waiting",
    ]
    assert len(mails_to(waiting[0].member)) == 2  # waiting, then promoted


def test_a_place_that_frees_up_passes_over_an_inactive_account_on_the_waiting_list():
    event = EventFactory(capacity=1)
    holder = fill(event, 1)[0]
    gone, next_in_line = fill(event, 2)
    # An account made inactive before deactivation took people off waiting lists.
    type(gone.member).objects.filter(pk=gone.member_id).update(is_active=False)
    clear_mail()

    cancel_own_registration(event=event, member=holder.member)

    assert [Registration.objects.get(pk=r.pk).status for r in (gone, next_in_line)] == [
        "waiting",
        "confirmed",
    ]
    assert mails_to(gone.member) == []
    assert len(mails_to(next_in_line.member)) == 1


def test_unlimited_capacity_promotes_everyone():
    event = EventFactory(capacity=1)
    fill(event, 3)

    _edit(event, capacity=None)

    assert set(event.registrations.values_list("status", flat=True)) == {"confirmed"}


def test_loosening_the_sector_cap_promotes_those_waiting_for_their_sector():
    event = EventFactory(capacity=10, max_sector_share=20)  # 2 per sector
    po = fill(event, 4, PO)
    assert [r.status for r in po] == ["confirmed", "confirmed", "waiting", "waiting"]

    _edit(event, max_sector_share=30)  # 3 per sector

    assert [Registration.objects.get(pk=r.pk).status for r in po] == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waiting",
    ]
    _edit(event, max_sector_share=None)
    assert Registration.objects.get(pk=po[-1].pk).status == "confirmed"


def test_lowering_the_capacity_below_the_places_given_is_refused():
    event = EventFactory(capacity=5)
    fill(event, 3)

    with pytest.raises(EventChangeRefused, match="3 people already have a place"):
        _edit(event, capacity=2)

    assert Event.objects.get(pk=event.pk).capacity == 5
    _edit(event, capacity=3)  # exactly the places given is fine


def test_moving_a_meetup_raises_its_sequence_and_mails_everyone_the_new_time():
    event = EventFactory()
    confirmed = register_for_event(event=event, member=member())
    clear_mail()

    _edit(event, starts_at=event.starts_at + timedelta(hours=1))

    event.refresh_from_db()
    assert event.sequence == 1
    [message] = mails_to(confirmed.member)
    assert "veranderd" in message.body
    assert int(vevents(ics_of(message))[0]["sequence"]) == 1


def test_editing_the_text_does_not_mail_anyone():
    event = EventFactory()
    register_for_event(event=event, member=member())
    clear_mail()

    _edit(event, summary="Nieuwe tekst")

    assert outbox() == []
    assert Event.objects.get(pk=event.pk).sequence == 0


def test_status_cancelled_in_the_form_cancels_and_mails():
    event = EventFactory()
    registration = register_for_event(event=event, member=member())
    clear_mail()

    _edit(event, status=Event.Status.CANCELLED)

    event.refresh_from_db()
    assert (event.status, event.sequence) == ("cancelled", 1)
    assert event.cancelled_at is not None
    assert len(mails_to(registration.member)) == 1


def test_a_cancelled_meetup_stays_cancelled():
    event = EventFactory(status=Event.Status.CANCELLED)

    with pytest.raises(EventChangeRefused, match="stays cancelled"):
        _edit(event, status=Event.Status.PUBLISHED)


def test_back_to_draft_with_sign_ups_is_refused():
    event = EventFactory()
    fill(event, 1)

    with pytest.raises(EventChangeRefused, match="draft"):
        _edit(event, status=Event.Status.DRAFT)


def test_save_event_validates_the_model():
    event = EventFactory()

    with pytest.raises(Exception, match="end must be after the start"):
        _edit(event, ends_at=event.starts_at)


def test_cancel_event_mails_everyone_signed_up_or_waiting():
    event = EventFactory(capacity=1, title="Aansluiting mbo-hbo")
    confirmed = register_for_event(event=event, member=member())
    waiting = register_for_event(event=event, member=member())
    clear_mail()

    mailed = cancel_event(event=event, by=CoordinatorFactory())

    assert mailed == 2
    assert event.status == "cancelled"
    [to_confirmed] = mails_to(confirmed.member)
    assert to_confirmed.subject == "'t LEF: afgelast: Aansluiting mbo-hbo"
    assert str(vevents(ics_of(to_confirmed))[0]["status"]) == "CANCELLED"
    assert mails_to(waiting.member)[0].attachments == []
    # Nothing is lost: the registrations keep their status.
    assert sorted(event.registrations.values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
    ]


def test_cancel_event_by_a_member_is_refused():
    with pytest.raises(RegistrationNotAllowed):
        cancel_event(event=EventFactory(), by=member())


def test_delete_event_with_registrations_is_refused_and_without_works():
    event = EventFactory()
    registration = register_for_event(event=event, member=member())
    cancel_registration(registration=registration, by=registration.member)

    with pytest.raises(EventHasRegistrations):
        delete_event(event=event)

    empty = EventFactory()
    delete_event(event=empty)
    assert not Event.objects.filter(pk=empty.pk).exists()


def test_duplicate_event_makes_a_draft_copy_on_the_new_day_without_sign_ups():
    organiser = member()
    event = EventFactory(
        title="Rekenen",
        organisers=[organiser],
        max_sector_share=50,
        development_hours=Decimal("1.5"),
        starts_at=amsterdam(2030, 3, 12, 15, 30),
        ends_at=amsterdam(2030, 3, 12, 17, 0),
        registration_opens_at=amsterdam(2030, 2, 26, 9, 0),
        registration_closes_at=amsterdam(2030, 3, 11, 12, 0),
    )
    RegistrationFactory.create_batch(2, event=event)

    copy = duplicate_event(event=event, starts_on=date(2030, 4, 9))

    assert (copy.title, copy.status, copy.slug) == ("Rekenen", "draft", "rekenen-2030-04-09")
    # The same hours in Amsterdam, across the change to summer time on 31 March.
    assert (copy.starts_at, copy.ends_at) == (
        amsterdam(2030, 4, 9, 15, 30),
        amsterdam(2030, 4, 9, 17, 0),
    )
    # The sign-up window moves with it by as many days.
    assert (copy.registration_opens_at, copy.registration_closes_at) == (
        amsterdam(2030, 3, 26, 9, 0),
        amsterdam(2030, 4, 8, 12, 0),
    )
    assert (copy.capacity, copy.max_sector_share, copy.venue) == (20, 50, event.venue)
    assert copy.development_hours == Decimal("1.5")
    assert list(copy.organisers.all()) == [organiser]
    assert copy.registrations.count() == 0


def test_copies_of_the_same_meetup_on_the_same_day_get_addresses_of_their_own():
    event = EventFactory(title="Rekenen")

    first = duplicate_event(event=event, starts_on=date(2030, 4, 9))
    second = duplicate_event(event=event, starts_on=date(2030, 4, 9), title="  Rekenen   ")
    renamed = duplicate_event(event=event, starts_on=date(2030, 4, 9), title="Rekenen in vo")

    assert [first.slug, second.slug, renamed.slug] == [
        "rekenen-2030-04-09",
        "rekenen-2030-04-09-2",
        "rekenen-in-vo-2030-04-09",
    ]
    assert second.title == "Rekenen"


@pytest.mark.parametrize("title", ["x" * 161, "Rekenen\u202e"])
def test_duplicate_event_with_a_bad_title_is_refused(title):
    event = EventFactory()

    with pytest.raises(EventActionError, match="title"):
        duplicate_event(event=event, starts_on=date(2030, 4, 9), title=title)

    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 8), date(2027, 1, 12)),  # the 2nd Tuesday, over the year's end
        (date(2027, 1, 1), date(2027, 2, 5)),  # the 1st Friday
        (date(2026, 12, 29), date(2027, 1, 26)),  # a 5th Tuesday: January's last
        (date(2027, 1, 31), date(2027, 2, 28)),  # a 5th Sunday: February's last
    ],
)
def test_next_month_is_the_same_week_and_weekday(day, expected):
    assert same_weekday_next_month(day) == expected
    assert expected.weekday() == day.weekday()


def test_cancel_event_puts_the_coordinators_message_in_the_mail():
    event = EventFactory()
    registration = register_for_event(event=event, member=member())
    clear_mail()

    cancel_event(event=event, by=CoordinatorFactory(), message="  De spreker is ziek.  ")

    [message] = mails_to(registration.member)
    assert "----------\nDe spreker is ziek.\n----------" in message.body


@pytest.mark.parametrize("message", ["x" * 5001, "Kijk\u202euit"])
def test_cancel_event_with_a_bad_message_cancels_nothing(message):
    event = EventFactory()

    with pytest.raises(EventActionError):
        cancel_event(event=event, by=CoordinatorFactory(), message=message)

    assert Event.objects.get(pk=event.pk).status == "published"


# At the door ----------------------------------------------------------------------------


def test_organiser_checks_someone_in_and_undoes_it():
    organiser = member()
    event = EventFactory(organisers=[organiser])
    registration = register_for_event(event=event, member=member())

    check_in(registration=registration, by=organiser)
    registration.refresh_from_db()
    first = registration.checked_in_at
    check_in(registration=registration, by=organiser)  # idempotent
    registration.refresh_from_db()
    assert registration.checked_in_at == first

    undo_check_in(registration=registration, by=organiser)
    registration.refresh_from_db()
    assert (registration.status, registration.checked_in_at) == ("confirmed", None)


def test_check_in_by_an_ordinary_member_is_refused():
    event = EventFactory()
    registration = register_for_event(event=event, member=member())

    with pytest.raises(RegistrationNotAllowed):
        check_in(registration=registration, by=registration.member)


def test_letting_someone_in_from_the_waiting_list_makes_them_a_walk_in():
    event = EventFactory(capacity=1)
    fill(event, 1)
    waiting = register_for_event(event=event, member=member())

    check_in(registration=waiting, by=CoordinatorFactory())

    waiting.refresh_from_db()
    assert (waiting.status, waiting.walk_in, waiting.waiting_reason) == ("confirmed", True, "")
    assert event.registrations.holding_a_place().count() == 1  # the capacity still holds


def test_walk_ins_member_and_guest_are_checked_in_without_taking_a_place():
    event = EventFactory(capacity=1)
    fill(event, 1)
    coordinator = CoordinatorFactory()
    visitor = member(MBO, name="Fatima")

    walked = add_walk_in(event=event, by=coordinator, member=visitor)
    guest = add_walk_in(
        event=event, by=coordinator, guest_name=" Wethouder  Jansen ", sector="other"
    )

    assert (walked.sector, walked.walk_in, walked.status) == ("mbo", True, "confirmed")
    assert walked.checked_in_at is not None
    assert (guest.guest_name, guest.member, guest.sector) == ("Wethouder Jansen", None, "other")
    assert event.registrations.holding_a_place().count() == 1


def test_walk_in_of_someone_already_signed_up_checks_them_in():
    event = EventFactory()
    registration = register_for_event(event=event, member=member())

    result = add_walk_in(event=event, by=CoordinatorFactory(), member=registration.member)

    assert result.pk == registration.pk
    assert result.checked_in_at is not None
    assert result.walk_in is False


@pytest.mark.parametrize(
    ("guest_name", "sector"),
    [("", "po"), ("x" * 151, "po"), ("Jan", "kleuter"), ("Jan\u202e", "po")],
)
def test_guest_walk_in_with_bad_input_is_refused(guest_name, sector):
    event = EventFactory()

    with pytest.raises(EventActionError):
        add_walk_in(event=event, by=CoordinatorFactory(), guest_name=guest_name, sector=sector)


def test_undoing_a_walk_in_cancels_it_but_keeps_the_row():
    event = EventFactory()
    coordinator = CoordinatorFactory()
    walked = add_walk_in(event=event, by=coordinator, guest_name="Gast", sector="vo")

    undo_check_in(registration=walked, by=coordinator)

    walked.refresh_from_db()
    assert (walked.status, walked.checked_in_at) == ("cancelled", None)


# Coordinators' message -------------------------------------------------------------------


def test_email_confirmed_reaches_everyone_with_a_place_as_they_chose():
    event = EventFactory(capacity=2)
    at_once = register_for_event(event=event, member=member())
    off = register_for_event(event=event, member=member())
    Profile.objects.filter(pk=off.member_id).update(notification_settings={"events": "off"})
    waiting = register_for_event(event=event, member=member())
    clear_mail()

    reached = email_confirmed(
        event=event, subject="Zaalwissel", message="We zitten in zaal 2.", by=CoordinatorFactory()
    )

    assert reached == 1
    [message] = outbox()
    assert message.to == [at_once.member.email]
    assert "We zitten in zaal 2." in message.body
    assert mails_to(waiting.member) == []
    assert Notice.objects.filter(kind="events").count() == 1


@pytest.mark.parametrize(
    ("subject", "message"), [("", "tekst"), ("Onderwerp", ""), ("x" * 151, "t")]
)
def test_email_confirmed_with_bad_input_is_refused(subject, message):
    with pytest.raises(EventActionError):
        email_confirmed(
            event=EventFactory(), subject=subject, message=message, by=CoordinatorFactory()
        )


# Account deletion and export ---------------------------------------------------------------


def test_anonymise_cancels_coming_sign_ups_promotes_and_keeps_past_ones_counted():
    leaving = member(HO)
    coming = EventFactory(capacity=1)
    register_for_event(event=coming, member=leaving, note="Rolstoel")
    next_in_line = register_for_event(event=coming, member=member())
    start = timezone.now() - timedelta(days=30)
    past = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2))
    old = RegistrationFactory(event=past, member=leaving, note="Allergie")
    clear_mail()

    anonymise_registrations(leaving)

    assert coming.registrations.get(member=leaving).status == "cancelled"
    next_in_line.refresh_from_db()
    assert next_in_line.status == "confirmed"
    old.refresh_from_db()
    assert (old.status, old.sector, old.note) == ("confirmed", "ho", "")
    assert mails_to(leaving) == []


def test_export_holds_the_members_own_registrations():
    sanne = member()
    event = EventFactory(title="Brugklas")
    register_for_event(event=event, member=sanne, note="Later")
    register_for_event(event=event, member=member())

    [row] = export_registrations(sanne)

    assert (row["meetup"], row["status"], row["note"], row["sector"]) == (
        "Brugklas",
        "confirmed",
        "Later",
        "po",
    )
    assert row["url"] == f"http://127.0.0.1:8000/events/{event.slug}/"


# The lock's timeout ------------------------------------------------------------------------


def _lock_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        return cursor.fetchone()[0]


def test_the_lock_timeout_holds_while_the_service_works():
    event = EventFactory()

    with services._event_locked(event.pk):
        inside = _lock_timeout()

    assert inside == services.LOCK_TIMEOUT


@pytest.mark.parametrize("refused", [False, True], ids=["done", "refused"])
def test_the_lock_timeout_ends_with_the_service_not_with_the_callers_transaction(refused):
    event, someone = EventFactory(), member()
    if refused:
        register_for_event(event=event, member=someone)

    with transaction.atomic():  # as an admin save or an account deletion
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '7s'")
        try:
            register_for_event(event=event, member=someone)
        except AlreadyRegistered:
            assert refused
        after = _lock_timeout()

    assert after == "7s"
    assert Registration.objects.filter(event=event, member=someone).count() == 1


def test_the_lock_timeout_of_an_account_deletion_is_its_own_after_each_meetup():
    someone = member()
    for event in EventFactory.create_batch(2):
        register_for_event(event=event, member=someone)
    before = _lock_timeout()

    with transaction.atomic():
        anonymise_registrations(someone)
        after = _lock_timeout()

    assert before == after == "0"
    assert Registration.objects.active().filter(member=someone).count() == 0
