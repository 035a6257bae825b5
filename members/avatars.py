"""Member avatars: checking an upload, storing its sizes, replacing and removing them.

An avatar is stored as a few WebP files beside one another in the default
storage, named ``<stem>-<size>.webp``; ``Profile.avatar`` holds the stem
(``avatars/3f/3f9c…``). The stem is random and new for every upload, so an
avatar's address changes when it is replaced (caches and CDNs never show the
old face) and nobody can guess the address of someone's previous photo.

Files and rows cannot share one transaction, so the order is chosen so that a
profile never points at missing files: new files are written before the row
changes, and the old files are deleted only after the transaction that stopped
pointing at them has committed. If the transaction rolls back instead, the
profile keeps its old, intact files, and the new files are left unreferenced;
:func:`sweep_orphan_avatars` removes such leftovers.
"""

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lef.images import ImageRejected, ReencodedImage, Rendition, reencode_image
from lef.ratelimit import RateLimit
from members.models import Profile

logger = logging.getLogger(__name__)

# Pixel sizes stored for every avatar: 64 for lists and cards (and 32 px at
# 2x), 160 for the profile page (and 80 px at 2x), 400 for a sharp large view.
AVATAR_SIZES = (64, 160, 400)
AVATAR_FOLDER = "avatars"
# An avatar is shown at 400 px at most; 25 megapixels takes any phone's normal
# photo (12-24 MP) and refuses from the header alone what would cost seconds of
# CPU to decode (lef.images checks the cap before decoding).
AVATAR_MAX_PIXELS = 25_000_000
# Each upload is decoded and re-encoded; a member changes their photo rarely.
AVATAR_UPLOADS = RateLimit("avatar-upload", limit=10, window=60 * 60)
_EXTENSION = ReencodedImage.extension
_STEM = re.compile(rf"\A{AVATAR_FOLDER}/[0-9a-f]{{2}}/[0-9a-f]{{32}}\Z")


@dataclass(frozen=True, slots=True)
class ProcessedAvatar:
    """An upload that passed every check, re-encoded in every avatar size."""

    renditions: Mapping[int, Rendition]


def clean_avatar(uploaded_file) -> ProcessedAvatar:
    """Check and re-encode an uploaded avatar; for a form's ``clean_avatar``.

    Raises ``ValidationError`` with a message for the member (and the
    rejection's code: ``empty``, ``too_large``, ``unsupported_format``,
    ``too_many_pixels`` or ``unreadable``) for anything that is not a JPEG, PNG
    or WebP image within the limits.
    """
    try:
        image = reencode_image(
            uploaded_file, sizes=AVATAR_SIZES, square=True, max_pixels=AVATAR_MAX_PIXELS
        )
    except ImageRejected as exc:
        raise ValidationError(exc.message, code=exc.code) from exc
    return ProcessedAvatar(renditions=image.renditions)


def store_avatar(*, profile: Profile, processed: ProcessedAvatar) -> None:
    """Make ``processed`` the profile's avatar, replacing any previous one.

    Writes every size under a new random stem, then points ``profile.avatar``
    at it (saving only that field) while holding the profile row's lock, so two
    uploads at once cannot both miss the other's files. The previous avatar's
    files are deleted once the transaction commits; on a rollback they stay,
    and the profile still points at them.
    """
    missing = set(AVATAR_SIZES) - set(processed.renditions)
    if missing:
        raise ValueError(f"processed avatar lacks sizes {sorted(missing)}")
    stem = _new_stem()
    shown = profile.avatar
    written: list[str] = []
    try:
        for size in AVATAR_SIZES:
            name = _file_name(stem, size)
            saved = default_storage.save(name, ContentFile(processed.renditions[size].data))
            written.append(saved)
            if saved != name:  # a name taken by chance (a 128-bit stem): never
                raise RuntimeError(f"storage renamed {name} to {saved}")
        with transaction.atomic():
            previous = _lock_and_read_stem(profile)
            profile.avatar = stem
            profile.save(update_fields=["avatar"])
            if previous:
                transaction.on_commit(partial(_delete_files, previous), robust=True)
    except BaseException:
        # The row was not changed (or its change rolled back): nobody points
        # at the new files.
        profile.avatar = shown
        for name in written:
            default_storage.delete(name)
        raise


def delete_avatar(*, profile: Profile) -> None:
    """Remove the profile's avatar: clear the field, and delete its files on commit.

    Used by "remove my photo" and by account deletion. Does nothing when the
    profile has no avatar.
    """
    with transaction.atomic():
        previous = _lock_and_read_stem(profile)
        profile.avatar = ""
        if not previous:
            return
        profile.save(update_fields=["avatar"])
        transaction.on_commit(partial(_delete_files, previous), robust=True)


def avatar_url(profile_or_stem: Profile | str | None, size: int) -> str | None:
    """The address of the stored size that shows well at ``size`` pixels, or None.

    Picks the smallest stored size at least ``size`` wide (the largest one if
    none is), so a template can ask for the size it displays. Reads no files
    and runs no queries.
    """
    stem = profile_or_stem.avatar if isinstance(profile_or_stem, Profile) else profile_or_stem
    if not stem:
        return None
    return default_storage.url(_file_name(stem, stored_size_for(size)))


def stored_size_for(size: int) -> int:
    """The smallest stored avatar size at least ``size`` pixels wide, else the largest."""
    return next((stored for stored in AVATAR_SIZES if stored >= size), AVATAR_SIZES[-1])


def avatar_file_names(stem: str) -> list[str]:
    """Every file stored for ``stem``, whatever sizes existed when it was written."""
    if not _STEM.match(stem):
        return []
    folder, base = stem.rsplit("/", 1)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{name}" for name in files if name.startswith(f"{base}-"))


def sweep_orphan_avatars(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete avatar files no profile points at; return how many were deleted.

    Such files are left only when a transaction around :func:`store_avatar`
    rolled back. Files younger than ``older_than`` are spared: their upload's
    transaction may still be about to commit. For a periodic task or
    management command.
    """
    cutoff = timezone.now() - older_than
    in_use = set(Profile.objects.exclude(avatar="").values_list("avatar", flat=True))
    deleted = 0
    try:
        shards, _files = default_storage.listdir(AVATAR_FOLDER)
    except FileNotFoundError:
        return 0
    for shard in shards:
        _dirs, files = default_storage.listdir(f"{AVATAR_FOLDER}/{shard}")
        for name in files:
            path = f"{AVATAR_FOLDER}/{shard}/{name}"
            stem = path.rsplit("-", 1)[0]
            if stem in in_use or default_storage.get_modified_time(path) > cutoff:
                continue
            default_storage.delete(path)
            deleted += 1
    return deleted


def _new_stem() -> str:
    token = secrets.token_hex(16)
    return f"{AVATAR_FOLDER}/{token[:2]}/{token}"


def _file_name(stem: str, size: int) -> str:
    return f"{stem}-{size}.{_EXTENSION}"


def _lock_and_read_stem(profile: Profile) -> str:
    """The avatar stem in the database, with the profile row locked until commit."""
    return Profile.objects.select_for_update().values_list("avatar", flat=True).get(pk=profile.pk)


def _delete_files(stem: str) -> None:
    names = avatar_file_names(stem)
    if not names and stem:
        logger.warning("No files found for avatar stem %r", stem)
    for name in names:
        default_storage.delete(name)
