"""The security findings of the members review, each reproduced and shown fixed.

Every test here failed on the code the review tested (issue 6, point 6). The
others now live beside the code they exercise; this last one goes next.
"""

import time
from io import BytesIO

import pytest

from lef.images import ImageRejected, reencode_image
from members.avatars import AVATAR_MAX_PIXELS
from tests.members.factories_avatars import png_claiming_size


def test_avatar_pixel_cap_refuses_a_crafted_huge_png_before_decoding():
    """A 6 300 x 6 300 PNG cost 2-3 s of CPU per upload; now its header is enough."""
    started = time.perf_counter()

    with pytest.raises(ImageRejected) as rejected:
        reencode_image(BytesIO(png_claiming_size(6300, 6300)), max_pixels=AVATAR_MAX_PIXELS)

    assert rejected.value.code == "too_many_pixels"
    assert time.perf_counter() - started < 0.5
    assert 6300 * 6300 > AVATAR_MAX_PIXELS >= 4032 * 3024  # a 12 MP phone photo fits
