"""The coordinators' back office for meetups: every change goes through the services."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from events.models import Event, Registration
from events.services import register_for_event
from lef.choices import Sector
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.helpers import clear_mail, form_data, ics_of, mails_to, outbox, vevents
from tests.factories import MemberFactory, UserFactory
from tests.helpers import queries_of
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/events/event/"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
REGISTRATIONS = "/admin/events/registration/"


@pytest.fixture
def coordinator(client):
    user = CoordinatorFactory()
    client.force_login(user)
    return user


def change_url(event) -> str:
    return f"{CHANGELIST}{event.pk}/change/"


def edit(client, event, **changes):
    """Open the meetup's admin page and send its form back with ``changes``."""
    data = form_data(client.get(change_url(event)), form_id="event_form")
    data.update({key: "" if value is None else value for key, value in changes.items()})
    return client.post(change_url(event), data)


def action(client, url, name, objects, **extra):
    return client.post(
        url, {"action": name, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    )


def page(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def local(*parts) -> datetime:
    """A moment in Amsterdam."""
    return datetime(*parts, tzinfo=AMSTERDAM)


# Pages -----------------------------------------------------------------------------------


def test_changelist_shows_places_and_waiting_in_labels(client, coordinator):
    event = EventFactory(title="Brugklas", capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waiting", waiting_reason="full", confirmed_at=None)

    response = client.get(CHANGELIST)

    html = page(response)
    assert response.status_code == 200
    assert "Brugklas" in html
    assert '<td class="field-places">1 / 1</td>' in html
    assert '<td class="field-waiting">1</td>' in html


def test_change_page_shows_sign_ups_inline_and_numbers_per_sector(client, coordinator):
    event = EventFactory(capacity=1)
    RegistrationFactory(
        event=event, member__name="Anna", member__profile__primary_sector=Sector.PO
    )
    RegistrationFactory(
        event=event,
        member__name="Bram",
        member__profile__primary_sector=Sector.VO,
        status="waiting",
        waiting_reason="full",
        confirmed_at=None,
        note="Vegetarisch",
    )

    html = page(client.get(change_url(event)))

    assert "Anna" in html
    assert "Waiting list (the meetup is full)" in html
    assert "Vegetarisch" in html
    assert re.search(r'field-position">\s*<p>1</p>', html)
    assert "Primary education (po)" in html  # the numbers per sector, in labels


def test_change_page_query_count_is_fixed(client, coordinator):
    event = EventFactory()
    RegistrationFactory(event=event)
    client.get(change_url(event))  # fills Django's content-type cache
    one, _response = queries_of(client, change_url(event))
    RegistrationFactory.create_batch(5, event=event)

    many, _response = queries_of(client, change_url(event))

    assert one == many


def test_coordinator_adds_a_meetup(client, coordinator):
    data = form_data(client.get(f"{CHANGELIST}add/"), form_id="event_form")
    data.update(
        title="Nieuwe meetup",
        slug="nieuwe-meetup",
        status="published",
        starts_at_0="2030-03-05",
        starts_at_1="15:30",
        ends_at_0="2030-03-05",
        ends_at_1="17:00",
        venue=EventFactory().venue_id,
        capacity="12",
        target_sectors=["po", "vo"],
    )

    response = client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302, page(response)
    event = Event.objects.get(slug="nieuwe-meetup")
    assert event.target_sectors == ["po", "vo"]
    assert event.starts_at.isoformat() == "2030-03-05T14:30:00+00:00"  # entered in Amsterdam


# Changes through the services ---------------------------------------------------------------


def test_raising_the_capacity_in_the_admin_promotes_and_mails(client, coordinator):
    event = EventFactory(capacity=1)
    register_for_event(event=event, member=MemberFactory())
    waiting = [register_for_event(event=event, member=MemberFactory()) for _ in range(3)]
    clear_mail()

    response = edit(client, event, capacity="3")

    assert response.status_code == 302
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["confirmed", "confirmed", "waiting"]
    assert len(mails_to(waiting[0].member)) == 1
    assert mails_to(waiting[2].member) == []


def test_lowering_the_capacity_below_the_places_given_is_refused_on_the_form(client, coordinator):
    event = EventFactory(capacity=5)
    RegistrationFactory.create_batch(3, event=event)

    response = edit(client, event, capacity="2")

    assert response.status_code == 200
    assert "3 people already have a place" in page(response)
    assert Event.objects.get(pk=event.pk).capacity == 5


def test_cancelled_status_in_the_admin_form_cancels_and_mails(client, coordinator):
    event = EventFactory()
    registration = register_for_event(event=event, member=MemberFactory())
    clear_mail()

    edit(client, event, status="cancelled")

    assert Event.objects.get(pk=event.pk).status == "cancelled"
    [message] = mails_to(registration.member)
    assert str(vevents(ics_of(message))[0]["status"]) == "CANCELLED"


def test_moving_a_meetup_in_the_admin_mails_the_new_time(client, coordinator):
    event = EventFactory()
    registration = register_for_event(event=event, member=MemberFactory())
    clear_mail()

    edit(client, event, starts_at_1="09:00", ends_at_1="10:00")

    event.refresh_from_db()
    assert event.sequence == 1
    assert len(mails_to(registration.member)) == 1


def test_cancel_action_asks_first_then_mails_everyone(client, coordinator):
    event = EventFactory(title="Brugklas", capacity=1)
    register_for_event(event=event, member=MemberFactory())
    register_for_event(event=event, member=MemberFactory())
    clear_mail()

    asked = action(client, CHANGELIST, "cancel_selected", [event])
    assert "2 people are mailed" in page(asked)
    assert Event.objects.get(pk=event.pk).status == "published"

    done = action(client, CHANGELIST, "cancel_selected", [event], post="yes")

    assert done.status_code == 302
    assert Event.objects.get(pk=event.pk).status == "cancelled"
    assert len(outbox()) == 2


def test_copy_action_asks_the_new_date_then_copies_each_a_week_later(client, coordinator):
    first = EventFactory(title="Brugklas", starts_at=local(2030, 3, 5, 15, 30))
    second = EventFactory(title="Aansluiting", starts_at=local(2030, 3, 7, 9, 0))

    asked = action(client, CHANGELIST, "duplicate_selected", [first, second])
    assert "A week later" in page(asked)
    assert Event.objects.count() == 2

    done = action(
        client, CHANGELIST, "duplicate_selected", [first, second], post="yes", when="week"
    )

    assert done.status_code == 302
    copies = Event.objects.exclude(pk__in=[first.pk, second.pk]).order_by("starts_at")
    assert [(c.title, c.slug, c.status, c.starts_at) for c in copies] == [
        ("Brugklas", "brugklas-2030-03-12", "draft", local(2030, 3, 12, 15, 30)),
        ("Aansluiting", "aansluiting-2030-03-14", "draft", local(2030, 3, 14, 9, 0)),
    ]
    assert messages_of(done) == ["Made 2 draft copies. Check them, then publish them."]


def test_email_action_sends_the_message_to_everyone_with_a_place(client, coordinator):
    event = EventFactory(capacity=1)
    confirmed = register_for_event(event=event, member=MemberFactory())
    register_for_event(event=event, member=MemberFactory())
    clear_mail()

    form = action(client, CHANGELIST, "email_confirmed", [event])
    assert "Your message goes to the 1 person with a place" in page(form)
    refused = action(
        client, CHANGELIST, "email_confirmed", [event], post="yes", subject="", message=""
    )
    assert "This field is required." in page(refused)
    sent = action(
        client,
        CHANGELIST,
        "email_confirmed",
        [event],
        post="yes",
        subject="Andere zaal",
        message="We zitten boven.",
    )

    assert sent.status_code == 302
    [message] = outbox()
    assert message.to == [confirmed.member.email]
    assert "We zitten boven." in message.body


def test_export_action_gives_a_csv_of_the_sign_ups(client, coordinator):
    event = EventFactory(title="Brugklas")
    RegistrationFactory(
        event=event, member__name="Anna", member__email="anna@school.example", note="=1+1"
    )
    RegistrationFactory(event=event, member=None, guest_name="Gast", walk_in=True, sector="other")

    response = action(client, CHANGELIST, "export_attendees", [event])

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:5] == ["meetup", "starts at", "name", "email address", "sector"]
    assert [row[2] for row in rows[1:]] == ["Anna", "Gast"]
    assert rows[1][3] == "anna@school.example"
    assert rows[1][9] == "'=1+1"  # formula-safe


def test_deleting_a_meetup_with_sign_ups_is_refused_with_a_message(client, coordinator):
    event = EventFactory()
    RegistrationFactory(event=event)

    response = client.post(f"{CHANGELIST}{event.pk}/delete/", {"post": "yes"})

    assert Event.objects.filter(pk=event.pk).exists()
    # Django lists the sign-ups that stand in the way (they are PROTECTed).
    assert "Cannot delete meetup" in page(response)


def test_deleting_a_meetup_without_sign_ups_works(client, coordinator):
    event = EventFactory()

    client.post(f"{CHANGELIST}{event.pk}/delete/", {"post": "yes"})

    assert not Event.objects.filter(pk=event.pk).exists()


def test_image_upload_is_checked_and_reencoded(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), "orange").save(buffer, format="PNG")
    good = SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")
    bad = SimpleUploadedFile("foto.png", b"<svg></svg>", content_type="image/png")

    gif_buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(gif_buffer, format="GIF")
    gif = SimpleUploadedFile("foto.gif", gif_buffer.getvalue(), content_type="image/gif")

    refused = edit(client, event, image=bad)
    refused_gif = edit(client, event, image=gif)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = edit(client, event, image=good)

    assert refused.status_code == 200
    assert "not a JPEG, PNG or WebP image" in page(refused)
    assert "not a JPEG, PNG or WebP image" in page(refused_gif)
    assert accepted.status_code == 302
    event.refresh_from_db()
    with default_storage.open(f"{event.image}-1200.webp") as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("WEBP", (1200, 675))


# Registrations ----------------------------------------------------------------------------


def test_registration_cancel_action_promotes_the_next_in_line(client, coordinator):
    event = EventFactory(capacity=1)
    first = register_for_event(event=event, member=MemberFactory())
    second = register_for_event(event=event, member=MemberFactory())

    action(client, REGISTRATIONS, "cancel_selected", [first])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.cancelled_by) == ("cancelled", coordinator)
    assert second.status == "confirmed"


