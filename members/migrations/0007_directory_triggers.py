"""Derived data the database keeps in step with every write (see members.caching).

* ``members_profile_before_write``: on every insert or update of a profile, its
  search vector is computed (members.search) and, on update, its ``revision``
  goes up (the version of its directory card).
* When a user's name, username or active flag changes, or an organisation's
  name, slug, status, kind or logo, their profiles are touched, which runs the
  trigger above for them.
* ``members_bump_directory_generation``: deferred constraint triggers that
  raise two generations once per committing transaction: ``content`` when a
  profile, a user's shown fields or an organisation changed at all, and
  ``listing`` only when what decides who is listed under which filter changed
  (onboarding, sectors, roles, activities, organisation, openness, visibility,
  the active flag, an organisation's name or status). TRUNCATE raises both,
  for the test runner's flush. Deferred to the commit, so a generation row is
  locked only while committing, never across a transaction's other statements.

Then every existing profile is touched once, so vectors follow the new rule
(an unapproved organisation's name is no longer searchable).
"""

from django.db import migrations

FORWARD = r"""
CREATE TABLE members_directory_generation (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO members_directory_generation (name, value) VALUES ('content', 1), ('listing', 1);

CREATE FUNCTION members_profile_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    member_name text;
    org_name text;
    tags text := array_to_string(NEW.expertise, ' ');
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.revision := OLD.revision + 1;
    END IF;
    SELECT u.name INTO member_name FROM members_user AS u WHERE u.id = NEW.user_id;
    SELECT o.name INTO org_name FROM members_organisation AS o
        WHERE o.id = NEW.organisation_id AND o.status = 'approved';
    member_name := coalesce(member_name, '');
    org_name := coalesce(org_name, '');
    NEW.search_vector :=
           setweight(to_tsvector('simple', member_name), 'A')
        || setweight(to_tsvector('dutch', tags), 'A')
        || setweight(to_tsvector('english', tags), 'A')
        || setweight(to_tsvector('dutch', org_name || ' ' || NEW.job_title), 'B')
        || setweight(to_tsvector('simple', org_name), 'B')
        || setweight(to_tsvector('dutch', NEW.bio || ' ' || NEW.looking_for), 'C')
        || setweight(to_tsvector('english', NEW.bio || ' ' || NEW.looking_for), 'C')
        || setweight(to_tsvector('dutch', lef_word_parts(
               tags || ' ' || org_name || ' ' || NEW.job_title || ' '
               || NEW.bio || ' ' || NEW.looking_for)), 'D');
    RETURN NEW;
END
$$;

CREATE TRIGGER members_profile_before_write
    BEFORE INSERT OR UPDATE ON members_profile
    FOR EACH ROW EXECUTE FUNCTION members_profile_before_write();

CREATE FUNCTION members_user_touch_profile() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_profile SET revision = revision WHERE user_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER members_user_touch_profile
    AFTER UPDATE ON members_user
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name
          OR OLD.username IS DISTINCT FROM NEW.username
          OR OLD.is_active IS DISTINCT FROM NEW.is_active)
    EXECUTE FUNCTION members_user_touch_profile();

CREATE FUNCTION members_organisation_touch_profiles() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_profile SET revision = revision WHERE organisation_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER members_organisation_touch_profiles
    AFTER UPDATE ON members_organisation
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name
          OR OLD.slug IS DISTINCT FROM NEW.slug
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.kind IS DISTINCT FROM NEW.kind
          OR OLD.logo IS DISTINCT FROM NEW.logo)
    EXECUTE FUNCTION members_organisation_touch_profiles();

CREATE FUNCTION members_bump_directory_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    generation text;
BEGIN
    -- TG_ARGV: the generations to raise, each once per transaction (the
    -- setting is local to it).
    FOREACH generation IN ARRAY TG_ARGV LOOP
        IF current_setting('members.bumped_' || generation, true) IS DISTINCT FROM 'on' THEN
            PERFORM set_config('members.bumped_' || generation, 'on', true);
            INSERT INTO members_directory_generation (name, value) VALUES (generation, 1)
                ON CONFLICT (name) DO UPDATE
                SET value = members_directory_generation.value + 1;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER members_profile_content_generation
    AFTER INSERT OR UPDATE OR DELETE ON members_profile
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION members_bump_directory_generation('content');

CREATE CONSTRAINT TRIGGER members_profile_listing_generation
    AFTER INSERT OR DELETE ON members_profile
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION members_bump_directory_generation('listing');

CREATE CONSTRAINT TRIGGER members_profile_listing_change_generation
    AFTER UPDATE ON members_profile
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.onboarded_at IS DISTINCT FROM NEW.onboarded_at
          OR OLD.primary_sector IS DISTINCT FROM NEW.primary_sector
          OR OLD.other_sectors IS DISTINCT FROM NEW.other_sectors
          OR OLD.roles IS DISTINCT FROM NEW.roles
          OR OLD.core_activities IS DISTINCT FROM NEW.core_activities
          OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
          OR OLD.open_to_collaboration IS DISTINCT FROM NEW.open_to_collaboration
          OR OLD.visibility IS DISTINCT FROM NEW.visibility)
    EXECUTE FUNCTION members_bump_directory_generation('listing');

CREATE CONSTRAINT TRIGGER members_user_content_generation
    AFTER UPDATE ON members_user
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name
          OR OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION members_bump_directory_generation('content');

CREATE CONSTRAINT TRIGGER members_user_listing_generation
    AFTER UPDATE ON members_user
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active)
    EXECUTE FUNCTION members_bump_directory_generation('content', 'listing');

CREATE CONSTRAINT TRIGGER members_organisation_generation
    AFTER INSERT OR UPDATE OR DELETE ON members_organisation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION members_bump_directory_generation('content', 'listing');

CREATE TRIGGER members_profile_truncate_generation
    AFTER TRUNCATE ON members_profile
    FOR EACH STATEMENT EXECUTE FUNCTION members_bump_directory_generation('content', 'listing');

CREATE TRIGGER members_organisation_truncate_generation
    AFTER TRUNCATE ON members_organisation
    FOR EACH STATEMENT EXECUTE FUNCTION members_bump_directory_generation('content', 'listing');

UPDATE members_profile SET revision = revision;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS members_organisation_truncate_generation ON members_organisation;
DROP TRIGGER IF EXISTS members_profile_truncate_generation ON members_profile;
DROP TRIGGER IF EXISTS members_organisation_generation ON members_organisation;
DROP TRIGGER IF EXISTS members_user_listing_generation ON members_user;
DROP TRIGGER IF EXISTS members_user_content_generation ON members_user;
DROP TRIGGER IF EXISTS members_profile_listing_change_generation ON members_profile;
DROP TRIGGER IF EXISTS members_profile_listing_generation ON members_profile;
DROP TRIGGER IF EXISTS members_profile_content_generation ON members_profile;
DROP FUNCTION IF EXISTS members_bump_directory_generation();
DROP TRIGGER IF EXISTS members_organisation_touch_profiles ON members_organisation;
DROP FUNCTION IF EXISTS members_organisation_touch_profiles();
DROP TRIGGER IF EXISTS members_user_touch_profile ON members_user;
DROP FUNCTION IF EXISTS members_user_touch_profile();
DROP TRIGGER IF EXISTS members_profile_before_write ON members_profile;
DROP FUNCTION IF EXISTS members_profile_before_write();
DROP TABLE IF EXISTS members_directory_generation;
"""


class Migration(migrations.Migration):
    dependencies = [("members", "0006_profile_revision_language_validators")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
