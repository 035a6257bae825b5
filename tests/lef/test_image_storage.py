"""Storing images one way (lef/images.py): kinds, the model and form fields, the sweep.

Each app's tests store their own kind end to end (tests/<app>/test_images.py,
tests/members/test_avatars.py); these are the pieces every kind shares.
"""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template import Context, Template

from lef.images import (
    CleanImage,
    ImageKind,
    ImageUploadField,
    copy_of,
    file_names,
    image_url,
    keep_stored,
    store_after_commit,
    sweep_orphan_images,
)
from members.models import AVATARS, LOGOS, Organisation, Profile
from tests.events.factories import EventFactory
from tests.factories import OrganisationFactory, UserFactory
from tests.members.factories_avatars import decode, give_avatar, png_upload, stored_files
from tests.spaces.factories import ResourceFactory

STEM = "events/3f/" + "3f" * 16


# Kinds and addresses


def test_image_kind_refuses_a_folder_that_another_kind_has():
    with pytest.raises(ImproperlyConfigured, match="share the folder 'avatars'"):
        ImageKind("avatars", sizes=(64,))


@pytest.mark.parametrize("sizes", [(), (400, 64), (0, 10), (64, 64)])
def test_image_kind_refuses_sizes_that_are_not_positive_and_ascending(sizes):
    with pytest.raises(ImproperlyConfigured):
        ImageKind("test_sizes", sizes=sizes)


@pytest.mark.parametrize("folder", ["", "../media", "Avatars", "a/b"])
def test_image_kind_refuses_a_folder_that_is_not_a_plain_name(folder):
    with pytest.raises(ImproperlyConfigured):
        ImageKind(folder, sizes=(10,))


def test_image_url_picks_the_kind_by_the_stems_folder():
    assert image_url(STEM, 600) == f"/media/{STEM}-1200.webp"
    assert image_url("avatars/ab/" + "ab" * 16, 100) == f"/media/avatars/ab/{'ab' * 16}-160.webp"
    assert image_url("", 100) is None
    assert image_url(None, 100) is None
    assert image_url("nowhere/ab/" + "ab" * 16, 100) is None


def test_image_url_filter_in_a_template():
    html = Template("{% load images %}{{ stem|image_url:400 }}|{{ none|image_url:400 }}").render(
        Context({"stem": STEM, "none": ""})
    )

    assert html == f"/media/{STEM}-1200.webp|"


# The model field


def test_stored_image_field_leaves_its_kind_out_of_migrations():
    field = Profile._meta.get_field("avatar")

    _name, path, _args, kwargs = field.deconstruct()

    assert path == "lef.images.StoredImageField"
    assert "kind" not in kwargs
    assert "max_length" not in kwargs  # the default, 200
    assert field.kind == AVATARS


def test_stored_image_field_in_a_model_form_is_an_upload_that_cleans_to_a_clean_image():
    field = Organisation._meta.get_field("logo").formfield()

    assert isinstance(field, ImageUploadField)
    assert field.widget.attrs["accept"] == "image/jpeg,image/png,image/webp"
    cleaned = field.clean(png_upload(size=(480, 240)), "")
    assert isinstance(cleaned, CleanImage)
    assert (cleaned.kind, sorted(cleaned.renditions)) == (LOGOS, [240])
    assert field.clean(None, "organisations/ab/" + "ab" * 16) == "organisations/ab/" + "ab" * 16
    assert field.clean(False, "organisations/ab/" + "ab" * 16) is False  # "remove" ticked


def test_stored_image_field_widget_links_the_current_image_and_offers_removal():
    field = Organisation._meta.get_field("logo").formfield()
    stem = "organisations/ab/" + "ab" * 16

    html = field.widget.render("logo", field.prepare_value(stem))

    assert f'href="/media/{stem}-240.webp"' in html
    assert 'name="logo-clear"' in html
    assert 'type="file"' in html


@pytest.mark.django_db
def test_a_model_form_never_writes_the_stem():
    organisation = OrganisationFactory()
    Organisation.objects.filter(pk=organisation.pk).update(logo="organisations/ab/" + "ab" * 16)
    organisation.refresh_from_db()

    Organisation._meta.get_field("logo").save_form_data(organisation, False)

    assert organisation.logo == "organisations/ab/" + "ab" * 16


# Storing


@pytest.mark.django_db
def test_keep_stored_gives_the_instance_the_stem_in_the_database():
    profile = UserFactory().profile
    stem = give_avatar(profile)
    stale = Profile.objects.get(pk=profile.pk)
    Profile.objects.filter(pk=profile.pk).update(avatar="avatars/cd/" + "cd" * 16)

    with transaction.atomic():
        kept = keep_stored(stale, "avatar")

    assert kept == stale.avatar == "avatars/cd/" + "cd" * 16
    assert stem != kept


