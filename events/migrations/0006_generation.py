"""The meetups' generation: a number the database raises with every write to meetups.

events.caching keys what Mijn LEF and member profiles show of meetups by it.

* Deferred constraint triggers raise ``events_generation`` once in every
  transaction that inserts, updates or deletes a meetup, a sign-up or a venue,
  at its commit, whatever makes the change: a service, the admin,
  ``update()``, raw SQL. TRUNCATE raises it too (the test runner's flush).
  Deferred to the commit, so the row is locked only while committing, never
  across a sign-up's checks, and the rows and the new number become visible
  together.
* Until it commits, a transaction that wrote counts its own writes (the
  setting ``events.writes``, local to it), so that a read later in the same
  transaction (a test runs in one) does not find what was cached before its
  writes. The site's reads run in transactions of their own and see none.

The same mechanism as spaces migration 0003.
"""

from django.db import migrations

TABLES = ("events_event", "events_registration", "events_venue")

FUNCTIONS = r"""
CREATE TABLE events_generation (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO events_generation (name, value) VALUES ('events', 1);

CREATE FUNCTION events_bump_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction (the setting is local to it).
    IF current_setting('events.bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('events.bumped', 'on', true);
        INSERT INTO events_generation (name, value) VALUES ('events', 1)
            ON CONFLICT (name) DO UPDATE SET value = events_generation.value + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION events_count_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config(
        'events.writes',
        (coalesce(nullif(current_setting('events.writes', true), ''), '0')::bigint + 1)::text,
        true
    );
    RETURN NULL;
END
$$;
"""

TRIGGERS = r"""
CREATE CONSTRAINT TRIGGER {table}_generation
    AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION events_bump_generation();

CREATE TRIGGER {table}_written
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION events_count_write();

CREATE TRIGGER {table}_truncate_generation
    AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION events_bump_generation();
"""

DROP_TRIGGERS = r"""
DROP TRIGGER IF EXISTS {table}_truncate_generation ON {table};
DROP TRIGGER IF EXISTS {table}_written ON {table};
DROP TRIGGER IF EXISTS {table}_generation ON {table};
"""

FORWARD = FUNCTIONS + "".join(TRIGGERS.format(table=table) for table in TABLES)
BACKWARD = "".join(DROP_TRIGGERS.format(table=table) for table in TABLES) + (
    "DROP FUNCTION IF EXISTS events_count_write();\n"
    "DROP FUNCTION IF EXISTS events_bump_generation();\n"
    "DROP TABLE IF EXISTS events_generation;\n"
)


class Migration(migrations.Migration):
    dependencies = [("events", "0005_event_start_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
