"""Result.search_vector, computed by the database whenever a result row is written.

As for projects (projects migration 0001): a trigger fills the vector from the
row's own columns on every insert and update, whatever writes it (a service,
the admin, ``update()``, the extraction task, raw SQL), so it cannot go stale.
The title weighs most (A; also unstemmed, 'simple', for names), the summary and
what the team learned next (B), the project's title after that (C); the words
inside the file and the tails of long Dutch compounds (``lef_word_parts``,
members.search, so that "onderzoek" finds "praktijkonderzoek") count least and
are stored stripped, without positions: a file's positions made the vector some
15 kB, read from TOAST for every row a search tests (150 ms to count the
matches of a common word in 5 000 results); stripped, it is a tenth of that.
Dutch and English stemming, as the directory and the project list.

The project's title is read from its row; when a project is renamed, a
trigger on projects_project touches its results, and the result trigger,
fired from inside another trigger, recomputes their vectors.
"""

from django.db import migrations

# Never index more of a file's text than this: a tsvector holds at most 1 MB.
MAX_INDEXED_FILE_TEXT = 200_000

FORWARD = rf"""
CREATE FUNCTION knowledge_result_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    project_title text;
    body text;
    file_words text;
BEGIN
    IF TG_OP = 'UPDATE' AND pg_trigger_depth() = 1
            AND OLD.search_vector IS NOT NULL AND NEW.search_vector IS NOT NULL
            AND NEW.title IS NOT DISTINCT FROM OLD.title
            AND NEW.summary IS NOT DISTINCT FROM OLD.summary
            AND NEW.learned IS NOT DISTINCT FROM OLD.learned
            AND NEW.file_text IS NOT DISTINCT FROM OLD.file_text
            AND NEW.project_id IS NOT DISTINCT FROM OLD.project_id THEN
        -- The text did not change (a download counted, hidden, a new licence):
        -- keep the vector, even if the statement tried to overwrite it. (Setting
        -- it to NULL asks for it to be computed again.)
        NEW.search_vector := OLD.search_vector;
        RETURN NEW;
    END IF;
    SELECT p.title INTO project_title FROM projects_project AS p WHERE p.id = NEW.project_id;
    body := NEW.summary || ' ' || NEW.learned;
    project_title := coalesce(project_title, '');
    file_words := left(NEW.file_text, {MAX_INDEXED_FILE_TEXT});
    NEW.search_vector :=
           setweight(to_tsvector('simple', NEW.title), 'A')
        || setweight(to_tsvector('dutch', NEW.title), 'A')
        || setweight(to_tsvector('english', NEW.title), 'A')
        || setweight(to_tsvector('dutch', body), 'B')
        || setweight(to_tsvector('english', body), 'B')
        || setweight(to_tsvector('dutch', project_title), 'C')
        || setweight(to_tsvector('english', project_title), 'C')
        || strip(to_tsvector('dutch', file_words))
        || strip(to_tsvector('english', file_words))
        || strip(to_tsvector('dutch', lef_word_parts(
               NEW.title || ' ' || body || ' ' || project_title || ' ' || file_words)));
    RETURN NEW;
END
$$;

CREATE TRIGGER knowledge_result_search_vector
    BEFORE INSERT OR UPDATE ON knowledge_result
    FOR EACH ROW EXECUTE FUNCTION knowledge_result_search_vector();

CREATE FUNCTION knowledge_project_touch_results() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE knowledge_result SET project_id = project_id WHERE project_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER knowledge_project_touch_results
    AFTER UPDATE ON projects_project
    FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION knowledge_project_touch_results();

-- Rows written before the trigger: setting the vector to NULL computes it.
UPDATE knowledge_result SET search_vector = NULL;
"""  # noqa: S608 -- one constant number, no input

BACKWARD = """
DROP TRIGGER IF EXISTS knowledge_project_touch_results ON projects_project;
DROP FUNCTION IF EXISTS knowledge_project_touch_results();
DROP TRIGGER IF EXISTS knowledge_result_search_vector ON knowledge_result;
DROP FUNCTION IF EXISTS knowledge_result_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        # lef_word_parts(), bounded.
        ("members", "0016_word_parts_bounded"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
