from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Spaces got a cache of its own (spaces.fragments); createcachetable
    # creates every configured cache table that does not exist yet.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("lef", "0005_calendar_feed")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
