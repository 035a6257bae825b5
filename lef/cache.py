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
"""

import base64
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class PostgresDatabaseCache(DatabaseCache):
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