@pytest.mark.django_db
def test_store_after_commit_refuses_an_image_of_another_kind():
    profile = UserFactory().profile
    logo = LOGOS.clean(png_upload())

    with pytest.raises(ValueError, match="organisations image cannot go in"):
        store_after_commit(instance=profile, field="avatar", image=logo)


@pytest.mark.django_db
def test_store_after_commit_refuses_a_field_that_is_not_a_stored_image():
    profile = UserFactory().profile

    with pytest.raises(TypeError, match="not a StoredImageField"):
        store_after_commit(instance=profile, field="job_title", image=AVATARS.clean(png_upload()))


@pytest.mark.django_db
def test_copy_of_a_stem_with_a_missing_size_is_none():
    profile = UserFactory().profile
    stem = give_avatar(profile)
    default_storage.delete(f"{stem}-160.webp")

    assert copy_of(stem) is None
    assert copy_of("") is None
    assert copy_of("avatars/../etc") is None


# The sweep


@pytest.mark.django_db
def test_sweep_removes_orphans_of_every_kind_and_keeps_every_named_file(
    django_capture_on_commit_callbacks,
):
    profile = UserFactory().profile
    avatar = give_avatar(profile)
    organisation = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        store_after_commit(instance=organisation, field="logo", image=LOGOS.clean(png_upload()))
    organisation.refresh_from_db()
    orphans = [
        "avatars/01/" + "01" * 16 + "-64.webp",
        "organisations/02/" + "02" * 16 + "-240.webp",
        "organisations/3f0c2a.webp",  # a logo stored the old way, one file
        "events/03/" + "03" * 16 + "-1200.webp",
        "spaces/desk.webp",
        "projects/04/" + "04" * 16 + "-960.webp",
    ]
    for name in orphans:
        default_storage.save(name, ContentFile(b"orphan"))
    default_storage.save("elsewhere/keep-me.txt", ContentFile(b"not an image folder"))

    assert sweep_orphan_images() == 0  # all younger than an hour
    assert sweep_orphan_images(older_than=timedelta(0)) == len(orphans)

    assert stored_files("avatars") == [f"{avatar}-{size}.webp" for size in (160, 400, 64)]
    assert stored_files("organisations") == [f"{organisation.logo}-240.webp"]
    assert stored_files("events") == stored_files("spaces") == stored_files("projects") == []
    assert default_storage.exists("elsewhere/keep-me.txt")


@pytest.mark.django_db
def test_sweep_keeps_a_file_a_row_still_names_the_old_way():
    organisation = OrganisationFactory()
    Organisation.objects.filter(pk=organisation.pk).update(logo="organisations/3f0c2a.webp")
    default_storage.save("organisations/3f0c2a.webp", ContentFile(b"old logo"))

    assert sweep_orphan_images(older_than=timedelta(0)) == 0
    assert stored_files("organisations") == ["organisations/3f0c2a.webp"]


# The migrations from one file per image


def run_migration(module: str) -> None:
    """Run a data migration's forwards function on the current models (same fields)."""
    import_module(module).forwards(apps, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("module", "make_row", "field", "size"),
    [
        (
            "events.migrations.0009_stored_images",
            lambda name: EventFactory(image=name),
            "image",
            1200,
        ),
        (
            "spaces.migrations.0007_stored_images",
            lambda name: ResourceFactory(photo=name),
            "photo",
            1200,
        ),
        (
            "members.migrations.0014_stored_images",
            lambda name: OrganisationFactory(logo=name),
            "logo",
            240,
        ),
    ],
    ids=["meetup image", "resource photo", "logo"],
)
def test_migration_stores_a_one_file_image_under_a_stem(module, make_row, field, size):
    folder = module.split(".")[0]
    folder = {"members": "organisations"}.get(folder, folder)
    # An upload from before the admin re-encoded images: a PNG larger than the size.
    legacy = default_storage.save(f"{folder}/old-upload.png", png_upload(size=(3000, 1500)))
    row = make_row(legacy)
    gone = make_row(f"{folder}/missing.webp")

    run_migration(module)

    row.refresh_from_db()
    gone.refresh_from_db()
    stem = getattr(row, field)
    assert file_names(stem) == [f"{stem}-{size}.webp"]
    with default_storage.open(f"{stem}-{size}.webp") as stored:
        image = decode(stored.read())
    assert (image.format, image.size) == ("WEBP", (size, size // 2))
    assert image_url(stem, size) == f"/media/{stem}-{size}.webp"
    assert getattr(gone, field) == f"{folder}/missing.webp"  # nothing to store: left as it was
    # The old file is no longer named: the sweep takes it.
    assert sweep_orphan_images(older_than=timedelta(0)) == 1
    assert not default_storage.exists(legacy)
