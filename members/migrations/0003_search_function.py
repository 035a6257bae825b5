from django.db import migrations

from members.search import WORD_PARTS_FUNCTION


class Migration(migrations.Migration):
    dependencies = [("members", "0002_coordinators_group")]

    operations = [
        migrations.RunSQL(WORD_PARTS_FUNCTION, "DROP FUNCTION IF EXISTS lef_word_parts(text);"),
    ]
