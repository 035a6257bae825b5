"""Images of projects and their updates: checked, re-encoded, stored, replaced, removed.

The same safe handling as avatars (lef.images: content sniffing, byte and
pixel caps before decoding, re-encoded from pixels only, so no EXIF or GPS
position survives), stored the same way as ``members.avatars`` stores them: a
few WebP files beside one another, ``<stem>-<size>.webp``, under a random stem
that is new for every upload; the row holds the stem.

Files and rows cannot share a transaction. New files are written before the
row points at them; a replaced image's files are deleted only after the
transaction that stopped pointing at them commits (:func:`delete_files_on_commit`).
If a transaction rolls back after files were written, the files are left
unreferenced, and :func:`sweep_orphan_images` (``manage.py sweep_project_images``)
removes them later.
"""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lef.images import ImageRejected, ReencodedImage, reencode_image
from projects.models import Project, ProjectUpdate

logger = logging.getLogger(__name__)

# 480 for cards and the feed (and 240 px at 2x), 960 for the project page's
# header and sharp cards on high-density screens. Fitted, never cropped: a
# landscape photo stays landscape.
IMAGE_SIZES = (480, 960)
FOLDER = "projects"
MAX_PIXELS = 25_000_000
_EXTENSION = ReencodedImage.extension
_STEM = re.compile(rf"\A{FOLDER}/[0-9a-f]{{2}}/[0-9a-f]{{32}}\Z")


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """An upload that passed every check, re-encoded in every stored size."""

    renditions: dict[int, bytes]


def clean_image(uploaded_file) -> ProcessedImage:
    """Check and re-encode an uploaded image; for a form's ``clean_<field>``.

    Raises ``ValidationError`` with a message for the member for anything that
    is not a JPEG, PNG or WebP image within the limits.
    """
    try:
        image = reencode_image(
            uploaded_file, sizes=IMAGE_SIZES, square=False, max_pixels=MAX_PIXELS
        )
    except ImageRejected as exc:
        raise ValidationError(exc.message, code=exc.code) from exc
    return ProcessedImage(
        renditions={size: rendition.data for size, rendition in image.renditions.items()}
    )


def write_files(processed: ProcessedImage) -> str:
    """Store every size of ``processed`` under a new random stem; return the stem.

    Call it before the transaction that points a row at the stem; if that
    transaction fails, call :func:`delete_files` on the stem (or leave it to the
    sweep).
    """
    token = secrets.token_hex(16)
    stem = f"{FOLDER}/{token[:2]}/{token}"
    written = []
    try:
        for size in IMAGE_SIZES:
            name = _file_name(stem, size)
            saved = default_storage.save(name, ContentFile(processed.renditions[size]))
            written.append(saved)
            if saved != name:  # a 128-bit stem taken by chance: never
                raise RuntimeError(f"storage renamed {name} to {saved}")
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return stem


def delete_files(stem: str) -> None:
    """Delete every stored size of ``stem`` now."""
    for name in file_names(stem):
        default_storage.delete(name)


def delete_files_on_commit(stem: str) -> None:
    """Delete ``stem``'s files once the current transaction commits (never on a rollback)."""
    if stem:
        transaction.on_commit(partial(delete_files, stem), robust=True)


def image_url(stem: str | None, size: int) -> str | None:
    """The address of the smallest stored size at least ``size`` wide (no query, no file read)."""
    if not stem:
        return None
    stored = next((s for s in IMAGE_SIZES if s >= size), IMAGE_SIZES[-1])
    return default_storage.url(_file_name(stem, stored))


def file_names(stem: str) -> list[str]:
    """Every file stored for ``stem``."""
    if not _STEM.match(stem or ""):
        return []
    folder, base = stem.rsplit("/", 1)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{name}" for name in files if name.startswith(f"{base}-"))


def sweep_orphan_images(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete image files no project or update points at; return how many.

    Such files are left only when a transaction rolled back after its files
    were written. Files younger than ``older_than`` are spared: their upload's
    transaction may still be about to commit.
    """
    cutoff = timezone.now() - older_than
    in_use = set(Project.objects.exclude(image="").values_list("image", flat=True))
    in_use |= set(ProjectUpdate.objects.exclude(image="").values_list("image", flat=True))
    try:
        shards, _files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    deleted = 0
    for shard in shards:
        _dirs, files = default_storage.listdir(f"{FOLDER}/{shard}")
        for name in files:
            path = f"{FOLDER}/{shard}/{name}"
            if path.rsplit("-", 1)[0] in in_use:
                continue
            if default_storage.get_modified_time(path) > cutoff:
                continue
            default_storage.delete(path)
            deleted += 1
    return deleted


def _file_name(stem: str, size: int) -> str:
    return f"{stem}-{size}.{_EXTENSION}"
