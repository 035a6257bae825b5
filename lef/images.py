"""Turning an untrusted image upload into clean, small WebP renditions.

Nothing a visitor uploads is ever stored or served as it came in. The upload is
checked by its content (Pillow's detected format, never the file name or the
browser's content type), its byte size is capped before anything is decoded and
its pixel count is capped from the header before the pixels are decoded
(decompression bombs). What survives is decoded, turned upright by its EXIF
orientation, converted to sRGB, cropped or fitted, and re-encoded from pixel
data only, so EXIF (GPS position, camera serial), ICC profiles, comments, text
chunks and anything appended to the file are left behind.

Output is WebP: every browser we support shows it (Safari since 14), it is a
quarter to a third smaller than JPEG at the same quality, and, unlike JPEG, it
keeps transparency, so a PNG logo or avatar with a transparent background stays
transparent. One output format keeps storage names and templates simple.

Every bad input raises :class:`ImageRejected` with a translated message fit to
show on a form; callers never see a Pillow exception.

Storing is done here too, one way for every image of the platform (avatars,
logos, project and meetup images, space photos). An :class:`ImageKind`, declared
beside its model field (:class:`StoredImageField`), says where the files live
and which sizes are kept. A row holds a random *stem* that is new for every
upload (``events/3f/3f9c…``); each size is a file beside it,
``<stem>-<size>.webp``. Files and rows cannot share a transaction, so the order
is:

* an upload is checked and re-encoded before anything is locked
  (:meth:`ImageKind.clean`, in a form's ``clean``);
* its files are written only after the transaction that accepted it commits,
  and the row is pointed at them in a second, short transaction with the row
  locked (:func:`store_after_commit`): a rollback leaves no file, and a row
  never names files that are not there yet;
* the files a row stopped naming are deleted once that change commits
  (:func:`delete_after_commit`, :func:`remove_image`), never before;
* what a crash between writing and pointing leaves behind, no row names:
  :func:`sweep_orphan_images` (``manage.py sweep_images``) deletes it.
"""

import logging
import re
import secrets
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from io import BytesIO
from typing import IO, ClassVar

from django import forms
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
# 40 megapixels: more than any phone saves by default (12-24 MP), and below
# Pillow's own decompression-bomb threshold (Image.MAX_IMAGE_PIXELS, about
# 89 MP), so our check, with our message, is the one that normally fires.
MAX_PIXELS = 40_000_000

# Pillow's format names as detected from the content. MPO is how Pillow reports
# a JPEG with a second embedded picture, which many phone cameras write; the
# first picture is an ordinary JPEG.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
_DETECTED_FORMATS = frozenset({*ACCEPTED_FORMATS, "MPO"})

WEBP_QUALITY = 82

# EXIF orientation -> the transposition that turns the picture upright; the
# same table as PIL.ImageOps.exif_transpose. We apply it ourselves after
# shrinking, so the rotation touches a 400 x 400 thumbnail instead of a 40 MP
# photo (exif_transpose would copy the full-size image once more).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION = 0x0112