def test_registration_check_in_action(client, coordinator):
    registration = RegistrationFactory()

    action(client, REGISTRATIONS, "check_in_selected", [registration])

    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_registrations_are_read_only_and_coordinators_cannot_delete_them(client, coordinator):
    registration = RegistrationFactory(note="Origineel")
    url = f"{REGISTRATIONS}{registration.pk}/change/"

    client.post(url, {"note": "Veranderd", "status": "cancelled"})

    registration.refresh_from_db()
    assert (registration.note, registration.status) == ("Origineel", "confirmed")
    assert client.get(f"{REGISTRATIONS}{registration.pk}/delete/").status_code == 403
    assert client.get(f"{REGISTRATIONS}add/").status_code == 403


def test_superuser_delete_of_a_registration_goes_through_the_service(client):
    superuser = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    event = EventFactory(capacity=1)
    first = register_for_event(event=event, member=MemberFactory())
    second = register_for_event(event=event, member=MemberFactory())

    client.post(f"{REGISTRATIONS}{first.pk}/delete/", {"post": "yes"})

    assert not Registration.objects.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert second.status == "confirmed"


@pytest.mark.parametrize("value", ["abc", "9" * 40, "-1"])
def test_registration_event_filter_ignores_a_bad_value(client, coordinator, value):
    RegistrationFactory()

    assert client.get(REGISTRATIONS, {"event": value}).status_code == 200


