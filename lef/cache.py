"""Django's database cache, with ``set_many`` as one PostgreSQL upsert.

Django's own DatabaseCache writes each key with three statements (a
``COUNT(*)`` of the whole table to decide on culling, a select, an insert or
update). A directory page that renders a dozen new cards would spend more time
writing them than rendering them. Here ``set_many`` is one
``INSERT … ON CONFLICT DO UPDATE`` for all keys, and the decision to cull reads
PostgreSQL's row estimate of the table (``pg_class.reltuples``, kept by
autovacuum) instead of counting it; only when that estimate says the table is
full (read in the same statement), or it has none yet, is the table counted
and culled as Django does.

It also reads a value together with the *generation* that names it (a number
the database raises with every write the value depends on), in one statement:
:func:`cached_under_generation`, which the spaces and the meetups use.
"""

import base64
import functools
import hashlib
import importlib
import pickle
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, router
from django.utils.timezone import now as tz_now


class PostgresDatabaseCache(DatabaseCache):
    def get_under_generation(self, generation_sql: str, prefix: str, suffix: str):
        """(generation, the value under ``prefix + generation + suffix``, or None).

        ``generation_sql`` selects one row with one column, ``generation``
        (text): one query where reading the generation and then the value
        would be two. Values are stored by set_many, as Django's database cache
        stores them (pickled, base64).
        """
        full = self.make_key(prefix)
        if full != f"{self.key_prefix}:{self.version}:{prefix}":
            raise ImproperlyConfigured(f"{self!r} needs Django's own KEY_FUNCTION.")
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT g.generation, c.value, c.expires FROM ({generation_sql}) AS g "  # noqa: S608 -- our tables
                f"LEFT JOIN {table} AS c ON c.cache_key = %s || g.generation || %s",
                [full, suffix],
            )
            row = cursor.fetchone()
        if row is None:
            return "0", None
        current, value, expires = row
        if value is None or expires < datetime.now(tz=UTC):
            return current, None
        return current, pickle.loads(base64.b64decode(value.encode(), validate=True))  # noqa: S301 -- our own entries

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max.replace(microsecond=0, tzinfo=UTC)
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC).replace(microsecond=0)
        rows = []
        for key, value in data.items():
            pickled = pickle.dumps(value, self.pickle_protocol)
            rows.append(
                (
                    self.make_and_validate_key(key, version=version),
                    base64.b64encode(pickled).decode("latin1"),
                    expires,
                )
            )
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        placeholders = ", ".join(["(%s, %s, %s)"] * len(rows))
        with connection.cursor() as cursor:
            # One statement: the upsert, and the table's row estimate with it.
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES {placeholders} "  # noqa: S608 -- our table name
                "ON CONFLICT (cache_key) DO UPDATE "
                "SET value = EXCLUDED.value, expires = EXCLUDED.expires "
                "RETURNING (SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass)",
                [*(item for row in rows for item in row), self._table],
            )
            estimate = cursor.fetchone()[0]
            if estimate < 0 or estimate > self._max_entries:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
        return []


def generation_sql(table: str, name: str, writes_setting: str) -> str:
    """SQL that reads a generation, for :meth:`PostgresDatabaseCache.get_under_generation`.

    The generation as committed now; in a transaction that wrote to the tables
    it covers, followed by the transaction's id and its number of writes (the
    setting ``writes_setting``, counted by a trigger), so that its own later
    reads do not find what was cached before its writes. Every read of the
    site runs in a transaction of its own.
    """
    return f"""
    SELECT CASE
        WHEN pg_current_xact_id_if_assigned() IS NOT NULL
            AND coalesce(current_setting('{writes_setting}', true), '') <> ''
        THEN value || '.' || pg_current_xact_id_if_assigned()
            || '.' || current_setting('{writes_setting}', true)
        ELSE value::text
    END AS generation
    FROM {table} WHERE name = '{name}'
"""  # noqa: S608 -- our own table and names, never input


@dataclass(frozen=True)
class Dated[T]:
    """A value with the moments between which it holds: [since, until)."""

    value: T
    since: datetime
    until: datetime | None  # None: the clock does not change it

    def holds_at(self, now: datetime) -> bool:
        return self.since <= now and (self.until is None or now < self.until)


def cached_under_generation[T](
    cache: PostgresDatabaseCache,
    generation_sql: str,
    name: str,
    key: Sequence[Hashable],
    compute: Callable[[], tuple[T, datetime | None]],
    *,
    now: datetime,
    timeout: int,
    store: dict[str, Any] | None = None,
) -> T:
    """``compute()``'s value for the current generation and ``now``: one query when cached.

    Stored under "``name``:<generation>:``key``"; ``key`` names everything else
    the value depends on (plain values: the member, the page number, a code
    version, ...). ``compute`` returns the value and the first moment after
    ``now`` at which the clock alone could change it (or None). The generation
    is read before the value is computed, so a value computed from rows older
    than a commit is stored under a generation nobody asks for again. A value
    computed anew is stored at once, or put in ``store`` for the caller to write
    with its own entries (one write, not two).
    """
    suffix = ":" + ":".join(str(part) for part in key)
    current, found = cache.get_under_generation(generation_sql, f"{name}:", suffix)
    if isinstance(found, Dated) and found.holds_at(now):
        return found.value
    value, until = compute()
    entry = {f"{name}:{current}{suffix}": Dated(value, now, until)}
    if store is None:
        cache.set_many(entry, timeout)  # one statement
    else:
        store.update(entry)
    return value


@functools.cache
def code_version(*modules: str) -> str:
    """A digest of ``modules``' source and of Django's version, for cache keys.

    A deploy that changes the code that makes (or the classes that hold) a
    cached value makes new keys, so no value is read back into another release.
    """
    found = hashlib.sha256(django.get_version().encode())
    for name in modules:
        found.update(Path(importlib.import_module(name).__file__).read_bytes())
    return found.hexdigest()[:12]
