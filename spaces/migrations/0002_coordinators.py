from django.db import migrations

from lef.coordinators import grant_to_coordinators


def grant(apps, schema_editor):
    # Bookings are changed only through the services (cancel, block): the
    # admin's own add/change forms for them stay closed; "change_booking" is
    # what the cancel and block actions ask for.
    grant_to_coordinators(
        apps,
        schema_editor,
        app_label="spaces",
        codenames=[
            *(f"{verb}_{model}" for verb in ("view", "add", "change", "delete")
              for model in ("space", "openinghours", "closure")),
            "view_resource", "add_resource", "change_resource",
            "view_booking", "change_booking",
        ],
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0001_initial"),
        ("members", "0002_coordinators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
