"""Full-text search over results: the directory's way (members.search), on Result.search_vector.

The vector is kept by the database (knowledge migration 0002): title, summary,
what the team learned, the words inside the file and the project's title, in
Dutch and English, with the tails of long compounds. The query side is the
one the members directory and the project list use, so "onderzoek" finds
"praktijkonderzoek" and "praktijk" finds it too, and a search of several words
finds a result with any of them, those with the most words first.
"""

from django.contrib.postgres.search import SearchRank
from django.db.models import F, QuerySet

from members.search import build_query, words_matched

# A search with at most this many matches is ordered by relevance; a broader one
# newest first (ranking scores every match; for a word most results use,
# relevance says little), as the project list does.
RANK_AT_MOST = 300


def search_results(results: QuerySet, q: str) -> QuerySet | None:
    """``results`` that match any word of ``q``; None when ``q`` has no words."""
    query = build_query(q)
    if query is None:
        return None
    return results.filter(search_vector=query)


def by_relevance(results: QuerySet, q: str, *, ranked: bool) -> QuerySet:
    """Searched ``results`` with those matching the most words of ``q`` first, then by
    relevance when ``ranked`` (at most RANK_AT_MOST matches), else newest first.
    """
    keys = []
    matched = words_matched(q)
    if matched is not None:
        results = results.alias(words=matched)
        keys.append("-words")
    if ranked:
        results = results.alias(rank=SearchRank(F("search_vector"), build_query(q)))
        keys.append("-rank")
    return results.order_by(*keys, "-created_at", "-pk")
