import os
import struct
import warnings
import zlib
from io import BytesIO

import pytest
from django.utils import translation
from PIL import Image, ImageCms

from lef.images import MAX_BYTES, MAX_PIXELS, ImageRejected, _decoded, reencode_image
from tests.members.factories_avatars import (
    decode,
    image_bytes,
    png_claiming_size,
    two_tone_jpeg,
    upload,
)

RED = (255, 0, 0)
BLUE = (0, 0, 255)


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared with their English source text, whatever the
    # Dutch catalogue says.
    with translation.override("en"):
        yield


def close_to(actual, expected, tolerance=12):
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def rejection(content: bytes, **options) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        reencode_image(upload(content), **options)
    return caught.value


# Valid images


def test_reencode_image_jpeg_gives_square_webp_in_every_size():
    result = reencode_image(upload(image_bytes("JPEG", size=(300, 120))))

    assert result.source_format == "JPEG"
    assert sorted(result.renditions) == [64, 160, 400]
    for size, rendition in result.renditions.items():
        image = decode(rendition.data)
        assert image.format == "WEBP"
        assert image.mode == "RGB"
        assert image.size == (size, size)
        assert (rendition.width, rendition.height) == (size, size)


def test_reencode_image_exif_orientation_6_comes_out_upright():
    # Stored: red on top, blue below; orientation 6 means "turn 90° clockwise
    # to show", so the viewer sees blue on the left and red on the right.
    result = reencode_image(upload(two_tone_jpeg(orientation=6)), sizes=(100,))

    image = decode(result.renditions[100].data)
    assert close_to(image.getpixel((10, 50)), BLUE)
    assert close_to(image.getpixel((90, 50)), RED)


def test_reencode_image_without_orientation_is_not_turned():
    result = reencode_image(upload(two_tone_jpeg()), sizes=(100,))

    image = decode(result.renditions[100].data)
    assert close_to(image.getpixel((50, 10)), RED)
    assert close_to(image.getpixel((50, 90)), BLUE)


