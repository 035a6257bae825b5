from django.db import migrations

from lef.coordinators import grant_to_coordinators

CODENAMES = [
    "view_user",
    "change_user",
    "view_profile",
    "change_profile",
    "view_organisation",
    "add_organisation",
    "change_organisation",
    "view_contactmessage",
]


def create_group(apps, schema_editor):
    grant_to_coordinators(apps, schema_editor, app_label="members", codenames=CODENAMES)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Coordinators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
