"""Space and resource photos are stored through lef.images: a stem in the row, sizes beside it.

Before, a row named one WebP file ("spaces/<slug>.webp", the 1200 px fit;
a replaced photo's file was never deleted). Each
such file is stored again under a new stem as its 1200 size; the old file,
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

FOLDER, SIZE = "spaces", 1200
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
    for model_name in ("Space", "Resource"):
        model = apps.get_model("spaces", model_name)
        for pk, name in model.objects.exclude(photo="").values_list("pk", "photo"):
            stem = adopted(name)
            if stem:
                model.objects.filter(pk=pk).update(photo=stem)


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0006_desk_member_quota"),
    ]

    operations = [
        migrations.AlterField(
            model_name="resource",
            name="photo",
            field=lef.images.StoredImageField(verbose_name="photo"),
        ),
        migrations.AlterField(
            model_name="space",
            name="photo",
            field=lef.images.StoredImageField(verbose_name="photo"),
        ),
        # Backwards the rows keep their stems; the old single files may be swept by then.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