class ImageRejected(Exception):  # noqa: N818 -- named for what happened, like EventFull
    """An upload that is not an image we accept. ``message`` is shown to the user.

    ``code`` says why, for forms and tests: ``empty``, ``too_large``,
    ``unsupported_format``, ``too_many_pixels`` or ``unreadable``.
    """

    def __init__(self, message: str, *, code: str, params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params or {}


@dataclass(frozen=True, slots=True)
class Rendition:
    """One re-encoded size of an image."""

    width: int
    height: int
    data: bytes


@dataclass(frozen=True, slots=True)
class ReencodedImage:
    """The clean renditions of one upload, keyed by the requested size."""

    renditions: dict[int, Rendition]
    source_format: str

    extension: ClassVar[str] = "webp"
    content_type: ClassVar[str] = "image/webp"


def reencode_image(
    file: IO[bytes],
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    sizes: Iterable[int] = (64, 160, 400),
    square: bool = True,
) -> ReencodedImage:
    """Check an uploaded image and re-encode it as WebP in the given sizes.

    With ``square`` (avatars) each rendition is the centre square of the
    picture scaled to ``size`` x ``size``, enlarged if the picture is smaller,
    so that every size exists. Without it (logos) the whole picture is fitted
    inside ``size`` x ``size``, never enlarged.

    ``file`` is any binary file object (a Django ``UploadedFile`` included); at
    most ``max_bytes + 1`` bytes are read from it. Raises :class:`ImageRejected`
    for anything that is not a readable JPEG, PNG or WebP within the limits.
    """
    sizes = sorted(set(sizes), reverse=True)
    if not sizes or sizes[-1] < 1:
        raise ValueError("sizes must be positive")  # a programming error, not bad input
    # A library may switch Pillow's process-wide "load truncated images" on when
    # it is imported (WeasyPrint does, for the dashboard's PDF report). An upload
    # must never be read that way: a truncated file is refused, so it is off again.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    data = _read_capped(file, max_bytes=max_bytes)
    image = _open_checked(data, max_pixels=max_pixels)
    try:
        source_format = "JPEG" if image.format == "MPO" else image.format
        renditions = _render(image, sizes=sizes, square=square)
    except Exception as exc:
        # A crafted or damaged file can make a decoder raise almost anything
        # (OSError for truncation, SyntaxError, ValueError, struct.error, a
        # warning turned error); all of them mean "we cannot read this".
        logger.info("Image upload could not be decoded: %r", exc)
        raise _unreadable() from exc
    finally:
        image.close()
    return ReencodedImage(renditions=renditions, source_format=source_format)


def _read_capped(file: IO[bytes], *, max_bytes: int) -> bytes:
    """The file's bytes, refusing empty and oversized files before decoding."""
    too_large = ImageRejected(
        _("The file is larger than %(limit)s. Please choose a smaller image.")
        % {"limit": filesizeformat(max_bytes)},
        code="too_large",
        params={"limit": max_bytes},
    )
    declared = getattr(file, "size", None)  # Django's UploadedFile knows it
    if isinstance(declared, int) and declared > max_bytes:
        raise too_large
    if hasattr(file, "seek"):
        file.seek(0)
    # One byte more than allowed tells "exactly at the limit" from "over it"
    # without trusting the declared size.
    data = file.read(max_bytes + 1)
    if not data:
        raise ImageRejected(_("The file is empty. Please choose an image."), code="empty")
    if len(data) > max_bytes:
        raise too_large
    return data


def _open_checked(data: bytes, *, max_pixels: int) -> Image.Image:
    """Open (not decode) the image and check its format and pixel count."""
    try:
        # Only the three plugins are tried: a GIF, SVG, HEIC or text file is
        # "unidentified" whatever its name says.
        image = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError as exc:
        raise _unsupported() from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow checks its own (higher) limit inside open(): above twice
        # Image.MAX_IMAGE_PIXELS it raises; above it, it warns, which is an
        # exception when warnings are errors (as in our tests). Otherwise the
        # warning is logged and our own, lower cap below rejects the image.
        raise _too_many_pixels(max_pixels) from exc
    except Exception as exc:
        logger.info("Image upload could not be opened: %r", exc)
        raise _unreadable() from exc
    if image.format not in _DETECTED_FORMATS:
        image.close()
        raise _unsupported()
    width, height = image.size  # from the header; nothing is decoded yet
    if width < 1 or height < 1:
        image.close()
        raise _unreadable()
    if width * height > max_pixels:
        image.close()
        raise _too_many_pixels(max_pixels)
    return image


def _decoded(image: Image.Image, *, largest: int) -> Image.Image:
    """The picture's pixels, decoded no larger than needed for ``largest``.

    A JPEG is decoded by libjpeg at 1/2, 1/4 or 1/8 scale when it is much
    larger than we need (still at least ``largest`` on each side): a 40 MP
    photo decodes as about 0.6 MP, in a fraction of the time and memory.
    """
    if image.format in {"JPEG", "MPO"}:
        image.draft(None, (largest, largest))
    image.load()
    return image


def _render(image: Image.Image, *, sizes: list[int], square: bool) -> dict[int, Rendition]:
    image = _decoded(image, largest=sizes[0])
    orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
    icc_profile = image.info.get("icc_profile")

    if square:
        width, height = image.size
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 2
        # The centre square is the same before and after an EXIF rotation or
        # flip, so we crop and shrink first and turn the small result upright.
        picture = _normalise_mode(image.crop((left, top, left + side, top + side)))
    else:
        picture = _normalise_mode(image)

    renditions: dict[int, Rendition] = {}
    for size in sizes:  # largest first, each made from the previous one
        if square:
            picture = picture.resize((size, size), Image.Resampling.LANCZOS)
        else:
            picture = picture.copy()
            picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        upright = _upright(picture, orientation)
        upright = _to_srgb(upright, icc_profile)
        renditions[size] = _encode(upright)
    return renditions


def _normalise_mode(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the picture has transparency worth keeping.

    CMYK stays CMYK until its colour profile has been applied (in _to_srgb).
    """
    if image.mode == "CMYK":
        return image
    if image.mode in {"I", "F"} or image.mode.startswith("I;16"):
        # 16-bit greyscale PNG: scale to 8 bits instead of clipping to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or ("transparency" in image.info)
    converted = image.convert("RGBA" if has_alpha else "RGB")
    if has_alpha and converted.getextrema()[3][0] == 255:
        converted = converted.convert("RGB")  # an alpha channel that is all opaque
    return converted


def _upright(image: Image.Image, orientation: object) -> Image.Image:
    method = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert from the embedded colour profile to sRGB, which we then drop.

    Browsers assume sRGB for an image without a profile; converting keeps the
    colours of, say, a Display P3 phone photo. A broken or mismatched profile
    is ignored. The result is RGB or RGBA.
    """
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            return ImageCms.profileToProfile(
                image, source, _srgb_profile(), outputMode=output_mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return image.convert(output_mode) if image.mode != output_mode else image


def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _encode(image: Image.Image) -> Rendition:
    # Pixel data only: a fresh image carries no info (EXIF, ICC, text chunks,
    # comments) from the upload, and save() is given none.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = BytesIO()
    clean.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return Rendition(width=clean.width, height=clean.height, data=buffer.getvalue())


def _unsupported() -> ImageRejected:
    return ImageRejected(
        _(
            "This file is not a JPEG, PNG or WebP image. "
            "Please choose an image in one of those formats."
        ),
        code="unsupported_format",
    )


def _too_many_pixels(max_pixels: int) -> ImageRejected:
    megapixels = max_pixels // 1_000_000
    return ImageRejected(
        _(
            "This image has too many pixels. "
            "Please choose one of at most %(megapixels)s megapixels."
        )
        % {"megapixels": megapixels},
        code="too_many_pixels",
        params={"megapixels": megapixels},
    )


def _unreadable() -> ImageRejected:
    return ImageRejected(
        _(
            "This image could not be read; the file may be damaged or incomplete. "
            "Please try another one."
        ),
        code="unreadable",
    )


# Kinds -----------------------------------------------------------------------------------

# Stems are "<folder>/<2 hex>/<32 hex>": random, so nobody can guess the address
# of someone's previous photo, and new for every upload, so caches never show
# an old picture under a new one's address.
_STEM = re.compile(r"\A(?P<folder>[a-z][a-z0-9_]*)/[0-9a-f]{2}/[0-9a-f]{32}\Z")
_FOLDER = re.compile(r"\A[a-z][a-z0-9_]*\Z")
# A stored size's file name: "<stem>-<size>.webp".
_SIZE_FILE = re.compile(rf"\A(?P<stem>.+)-(?P<size>[0-9]+)\.{ReencodedImage.extension}\Z")
# Every kind by its folder, filled as the models that declare them are loaded.
_KINDS: dict[str, "ImageKind"] = {}

ACCEPT = "image/jpeg,image/png,image/webp"  # for <input type="file" accept=…>


@dataclass(frozen=True, slots=True)
class ImageKind:
    """One kind of stored image: its folder, the sizes kept, and how they are cut.

    Declared once, beside the model field that holds it::

        AVATARS = ImageKind("avatars", sizes=(64, 160, 400), square=True)
        avatar = StoredImageField(_("avatar"), kind=AVATARS)

    ``sizes`` are pixel sizes, smallest first; with ``square`` each is the
    centre square scaled to size x size (avatars), without it the whole picture
    fitted inside size x size, never enlarged. ``max_pixels`` caps the upload's
    pixel count, checked from its header before decoding.
    """

    folder: str
    sizes: tuple[int, ...]
    square: bool = False
    max_pixels: int = MAX_PIXELS

    def __post_init__(self):
        if not _FOLDER.match(self.folder):
            raise ImproperlyConfigured(f"image folder {self.folder!r} is not a plain name")
        if not self.sizes or list(self.sizes) != sorted(set(self.sizes)) or self.sizes[0] < 1:
            raise ImproperlyConfigured(f"image sizes {self.sizes!r} must be positive, ascending")
        if _KINDS.setdefault(self.folder, self) != self:
            raise ImproperlyConfigured(f"two kinds of image share the folder {self.folder!r}")

    def clean(self, uploaded_file) -> "CleanImage":
        """Check and re-encode an upload in every size; for a form's ``clean``.

        Raises ``ValidationError`` with a message for the member (and the
        rejection's code: ``empty``, ``too_large``, ``unsupported_format``,
        ``too_many_pixels`` or ``unreadable``). Nothing is stored.
        """
        try:
            image = reencode_image(
                uploaded_file, sizes=self.sizes, square=self.square, max_pixels=self.max_pixels
            )
        except ImageRejected as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
        return CleanImage(kind=self, renditions=image.renditions)

    def size_for(self, size: int) -> int:
        """The smallest stored size at least ``size`` pixels wide, else the largest."""
        return next((stored for stored in self.sizes if stored >= size), self.sizes[-1])

    def url(self, stem: str | None, size: int) -> str | None:
        """The address of the stored size that shows well at ``size`` pixels, or None.

        Reads no files and runs no queries.
        """
        if not stem:
            return None
        return default_storage.url(_file_name(stem, self.size_for(size)))


@dataclass(frozen=True, slots=True)
class CleanImage:
    """An upload that passed every check, re-encoded in every size of its kind; not stored."""

    kind: ImageKind
    renditions: Mapping[int, Rendition]


def image_url(stem: str | None, size: int) -> str | None:
    """The address of ``stem``'s stored size that shows well at ``size`` pixels, or None.

    The kind is the stem's folder. For templates: ``{{ event.image|image_url:1200 }}``
    (``{% load images %}``). Reads no files and runs no queries.
    """
    if not stem:
        return None
    kind = _KINDS.get(stem.split("/", 1)[0])
    return kind.url(stem, size) if kind is not None else None


def file_names(stem: str) -> list[str]:
    """Every file stored for ``stem``, whatever sizes existed when it was written.

    Empty for anything that is not a stem this module made.
    """
    if not _STEM.match(stem or ""):
        return []
    folder, base = stem.rsplit("/", 1)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{name}" for name in files if name.startswith(f"{base}-"))


def _file_name(stem: str, size: int) -> str:
    return f"{stem}-{size}.{ReencodedImage.extension}"


# Storing ---------------------------------------------------------------------------------


def store_after_commit(*, instance: models.Model, field: str, image: CleanImage) -> None:
    """Make ``image`` the ``field`` of ``instance``'s row once the current transaction commits.

    Nothing is written now. After the commit, every size is written under a
    new stem, then, in a short transaction with the row locked (``SELECT … FOR
    UPDATE``, so two uploads at once cannot both miss the other's files), the
    row is pointed at the stem and the files it named before are deleted once
    that commits. ``instance``'s field then holds the new stem too. A rollback
    writes nothing; a row deleted meanwhile gets nothing, and the new files go.
    Outside a transaction it all happens at once.
    """
    model_field = _stored_image_field(instance, field)
    if image.kind != model_field.kind:
        raise ValueError(f"a {image.kind.folder} image cannot go in {model_field}")
    missing = set(image.kind.sizes) - set(image.renditions)
    if missing:
        raise ValueError(f"the image lacks sizes {sorted(missing)}")
    transaction.on_commit(partial(_store, instance, model_field, image), robust=True)


def delete_after_commit(stem: str) -> None:
    """Delete ``stem``'s files once the current transaction commits (never on a rollback)."""
    if stem:
        transaction.on_commit(partial(_delete_files, stem), robust=True)


def remove_image(*, instance: models.Model, field: str) -> None:
    """Clear ``instance``'s ``field`` and delete its files once that commits.

    Locks the row (``SELECT … FOR UPDATE``) and reads the stem there, so an
    upload stored at the same moment is not left behind. Does nothing when the
    row has no image. On a rollback the row and the files stay as they were.
    """
    model_field = _stored_image_field(instance, field)
    with transaction.atomic():
        stored = keep_stored(instance, field)
        if not stored:
            return
        _model(instance)._base_manager.filter(pk=instance.pk).update(**{model_field.attname: ""})
        setattr(instance, model_field.attname, "")
        delete_after_commit(stored)


def keep_stored(instance: models.Model, field: str) -> str:
    """Lock ``instance``'s row and give its ``field`` the stem stored there; return it.

    For code that saves a whole row it did not lock when reading (an admin
    form): it then writes back the image the row has now, not the one it read
    earlier, whose files an upload meanwhile may have deleted. The lock lasts
    until the caller's transaction ends. "" for a row not saved yet.
    """
    model_field = _stored_image_field(instance, field)
    stored = ""
    if instance.pk is not None:
        stored = _locked_stem(_model(instance), instance.pk, model_field) or ""
    setattr(instance, model_field.attname, stored)
    return stored


def copy_of(stem: str) -> CleanImage | None:
    """The stored files of ``stem`` as a :class:`CleanImage`, to store again (a copy).

    None when ``stem`` is empty or a size is missing (deleted meanwhile).
    """
    kind = _KINDS.get((stem or "").split("/", 1)[0])
    if kind is None or not _STEM.match(stem):
        return None
    renditions = {}
    for size in kind.sizes:
        try:
            with default_storage.open(_file_name(stem, size), "rb") as stored:
                data = stored.read()
        except FileNotFoundError:
            return None
        with Image.open(BytesIO(data)) as header:
            width, height = header.size
        renditions[size] = Rendition(width=width, height=height, data=data)
    return CleanImage(kind=kind, renditions=renditions)


def _store(instance: models.Model, field: "StoredImageField", image: CleanImage) -> None:
    """After the commit: write the files, point the locked row at them, delete the old ones."""
    if instance.pk is None:
        return  # the row was never saved: nothing to point at
    model = _model(instance)
    stem = _write(image)
    try:
        with transaction.atomic():
            stored = _locked_stem(model, instance.pk, field)
            if stored is not None:
                model._base_manager.filter(pk=instance.pk).update(**{field.attname: stem})
                delete_after_commit(stored)
    except BaseException:
        _delete_files(stem)
        raise
    if stored is None:  # the row was deleted before its image arrived
        _delete_files(stem)
        return
    setattr(instance, field.attname, stem)


def _write(image: CleanImage) -> str:
    """Write every size under a new random stem; return the stem. All or nothing."""
    token = secrets.token_hex(16)
    stem = f"{image.kind.folder}/{token[:2]}/{token}"
    written = []
    try:
        for size in image.kind.sizes:
            name = _file_name(stem, size)
            saved = default_storage.save(name, ContentFile(image.renditions[size].data))
            written.append(saved)
            if saved != name:  # a 128-bit stem taken by chance: never
                raise RuntimeError(f"storage renamed {name} to {saved}")
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return stem


def _delete_files(stem: str) -> None:
    names = file_names(stem)
    if not names:
        logger.warning("No files found for image stem %r", stem)
    for name in names:
        default_storage.delete(name)


def _locked_stem(model: type[models.Model], pk, field: "StoredImageField") -> str | None:
    """The row's stem, with the row locked until the transaction ends; None without a row."""
    rows = model._base_manager.select_for_update().filter(pk=pk).values_list(field.attname)
    return next((stem for (stem,) in rows), None)


def _model(instance: models.Model) -> type[models.Model]:
    return instance._meta.concrete_model


def _stored_image_field(instance: models.Model, field: str) -> "StoredImageField":
    model_field = instance._meta.get_field(field)
    if not isinstance(model_field, StoredImageField) or model_field.kind is None:
        raise TypeError(f"{model_field} is not a StoredImageField with a kind")
    return model_field


# Sweeping --------------------------------------------------------------------------------


def sweep_orphan_images(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete image files no row names; return how many. For ``manage.py sweep_images``.

    Every folder of every kind is swept, against the stems of every
    :class:`StoredImageField` of every model. Such files are left only by a
    crash between writing an upload and pointing its row at it, or by an
    older way of storing (one file per image, spaces' replaced photos). Files
    younger than ``older_than`` are spared: their row may be about to name them.
    The rows are read before the files are listed, so a file named after the
    read is young, and spared.
    """
    cutoff = timezone.now() - older_than
    named: dict[str, set[str]] = {folder: set() for folder in _KINDS}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, StoredImageField) and field.kind is not None:
                stems = model._base_manager.exclude(**{field.attname: ""}).values_list(
                    field.attname, flat=True
                )
                named.setdefault(field.kind.folder, set()).update(stems.iterator())
    deleted = 0
    for folder, stems in named.items():
        for path in _files_under(folder):
            match = _SIZE_FILE.match(path)
            if (match and match["stem"] in stems) or path in stems:
                continue
            if default_storage.get_modified_time(path) > cutoff:
                continue
            default_storage.delete(path)
            deleted += 1
    return deleted


def _files_under(folder: str) -> Iterator[str]:
    try:
        dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in dirs:
        yield from _files_under(f"{folder}/{name}")


# Models, forms and the admin -------------------------------------------------------------


class StoredImageField(models.CharField):
    """The stem of an image stored through this module (its sizes are files beside it).

    ``kind`` (an :class:`ImageKind`) says where and in which sizes. The column
    changes through :func:`store_after_commit` and :func:`remove_image` (or a
    service that clears it and calls :func:`delete_after_commit`), never by a
    form: in a ModelForm it is an upload field whose new image the form's
    caller stores (:func:`save_form_images`, :class:`ImagesAdminMixin`).
    """

    description = gettext_lazy("Stored image")

    def __init__(self, *args, kind: ImageKind | None = None, **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        # The kind (folder, sizes) is not part of the column: migrations leave it out.
        if kwargs.get("max_length") == 200:
            del kwargs["max_length"]
        if self.blank:
            kwargs.pop("blank", None)
        else:
            kwargs["blank"] = False
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        widget = kwargs.get("widget")
        if widget is not None and not _is_file_input(widget):
            # The admin offers every CharField a text input; an image is uploaded.
            del kwargs["widget"]
        return models.Field.formfield(self, form_class=ImageUploadField, kind=self.kind, **kwargs)

    def save_form_data(self, instance, data):
        """Nothing: a form never writes the stem (see :func:`save_form_images`)."""


def _is_file_input(widget) -> bool:
    widget_class = widget if isinstance(widget, type) else type(widget)
    return issubclass(widget_class, forms.FileInput)


class StoredImage:
    """The stem of a stored image as a form shows it: a link to the image."""

    def __init__(self, stem: str):
        self.stem = stem
        self.url = image_url(stem, sys.maxsize) or ""  # the largest size

    def __str__(self):
        return _("view")


class StoredImageInput(forms.ClearableFileInput):
    """A file input with, for a stored image, a link to it and a box to remove it."""

    initial_text = gettext_lazy("The current image")
    clear_checkbox_label = gettext_lazy("Remove the image")


class ImageUploadField(forms.FileField):
    """An image upload for ``kind``: cleans to a :class:`CleanImage` (checked, re-encoded).

    Like Django's file fields, it cleans to the initial stem when nothing was
    uploaded, and to ``False`` when the remove box was ticked.
    """

    widget = StoredImageInput

    def __init__(self, *, kind: ImageKind, **kwargs):
        self.kind = kind
        kwargs.pop("max_length", None)  # the stem's length, not the file name's
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if _is_file_input(widget) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs

    def to_python(self, data):
        upload = super().to_python(data)
        return None if upload is None else self.kind.clean(upload)

    def prepare_value(self, value):
        return StoredImage(value) if isinstance(value, str) and value else value


def save_form_images(instance: models.Model, form: forms.ModelForm) -> None:
    """Apply a ModelForm's image fields to ``instance`` before it is saved.

    Call it inside the transaction that saves ``instance``. For each
    :class:`StoredImageField` in the form: the row is locked and ``instance``
    keeps the stem stored now (:func:`keep_stored`); a new upload is stored
    after the commit (:func:`store_after_commit`); a ticked remove box clears
    the field and deletes its files after the commit.
    """
    for field in instance._meta.concrete_fields:
        if not isinstance(field, StoredImageField) or field.name not in form.cleaned_data:
            continue
        value = form.cleaned_data[field.name]
        stored = keep_stored(instance, field.name)
        if isinstance(value, CleanImage):
            store_after_commit(instance=instance, field=field.name, image=value)
        elif value is False and stored:
            setattr(instance, field.attname, "")
            delete_after_commit(stored)


class ImagesAdminMixin:
    """For a ModelAdmin of a model with :class:`StoredImageField`: uploads stored after commit.

    The admin saves inside one transaction; :func:`save_form_images` runs before
    the row is saved (whatever ``save_model`` does), so a replaced or removed
    image's files go once the save commits, and a save never writes back a
    stale stem.
    """

    def save_form(self, request, form, change):
        instance = super().save_form(request, form, change)
        save_form_images(instance, form)
        return instance
