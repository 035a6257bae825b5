"""Real image files, made with Pillow (or by hand where Pillow would be too slow)."""

import struct
import zlib
from io import BytesIO

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from members.avatars import clean_avatar, store_avatar

EXIF_ORIENTATION = 0x0112
EXIF_MAKE = 0x010F


def image_bytes(
    fmt: str = "JPEG",
    *,
    size: tuple[int, int] = (120, 80),
    mode: str = "RGB",
    color: object = (200, 30, 30),
    **save_options,
) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def two_tone_jpeg(*, orientation: int | None = None, make: str | None = None) -> bytes:
    """A 200 x 100 JPEG: top half red, bottom half blue, with optional EXIF tags."""
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (0, 50, 200, 100))
    exif = Image.Exif()
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    if make is not None:
        exif[EXIF_MAKE] = make
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif.tobytes())
    return buffer.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` x ``height`` pixels.

    Only the first row of pixel data is there: enough to be identified as a
    PNG, far too little to decode, and cheap to make at any claimed size.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    first_row = zlib.compress(b"\x00" + b"\x00" * 3 * min(width, 1024))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", first_row)
        + chunk(b"IEND", b"")
    )


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    """What Django hands a form for an uploaded file."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def decode(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def png_upload(
    size: tuple[int, int] = (120, 90), color=(20, 120, 200), name: str = "me.png"
) -> SimpleUploadedFile:
    """A real PNG, as a browser uploads it."""
    return upload(image_bytes("PNG", size=size, color=color), name, "image/png")


def stored_files(folder: str) -> list[str]:
    """Every file under ``folder`` in the default storage, sorted."""
    if not default_storage.exists(folder):
        return []
    dirs, files = default_storage.listdir(folder)
    return sorted(
        [f"{folder}/{name}" for name in files]
        + [path for name in dirs for path in stored_files(f"{folder}/{name}")]
    )


def give_avatar(profile, color=(20, 120, 200)) -> str:
    """Store an avatar for ``profile`` as the site does, its commit included; return the stem.

    The files are written once the upload's transaction commits (lef.images);
    in a test that never commits, the commit callbacks are run here.
    """
    with TestCase.captureOnCommitCallbacks(execute=True):
        store_avatar(profile=profile, processed=clean_avatar(png_upload(color=color)))
    assert profile.avatar, "the avatar was not stored"
    return profile.avatar
