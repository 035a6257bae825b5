from django.db import migrations

# The directory's and the spaces pages' caches are gone (pages read the
# database); createcachetable made their tables (migrations 0004 and 0006).
FORWARD = """
DROP TABLE IF EXISTS lef_directory_cache;
DROP TABLE IF EXISTS lef_spaces_cache;
"""


class Migration(migrations.Migration):
    dependencies = [("lef", "0006_spaces_cache_table")]

    # Going back needs nothing: createcachetable (lef 0004, 0006) makes tables
    # only for caches in settings, and there are none besides the default now.
    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
