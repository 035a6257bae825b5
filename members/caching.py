"""Cached reads of the member directory, kept correct by the database itself.

Counting thousands of matching members, listing the organisations with visible
members, ranking cross-sector suggestions and rendering member cards cost tens
of milliseconds on a large membership, and change only when members change. So
they are cached, in a cache of their own (``CACHES["directory"]``, a database
table with a bounded number of entries), never beside the rate limits in the
default cache.

Nothing in Python invalidates anything. The keys name the version of the data
they were computed from, and the database keeps those versions in step with
every write, whatever makes it (a form, a service, the admin, ``update()``,
raw SQL), through triggers (members migration 0006):

* ``Profile.revision`` goes up whenever the profile row changes, its user's
  name, username or active flag changes, or its organisation's name, slug,
  status or logo changes: a card's key holds the revision, so a changed card is
  simply a new key;
* the directory *generation* (one row in ``members_directory_generation``) goes
  up once in every transaction that changes a profile, a user's shown fields or
  an organisation, at its commit (a deferred trigger: the bump holds its row
  lock only while committing). Counts, organisation lists, suggestions and
  expertise tags are keyed by the generation read before computing them, so a
  value computed from rows older than a commit is stored under a generation no
  reader asks for again.

Old keys are never read again and age out (timeouts, and the cache culls when
full). A write and a cached read inside the same transaction see the old
generation until it commits; no view does both.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import connection

CACHE_ALIAS = "directory"
TIMEOUT = 60 * 60  # generation-keyed entries: an hour at most
CARD_TIMEOUT = 24 * 60 * 60  # revision-keyed cards: a day


def directory_cache():
    return caches[CACHE_ALIAS]


def generation() -> int:
    """The directory generation as committed now (one small query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM members_directory_generation WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def cached_reads(
    reads: dict[str, tuple[str, Callable[[], Any]]], *, at_generation: int | None = None
) -> dict[str, Any]:
    """Values of ``reads`` (name → (key, compute)) for the current generation.

    Two queries when everything is cached (the generation, then every entry in
    one cache read); the missing values are computed and stored. A caller that
    makes several reads for one page passes ``at_generation`` (read once, with
    :func:`generation`, before computing anything) and saves the first query.
    """
    current = generation() if at_generation is None else at_generation
    keys = {name: f"{key}:g{current}" for name, (key, _compute) in reads.items()}
    cache = directory_cache()
    found = cache.get_many(list(keys.values()))
    values, missing = {}, {}
    for name, (_key, compute) in reads.items():
        if keys[name] in found:
            values[name] = found[keys[name]]
        else:
            values[name] = missing[keys[name]] = compute()
    if missing:
        cache.set_many(missing, TIMEOUT)
    return values


def cached_many(
    keys: list[str], compute_missing: Callable[[list[str]], dict[str, Any]], *, timeout: int
) -> dict[str, Any]:
    """Values for ``keys`` (which already name their version); missing ones from one call.

    One cache query reads every key; ``compute_missing`` gets the keys that were
    missing (so it can compute them all at once, e.g. in one database query) and
    returns their values, which are stored.
    """
    cache = directory_cache()
    values = cache.get_many(keys)
    missing = [key for key in keys if key not in values]
    if missing:
        computed = compute_missing(missing)
        values.update(computed)
        cache.set_many(computed, timeout)
    return values
