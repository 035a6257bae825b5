"""Logos and avatars are stored through lef.images: a stem in the row, sizes beside it.

Avatars were stored that way already. A logo's row named one WebP file
("organisations/<hex>.webp", the 240 px fit). Each
such file is stored again under a new stem as its 240 size; the old file,
no longer named by any row, goes with the next ``manage.py sweep_images``. A
name whose file is missing or unreadable is left as it was (it showed nothing
before either).
"""

import re
import secrets
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations
from PIL import Image

import lef.images

FOLDER, SIZE = "organisations", 240
STEM = re.compile(r"\A[a-z][a-z0-9_]*/[0-9a-f]{2}/[0-9a-f]{32}\Z")


def adopted(name: str) -> str | None:
    """A new stem holding ``name``'s picture in the one size, or None to leave it."""
    if STEM.match(name) or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as old:
        data = old.read()
    try:
        with Image.open(BytesIO(data)) as image:
            ours = image.format == "WEBP" and max(image.size) <= SIZE
        if not ours:  # not what the admin's check wrote: re-encode it as uploads are
            reencoded = lef.images.reencode_image(BytesIO(data), sizes=(SIZE,), square=False)
            data = reencoded.renditions[SIZE].data
    except (OSError, lef.images.ImageRejected):
        return None
    token = secrets.token_hex(16)
    stem = f"{FOLDER}/{token[:2]}/{token}"
    default_storage.save(f"{stem}-{SIZE}.webp", ContentFile(data))
    return stem


def forwards(apps, schema_editor):
    Organisation = apps.get_model("members", "Organisation")
    for pk, name in Organisation.objects.exclude(logo="").values_list("pk", "logo"):
        stem = adopted(name)
        if stem:
            Organisation.objects.filter(pk=pk).update(logo=stem)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0013_plain_text_validators"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="logo",
            field=lef.images.StoredImageField(verbose_name="logo"),
        ),
        migrations.AlterField(
            model_name="profile",
            name="avatar",
            field=lef.images.StoredImageField(
                help_text="Storage name stem of the avatar; sizes are stored beside it.",
                verbose_name="avatar",
            ),
        ),
        # Backwards the rows keep their stems; the old single files may be swept by then.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
