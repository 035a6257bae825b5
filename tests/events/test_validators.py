"""Meetup notes, guest names and mail to the people signed up refuse control characters."""

import pytest

from events.forms import EmailConfirmedForm, GuestWalkInForm, RegisterForm
from events.services import EventActionError, email_confirmed, register_for_event
from lef.choices import Sector
from tests.events.factories import EventFactory
from tests.factories import MemberFactory
from tests.lef.plain_text_cases import (
    DUTCH_LINES,
    MULTI_LINE_MESSAGE,
    field_tests,
)
from tests.members.factories_coordination import CoordinatorFactory

SINGLE_LINE_FIELDS = [(GuestWalkInForm, "guest_name"), (EmailConfirmedForm, "subject")]
MULTI_LINE_FIELDS = [(RegisterForm, "note"), (EmailConfirmedForm, "message")]


(
    test_single_line_field_refuses_control_characters,
    test_multi_line_field_refuses_control_characters,
    test_single_line_field_accepts_dutch_with_emoji,
    test_multi_line_field_accepts_lines,
) = field_tests(SINGLE_LINE_FIELDS, MULTI_LINE_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["Vegetarisch \u202e", "Vegetarisch \x1b", "Vega\ttarisch"])
def test_register_for_event_refuses_a_note_with_control_characters(note):
    event = EventFactory()

    with pytest.raises(EventActionError) as error:
        register_for_event(
            event=event, member=MemberFactory(profile__primary_sector=Sector.PO), note=note
        )

    assert str(error.value) == "Use letters, digits and punctuation only in your note."
    assert event.registrations.count() == 0


@pytest.mark.django_db
def test_register_for_event_keeps_a_note_of_lines():
    registration = register_for_event(
        event=EventFactory(),
        member=MemberFactory(profile__primary_sector=Sector.PO),
        note=DUTCH_LINES,
    )

    assert registration.note == DUTCH_LINES


@pytest.mark.django_db
@pytest.mark.parametrize("message", ["We zitten \u202eboven.", "We zitten \x1bboven."])
def test_email_confirmed_refuses_a_message_with_control_characters(message):
    with pytest.raises(EventActionError) as error:
        email_confirmed(
            event=EventFactory(), subject="Andere zaal", message=message, by=CoordinatorFactory()
        )

    assert str(error.value) == MULTI_LINE_MESSAGE
