"""The spaces generation: a number the database raises with every write the spaces pages show.

spaces.caching keys the data of the spaces pages by it.

* Deferred constraint triggers raise ``spaces_generation`` once in every
  transaction that inserts, updates or deletes a booking, block, resource,
  space, opening hours or closure day, or renames an organisation (my bookings
  says "for <organisation>") or a member (coordinators see who booked), at its
  commit, whatever makes the change: a service, the admin, ``update()``, raw
  SQL. TRUNCATE raises it too (the test runner's flush). Deferred to the
  commit, so the row is locked only while committing, never across a
  booking's checks, and the rows and the new number become visible together.
* Until it commits, a transaction that wrote counts its own writes (the
  setting ``spaces.writes``, local to it), so that a read later in the same
  transaction (a test runs in one) does not find what was cached before its
  writes. The site's reads run in transactions of their own and see none.
"""

from django.db import migrations

FORWARD = r"""
CREATE TABLE spaces_generation (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO spaces_generation (name, value) VALUES ('spaces', 1);

CREATE FUNCTION spaces_bump_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction (the setting is local to it).
    IF current_setting('spaces.bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('spaces.bumped', 'on', true);
        INSERT INTO spaces_generation (name, value) VALUES ('spaces', 1)
            ON CONFLICT (name) DO UPDATE SET value = spaces_generation.value + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION spaces_count_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config(
        'spaces.writes',
        (coalesce(nullif(current_setting('spaces.writes', true), ''), '0')::bigint + 1)::text,
        true
    );
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER spaces_organisation_generation
    AFTER UPDATE ON members_organisation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION spaces_bump_generation();

CREATE TRIGGER spaces_organisation_written
    AFTER UPDATE ON members_organisation
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION spaces_count_write();

CREATE CONSTRAINT TRIGGER spaces_user_generation
    AFTER UPDATE ON members_user
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION spaces_bump_generation();

CREATE TRIGGER spaces_user_written
    AFTER UPDATE ON members_user
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION spaces_count_write();

CREATE CONSTRAINT TRIGGER spaces_booking_generation
    AFTER INSERT OR UPDATE OR DELETE ON spaces_booking
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION spaces_bump_generation();

CREATE TRIGGER spaces_booking_written
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON spaces_booking
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_count_write();

CREATE TRIGGER spaces_booking_truncate_generation
    AFTER TRUNCATE ON spaces_booking
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_bump_generation();

CREATE CONSTRAINT TRIGGER spaces_resource_generation
    AFTER INSERT OR UPDATE OR DELETE ON spaces_resource
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION spaces_bump_generation();

CREATE TRIGGER spaces_resource_written
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON spaces_resource
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_count_write();

CREATE TRIGGER spaces_resource_truncate_generation
    AFTER TRUNCATE ON spaces_resource
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_bump_generation();

CREATE CONSTRAINT TRIGGER spaces_space_generation
    AFTER INSERT OR UPDATE OR DELETE ON spaces_space
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION spaces_bump_generation();

CREATE TRIGGER spaces_space_written
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON spaces_space
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_count_write();

CREATE TRIGGER spaces_space_truncate_generation
    AFTER TRUNCATE ON spaces_space
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_bump_generation();

CREATE CONSTRAINT TRIGGER spaces_openinghours_generation
    AFTER INSERT OR UPDATE OR DELETE ON spaces_openinghours
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION spaces_bump_generation();

CREATE TRIGGER spaces_openinghours_written
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON spaces_openinghours
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_count_write();

CREATE TRIGGER spaces_openinghours_truncate_generation
    AFTER TRUNCATE ON spaces_openinghours
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_bump_generation();

CREATE CONSTRAINT TRIGGER spaces_closure_generation
    AFTER INSERT OR UPDATE OR DELETE ON spaces_closure
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION spaces_bump_generation();

CREATE TRIGGER spaces_closure_written
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON spaces_closure
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_count_write();

CREATE TRIGGER spaces_closure_truncate_generation
    AFTER TRUNCATE ON spaces_closure
    FOR EACH STATEMENT EXECUTE FUNCTION spaces_bump_generation();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS spaces_booking_truncate_generation ON spaces_booking;
DROP TRIGGER IF EXISTS spaces_booking_written ON spaces_booking;
DROP TRIGGER IF EXISTS spaces_booking_generation ON spaces_booking;
DROP TRIGGER IF EXISTS spaces_resource_truncate_generation ON spaces_resource;
DROP TRIGGER IF EXISTS spaces_resource_written ON spaces_resource;
DROP TRIGGER IF EXISTS spaces_resource_generation ON spaces_resource;
DROP TRIGGER IF EXISTS spaces_space_truncate_generation ON spaces_space;
DROP TRIGGER IF EXISTS spaces_space_written ON spaces_space;
DROP TRIGGER IF EXISTS spaces_space_generation ON spaces_space;
DROP TRIGGER IF EXISTS spaces_openinghours_truncate_generation ON spaces_openinghours;
DROP TRIGGER IF EXISTS spaces_openinghours_written ON spaces_openinghours;
DROP TRIGGER IF EXISTS spaces_openinghours_generation ON spaces_openinghours;
DROP TRIGGER IF EXISTS spaces_closure_truncate_generation ON spaces_closure;
DROP TRIGGER IF EXISTS spaces_closure_written ON spaces_closure;
DROP TRIGGER IF EXISTS spaces_closure_generation ON spaces_closure;
DROP TRIGGER IF EXISTS spaces_user_written ON members_user;
DROP TRIGGER IF EXISTS spaces_user_generation ON members_user;
DROP TRIGGER IF EXISTS spaces_organisation_written ON members_organisation;
DROP TRIGGER IF EXISTS spaces_organisation_generation ON members_organisation;
DROP FUNCTION IF EXISTS spaces_count_write();
DROP FUNCTION IF EXISTS spaces_bump_generation();
DROP TABLE IF EXISTS spaces_generation;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0002_coordinators"),
        ("members", "0008_profile_listed_index"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
