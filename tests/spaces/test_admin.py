"""The coordinators' back office: cancel with a message, block, CSV, occupancy, photos."""

import io
from datetime import date, time

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.test import Client
from PIL import Image

from lef.images import file_names
from members.models import Organisation
from spaces import services
from spaces.models import Booking, Closure, OpeningHours, Resource
from tests.factories import MemberFactory, OrganisationFactory
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


# Opening hours and resources: through the services, with the bookings they affect -------


def _change_form_data(client, url: str, **changes) -> dict:
    """What a change page posts back as it stands, with ``changes`` to the main form.

    Each opening-hours row can be changed by weekday: ``hours={1: ("12:00", "18:00")}``.
    """
    hours = changes.pop("hours", {})
    response = client.get(url)
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name != "photo"}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {
            f"{formset.prefix}-TOTAL_FORMS": len(formset.forms),
            f"{formset.prefix}-INITIAL_FORMS": formset.initial_form_count(),
        }
        for inline_form in formset.forms:
            values = {name: inline_form[name].value() for name in inline_form.fields}
            if values.get("weekday") in hours:
                values["opens"], values["closes"] = hours[values["weekday"]]
            data |= {inline_form.add_prefix(name): value for name, value in values.items()}
    data |= changes
    # An unticked box and an empty number are left out, as a browser does.
    return {
        name: value for name, value in data.items() if value is not None and value is not False
    }


def _upcoming(member) -> list:
    """The starts of ``member``'s coming bookings as My bookings lists them."""
    member_client = Client(headers={"accept-language": "en"})
    member_client.force_login(member)
    return [line.start for line in member_client.get("/spaces/bookings/").context["upcoming"]]


def test_new_opening_hours_that_leave_bookings_out_are_refused_unless_they_are_cancelled(
    client, clock, coordinator, django_capture_on_commit_callbacks
):
    space = SpaceFactory()  # open 08:00-18:00 every day
    desk = ResourceFactory(space=space, name="Flexplek Raam")
    booker = MemberFactory(email="boeker@school.example")
    morning = BookingFactory(resource=desk, booker=booker, start=local(2026, 3, 17, 9),
                             end=local(2026, 3, 17, 10))  # Tuesday: left out  # fmt: skip
    afternoon = BookingFactory(resource=desk, booker=booker, start=local(2026, 3, 17, 14),
                               end=local(2026, 3, 17, 15))  # fmt: skip
    wednesday = BookingFactory(resource=desk, booker=booker, start=local(2026, 3, 18, 9),
                               end=local(2026, 3, 18, 10))  # fmt: skip
    url = f"/admin/spaces/space/{space.pk}/change/"
    data = _change_form_data(client, url, hours={1: ("12:00", "18:00")})

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "1 booking falls outside the new opening hours." in refused.text
    assert OpeningHours.objects.get(space=space, weekday=1).opens == time(8)
    assert _upcoming(booker) == [morning.start, afternoon.start, wednesday.start]

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, data | {"cancel_bookings": "on"})

    assert done.status_code == 302
    assert OpeningHours.objects.get(space=space, weekday=1).opens == time(12)
    morning.refresh_from_db()
    assert (morning.status, morning.cancelled_by, morning.cancel_message) == (
        "cancelled",
        coordinator,
        f"{space.name} has new opening hours, and the time you booked is outside them.",
    )
    assert _upcoming(booker) == [afternoon.start, wednesday.start]
    assert [m.to for m in mail.outbox] == [["boeker@school.example"]]
    assert "the time you booked is outside them" in mail.outbox[0].body
    assert "1 booking cancelled and its owner mailed." in client.get(done.url).text


def test_an_opening_hours_row_removed_counts_the_bookings_on_its_day(
    client, clock, coordinator, django_capture_on_commit_callbacks
):
    space = SpaceFactory(hours=[(1, time(8), time(18)), (2, time(8), time(18))])
    booking = BookingFactory(resource=ResourceFactory(space=space), start=local(2026, 3, 17, 9),
                             end=local(2026, 3, 17, 10))  # fmt: skip
    url = f"/admin/spaces/space/{space.pk}/change/"
    data = _change_form_data(client, url)
    tuesday = next(
        key[: -len("-weekday")] for key, value in data.items() if key.endswith("-weekday")
        and str(value) == "1"
    )  # fmt: skip
    data[f"{tuesday}-DELETE"] = "on"

    refused = client.post(url, data)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, data | {"cancel_bookings": "on"})

    assert "1 booking falls outside the new opening hours." in refused.text
    assert done.status_code == 302
    assert list(OpeningHours.objects.filter(space=space).values_list("weekday", flat=True)) == [2]
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert len(mail.outbox) == 1


