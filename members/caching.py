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
* two *generations* (rows of ``members_directory_generation``) go up once in
  every transaction that changes what they cover, at its commit (deferred
  triggers: a bump holds its row lock only while committing): ``content`` for
  any change to a profile, a user's name or an organisation (searches,
  suggestions, expertise tags), and ``listing`` only for changes that decide
  who is listed under which filter (counts without a search, the organisations
  to filter on), so editing a job title does not cost every plain count. Each
  read is keyed by the generation it depends on, read before computing it, so
  a value computed from rows older than a commit is stored under a generation
  no reader asks for again.

Old keys are never read again and age out (timeouts, and the cache culls when
full). A write and a cached read inside the same transaction see the old
generation until it commits; no view does both.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.core.cache import caches
from django.db import connection

CACHE_ALIAS = "directory"
TIMEOUT = 60 * 60  # generation-keyed entries: an hour at most
CARD_TIMEOUT = 24 * 60 * 60  # revision-keyed cards: a day


def directory_cache():
    return caches[CACHE_ALIAS]


@dataclass(frozen=True)
class Generations:
    content: int
    listing: int


type Depends = Literal["content", "listing"]


def generations() -> Generations:
    """Both directory generations as committed now (one small query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, value FROM members_directory_generation")
        values = dict(cursor.fetchall())
    return Generations(content=values.get("content", 0), listing=values.get("listing", 0))


def cached_reads(
    reads: dict[str, tuple[str, Callable[[], Any]]],
    *,
    depends_on: Depends = "content",
    at: Generations | None = None,
) -> dict[str, Any]:
    """Values of ``reads`` (name → (key, compute)) for the current generation.

    ``depends_on`` names the generation the values follow (see above). Two
    queries when everything is cached (the generations, then every entry in
    one cache read); the missing values are computed and stored. A view that
    makes several reads for one page passes ``at`` (read once, with
    :func:`generations`, before computing anything) and saves a query each.
    """
    current = getattr(at or generations(), depends_on)
    keys = {name: f"{key}:{depends_on}{current}" for name, (key, _compute) in reads.items()}
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


def cached_read(key: str, compute: Callable[[], Any], *, depends_on: Depends = "content") -> Any:
    """One value under the current generation, stored as :func:`cached_reads` stores it.

    One query when it is cached: the generation with the entry it names
    (lef.cache's get_under_generation); otherwise it is computed and stored.
    """
    if depends_on not in ("content", "listing"):
        raise ValueError(depends_on)
    table = "members_directory_generation"
    sql = f"SELECT value::text AS generation FROM {table} WHERE name = '{depends_on}'"  # noqa: S608
    prefix = f"{key}:{depends_on}"
    cache = directory_cache()
    current, value = cache.get_under_generation(sql, prefix, "")
    if value is None:
        value = compute()
        cache.set_many({f"{prefix}{current}": value}, TIMEOUT)
    return value


class PageReads:
    """Several cached values of one page: read in one cache query, stored in one.

    For values whose keys are known up front but which must be computed in
    order (the directory's organisations first, then its count, which needs the
    filters the organisations validate)::

        reads = PageReads({"a": ("key-a", "listing"), "b": ("key-b", "content")})
        a = reads.get("a", compute_a)
        b = reads.get("b", lambda: compute_b(a))
        reads.save()
    """

    def __init__(self, keys: dict[str, tuple[str, Depends]], *, at: Generations | None = None):
        current = at or generations()
        self._keys = {
            name: f"{key}:{depends_on}{getattr(current, depends_on)}"
            for name, (key, depends_on) in keys.items()
        }
        self._found = directory_cache().get_many(list(self._keys.values()))
        self._new: dict[str, Any] = {}

    def get(self, name: str, compute: Callable[[], Any]) -> Any:
        key = self._keys[name]
        if key not in self._found:
            self._found[key] = self._new[key] = compute()
        return self._found[key]

    def save(self) -> None:
        if self._new:
            directory_cache().set_many(self._new, TIMEOUT)
            self._new = {}


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
