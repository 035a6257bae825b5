"""Full-text search over profiles with PostgreSQL's Dutch configuration.

Dutch glues words together ("praktijkonderzoek"), and the embedded PostgreSQL has
no pg_trgm, so substring search is built from plain text search:

* the document also holds every tail (suffix of four or more letters) of each
  long word, via the SQL function ``lef_word_parts`` (migration 0003), so
  "onderzoek" is a lexeme of a profile that says "praktijkonderzoek";
* each query word is matched as a prefix (``word:*``), so "praktijk" finds it too;
* words are stemmed as Dutch and as English, so "onderzoeken" and "researchers"
  both match, and names are indexed unstemmed ('simple').

The vector is a stored column with a GIN index, refreshed by
``refresh_search_vectors`` whenever a profile (or an organisation's name) changes.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery
from django.db import connection

from members.caching import directory_changed

WORD_PARTS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION lef_word_parts(doc text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(substr(w, i), ' '), '')
  FROM regexp_split_to_table(lower(coalesce(doc, '')), '[^[:alnum:]]+') AS w,
       generate_series(2, greatest(length(w) - 3, 2)) AS i
  WHERE length(w) >= 8 AND i <= length(w) - 3
$$;
"""

_REFRESH_SQL = """
UPDATE members_profile AS p SET search_vector =
    setweight(to_tsvector('simple', src.name), 'A')
 || setweight(to_tsvector('dutch', array_to_string(p.expertise, ' ')), 'A')
 || setweight(to_tsvector('english', array_to_string(p.expertise, ' ')), 'A')
 || setweight(to_tsvector('dutch', src.org || ' ' || p.job_title), 'B')
 || setweight(to_tsvector('simple', src.org), 'B')
 || setweight(to_tsvector('dutch', p.bio || ' ' || p.looking_for), 'C')
 || setweight(to_tsvector('english', p.bio || ' ' || p.looking_for), 'C')
 || setweight(to_tsvector('dutch', lef_word_parts(
        array_to_string(p.expertise, ' ') || ' ' || src.org || ' '
        || p.job_title || ' ' || p.bio || ' ' || p.looking_for)), 'D')
FROM (
    SELECT pp.user_id, u.name, coalesce(o.name, '') AS org
    FROM members_profile AS pp
    JOIN members_user AS u ON u.id = pp.user_id
    LEFT JOIN members_organisation AS o ON o.id = pp.organisation_id
) AS src
WHERE src.user_id = p.user_id
"""

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8


def refresh_search_vectors(
    *, user_ids: Iterable[int] | None = None, organisation_id: int | None = None
) -> int:
    """Recompute the search vector of some profiles (all when no filter is given).

    Returns the number of profiles updated. One SQL statement, so it is cheap to
    call after every profile save and fine for a bulk refresh after seeding. Every
    profile change passes here, so it also invalidates the cached directory reads.
    """
    sql, params = _REFRESH_SQL, []
    if user_ids is not None:
        sql += " AND p.user_id = ANY(%s)"
        params.append(list(user_ids))
    if organisation_id is not None:
        sql += " AND p.organisation_id = %s"
        params.append(organisation_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        updated = cursor.rowcount
    directory_changed()
    return updated


def search_words(text: str) -> list[str]:
    """The words of a query, lower-cased, at most MAX_QUERY_WORDS of them."""
    return [w.lower() for w in _WORD.findall(text or "")][:MAX_QUERY_WORDS]


def build_query(text: str) -> SearchQuery | None:
    """A tsquery in which every word must match, as a Dutch, English or plain prefix."""
    combined = None
    for word in search_words(text):
        term = f"{word}:*"  # \w+ only, so no tsquery syntax can sneak in
        either = (
            SearchQuery(term, search_type="raw", config="dutch")
            | SearchQuery(term, search_type="raw", config="english")
            | SearchQuery(term, search_type="raw", config="simple")
        )
        combined = either if combined is None else combined & either
    return combined
