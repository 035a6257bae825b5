from django.db import migrations

from lef.coordinators import grant_to_coordinators


def grant(apps, schema_editor):
    grant_to_coordinators(
        apps,
        schema_editor,
        app_label="events",
        codenames=["view_venue", "add_venue", "change_venue"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("members", "0002_coordinators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