def test_reencode_image_strips_exif_icc_and_comments():
    source = Image.new("RGB", (80, 80), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "SecretCam"
    exif[0x9286] = "UserCommentGPS"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = BytesIO()
    source.save(buffer, "JPEG", exif=exif.tobytes(), icc_profile=srgb, comment=b"secret comment")

    result = reencode_image(upload(buffer.getvalue()))

    for rendition in result.renditions.values():
        image = decode(rendition.data)
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
        assert "xmp" not in image.info
        assert dict(image.getexif()) == {}
        for secret in (b"SecretCam", b"UserCommentGPS", b"secret comment", b"EXIF", b"ICCP"):
            assert secret not in rendition.data


def test_reencode_image_png_with_alpha_keeps_transparency():
    source = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    source.paste((0, 160, 0, 255), (25, 25, 75, 75))
    buffer = BytesIO()
    source.save(buffer, "PNG")

    result = reencode_image(upload(buffer.getvalue(), "logo.png", "image/png"), sizes=(100,))

    image = decode(result.renditions[100].data)
    assert result.source_format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((2, 2))[3] == 0
    assert close_to(image.getpixel((50, 50)), (0, 160, 0, 255))


def test_reencode_image_png_with_opaque_alpha_becomes_rgb():
    content = image_bytes("PNG", mode="RGBA", color=(10, 20, 30, 255))

    result = reencode_image(upload(content, "photo.png"))

    assert decode(result.renditions[64].data).mode == "RGB"


def test_reencode_image_palette_png_with_transparency_keeps_it():
    source = Image.new("P", (40, 40), 0)
    source.putpalette([255, 255, 255, 200, 0, 0])
    source.paste(1, (10, 10, 30, 30))
    buffer = BytesIO()
    source.save(buffer, "PNG", transparency=0)

    result = reencode_image(upload(buffer.getvalue(), "icon.png"), sizes=(40,))

    image = decode(result.renditions[40].data)
    assert image.mode == "RGBA"
    assert image.getpixel((1, 1))[3] == 0
    assert close_to(image.getpixel((20, 20)), (200, 0, 0, 255))


def test_reencode_image_webp_is_accepted():
    content = image_bytes("WEBP", size=(90, 90), color=(20, 200, 20))

    result = reencode_image(upload(content, "photo.webp", "image/webp"))

    assert result.source_format == "WEBP"
    assert close_to(decode(result.renditions[64].data).getpixel((32, 32)), (20, 200, 20))


def test_reencode_image_phone_jpeg_with_second_picture_is_accepted():
    # Many phone cameras write MPO: a JPEG with a second picture appended.
    first = Image.new("RGB", (100, 100), (250, 250, 0))
    second = Image.new("RGB", (100, 100), (0, 0, 0))
    buffer = BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(BytesIO(buffer.getvalue())).format == "MPO"

    result = reencode_image(upload(buffer.getvalue()))

    assert result.source_format == "JPEG"
    assert close_to(decode(result.renditions[64].data).getpixel((32, 32)), (250, 250, 0))


def test_reencode_image_cmyk_jpeg_becomes_rgb():
    content = image_bytes("JPEG", mode="CMYK", color=(0, 255, 255, 0))

    result = reencode_image(upload(content))

    image = decode(result.renditions[64].data)
    assert image.mode == "RGB"
    assert close_to(image.getpixel((32, 32)), RED, tolerance=30)


def test_reencode_image_16_bit_greyscale_png_is_scaled_not_clipped():
    content = image_bytes("PNG", mode="I;16", color=32768, size=(50, 50))

    result = reencode_image(upload(content, "scan.png"))

    red, green, blue = decode(result.renditions[64].data).getpixel((32, 32))
    assert 120 <= red <= 136
    assert red == green == blue


def test_reencode_image_large_photo_gives_every_size():
    content = image_bytes("JPEG", size=(6000, 4000), color=(90, 90, 200))

    result = reencode_image(upload(content))

    assert decode(result.renditions[400].data).size == (400, 400)
    assert close_to(decode(result.renditions[64].data).getpixel((32, 32)), (90, 90, 200))


def test_decoded_large_jpeg_is_decoded_at_an_eighth_not_in_full():
    # 24 MP asked for at most 400 px: libjpeg decodes 1/8 of each side, which
    # is still at least 400 px, instead of every one of the 24 million pixels.
    image = Image.open(BytesIO(image_bytes("JPEG", size=(6000, 4000))))

    decoded = _decoded(image, largest=400)

    assert decoded.size == (750, 500)


def test_decoded_png_has_no_reduced_decoding_and_keeps_its_size():
    image = Image.open(BytesIO(image_bytes("PNG", size=(900, 600))))

    assert _decoded(image, largest=400).size == (900, 600)


def test_reencode_image_small_picture_is_enlarged_to_every_square_size():
    result = reencode_image(upload(image_bytes("PNG", size=(20, 30)), "tiny.png"))

    assert [decode(r.data).size for r in result.renditions.values()] == [
        (400, 400),
        (160, 160),
        (64, 64),
    ]


def test_reencode_image_not_square_fits_inside_without_enlarging():
    content = image_bytes("PNG", size=(300, 100))

    result = reencode_image(upload(content, "logo.png"), sizes=(150, 600), square=False)

    assert (result.renditions[150].width, result.renditions[150].height) == (150, 50)
    assert (result.renditions[600].width, result.renditions[600].height) == (300, 100)
    assert decode(result.renditions[150].data).size == (150, 50)


def test_reencode_image_broken_colour_profile_is_ignored():
    content = image_bytes("JPEG", icc_profile=b"not a real ICC profile at all" * 4)

    result = reencode_image(upload(content))

    assert "icc_profile" not in decode(result.renditions[64].data).info


def test_reencode_image_reads_a_file_object_without_size():
    result = reencode_image(BytesIO(image_bytes("PNG")), sizes=(10,))

    assert decode(result.renditions[10].data).size == (10, 10)


# Bad input


def test_reencode_image_text_renamed_jpg_is_rejected():
    error = rejection(b"Dear diary, this is not a photo.\n")

    assert error.code == "unsupported_format"
    assert error.message == (
        "This file is not a JPEG, PNG or WebP image. "
        "Please choose an image in one of those formats."
    )


def test_reencode_image_empty_file_is_rejected():
    error = rejection(b"")

    assert error.code == "empty"
    assert error.message == "The file is empty. Please choose an image."


def test_reencode_image_over_5_mib_is_rejected_before_decoding():
    # Random pixels do not compress: a real PNG of about 6 MB.
    noise = Image.frombytes("RGB", (1450, 1450), os.urandom(1450 * 1450 * 3))
    buffer = BytesIO()
    noise.save(buffer, "PNG", compress_level=1)
    content = buffer.getvalue()
    assert 6_000_000 < len(content) < 6_500_000

    error = rejection(content, max_bytes=MAX_BYTES)

    assert error.code == "too_large"
    assert error.message == "The file is larger than 5.0\xa0MB. Please choose a smaller image."


class CountingStream(BytesIO):
    """A stream without a declared size that records how much was read."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_reencode_image_reads_at_most_one_byte_over_the_cap():
    stream = CountingStream(image_bytes("PNG") + b"\x00" * 5000)

    with pytest.raises(ImageRejected) as caught:
        reencode_image(stream, max_bytes=1000)

    assert caught.value.code == "too_large"
    assert stream.bytes_read == 1001


def test_reencode_image_exactly_at_the_byte_cap_is_accepted():
    content = image_bytes("PNG")

    result = reencode_image(upload(content, "a.png"), max_bytes=len(content), sizes=(8,))

    assert sorted(result.renditions) == [8]


def png_with_undecodable_pixels(width: int, height: int) -> bytes:
    """A PNG whose header says ``width`` x ``height`` and whose pixel data is not zlib data.

    Opening it works (only the header is read); decoding it fails. So a
    rejection for its size, not "unreadable", shows that nothing was decoded.
    """

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


def test_reencode_image_20000_square_png_is_rejected_from_its_header_without_decoding():
    # Decoding would need 1.2 GB; the header alone refuses it.
    content = png_with_undecodable_pixels(20_000, 20_000)
    assert len(content) < 1000

    error = rejection(content)

    assert error.code == "too_many_pixels"
    assert error.message == (
        "This image has too many pixels. Please choose one of at most 40 megapixels."
    )


def test_reencode_image_within_the_pixel_cap_is_decoded():
    # The other side of the two tests above: the same file, small enough, is
    # decoded, and its broken pixel data found.
    assert rejection(png_with_undecodable_pixels(100, 100)).code == "unreadable"


def test_reencode_image_over_our_cap_but_under_pillows_is_rejected_by_ours():
    # 48 MP: above our 40 MP cap, below Pillow's own limit (about 89 MP); its
    # pixels cannot be decoded, so the cap fired before any decoding.
    assert MAX_PIXELS < 8000 * 6000 < Image.MAX_IMAGE_PIXELS
    error = rejection(png_with_undecodable_pixels(8000, 6000))

    assert error.code == "too_many_pixels"


def test_reencode_image_pixel_cap_is_a_parameter():
    error = rejection(image_bytes("PNG", size=(100, 100)), max_pixels=9_999)

    assert error.code == "too_many_pixels"
    assert error.params == {"megapixels": 0}


def test_reencode_image_pillow_bomb_warning_is_a_rejection_whether_or_not_an_error():
    content = png_claiming_size(10_000, 10_000)  # 100 MP: Pillow warns, not raises

    # Warnings are errors in this test run: Pillow's warning is the exception.
    assert rejection(content).code == "too_many_pixels"
    # With warnings shown, as in production, our own cap still rejects it.
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        with pytest.warns(Image.DecompressionBombWarning):
            assert rejection(content).code == "too_many_pixels"


def test_reencode_image_truncated_jpeg_is_rejected():
    content = image_bytes("JPEG", size=(400, 300), color=(1, 2, 3), quality=95)

    error = rejection(content[: len(content) // 2])

    assert error.code == "unreadable"


def test_reencode_image_truncated_png_is_rejected():
    content = image_bytes("PNG", size=(400, 300))

    error = rejection(content[:60])

    assert error.code == "unreadable"


def test_a_truncated_upload_is_refused_even_if_a_library_allowed_truncated_images(monkeypatch):
    """WeasyPrint (the dashboard's PDF) sets Pillow's global LOAD_TRUNCATED_IMAGES on import."""
    from PIL import ImageFile  # noqa: PLC0415

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    content = image_bytes("JPEG", size=(400, 300))

    error = rejection(content[: len(content) // 2])

    assert error.code == "unreadable"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_reencode_image_gif_is_rejected():
    error = rejection(image_bytes("GIF"))

    assert error.code == "unsupported_format"


def test_reencode_image_svg_is_rejected():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    )

    assert rejection(svg).code == "unsupported_format"


def test_reencode_image_bmp_and_tiff_are_rejected():
    assert rejection(image_bytes("BMP")).code == "unsupported_format"
    assert rejection(image_bytes("TIFF")).code == "unsupported_format"


def test_reencode_image_png_with_html_appended_is_re_encoded_without_it():
    payload = b"<html><script>alert(document.cookie)</script></html>"
    content = image_bytes("PNG", size=(64, 64), color=(0, 0, 200)) + payload

    result = reencode_image(upload(content, "avatar.png", "image/png"))

    for rendition in result.renditions.values():
        assert rendition.data.startswith(b"RIFF")
        assert rendition.data[8:12] == b"WEBP"
        assert b"<html" not in rendition.data
        assert b"<script" not in rendition.data
    assert close_to(decode(result.renditions[64].data).getpixel((32, 32)), (0, 0, 200))


def test_reencode_image_png_text_chunk_with_script_is_dropped():
    from PIL.PngImagePlugin import PngInfo  # noqa: PLC0415

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    content = image_bytes("PNG", pnginfo=info)
    assert b"<script>" in content

    result = reencode_image(upload(content, "a.png"))

    assert all(b"<script" not in r.data for r in result.renditions.values())
