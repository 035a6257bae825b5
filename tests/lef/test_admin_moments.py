"""The admin shows moments in Amsterdam time and the page's language: lists and titles."""

from html import unescape as html_unescape

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "when"),
    [("nl", "ma 17 mrt 2031, 09:00\u201310:00"), ("en", "Mon 17 Mar 2031, 09:00\u201310:00")],
)
def test_booking_title_and_path_in_the_admin_are_in_amsterdam_time(
    client, admin_world, language, when
):
    """Its title was the start in UTC ("2031-03-17 08:00")."""
    response = client.get(
        f"/admin/spaces/booking/{admin_world.booking.pk}/change/",
        headers={"accept-language": language},
    )

    html = html_unescape(response.content.decode())
    resource = admin_world.resource.name
    assert html.count(f"{resource}, {when}") == 3  # the title, the path and the heading
    assert "08:00" not in html


@pytest.mark.parametrize(
    ("language", "meetup", "booking"),
    [
        ("nl", "vr 14 mrt 2031, 15:30\u201317:00", "ma 17 mrt 2031, 09:00\u201310:00"),
        ("en", "Fri 14 Mar 2031, 15:30\u201317:00", "Mon 17 Mar 2031, 09:00\u201310:00"),
    ],
)
def test_admin_lists_show_moments_in_the_pages_language(
    client, admin_world, language, meetup, booking
):
    headers = {"accept-language": language}

    meetups = html_unescape(client.get("/admin/events/event/", headers=headers).content.decode())
    bookings = html_unescape(
        client.get("/admin/spaces/booking/", headers=headers).content.decode()
    )

    assert f'<td class="field-when">{meetup}</td>' in meetups
    assert f'<td class="field-when">{booking}</td>' in bookings
    assert "2031-03-1" not in meetups + bookings
