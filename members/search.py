"""Full-text search over profiles with PostgreSQL's Dutch configuration.

Dutch glues words together ("praktijkonderzoek"), and the embedded PostgreSQL has
no pg_trgm, so substring search is built from plain text search:

* the document also holds every tail (suffix of four or more letters) of each
  long word, via the SQL function ``lef_word_parts`` (migrations 0003 and 0016), so
  "onderzoek" is a lexeme of a profile that says "praktijkonderzoek";
* each query word is matched as a prefix (``word:*``), so "praktijk" finds it too;
* words are stemmed as Dutch and as English, so "onderzoeken" and "researchers"
  both match, and names are indexed unstemmed ('simple');
* a search forgives: a row matches when any of the words does, and those that
  match more of the words come first (:func:`words_matched`; in a search too
  broad to rank, those that match every word: :func:`every_word_first`), so
  "wiskunde brugklas" finds everyone who wrote either word, both first,
  instead of only those who happen to use both.

The vector is a stored column with a GIN index, computed by the database
(``members_profile_before_write``, migration 0006) whenever a profile row is
written, and recomputed when its user's name or its organisation's name or
status changes. An organisation's name is in the vector only while the
organisation is approved: a proposal's name is for its proposer and the
coordinators only, so a search must not reveal it.
"""

import re
from collections.abc import Sequence

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db.models import F, Func, IntegerField, QuerySet, Value

# The tails of a word grow with the square of its length: one word of 5000
# letters gave 12 MB of tails, past PostgreSQL's 1 MB for a tsvector (a 500 on
# saving a profile), and one of 100 000 letters ran the server out of memory.
# So only words of at most MAX_PART_WORD letters get tails (the longest Dutch
# compounds anyone types are shorter), and only the first MAX_PART_WORDS such
# words of a document: at most some 400 kB of tails, whatever is written.
MAX_PART_WORD = 40
MAX_PART_WORDS = 500

WORD_PARTS_FUNCTION = rf"""
CREATE OR REPLACE FUNCTION lef_word_parts(doc text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(substr(w, i), ' ' ORDER BY n, i), '')
  FROM (
    SELECT w, n
    FROM regexp_split_to_table(lower(coalesce(doc, '')), '[^[:alnum:]]+')
         WITH ORDINALITY AS words(w, n)
    WHERE length(w) BETWEEN 8 AND {MAX_PART_WORD}
    ORDER BY n
    LIMIT {MAX_PART_WORDS}
  ) AS long_words,
  generate_series(2, length(w) - 3) AS i
$$;
"""  # noqa: S608 - the two numbers above, no input

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8


def search_words(text: str) -> list[str]:
    """The words of a query, lower-cased, each once, at most MAX_QUERY_WORDS of them."""
    words = dict.fromkeys(w.lower() for w in _WORD.findall(text or ""))
    return list(words)[:MAX_QUERY_WORDS]


class WordsQuery(SearchQuery):
    """A tsquery of ``words``, each a Dutch, English or plain prefix (``word:*``),
    joined so that any word matches or, with ``every``, all of them.

    One expression object that writes its SQL at once, instead of a tree of
    three SearchQuery objects a word, which the ORM resolves and compiles
    far more slowly. ``to_tsquery`` with a configuration and a constant is
    immutable, so PostgreSQL turns the whole into a constant once, when it
    plans the statement. ``~`` negates it, ``&`` and ``|`` combine it, as
    for any SearchQuery.
    """

    def __init__(self, words: Sequence[str], *, every: bool = False):
        Func.__init__(self, output_field=SearchQueryField())
        self.words = tuple(words)
        self.every = every
        self.config = None
        self.invert = False

    def as_sql(self, compiler, connection, function=None, template=None):
        one = (
            "(to_tsquery('dutch'::regconfig, %s) || to_tsquery('english'::regconfig, %s)"
            " || to_tsquery('simple'::regconfig, %s))"
        )
        sql = (" && " if self.every else " || ").join([one] * len(self.words))
        # \w+ only (search_words), so no tsquery syntax can sneak in.
        params = [f"{word}:*" for word in self.words for _config in range(3)]
        return (f"!!({sql})" if self.invert else f"({sql})"), params


def build_query(text: str) -> SearchQuery | None:
    """A tsquery that matches when any word of ``text`` does (:class:`WordsQuery`).

    One ``@@`` condition, answered by the search vector's GIN index; None
    when the text has no words. Order the matches by :func:`words_matched`
    to put those that match every word first.
    """
    words = search_words(text)
    return WordsQuery(words) if words else None


def every_word_query(text: str) -> SearchQuery | None:
    """A tsquery that matches when every word of ``text`` does; None without words."""
    words = search_words(text)
    return WordsQuery(words, every=True) if words else None


class WordsMatched(Func):
    """How many of ``queries`` the tsvector ``column`` matches: an SQL integer.

    A sum of ``(column @@ query)::int`` tests, one per word; PostgreSQL
    evaluates them only for the rows the search found.
    """

    output_field = IntegerField()

    def __init__(self, column: str, queries: list[SearchQuery]):
        super().__init__(F(column), *queries)

    def as_sql(self, compiler, connection, **extra_context):
        column, *queries = self.source_expressions
        column_sql, column_params = compiler.compile(column)
        tests, params = [], []
        for query in queries:
            query_sql, query_params = compiler.compile(query)
            tests.append(f"({column_sql} @@ {query_sql})::int")
            params.extend([*column_params, *query_params])
        return "(" + " + ".join(tests) + ")", tuple(params)


def words_matched(text: str, column: str = "search_vector") -> WordsMatched | None:
    """How many words of ``text`` a row's ``column`` matches, to order by (most first).

    None for fewer than two words: one word is matched or the row is not found.
    """
    words = search_words(text)
    if len(words) < 2:
        return None
    return WordsMatched(column, [WordsQuery([word]) for word in words])


def every_word_first(
    rows: QuerySet, text: str, *, order: Sequence[str], up_to: int, column: str = "search_vector"
) -> QuerySet:
    """``rows`` (not yet searched) that match every word of ``text``, then those
    that match some: each part in ``order`` and cut at ``up_to`` rows.

    For a broad search of several words, where ordering every match by
    :func:`words_matched` would test each of thousands of search vectors.
    Each part can be read in ``order`` from an index and stops at ``up_to``
    (the end of the page asked for), testing a row's vector once, with one
    tsquery; the outer ORDER BY puts the parts in order whatever plan
    PostgreSQL picks. The names in ``order`` must be columns of ``rows``.
    """
    every, some = every_word_query(text), build_query(text)
    parts = [
        rows.filter(**{column: every}),
        rows.filter(**{column: some & ~every}),
    ]
    first, then = (
        part.annotate(search_part=Value(number, output_field=IntegerField())).order_by(*order)[
            :up_to
        ]
        for number, part in enumerate(parts)
    )
    return first.union(then, all=True).order_by("search_part", *order)
