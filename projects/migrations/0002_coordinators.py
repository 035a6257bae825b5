from django.db import migrations

from lef.coordinators import grant_to_coordinators

CODENAMES = [
    "view_project",
    "change_project",
    "feature_project",
    "view_membership",
    "view_projectupdate",
    "change_projectupdate",
]


def grant(apps, schema_editor):
    grant_to_coordinators(apps, schema_editor, app_label="projects", codenames=CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("members", "0002_coordinators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