def test_a_meetup_cannot_take_an_address_of_the_site_itself(client, coordinator):
    event = EventFactory()

    response = edit(client, event, slug="calendar")

    assert response.status_code == 200
    assert "This address is taken by the site itself" in page(response)


@pytest.mark.parametrize(
    ("field", "value"),
    [("organisers", "abc"), ("organisers", "9" * 40), ("venue", "abc")],
)
def test_a_posted_value_that_is_no_id_is_a_form_error(client, coordinator, field, value):
    organiser = MemberFactory()
    event = EventFactory(title="Blijft", organisers=[organiser])

    response = edit(client, event, title="Veranderd", **{field: value})

    assert response.status_code == 200  # the form again, with the error
    assert list(response.context["adminform"].form.errors) == [field]
    event.refresh_from_db()
    assert event.title == "Blijft"
    assert list(event.organisers.all()) == [organiser]


def test_staff_with_the_apps_permissions_but_no_coordinator_cannot_change_a_meetup(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="events"))
    client.force_login(staff)
    event = EventFactory(title="Blijft")
    data = form_data(client.get(change_url(event)), form_id="event_form")

    changed = client.post(change_url(event), {**data, "title": "Veranderd"})
    deleted = client.post(f"{CHANGELIST}{event.pk}/delete/", {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (403, 403)
    event.refresh_from_db()
    assert event.title == "Blijft"


# What a save did, in the message ------------------------------------------------------------


def test_a_higher_capacity_says_who_moved_up_and_was_mailed(client, coordinator):
    event = EventFactory(capacity=1)
    register_for_event(event=event, member=MemberFactory())
    for _ in range(3):
        register_for_event(event=event, member=MemberFactory())

    response = edit(client, event, capacity="3")

    assert response.status_code == 302
    said = messages_of(response)
    assert said[0] == "2 people moved up from the waiting list and were mailed."
    assert len(said) == 2  # and Django's own "changed successfully"


def test_a_moved_meetup_says_how_many_were_mailed_the_new_time(client, coordinator):
    event = EventFactory()
    register_for_event(event=event, member=MemberFactory())

    response = edit(client, event, starts_at_1="09:00", ends_at_1="10:00")

    assert messages_of(response)[0] == "1 person was mailed the new time or place."


def test_a_save_that_changes_only_text_adds_nothing_to_djangos_message(client, coordinator):
    event = EventFactory()
    register_for_event(event=event, member=MemberFactory())

    response = edit(client, event, summary="Andere tekst")

    assert len(messages_of(response)) == 1


# Cancelling one sign-up from the meetup's page ----------------------------------------------


def cancel_sign_up_url(registration) -> str:
    return f"{CHANGELIST}{registration.event_id}/sign-ups/{registration.pk}/cancel/"


def test_the_change_page_has_a_cancel_link_for_each_sign_up_that_can_be_cancelled(
    client, coordinator
):
    event = EventFactory()
    anna = RegistrationFactory(event=event, member__name="Anna")
    here = RegistrationFactory(event=event, member__name="Bram", checked_in_at=event.starts_at)
    gone = RegistrationFactory(event=event, member__name="Cas", status="cancelled")

    html = page(client.get(change_url(event)))

    assert f'href="{cancel_sign_up_url(anna)}"' in html
    assert f'href="{cancel_sign_up_url(here)}"' not in html
    assert f'href="{cancel_sign_up_url(gone)}"' not in html
    assert 'Cancel<span class="visually-hidden"> (Anna)</span>' in html


def test_cancelling_one_sign_up_asks_first_then_passes_the_place_on_and_says_so(
    client, coordinator
):
    event = EventFactory(capacity=1, title="Brugklas")
    anna = register_for_event(event=event, member=MemberFactory(name="Anna"))
    bram = register_for_event(event=event, member=MemberFactory(name="Bram"))
    clear_mail()

    asked = client.get(cancel_sign_up_url(anna))

    assert asked.status_code == 200
    assert "Cancel the sign-up of <strong>Anna</strong> for “Brugklas”?" in page(asked)
    assert "(1 person waiting)" in page(asked)
    assert Registration.objects.get(pk=anna.pk).status == "confirmed"
    assert outbox() == []

    done = client.post(cancel_sign_up_url(anna))

    assert (done.status_code, done["Location"]) == (302, change_url(event))
    assert Registration.objects.get(pk=anna.pk).status == "cancelled"
    assert Registration.objects.get(pk=anna.pk).cancelled_by == coordinator
    assert Registration.objects.get(pk=bram.pk).status == "confirmed"
    assert messages_of(done) == [
        "Cancelled the sign-up of Anna; they got a mail about it. "
        "1 person moved up from the waiting list and was mailed."
    ]
    [to_anna] = mails_to(anna.member)
    assert str(vevents(ics_of(to_anna))[0]["status"]) == "CANCELLED"
    assert len(mails_to(bram.member)) == 1


def test_cancelling_a_sign_up_twice_says_it_was_cancelled_already(client, coordinator):
    registration = RegistrationFactory(status="cancelled")

    asked = client.get(cancel_sign_up_url(registration))
    said_asked = messages_of(asked)
    client.get(change_url(registration.event))  # shows the message, and so ends it
    posted = client.post(cancel_sign_up_url(registration))

    assert (asked.status_code, posted.status_code) == (302, 302)
    assert said_asked == messages_of(posted) == ["This sign-up was already cancelled."]


def test_a_sign_up_of_another_meetup_is_not_found_under_this_one(client, coordinator):
    registration = RegistrationFactory()
    other = EventFactory()

    url = f"{CHANGELIST}{other.pk}/sign-ups/{registration.pk}/cancel/"

    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_only_who_may_change_the_meetup_cancels_its_sign_ups(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="events"))
    client.force_login(staff)
    registration = RegistrationFactory()

    assert client.post(cancel_sign_up_url(registration)).status_code == 403
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_the_sign_ups_list_action_says_who_moved_up(client, coordinator):
    event = EventFactory(capacity=1)
    first = register_for_event(event=event, member=MemberFactory())
    register_for_event(event=event, member=MemberFactory())

    response = action(client, REGISTRATIONS, "cancel_selected", [first])

    assert messages_of(response) == [
        "Cancelled 1 sign-up. 1 person moved up from the waiting list and was mailed."
    ]


# Copying a meetup to a new date --------------------------------------------------------------


def copy_url(event) -> str:
    return f"{CHANGELIST}{event.pk}/copy/"


def test_the_change_page_offers_copy_and_cancel(client, coordinator):
    event = EventFactory()

    html = page(client.get(change_url(event)))

    assert f'href="{copy_url(event)}"' in html
    assert f'href="{CHANGELIST}{event.pk}/cancel/"' in html


def test_copy_offers_quick_dates_that_name_the_day_they_give(client, coordinator):
    event = EventFactory(title="Brugklas", starts_at=local(2030, 3, 12, 15, 30))  # 2nd Tuesday

    html = page(client.get(copy_url(event)))

    assert "A week later (Tue 19 Mar 2030)" in html
    assert "Four weeks later (Tue 9 Apr 2030)" in html
    assert "Next month, in the same week on the same weekday (Tue 9 Apr 2030)" in html
    assert 'value="Brugklas"' in html
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("choice", "day", "expected"),
    [
        ("week", "", local(2030, 3, 19, 15, 30)),
        ("four_weeks", "", local(2030, 4, 9, 15, 30)),
        ("next_month", "", local(2030, 4, 9, 15, 30)),
        ("date", "2030-06-03", local(2030, 6, 3, 15, 30)),
    ],
)
def test_copy_to_a_new_date_makes_a_draft_there_named_after_its_title_and_day(
    client, coordinator, choice, day, expected
):
    organiser = MemberFactory()
    event = EventFactory(
        title="Brugklas",
        starts_at=local(2030, 3, 12, 15, 30),
        ends_at=local(2030, 3, 12, 17, 0),
        organisers=[organiser],
    )
    RegistrationFactory(event=event)

    response = client.post(
        copy_url(event), {"post": "yes", "when": choice, "day": day, "title": "Brugklas 2"}
    )

    copy = Event.objects.exclude(pk=event.pk).get()
    assert (response.status_code, response["Location"]) == (302, change_url(copy))
    assert (copy.title, copy.status, copy.starts_at) == ("Brugklas 2", "draft", expected)
    assert copy.slug == f"brugklas-2-{expected.date().isoformat()}"
    assert copy.ends_at - copy.starts_at == timedelta(hours=1, minutes=30)
    assert list(copy.organisers.all()) == [organiser]
    assert copy.registrations.count() == 0
    assert messages_of(response) == [
        f"Made a draft copy for {expected:%a} {expected.day} {expected:%b %Y}. "
        "Check it, then publish it."
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"when": "date", "day": ""}, "Choose the date of the copy."),
        ({"when": "date", "day": "2020-01-07"}, "That day has passed; choose a later one."),
        ({"when": "someday"}, "Select a valid choice."),
        ({"when": "week", "title": ""}, "This field is required."),
    ],
)
def test_copy_without_a_usable_date_or_title_asks_again(client, coordinator, data, error):
    event = EventFactory(title="Brugklas")

    response = client.post(copy_url(event), {"post": "yes", "title": "Brugklas", **data})

    assert response.status_code == 200
    assert error in page(response)
    assert Event.objects.count() == 1