def _resource_url(resource) -> str:
    return f"/admin/spaces/resource/{resource.pk}/change/"


def test_making_a_resource_unbookable_is_refused_with_the_count_unless_they_are_cancelled(
    client, clock, coordinator, desk, django_capture_on_commit_callbacks
):
    booker = MemberFactory(email="boeker@school.example")
    coming = BookingFactory(resource=desk, booker=booker, start=local(2026, 3, 18, 10),
                            end=local(2026, 3, 18, 11))  # fmt: skip
    past = BookingFactory(resource=desk, booker=booker, start=local(2026, 3, 13, 10),
                          end=local(2026, 3, 13, 11))  # fmt: skip
    data = _change_form_data(client, _resource_url(desk))
    del data["active"]

    refused = client.post(_resource_url(desk), data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["__all__"] == [
        "Flexplek Raam has 1 booking coming up that it would no longer take. "
        "Choose to cancel it and mail its owner, or keep the resource as it is."
    ]
    assert "Cancel the 1 booking this change affects and mail its owner" in refused.text
    assert Resource.objects.get(pk=desk.pk).active is True

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_resource_url(desk), data | {"cancel_bookings": "on"})

    assert done.status_code == 302
    assert "1 booking cancelled and its owner mailed." in client.get(done.url).text
    assert Resource.objects.get(pk=desk.pk).active is False
    coming.refresh_from_db()
    past.refresh_from_db()
    assert (coming.status, coming.cancel_message, past.status) == (
        "cancelled", "Flexplek Raam can no longer be booked.", "confirmed"
    )  # fmt: skip
    assert _upcoming(booker) == []
    assert client.get(f"/spaces/{desk.slug}/").status_code == 404
    assert [m.to for m in mail.outbox] == [["boeker@school.example"]]
    assert "/spaces/\n" in mail.outbox[0].body  # where to find another place


def test_making_a_resource_startups_only_cancels_only_the_others_bookings(
    client, clock, coordinator, desk, django_capture_on_commit_callbacks
):
    startup = OrganisationFactory(kind=Organisation.Kind.STARTUP)
    founder = MemberFactory(profile__organisation=startup)
    teacher = MemberFactory(email="leraar@school.example")
    theirs = BookingFactory(resource=desk, booker=founder, start=local(2026, 3, 18, 10),
                            end=local(2026, 3, 18, 11))  # fmt: skip
    mine = BookingFactory(resource=desk, booker=teacher, start=local(2026, 3, 18, 12),
                          end=local(2026, 3, 18, 13))  # fmt: skip
    data = _change_form_data(client, _resource_url(desk), audience="startups")

    refused = client.post(_resource_url(desk), data)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(_resource_url(desk), data | {"cancel_bookings": "on"})

    assert "has 1 booking coming up that it would no longer take" in refused.text
    assert done.status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.status, mine.status) == ("confirmed", "cancelled")
    assert _upcoming(founder) == [theirs.start]
    assert _upcoming(teacher) == []
    assert [m.to for m in mail.outbox] == [["leraar@school.example"]]
    assert "now for members of education start-ups and initiatives only" in mail.outbox[0].body


def test_a_resource_change_that_strands_nothing_saves_without_asking(
    client, clock, coordinator, desk
):
    BookingFactory(resource=desk, start=local(2026, 3, 18, 10), end=local(2026, 3, 18, 11))
    data = _change_form_data(client, _resource_url(desk), name="Flexplek Tuin", seats=2)

    response = client.post(_resource_url(desk), data)

    assert response.status_code == 302
    desk.refresh_from_db()
    assert (desk.name, desk.seats, desk.active) == ("Flexplek Tuin", 2, True)
    assert Booking.objects.get().status == "confirmed"
