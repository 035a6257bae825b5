from django.db import migrations

from lef.coordinators import grant_to_coordinators

PLNT = {
    "name": "PLNT",
    "address": "Langegracht 70",
    "city": "Leiden",
    "description": "Broedplaats voor ondernemerschap en innovatie in Leiden.",
    "website": "https://www.plnt.nl",
}


def seed_plnt(apps, schema_editor):
    """Most meetups are at PLNT: production needs it as much as the demo does."""
    Venue = apps.get_model("events", "Venue")
    venue, created = Venue.objects.get_or_create(slug="plnt", defaults=PLNT)
    if not created and not venue.address:
        venue.address = PLNT["address"]
        venue.city = PLNT["city"]
        venue.save(update_fields=["address", "city"])


def grant(apps, schema_editor):
    # Coordinators run meetups from the back office. Registrations are changed
    # through the admin's actions (which call the services); they are never
    # deleted by coordinators: cancelling keeps the row.
    grant_to_coordinators(
        apps,
        schema_editor,
        app_label="events",
        codenames=[
            "view_event",
            "add_event",
            "change_event",
            "delete_event",
            "view_registration",
            "change_registration",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_events_and_registrations"),
        ("members", "0002_coordinators_group"),
    ]

    operations = [
        migrations.RunPython(seed_plnt, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
