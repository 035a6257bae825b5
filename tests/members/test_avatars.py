import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.template import Context, Template
from django.utils import translation

from lef.images import MAX_PIXELS, file_names, sweep_orphan_images
from members.avatars import (
    AVATAR_MAX_PIXELS,
    AVATAR_SIZES,
    ProcessedAvatar,
    avatar_url,
    clean_avatar,
    delete_avatar,
    store_avatar,
    stored_size_for,
)
from members.models import AVATARS, Profile, User
from members.templatetags.avatars import initials
from tests.factories import UserFactory
from tests.helpers import run_at_once
from tests.members.factories_avatars import (
    decode,
    image_bytes,
    png_claiming_size,
    two_tone_jpeg,
    upload,
)

pytestmark = pytest.mark.django_db

# A stem as store_avatar makes them, for tests that need no files.
STEM = "avatars/3f/" + "3f" * 16


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class LaterStepError(Exception):
    """Something after store_avatar in the same transaction went wrong."""


def stored_files() -> list[str]:
    """Every file under avatars/ in the default storage."""
    if not default_storage.exists("avatars"):
        return []
    shards, _files = default_storage.listdir("avatars")
    return sorted(
        f"avatars/{shard}/{name}"
        for shard in shards
        for name in default_storage.listdir(f"avatars/{shard}")[1]
    )


def files_of(stem: str) -> list[str]:
    return sorted(f"{stem}-{size}.webp" for size in AVATAR_SIZES)


def processed(color=(200, 30, 30)) -> ProcessedAvatar:
    return clean_avatar(upload(image_bytes("PNG", color=color), "me.png", "image/png"))


# clean_avatar


def test_clean_avatar_valid_jpeg_gives_every_size():
    result = clean_avatar(upload(two_tone_jpeg(orientation=6, make="SecretCam")))

    assert sorted(result.renditions) == [64, 160, 400]
    assert decode(result.renditions[160].data).size == (160, 160)
    assert all(b"SecretCam" not in r.data for r in result.renditions.values())


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        pytest.param(
            b"just text",
            "unsupported_format",
            "This file is not a JPEG, PNG or WebP image. "
            "Please choose an image in one of those formats.",
            id="text-named-jpg",
        ),
        pytest.param(b"", "empty", "The file is empty. Please choose an image.", id="zero-bytes"),
        pytest.param(
            image_bytes("GIF"),
            "unsupported_format",
            "This file is not a JPEG, PNG or WebP image. "
            "Please choose an image in one of those formats.",
            id="gif",
        ),
        pytest.param(
            png_claiming_size(20_000, 20_000),
            "too_many_pixels",
            "This image has too many pixels. Please choose one of at most 25 megapixels.",
            id="20000x20000-png",
        ),
        pytest.param(
            b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024),
            "too_large",
            "The file is larger than 5.0\xa0MB. Please choose a smaller image.",
            id="6-mb",
        ),
        pytest.param(
            image_bytes("JPEG", size=(300, 300))[:400],
            "unreadable",
            "This image could not be read; the file may be damaged or incomplete. "
            "Please try another one.",
            id="truncated-jpeg",
        ),
    ],
)
def test_clean_avatar_bad_upload_is_a_validation_error(content, code, message):
    with pytest.raises(ValidationError) as caught:
        clean_avatar(upload(content, "photo.jpg", "image/jpeg"))

    assert caught.value.code == code
    assert caught.value.messages == [message]


