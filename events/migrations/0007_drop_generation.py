"""Drop the meetups' generation: the pages read the database, not a cache keyed by it.

Dropped (migration 0006 made them): the ``events_generation`` table; the
function ``events_bump_generation`` with its deferred constraint triggers
(``<table>_generation``) and TRUNCATE triggers on meetups, sign-ups and venues,
which raised one site-wide row at the commit of every such write (every
sign-up queued on it); and the write counter ``events_count_write`` with its
``<table>_written`` triggers, which kept the setting ``events.writes``.

Kept: the constraints and indexes of 0001-0005; no derived data of events is
kept by triggers. Going back runs 0006's SQL again.
"""

import importlib

from django.db import migrations

generation = importlib.import_module("events.migrations.0006_generation")


class Migration(migrations.Migration):
    dependencies = [("events", "0006_generation")]

    operations = [migrations.RunSQL(generation.BACKWARD, generation.FORWARD)]
