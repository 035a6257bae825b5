"""lef_word_parts makes tails of words of at most 40 letters, of the first 500 such words.

Before, one very long word gave tails with the square of its length: a 500
(tsvector too long) or an out-of-memory error on saving a profile or project.
Rows keep their search vectors: for words people write, the tails are the same.
"""

from django.db import migrations

from members.search import WORD_PARTS_FUNCTION

UNBOUNDED = r"""
CREATE OR REPLACE FUNCTION lef_word_parts(doc text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(substr(w, i), ' '), '')
  FROM regexp_split_to_table(lower(coalesce(doc, '')), '[^[:alnum:]]+') AS w,
       generate_series(2, greatest(length(w) - 3, 2)) AS i
  WHERE length(w) >= 8 AND i <= length(w) - 3
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("members", "0015_organisation_declined")]

    operations = [migrations.RunSQL(WORD_PARTS_FUNCTION, UNBOUNDED)]
