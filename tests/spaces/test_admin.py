"""The coordinators' back office: cancel with a message, block, CSV, occupancy, photos."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from PIL import Image

from lef.images import file_names
from spaces import services
from spaces.models import Booking, Closure, Resource
from tests.factories import MemberFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.spaces.conftest import local
from tests.spaces.factories import BookingFactory, ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/spaces/booking/"


@pytest.fixture
def coordinator(client):
    user = CoordinatorFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return user


@pytest.fixture
def desk():
    return ResourceFactory(name="Flexplek Raam")


def test_cancel_action_asks_for_a_message_and_mails_the_booker(
    client, clock, coordinator, desk, django_capture_on_commit_callbacks
):
    booker = MemberFactory(email="boeker@school.example")
    booking = BookingFactory(resource=desk, booker=booker, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 11))  # fmt: skip
    data = {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [booking.pk]}

    ask = client.post(CHANGELIST, data)
    empty = client.post(CHANGELIST, {**data, "post": "yes", "message": ""})
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(CHANGELIST, {**data, "post": "yes", "message": "Lekkage."})

    assert ask.status_code == 200
    assert "Message to the member" in ask.text
    assert empty.status_code == 400
    assert "Tell the member why their booking is cancelled." in empty.text
    assert done.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancel_message) == (
        "cancelled", coordinator, "Lekkage."
    )  # fmt: skip
    assert [m.to for m in mail.outbox] == [["boeker@school.example"]]


def test_block_form_blocks_through_the_service(client, clock, coordinator, desk):
    other = ResourceFactory(space=desk.space)
    BookingFactory(resource=desk, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11))
    data = {"resources": [desk.pk, other.pk], "day": "2026-03-18", "start_time": "09:00",
            "end_time": "12:00", "reason": "Meetup po-vo"}  # fmt: skip

    refused = client.post("/admin/spaces/booking/block/", data)
    done = client.post("/admin/spaces/booking/block/", {**data, "cancel_conflicting": "on"})
    bad = client.post("/admin/spaces/booking/block/", {**data, "end_time": "08:00"})

    assert refused.status_code == 409
    assert "has 1 booking in this time" in refused.text
    assert done.status_code == 302
    assert Booking.objects.filter(kind="block", status="confirmed").count() == 2
    assert bad.status_code == 400


def test_resource_action_opens_the_block_form_with_them(client, coordinator, desk):
    response = client.post(
        "/admin/spaces/resource/", {"action": "block_selected", ACTION_CHECKBOX_NAME: [desk.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/spaces/booking/block/?resources={desk.pk}"
    assert client.get(response["Location"]).context["form"].initial["resources"] == [str(desk.pk)]


def test_csv_export_is_formula_safe(client, clock, coordinator, desk):
    BookingFactory(resource=desk, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11),
                   purpose="=HYPERLINK(\"x\")", booker=MemberFactory(name="Sanne"))  # fmt: skip

    response = client.post(
        CHANGELIST,
        {"action": "export_csv", ACTION_CHECKBOX_NAME: list(Booking.objects.values_list("pk",
                                                                                          flat=True))},
    )  # fmt: skip

    content = b"".join(response.streaming_content).decode()
    lines = content.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Space,Resource,Start,End,Booked by")
    assert "2026-03-18 10:00,2026-03-18 11:00,Sanne" in lines[1]
    assert "'=HYPERLINK" in lines[1]


def test_occupancy_distinguishes_bookable_booked_and_used(client, clock, coordinator):
    desk = ResourceFactory(space=SpaceFactory())  # open 10 hours a day, 7 days: 70 hours
    BookingFactory(resource=desk, start=local(2026, 3, 17, 9), end=local(2026, 3, 17, 13),
                   checked_in_at=local(2026, 3, 17, 9, 5))  # fmt: skip
    BookingFactory(resource=desk, start=local(2026, 3, 18, 9), end=local(2026, 3, 18, 11))
    BookingFactory(resource=desk, start=local(2026, 3, 18, 13), end=local(2026, 3, 18, 14),
                   status="released")  # fmt: skip
    BookingFactory(resource=desk, start=local(2026, 3, 19, 9), end=local(2026, 3, 19, 19),
                   kind="block")  # fmt: skip
    BookingFactory(resource=desk, start=local(2026, 3, 20, 9), end=local(2026, 3, 20, 11),
                   status="cancelled")  # fmt: skip

    response = client.get("/admin/spaces/booking/occupancy/", {"week": "2026-03-18"})

    [row] = response.context["rows"]
    assert (row.bookable_hours, row.blocked_hours, row.booked_hours, row.used_hours,
            row.released_hours) == (60.0, 10.0, 6.0, 4.0, 1.0)  # fmt: skip
    assert (row.booked_share, row.used_share) == (10, 7)
    assert response.context["monday"].isoformat() == "2026-03-16"


def test_occupancy_bad_week_is_a_400(client, coordinator):
    assert client.get("/admin/spaces/booking/occupancy/", {"week": "nope"}).status_code == 400
    assert client.get("/admin/spaces/booking/occupancy/", {"week": "1000-01-01"}).status_code == (
        400
    )


def test_bookings_cannot_be_added_or_deleted_in_the_admin(client, clock, coordinator, desk):
    booking = BookingFactory(resource=desk, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 11))  # fmt: skip

    assert client.get("/admin/spaces/booking/add/").status_code == 403
    assert client.get(f"/admin/spaces/booking/{booking.pk}/delete/").status_code == 403
    assert client.get(f"/admin/spaces/booking/{booking.pk}/change/").status_code == 200


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "desk.png"
    return buffer


def test_resource_photo_is_reencoded_and_bad_files_are_refused(
    client, coordinator, desk, django_capture_on_commit_callbacks
):
    data = {"space": desk.space.pk, "kind": "desk", "name": "Flexplek Raam", "slug": desk.slug,
            "description": "", "active": "on", "seats": 1, "audience": "members",
            "slot_minutes": 30, "min_minutes": 30, "max_minutes": 480, "max_days_ahead": 28,
            "min_notice_minutes": 0, "amenities": ["screen", "quiet"]}  # fmt: skip
    url = f"/admin/spaces/resource/{desk.pk}/change/"

    bad = client.post(url, {**data, "photo": io.BytesIO(b"not an image")})
    with django_capture_on_commit_callbacks(execute=True):
        good = client.post(url, {**data, "photo": _png()})

    assert bad.status_code == 200
    assert bad.context["adminform"].form.errors["photo"]
    assert good.status_code == 302
    desk.refresh_from_db()
    assert file_names(desk.photo) == [f"{desk.photo}-1200.webp"]
    assert desk.amenities == ["screen", "quiet"]


def test_resource_rules_are_validated(client, coordinator, desk):
    data = {"space": desk.space.pk, "kind": "desk", "name": "Flexplek Raam", "slug": "bookings",
            "active": "on", "seats": 1, "audience": "members", "slot_minutes": 30,
            "min_minutes": 45, "max_minutes": 30, "max_days_ahead": 28,
            "min_notice_minutes": 0}  # fmt: skip

    response = client.post(f"/admin/spaces/resource/{desk.pk}/change/", data)
    shorter = client.post(
        f"/admin/spaces/resource/{desk.pk}/change/",
        {**data, "slug": desk.slug, "min_minutes": 60},
    )

    assert set(response.context["adminform"].form.errors) == {"slug", "min_minutes"}
    assert shorter.context["adminform"].form.errors["__all__"] == [
        "The longest booking cannot be shorter than the shortest."
    ]
    assert Resource.objects.get(pk=desk.pk).slug == desk.slug


def _space_form(space, closures):
    """The space's change form as posted: its fields, no opening hours, ``closures`` rows."""
    data = {
        "name": space.name,
        "slug": space.slug,
        "address": space.address,
        "description": "",
        "opening_hours-TOTAL_FORMS": 0,
        "opening_hours-INITIAL_FORMS": 0,
        "closures-TOTAL_FORMS": len(closures),
        "closures-INITIAL_FORMS": 0,
    }
    for index, row in enumerate(closures):
        data |= {f"closures-{index}-{name}": value for name, value in row.items()}
        data[f"closures-{index}-space"] = space.pk
    return data


