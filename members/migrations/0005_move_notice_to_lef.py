from django.db import migrations


class Migration(migrations.Migration):
    """Notices moved to lef (lef.models.Notice): every app sends them.

    Only Django's picture of the models changes here; lef's migration 0002
    takes over the table and renames it.
    """

    dependencies = [("members", "0004_user_name_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notice")],
            database_operations=[],
        )
    ]
