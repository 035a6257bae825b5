"""What cached parts of the project pages are named by, kept in step by the database.

* ``projects_project.revision`` goes up on every update of the row (a BEFORE
  trigger); a change to a membership or an update of the project, or to what
  the page shows of someone on its team or who wrote one of its updates (name,
  username, active flag, photo, sector, profile visibility), touches the
  project row, which raises it. The project page's cached parts are keyed by it.
* ``projects_generation`` ('list') goes up once in every transaction that
  changes what the list shows, at its commit (deferred constraint triggers, as
  members does for its directory): a project row inserted, deleted or changed
  in more than its revision (a touch from its team or updates changes nothing
  the list shows), a membership, or a profile's primary sector (the team's
  sector mix). The cached pages of the project list, and the projects
  suggested to a member, are keyed by it.

No write path can forget them: a form, a service, the admin, ``update()`` or
raw SQL all go through the triggers (tests/projects/test_caching.py).
"""

from django.db import migrations, models

FORWARD = r"""
CREATE TABLE projects_generation (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO projects_generation (name, value) VALUES ('list', 1);

CREATE FUNCTION projects_project_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER projects_project_revision
    BEFORE UPDATE ON projects_project
    FOR EACH ROW EXECUTE FUNCTION projects_project_revision();

CREATE FUNCTION projects_touch_project() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE projects_project SET revision = revision WHERE id = OLD.project_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.project_id IS DISTINCT FROM OLD.project_id) THEN
        UPDATE projects_project SET revision = revision WHERE id = NEW.project_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_membership_touch_project
    AFTER INSERT OR UPDATE OR DELETE ON projects_membership
    FOR EACH ROW EXECUTE FUNCTION projects_touch_project();

CREATE TRIGGER projects_update_touch_project
    AFTER INSERT OR UPDATE OR DELETE ON projects_projectupdate
    FOR EACH ROW EXECUTE FUNCTION projects_touch_project();

-- A person as a project page shows them (on its team, or as the author of an
-- update): name, username (the link), active flag, photo, sector, and whether
-- visitors may see who it is. A change to any of these touches their projects;
-- a new job title or bio does not (the page does not show them).
CREATE FUNCTION projects_person_touch_projects() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    person bigint;
BEGIN
    IF TG_TABLE_NAME = 'members_user' THEN
        person := NEW.id;
    ELSE
        person := NEW.user_id;
    END IF;
    UPDATE projects_project SET revision = revision
    WHERE id IN (
        SELECT project_id FROM projects_membership
        WHERE member_id = person AND status = 'active'
        UNION
        SELECT project_id FROM projects_projectupdate WHERE author_id = person
    );
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_profile_touch_projects
    AFTER UPDATE ON members_profile
    FOR EACH ROW
    WHEN (OLD.avatar IS DISTINCT FROM NEW.avatar
          OR OLD.primary_sector IS DISTINCT FROM NEW.primary_sector
          OR OLD.visibility IS DISTINCT FROM NEW.visibility)
    EXECUTE FUNCTION projects_person_touch_projects();

CREATE TRIGGER projects_user_touch_projects
    AFTER UPDATE ON members_user
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name
          OR OLD.username IS DISTINCT FROM NEW.username
          OR OLD.is_active IS DISTINCT FROM NEW.is_active)
    EXECUTE FUNCTION projects_person_touch_projects();

CREATE FUNCTION projects_bump_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    compared projects_project;
BEGIN
    IF TG_TABLE_NAME = 'projects_project' AND TG_OP = 'UPDATE' THEN
        compared := NEW;
        compared.revision := OLD.revision;
        IF compared IS NOT DISTINCT FROM OLD THEN
            -- Only touched (by its team, its updates or their profiles): the
            -- list shows none of that, memberships and sectors bump on their own.
            RETURN NULL;
        END IF;
    END IF;
    -- Once per transaction (the setting is local to it).
    IF current_setting('projects.bumped_list', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('projects.bumped_list', 'on', true);
        UPDATE projects_generation SET value = value + 1 WHERE name = 'list';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER projects_project_generation
    AFTER INSERT OR UPDATE OR DELETE ON projects_project
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION projects_bump_generation();

CREATE CONSTRAINT TRIGGER projects_membership_generation
    AFTER INSERT OR UPDATE OR DELETE ON projects_membership
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION projects_bump_generation();

CREATE CONSTRAINT TRIGGER projects_profile_sector_generation
    AFTER UPDATE ON members_profile
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.primary_sector IS DISTINCT FROM NEW.primary_sector)
    EXECUTE FUNCTION projects_bump_generation();

CREATE TRIGGER projects_project_truncate_generation
    AFTER TRUNCATE ON projects_project
    FOR EACH STATEMENT EXECUTE FUNCTION projects_bump_generation();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS projects_project_truncate_generation ON projects_project;
DROP TRIGGER IF EXISTS projects_profile_sector_generation ON members_profile;
DROP TRIGGER IF EXISTS projects_membership_generation ON projects_membership;
DROP TRIGGER IF EXISTS projects_project_generation ON projects_project;
DROP FUNCTION IF EXISTS projects_bump_generation();
DROP TRIGGER IF EXISTS projects_user_touch_projects ON members_user;
DROP TRIGGER IF EXISTS projects_profile_touch_projects ON members_profile;
DROP FUNCTION IF EXISTS projects_person_touch_projects();
DROP TRIGGER IF EXISTS projects_update_touch_project ON projects_projectupdate;
DROP TRIGGER IF EXISTS projects_membership_touch_project ON projects_membership;
DROP FUNCTION IF EXISTS projects_touch_project();
DROP TRIGGER IF EXISTS projects_project_revision ON projects_project;
DROP FUNCTION IF EXISTS projects_project_revision();
DROP TABLE IF EXISTS projects_generation;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_coordinators"),
        # members_profile.revision and the triggers that raise it.
        ("members", "0007_directory_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="revision",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
