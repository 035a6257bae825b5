"""Booking purposes, reasons and messages refuse control and direction characters.

A purpose reaches the admin, the CSV export and the .ics file, so the service
refuses what the form refuses: admin and API paths hold too.
"""

import pytest

from spaces import services
from spaces.forms import BlockForm, BookingForm, CancelForm
from spaces.models import Booking
from tests.factories import MemberFactory
from tests.lef.plain_text_cases import (
    DUTCH,
    SINGLE_LINE_MESSAGE,
    field_tests,
)
from tests.spaces.conftest import local
from tests.spaces.factories import ResourceFactory

SINGLE_LINE_FIELDS = [(BookingForm, "purpose"), (BlockForm, "reason")]
MULTI_LINE_FIELDS = [(CancelForm, "message")]


(
    test_single_line_field_refuses_control_characters,
    test_multi_line_field_refuses_control_characters,
    test_single_line_field_accepts_dutch_with_emoji,
    test_multi_line_field_accepts_lines,
) = field_tests(SINGLE_LINE_FIELDS, MULTI_LINE_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize("purpose", ["Overleg \u202eteam", "Overleg \x1bteam", "Over\r\nleg"])
def test_book_resource_refuses_a_purpose_with_control_characters(clock, purpose):
    desk = ResourceFactory()
    member = MemberFactory()

    with pytest.raises(services.BookingRuleBroken) as error:
        services.book_resource(
            resource=desk,
            booker=member,
            start=local(2026, 3, 18, 10),
            end=local(2026, 3, 18, 11),
            purpose=purpose,
        )

    assert str(error.value) == SINGLE_LINE_MESSAGE
    assert Booking.objects.count() == 0


@pytest.mark.django_db
def test_book_resource_accepts_a_dutch_purpose_with_emoji(clock):
    booking = services.book_resource(
        resource=ResourceFactory(),
        booker=MemberFactory(),
        start=local(2026, 3, 18, 10),
        end=local(2026, 3, 18, 11),
        purpose=DUTCH,
    )

    assert booking.purpose == DUTCH


@pytest.mark.django_db
def test_booking_page_answers_a_purpose_with_an_escape_with_a_form_error(client, clock):
    desk = ResourceFactory()
    client.force_login(MemberFactory())

    response = client.post(
        f"/spaces/{desk.slug}/book/",
        {
            "day": "2026-03-18",
            "start_time": "10:00",
            "end_time": "11:00",
            "people": 1,
            "weeks": 1,
            "purpose": "Overleg \x1bteam",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"purpose": [SINGLE_LINE_MESSAGE]}
    assert Booking.objects.count() == 0
