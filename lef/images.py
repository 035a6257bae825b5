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
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import IO, ClassVar

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, UnidentifiedImageError

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
