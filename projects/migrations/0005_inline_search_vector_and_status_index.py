"""Keep a project's search vector in its row, not in the TOAST table; index the status.

A vector is about 2 kB (every tail of every long word is in it) and does not
compress, so PostgreSQL stored each one out of line: a search read it from the
TOAST table twice per project (once to match, once to rank), and the count
once more. With 2 400 projects that was ~5 ms a pass, ~15 ms a search.
``STORAGE MAIN`` keeps it in the row, and a ``toast_tuple_target`` of a whole
page keeps the other columns there too (otherwise PostgreSQL would move the
tags and sector arrays out of line to bring a row under 2 kB, and the
suggestions on Mijn LEF, which test those arrays for every open project, would
pay for that instead): a pass is ~1-2 ms. The list and cards defer the column.

Rows holding the vector are wider (about 3.5 kB), so what reads every row
costs more. An index on the status, holding the columns that rank projects for
a member, makes those reads index-only scans: the list's count (~0.2 ms
instead of ~1.5 ms) and Mijn LEF's projects for you (~2 ms instead of ~4).

Existing rows are rewritten with the trigger off: the trigger keeps the old
(out-of-line) value when the text did not change.
"""

from django.db import migrations, models

INLINE = """
ALTER TABLE projects_project SET (toast_tuple_target = 8160);
ALTER TABLE projects_project ALTER COLUMN search_vector SET STORAGE MAIN;
ALTER TABLE projects_project DISABLE TRIGGER projects_project_search_vector;
UPDATE projects_project SET search_vector = search_vector || ''::tsvector;
ALTER TABLE projects_project ENABLE TRIGGER projects_project_search_vector;
"""

OUT_OF_LINE = """
ALTER TABLE projects_project ALTER COLUMN search_vector SET STORAGE EXTENDED;
ALTER TABLE projects_project RESET (toast_tuple_target);
"""


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_drop_revision_and_list_generation")]

    operations = [
        migrations.RunSQL(INLINE, OUT_OF_LINE),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["status"],
                include=[
                    "looking_for_sectors",
                    "looking_for_roles",
                    "core_activities",
                    "tags",
                    "last_activity_at",
                    "id",
                ],
                name="projects_status_idx",
            ),
        ),
    ]
