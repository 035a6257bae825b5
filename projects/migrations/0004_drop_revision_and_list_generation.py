"""Drop what named the cached parts of the project pages (migration 0003).

The pages are now rendered from their queries, so nothing reads a project's
``revision`` or the list's generation any more: the generation table, the
deferred triggers that bumped it at every write transaction's commit, the
triggers that touched a project row on every change to its team, its updates
or their people's profiles, and the revision column go.

The search vector trigger of migration 0001 stays: it keeps derived data that
must never go stale in step with the row, whatever writes it.
"""

import importlib

from django.db import migrations

# Undoing this migration puts back what 0003 made (after the column is back).
_0003 = importlib.import_module("projects.migrations.0003_revision_and_list_generation")

DROP = r"""
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
        ("projects", "0003_revision_and_list_generation"),
    ]

    operations = [
        migrations.RunSQL(DROP, _0003.FORWARD),
        migrations.RemoveField(model_name="project", name="revision"),
    ]
