"""Photos of spaces and resources, stored through lef.images from the admin.

Real PNG files through Pillow: an upload is written only once the admin's save
commits, and a replaced or removed photo's files go once that commits (before,
a replaced space photo was never deleted).
"""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from lef.images import save_form_images, sweep_orphan_images
from spaces.models import Resource, Space
from tests.events.helpers import form_data
from tests.members.factories_avatars import decode, png_upload, stored_files
from tests.members.factories_coordination import CoordinatorFactory
from tests.spaces.factories import ResourceFactory

pytestmark = pytest.mark.django_db


class LaterStepError(Exception):
    """Something after the save, in the same transaction, went wrong."""


@pytest.fixture
def coordinator(client):
    client.force_login(CoordinatorFactory())
    return client


@pytest.fixture
def desk():
    return ResourceFactory(name="Flexplek Raam", slug="flexplek-raam")


def photo(color="teal"):
    return png_upload(size=(1600, 1000), color=color, name="plek.png")


def change_url(place) -> str:
    kind = "space" if isinstance(place, Space) else "resource"
    return reverse(f"admin:spaces_{kind}_change", args=[place.pk])


def save_in_admin(client, place, django_capture_on_commit_callbacks, **changes) -> str:
    """Send the place's admin form back with ``changes``; return the photo stored after."""
    kind = "space" if isinstance(place, Space) else "resource"
    data = form_data(client.get(change_url(place)), form_id=f"{kind}_form")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(place), {**data, **changes})
    assert response.status_code == 302, response.context["adminform"].form.errors
    return type(place).objects.get(pk=place.pk).photo


def test_resource_photo_is_written_after_the_commit(
    coordinator, desk, django_capture_on_commit_callbacks
):
    data = form_data(coordinator.get(change_url(desk)), form_id="resource_form")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = coordinator.post(change_url(desk), {**data, "photo": photo()})
        assert stored_files("spaces") == []

    assert response.status_code == 302
    for callback in callbacks:
        callback()
    stem = Resource.objects.get(pk=desk.pk).photo
    assert stored_files("spaces") == [f"{stem}-1200.webp"]
    with default_storage.open(f"{stem}-1200.webp") as stored:
        assert decode(stored.read()).size == (1200, 750)


def test_resource_photo_shows_on_its_page_and_in_the_list(
    coordinator, desk, django_capture_on_commit_callbacks
):
    stem = save_in_admin(coordinator, desk, django_capture_on_commit_callbacks, photo=photo())

    detail = coordinator.get(desk.get_absolute_url()).content.decode()
    listing = coordinator.get(reverse("spaces:list")).content.decode()

    assert f'src="/media/{stem}-1200.webp"' in detail
    assert f'src="/media/{stem}-1200.webp"' in listing


def test_space_photo_replaced_in_the_admin_leaves_only_the_new_files(
    coordinator, desk, django_capture_on_commit_callbacks
):
    space = desk.space
    first = save_in_admin(coordinator, space, django_capture_on_commit_callbacks, photo=photo())

    second = save_in_admin(
        coordinator, space, django_capture_on_commit_callbacks, photo=photo(color="navy")
    )

    assert second not in {"", first}
    assert stored_files("spaces") == [f"{second}-1200.webp"]


def test_resource_photo_replaced_in_the_admin_leaves_only_the_new_files(
    coordinator, desk, django_capture_on_commit_callbacks
):
    first = save_in_admin(coordinator, desk, django_capture_on_commit_callbacks, photo=photo())

    second = save_in_admin(
        coordinator, desk, django_capture_on_commit_callbacks, photo=photo(color="navy")
    )

    assert second not in {"", first}
    assert stored_files("spaces") == [f"{second}-1200.webp"]


def test_resource_changed_in_the_admin_keeps_its_photo(
    coordinator, desk, django_capture_on_commit_callbacks
):
    stem = save_in_admin(coordinator, desk, django_capture_on_commit_callbacks, photo=photo())

    kept = save_in_admin(coordinator, desk, django_capture_on_commit_callbacks, seats="2")

    assert (kept, Resource.objects.get(pk=desk.pk).seats) == (stem, 2)
    assert stored_files("spaces") == [f"{stem}-1200.webp"]


def test_space_photo_removed_in_the_admin_deletes_its_files(
    coordinator, desk, django_capture_on_commit_callbacks
):
    space = desk.space
    save_in_admin(coordinator, space, django_capture_on_commit_callbacks, photo=photo())

    stem = save_in_admin(
        coordinator, space, django_capture_on_commit_callbacks, **{"photo-clear": "on"}
    )

    assert stem == ""
    assert stored_files("spaces") == []


def test_resource_photo_of_a_rolled_back_save_is_never_written(
    coordinator, desk, django_capture_on_commit_callbacks
):
    page = coordinator.get(change_url(desk))
    admin_form = type(page.context["adminform"].form)
    form = admin_form(
        data=form_data(page, form_id="resource_form"), files={"photo": photo()}, instance=desk
    )
    assert form.is_valid(), form.errors

    def save_then_fail():  # the admin's save, failing after the resource was saved
        with transaction.atomic():
            save_form_images(desk, form)
            desk.save()
            raise LaterStepError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(LaterStepError),
    ):
        save_then_fail()

    assert callbacks == []
    assert stored_files("spaces") == []
    assert Resource.objects.get(pk=desk.pk).photo == ""


def test_resource_photo_that_is_not_an_image_is_refused(coordinator, desk):
    data = form_data(coordinator.get(change_url(desk)), form_id="resource_form")
    fake = SimpleUploadedFile("plek.png", b"<svg onload=alert(1)></svg>", "image/png")

    response = coordinator.post(change_url(desk), {**data, "photo": fake})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["photo"]
    assert [error.code for error in errors] == ["unsupported_format"]
    assert stored_files("spaces") == []


def test_sweep_keeps_space_photos_and_removes_an_orphan_and_a_legacy_file(
    coordinator, desk, django_capture_on_commit_callbacks
):
    stem = save_in_admin(coordinator, desk, django_capture_on_commit_callbacks, photo=photo())
    # A replaced photo of the old way (one file per photo, never deleted), and an orphan.
    default_storage.save("spaces/flexplek-raam_x7Yq2.webp", photo())
    default_storage.save(f"spaces/ef/{'ef' * 16}-1200.webp", photo())

    assert sweep_orphan_images(older_than=timedelta(0)) == 2
    assert stored_files("spaces") == [f"{stem}-1200.webp"]