def test_a_week_later_from_a_meetup_long_past_is_refused(client, coordinator):
    event = EventFactory(starts_at=local(2020, 1, 7, 15, 30), ends_at=local(2020, 1, 7, 17, 0))

    response = client.post(copy_url(event), {"post": "yes", "when": "week", "title": "Oud"})

    assert "That day has passed; choose a later one." in page(response)
    assert Event.objects.count() == 1


# Cancelling a meetup with a personal message -------------------------------------------------


def test_cancel_from_the_meetups_page_puts_the_coordinators_message_in_the_mail(
    client, coordinator
):
    event = EventFactory(title="Brugklas")
    registration = register_for_event(event=event, member=MemberFactory())
    clear_mail()
    url = f"{CHANGELIST}{event.pk}/cancel/"

    asked = client.get(url)
    assert "Personal message (optional)" in page(asked)
    assert Event.objects.get(pk=event.pk).status == "published"
    done = client.post(url, {"post": "yes", "message": "De spreker is ziek.\nVolgende maand!"})

    assert (done.status_code, done["Location"]) == (302, change_url(event))
    assert Event.objects.get(pk=event.pk).status == "cancelled"
    assert messages_of(done) == ["Cancelled. 1 person was mailed."]
    [message] = mails_to(registration.member)
    assert "De spreker is ziek.\nVolgende maand!" in message.body


def test_cancel_action_with_a_message_too_long_asks_again(client, coordinator):
    event = EventFactory()

    response = action(
        client, CHANGELIST, "cancel_selected", [event], post="yes", message="x" * 5001
    )

    assert response.status_code == 200
    assert "at most 5000 characters" in page(response)
    assert Event.objects.get(pk=event.pk).status == "published"


def test_cancel_counts_only_those_who_get_the_mail_not_guests_at_the_door(client, coordinator):
    event = EventFactory()
    register_for_event(event=event, member=MemberFactory())
    RegistrationFactory(event=event, member=None, guest_name="Gast", walk_in=True, sector="other")

    asked = client.get(f"{CHANGELIST}{event.pk}/cancel/")

    assert "1 person is mailed" in page(asked)
