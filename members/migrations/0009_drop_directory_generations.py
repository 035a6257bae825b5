"""Drop the directory's cache machinery; keep the search vector in step.

Dropped (migration 0007 made them): the ``members_directory_generation`` table,
the function ``members_bump_directory_generation`` and its deferred constraint
and TRUNCATE triggers, which raised a site-wide row at the commit of every
write to profiles, users or organisations; and ``Profile.revision``, the
version of a cached directory card (nothing reads it any more).

Kept, without the revision: ``members_profile_before_write`` computes a
profile's search vector on every insert and update, and the user and
organisation triggers recompute it for their profiles when what the vector
holds changes: a member's name, an organisation's name or status (only an
approved organisation's name is searchable). They now fire on those columns
only, no longer on a username, slug, logo or active flag the vector does not
hold.
"""

import importlib

from django.db import migrations

FORWARD = r"""
DROP TRIGGER members_organisation_truncate_generation ON members_organisation;
DROP TRIGGER members_profile_truncate_generation ON members_profile;
DROP TRIGGER members_organisation_generation ON members_organisation;
DROP TRIGGER members_user_listing_generation ON members_user;
DROP TRIGGER members_user_content_generation ON members_user;
DROP TRIGGER members_profile_listing_change_generation ON members_profile;
DROP TRIGGER members_profile_listing_generation ON members_profile;
DROP TRIGGER members_profile_content_generation ON members_profile;
DROP FUNCTION members_bump_directory_generation();
DROP TABLE members_directory_generation;

CREATE OR REPLACE FUNCTION members_profile_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    member_name text;
    org_name text;
    tags text := array_to_string(NEW.expertise, ' ');
BEGIN
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

-- Touching a profile runs members_profile_before_write, which recomputes its vector.
CREATE OR REPLACE FUNCTION members_user_touch_profile() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_profile SET search_vector = NULL WHERE user_id = NEW.id;
    RETURN NULL;
END
$$;

DROP TRIGGER members_user_touch_profile ON members_user;
CREATE TRIGGER members_user_touch_profile
    AFTER UPDATE ON members_user
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION members_user_touch_profile();

CREATE OR REPLACE FUNCTION members_organisation_touch_profiles() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE members_profile SET search_vector = NULL WHERE organisation_id = NEW.id;
    RETURN NULL;
END
$$;

DROP TRIGGER members_organisation_touch_profiles ON members_organisation;
CREATE TRIGGER members_organisation_touch_profiles
    AFTER UPDATE ON members_organisation
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION members_organisation_touch_profiles();
"""


# Back to the state 0007 left: its own SQL, undone and done again.
_LANDED = importlib.import_module("members.migrations.0007_directory_triggers")
BACKWARD = _LANDED.BACKWARD + _LANDED.FORWARD


class Migration(migrations.Migration):
    dependencies = [("members", "0008_profile_listed_index")]

    operations = [
        # First the functions, so no trigger refers to the column when it goes.
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RemoveField(model_name="profile", name="revision"),
    ]
