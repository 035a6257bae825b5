"""Full-text search over profiles with PostgreSQL's Dutch configuration.

Dutch glues words together ("praktijkonderzoek"), and the embedded PostgreSQL has
no pg_trgm, so substring search is built from plain text search:

* the document also holds every tail (suffix of four or more letters) of each
  long word, via the SQL function ``lef_word_parts`` (migration 0003), so
  "onderzoek" is a lexeme of a profile that says "praktijkonderzoek";
* each query word is matched as a prefix (``word:*``), so "praktijk" finds it too;
* words are stemmed as Dutch and as English, so "onderzoeken" and "researchers"
  both match, and names are indexed unstemmed ('simple').

The vector is a stored column with a GIN index, computed by the database
(``members_profile_before_write``, migration 0006) whenever a profile row is
written, and recomputed when its user's name or its organisation's name or
status changes. An organisation's name is in the vector only while the
organisation is approved: a proposal's name is for its proposer and the
coordinators only, so a search must not reveal it.
"""

import re

from django.contrib.postgres.search import SearchQuery

WORD_PARTS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION lef_word_parts(doc text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(substr(w, i), ' '), '')
  FROM regexp_split_to_table(lower(coalesce(doc, '')), '[^[:alnum:]]+') AS w,
       generate_series(2, greatest(length(w) - 3, 2)) AS i
  WHERE length(w) >= 8 AND i <= length(w) - 3
$$;
"""

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8


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
