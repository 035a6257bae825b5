"""Meetup images, stored through lef.images from the admin and by events/services.py.

Real PNG files through Pillow: an upload is written only once the admin's save
commits, a replaced or removed image's files go once that commits, and a
meetup's copy gets files of its own.
"""

from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from events.models import Event
from events.services import delete_event, duplicate_event, save_event
from lef.images import file_names, save_form_images, sweep_orphan_images
from tests.events.factories import EventFactory
from tests.events.helpers import form_data
from tests.events.test_admin import change_url, edit
from tests.members.factories_avatars import decode, png_upload, stored_files
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


class LaterStepError(Exception):
    """Something after the save, in the same transaction, went wrong."""


@pytest.fixture
def coordinator(client):
    user = CoordinatorFactory()
    client.force_login(user)
    return user


def photo(color="orange"):
    return png_upload(size=(1600, 900), color=color, name="foto.png")


def upload_in_admin(client, event, django_capture_on_commit_callbacks, **changes) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, event, **changes)
    assert response.status_code == 302
    return Event.objects.get(pk=event.pk).image


def test_image_uploaded_in_the_admin_is_written_after_the_commit(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = edit(client, event, image=photo())
        assert stored_files("events") == []

    assert response.status_code == 302
    for callback in callbacks:
        callback()
    stem = Event.objects.get(pk=event.pk).image
    assert stored_files("events") == [f"{stem}-1200.webp"]
    with default_storage.open(f"{stem}-1200.webp") as stored:
        assert decode(stored.read()).size == (1200, 675)
    html = client.get(event.get_absolute_url()).content.decode()
    assert f'src="/media/{stem}-1200.webp"' in html


def test_image_replaced_in_the_admin_leaves_only_the_new_files(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    first = upload_in_admin(client, event, django_capture_on_commit_callbacks, image=photo())

    second = upload_in_admin(
        client, event, django_capture_on_commit_callbacks, image=photo(color="teal")
    )

    assert second not in {"", first}
    assert stored_files("events") == [f"{second}-1200.webp"]


def test_meetup_changed_in_the_admin_keeps_its_image(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    stem = upload_in_admin(client, event, django_capture_on_commit_callbacks, image=photo())

    kept = upload_in_admin(client, event, django_capture_on_commit_callbacks, summary="Anders.")

    assert kept == stem
    assert stored_files("events") == [f"{stem}-1200.webp"]


def test_image_removed_in_the_admin_deletes_its_files(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    upload_in_admin(client, event, django_capture_on_commit_callbacks, image=photo())

    stem = upload_in_admin(
        client, event, django_capture_on_commit_callbacks, **{"image-clear": "on"}
    )

    assert stem == ""
    assert stored_files("events") == []


def test_image_of_a_rolled_back_save_is_never_written(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    page = client.get(change_url(event))
    admin_form = type(page.context["adminform"].form)  # EventAdminForm with the admin's widgets
    data = form_data(page, form_id="event_form")
    form = admin_form(data=data, files={"image": photo()}, instance=event)
    assert form.is_valid(), form.errors

    def save_then_fail():  # the admin's save, failing after the meetup was saved
        with transaction.atomic():
            save_form_images(event, form)
            save_event(event=event)
            raise LaterStepError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(LaterStepError),
    ):
        save_then_fail()

    assert callbacks == []
    assert stored_files("events") == []
    assert Event.objects.get(pk=event.pk).image == ""


def test_delete_event_deletes_the_image_after_the_commit(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    stem = upload_in_admin(client, event, django_capture_on_commit_callbacks, image=photo())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_event(event=Event.objects.get(pk=event.pk))
        assert stored_files("events") == [f"{stem}-1200.webp"]
    for callback in callbacks:
        callback()

    assert stored_files("events") == []


def test_duplicate_event_gets_its_own_copy_of_the_image(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    stem = upload_in_admin(client, event, django_capture_on_commit_callbacks, image=photo())

    with django_capture_on_commit_callbacks(execute=True):
        copy = duplicate_event(event=event, starts_on=date(2030, 4, 9))

    copied = Event.objects.get(pk=copy.pk).image
    assert copied not in {"", stem}
    assert stored_files("events") == sorted([f"{stem}-1200.webp", f"{copied}-1200.webp"])
    with (
        default_storage.open(f"{stem}-1200.webp") as original,
        default_storage.open(f"{copied}-1200.webp") as duplicate,
    ):
        assert original.read() == duplicate.read()
    # Deleting the copy leaves the original's files alone.
    with django_capture_on_commit_callbacks(execute=True):
        delete_event(event=copy)
    assert file_names(stem) == [f"{stem}-1200.webp"]


def test_sweep_keeps_meetup_images_and_removes_an_orphan(
    client, coordinator, django_capture_on_commit_callbacks
):
    event = EventFactory()
    stem = upload_in_admin(client, event, django_capture_on_commit_callbacks, image=photo())
    default_storage.save(f"events/cd/{'cd' * 16}-1200.webp", photo())

    assert sweep_orphan_images(older_than=timedelta(0)) == 1
    assert stored_files("events") == [f"{stem}-1200.webp"]