def test_a_closure_day_with_bookings_is_refused_unless_they_are_cancelled(
    client, clock, coordinator, django_capture_on_commit_callbacks
):
    space = SpaceFactory(hours=[])
    desk = ResourceFactory(space=space)
    booker = MemberFactory(email="boeker@school.example")
    booking = BookingFactory(resource=desk, booker=booker, start=local(2026, 3, 18, 10),
                             end=local(2026, 3, 18, 11))  # fmt: skip
    block = BookingFactory(resource=desk, kind=Booking.Kind.BLOCK, start=local(2026, 3, 18, 14),
                           end=local(2026, 3, 18, 15))  # fmt: skip
    other_day = BookingFactory(resource=desk, start=local(2026, 3, 19, 10),
                               end=local(2026, 3, 19, 11))  # fmt: skip
    url = f"/admin/spaces/space/{space.pk}/change/"
    row = {"date": "2026-03-18", "reason": "Studiedag"}

    refused = client.post(url, _space_form(space, [row]))

    assert refused.status_code == 200
    assert "There is 1 booking on this day." in refused.text
    assert not Closure.objects.exists()
    booking.refresh_from_db()
    assert booking.status == "confirmed"

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, _space_form(space, [row | {"cancel_bookings": "on"}]))

    assert done.status_code == 302
    assert Closure.objects.get().reason == "Studiedag"
    for row_ in (booking, block, other_day):
        row_.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancel_message) == (
        "cancelled", coordinator, "Studiedag"
    )  # fmt: skip
    assert (block.status, other_day.status) == ("confirmed", "confirmed")
    assert [m.to for m in mail.outbox] == [["boeker@school.example"]]
    assert "Studiedag" in mail.outbox[0].body
    page = client.get(done.url)
    assert "1 booking on the closed days was cancelled; its booker was mailed." in page.text


def test_only_coordinators_close_a_day_and_a_closed_day_takes_no_booking(clock, coordinator):
    desk = ResourceFactory()
    closure = Closure(space=desk.space, date=date(2026, 3, 18))

    with pytest.raises(services.BookingNotAllowed):
        services.close_day(closure=closure, by=MemberFactory())
    assert services.close_day(closure=closure, by=coordinator) == []

    with pytest.raises(services.BookingRuleBroken, match="is closed on"):
        services.book_resource(
            resource=desk,
            booker=MemberFactory(),
            start=local(2026, 3, 18, 10),
            end=local(2026, 3, 18, 11),
        )
