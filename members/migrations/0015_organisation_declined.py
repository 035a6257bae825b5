"""A proposed organisation can be declined by a coordinator (kept, with this status)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0014_stored_images"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("approved", "Approved"),
                    ("merged", "Merged into another"),
                    ("declined", "Declined"),
                ],
                default="proposed",
                max_length=10,
                verbose_name="status",
            ),
        ),
    ]