def _png_with_broken_pixels(width: int, height: int) -> bytes:
    """A PNG whose header says ``width`` x ``height`` and whose pixel data cannot be decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"not zlib data")
        + chunk(b"IEND", b"")
    )


def test_clean_avatar_refuses_a_crafted_huge_png_by_its_header_alone():
    """A 6 300 x 6 300 PNG cost 2-3 s of CPU per upload (members review); its header is enough.

    Its pixel data cannot be decoded, so "too many pixels" rather than
    "unreadable" shows that the decoder never ran.
    """
    with pytest.raises(ValidationError) as caught:
        clean_avatar(upload(_png_with_broken_pixels(6300, 6300), "me.png", "image/png"))

    assert caught.value.code == "too_many_pixels"
    # The avatar's own cap refused it: below the general one, above any phone photo.
    assert AVATAR_MAX_PIXELS < 6300 * 6300 < MAX_PIXELS
    assert AVATAR_MAX_PIXELS >= 4032 * 3024  # a 12 MP photo fits


def test_clean_avatar_within_the_pixel_cap_decodes_and_finds_broken_pixels():
    """The other side of the test above: within the cap, the same kind of file is decoded."""
    with pytest.raises(ValidationError) as caught:
        clean_avatar(upload(_png_with_broken_pixels(100, 100), "me.png", "image/png"))

    assert caught.value.code == "unreadable"


def test_clean_avatar_png_with_html_appended_is_cleaned():
    content = image_bytes("PNG") + b"<html><script>alert(1)</script></html>"

    result = clean_avatar(upload(content, "me.png", "image/png"))

    assert all(b"<script" not in r.data for r in result.renditions.values())


# store_avatar, delete_avatar


def test_store_avatar_writes_every_size_and_points_the_profile_at_them(
    django_capture_on_commit_callbacks,
):
    profile = UserFactory().profile

    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed())

    stem = Profile.objects.get(pk=profile.pk).avatar
    assert profile.avatar == stem
    assert stored_files() == files_of(stem)
    for size in AVATAR_SIZES:
        with default_storage.open(f"{stem}-{size}.webp") as stored:
            assert decode(stored.read()).size == (size, size)


def test_store_avatar_saves_only_the_avatar_field(django_capture_on_commit_callbacks):
    profile = UserFactory().profile
    Profile.objects.filter(pk=profile.pk).update(job_title="Leerkracht groep 8")
    profile.job_title = "stale value in memory"

    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed())

    assert Profile.objects.get(pk=profile.pk).job_title == "Leerkracht groep 8"


def test_store_avatar_replacing_leaves_no_old_files(django_capture_on_commit_callbacks):
    profile = UserFactory().profile
    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed())
    first = profile.avatar

    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed(color=(0, 0, 200)))

    assert profile.avatar != first
    assert stored_files() == files_of(profile.avatar)


def test_store_avatar_writes_nothing_before_the_commit(django_capture_on_commit_callbacks):
    profile = UserFactory().profile
    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed())
    first = profile.avatar

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        store_avatar(profile=profile, processed=processed())

    assert len(callbacks) == 1
    assert profile.avatar == first
    assert Profile.objects.get(pk=profile.pk).avatar == first
    assert stored_files() == files_of(first)


@pytest.mark.django_db(transaction=True)
def test_store_avatar_rolled_back_leaves_old_avatar_and_no_new_file():
    profile = UserFactory().profile
    store_avatar(profile=profile, processed=processed())
    first = profile.avatar

    def upload_then_fail():
        with transaction.atomic():
            store_avatar(profile=Profile.objects.get(pk=profile.pk), processed=processed())
            raise LaterStepError

    with pytest.raises(LaterStepError):
        upload_then_fail()

    assert Profile.objects.get(pk=profile.pk).avatar == first
    assert stored_files() == files_of(first)
    assert sweep_orphan_images(older_than=timedelta(0)) == 0


@pytest.mark.django_db(transaction=True)
def test_store_avatar_replacing_after_a_real_commit_leaves_no_old_files():
    profile = UserFactory().profile
    store_avatar(profile=profile, processed=processed())
    first = profile.avatar

    store_avatar(profile=profile, processed=processed())

    assert profile.avatar != first
    assert stored_files() == files_of(profile.avatar)


@pytest.mark.django_db(transaction=True)
def test_store_avatar_two_uploads_at_once_leave_only_the_winners_files():
    profile = UserFactory().profile
    store_avatar(profile=profile, processed=processed())
    uploads = [processed(color=(0, 200, 0)), processed(color=(0, 0, 200))]

    for _attempt in range(3):
        outcomes = run_at_once(
            [
                lambda avatar=avatar: store_avatar(
                    profile=Profile.objects.get(pk=profile.pk), processed=avatar
                )
                for avatar in uploads
            ]
        )

        assert outcomes == [None, None]
        assert stored_files() == files_of(Profile.objects.get(pk=profile.pk).avatar)


def test_store_avatar_for_a_profile_deleted_before_the_commit_leaves_no_file(
    django_capture_on_commit_callbacks,
):
    profile = UserFactory().profile

    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed())
        Profile.objects.filter(pk=profile.pk).delete()

    assert stored_files() == []
    assert profile.avatar == ""


def test_store_avatar_without_every_size_is_refused():
    profile = UserFactory().profile
    incomplete = ProcessedAvatar(kind=AVATARS, renditions={64: processed().renditions[64]})

    with pytest.raises(ValueError, match="lacks sizes"):
        store_avatar(profile=profile, processed=incomplete)

    assert stored_files() == []


def test_delete_avatar_clears_the_field_and_removes_every_file(
    django_capture_on_commit_callbacks,
):
    profile = UserFactory().profile
    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed())

    with django_capture_on_commit_callbacks(execute=True):
        delete_avatar(profile=profile)

    assert profile.avatar == ""
    assert Profile.objects.get(pk=profile.pk).avatar == ""
    assert stored_files() == []


def test_delete_avatar_removes_sizes_no_longer_in_use(django_capture_on_commit_callbacks):
    profile = UserFactory().profile
    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed())
    # A size written by an earlier version of the code.
    default_storage.save(f"{profile.avatar}-32.webp", ContentFile(b"old"))

    with django_capture_on_commit_callbacks(execute=True):
        delete_avatar(profile=profile)

    assert stored_files() == []


def test_delete_avatar_without_avatar_does_nothing(django_capture_on_commit_callbacks):
    profile = UserFactory().profile

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_avatar(profile=profile)

    assert callbacks == []
    assert Profile.objects.get(pk=profile.pk).avatar == ""


@pytest.mark.django_db(transaction=True)
def test_delete_avatar_rolled_back_keeps_the_files():
    profile = UserFactory().profile
    store_avatar(profile=profile, processed=processed())
    stem = profile.avatar

    def delete_then_fail():  # e.g. account deletion failing after this step
        with transaction.atomic():
            delete_avatar(profile=Profile.objects.get(pk=profile.pk))
            raise LaterStepError

    with pytest.raises(LaterStepError):
        delete_then_fail()

    assert Profile.objects.get(pk=profile.pk).avatar == stem
    assert stored_files() == files_of(stem)


def test_sweep_spares_recent_and_used_avatar_files(django_capture_on_commit_callbacks):
    profile = UserFactory().profile
    with django_capture_on_commit_callbacks(execute=True):
        store_avatar(profile=profile, processed=processed())
    orphan = "avatars/ab/" + "ab" * 16 + "-64.webp"
    default_storage.save(orphan, ContentFile(b"orphan"))

    assert sweep_orphan_images() == 0
    assert sweep_orphan_images(older_than=timedelta(0)) == 1
    assert stored_files() == files_of(profile.avatar)


@pytest.mark.parametrize(
    "stem", ["", "avatars/../../etc/passwd", "organisations/logo", "avatars/ab/short"]
)
def test_file_names_ignores_stems_we_did_not_make(stem):
    default_storage.save("organisations/logo-64.webp", ContentFile(b"logo"))

    assert file_names(stem) == []


# avatar_url


def test_avatar_url_for_a_stem_and_each_size():
    stem = STEM

    assert avatar_url(stem, 64) == f"/media/{stem}-64.webp"
    assert avatar_url(stem, 32) == f"/media/{stem}-64.webp"
    assert avatar_url(stem, 100) == f"/media/{stem}-160.webp"
    assert avatar_url(stem, 400) == f"/media/{stem}-400.webp"
    assert avatar_url(stem, 1000) == f"/media/{stem}-400.webp"


def test_avatar_url_for_a_profile_without_avatar_is_none():
    assert avatar_url(Profile(avatar=""), 64) is None
    assert avatar_url("", 64) is None
    assert avatar_url(None, 64) is None


def test_avatar_url_for_a_profile():
    assert avatar_url(Profile(avatar=STEM), 160) == f"/media/{STEM}-160.webp"


def test_stored_size_for_picks_the_smallest_sharp_enough():
    assert [stored_size_for(s) for s in (24, 64, 65, 160, 161, 800)] == [
        64,
        64,
        160,
        160,
        400,
        400,
    ]


# {% avatar %}


def render(template: str, **context) -> str:
    return Template("{% load avatars %}" + template).render(Context(context))


def user_with_avatar(**fields) -> User:
    """A user freshly read with a profile whose avatar is STEM."""
    user = UserFactory(**fields)
    Profile.objects.filter(pk=user.pk).update(avatar=STEM)
    return User.objects.select_related("profile").get(pk=user.pk)


def test_avatar_tag_with_photo_renders_img_with_size_alt_and_2x():
    stem = STEM
    profile = user_with_avatar(name="Fatima el Amrani").profile

    html = render("{% avatar profile 64 %}", profile=profile)

    assert html == (
        f'<img class="lef-avatar lef-avatar-64" src="/media/{stem}-64.webp"'
        f' srcset="/media/{stem}-64.webp 1x, /media/{stem}-160.webp 2x"'
        ' width="64" height="64" alt="Fatima el Amrani" loading="lazy" decoding="async">'
    )


def test_avatar_tag_name_shown_beside_gives_empty_alt():
    stem = STEM
    user = user_with_avatar(name="Fatima el Amrani")

    html = render("{% avatar user 160 name_shown=True %}", user=user)

    assert html == (
        f'<img class="lef-avatar lef-avatar-160" src="/media/{stem}-160.webp"'
        f' srcset="/media/{stem}-160.webp 1x, /media/{stem}-400.webp 2x"'
        ' width="160" height="160" alt="" loading="lazy" decoding="async">'
    )


def test_avatar_tag_at_the_largest_size_has_no_2x():
    user = user_with_avatar()

    html = render("{% avatar user 200 %}", user=user)

    assert "srcset" not in html
    assert f'src="/media/{STEM}-400.webp"' in html


def test_avatar_tag_without_photo_shows_labelled_initials():
    user = UserFactory(name="Jan van der Berg")

    html = render("{% avatar profile 48 %}", profile=user.profile)

    assert html == (
        '<span class="lef-avatar lef-avatar-48 lef-avatar-initials"'
        ' role="img" aria-label="Jan van der Berg">JB</span>'
    )


def test_avatar_tag_without_photo_and_name_shown_hides_initials():
    user = UserFactory(name="Jan van der Berg")

    html = render("{% avatar profile 32 name_shown=True %}", profile=user.profile)

    assert html == (
        '<span class="lef-avatar lef-avatar-32 lef-avatar-initials" aria-hidden="true">JB</span>'
    )


def test_avatar_tag_escapes_the_name():
    user = user_with_avatar(name='<img src=x onerror="alert(1)">')

    html = render("{% avatar user 64 %}", user=user)

    assert 'alt="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"' in html
    assert "<img src=x" not in html


def test_avatar_tag_without_member_is_a_neutral_hidden_circle():
    html = render("{% avatar None 40 %}")

    assert html == (
        '<span class="lef-avatar lef-avatar-40 lef-avatar-initials" aria-hidden="true">'
        '<i class="bi bi-person-fill" aria-hidden="true"></i></span>'
    )


def test_avatar_tag_needs_no_query_for_a_profile_with_its_user(django_assert_num_queries):
    user = UserFactory(name="Noor")
    profile = Profile.objects.select_related("user").get(pk=user.pk)

    with django_assert_num_queries(0):
        html = render("{% avatar profile 64 %}", profile=profile)

    assert html.endswith(">N</span>")


def test_avatar_tag_refuses_a_size_without_css():
    with pytest.raises(ValueError, match="avatar size 50"):
        render("{% avatar None 50 %}")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jan van der Berg", "JB"),
        ("Noor", "N"),
        ("anne-fleur de wit", "AW"),
        ("'t Hooft", "H"),
        ("Jan 't Hart", "JH"),
        ("Émile  Zola ", "ÉZ"),
        ("  ", ""),
        ("lid-12", "L"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


@pytest.mark.django_db
def test_sweep_images_command_reports_what_it_deleted():
    out = io.StringIO()

    call_command("sweep_images", stdout=out)

    assert out.getvalue() == "Deleted 0 orphan image file(s).\n"
