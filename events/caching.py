"""What Mijn LEF and member profiles show of meetups, cached under the meetups' generation.

Mijn LEF (every member's home page) and every profile page ask which meetups a
member goes to; the two small queries that answer it cost more in building
than in running. Their answers are cached, in the bounded cache of versioned
keys members' directory uses (``CACHES["directory"]``), under the *meetups
generation*, which PostgreSQL raises at the commit of every transaction that
writes a meetup, a sign-up or a venue (migration 0006): a service, the admin,
``update()`` and raw SQL alike. Nothing in Python invalidates anything.

What the clock changes (a meetup starts or ends) is handled as spaces does
(lef.cache.Dated): a value says until when it holds and is computed anew
after that. Keys also name the code that makes the values (lef.cache.
code_version), so no entry is read back into the classes of another release.
"""

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime

from lef.cache import cached_under_generation, code_version, generation_sql
from members.caching import directory_cache

TIMEOUT = 24 * 60 * 60
CODE = ("events.caching", "events.queries", "events.models")

# The meetups generation (migration 0006), with a writing transaction's own writes.
GENERATION_SQL = generation_sql("events_generation", "events", "events.writes")


def cached_data[T](
    name: str,
    key: Sequence[Hashable],
    compute: Callable[[], tuple[T, datetime | None]],
    *,
    now: datetime,
) -> T:
    """``compute()``'s value for the meetups generation and ``now``: one query when cached.

    ``key`` names everything else the value depends on (the member, their
    sector, ...); ``compute`` returns the value and the first moment after
    ``now`` at which the clock alone changes it (or None).
    """
    return cached_under_generation(
        directory_cache(),
        GENERATION_SQL,
        f"events:{name}",
        (code_version(*CODE), *key),
        compute,
        now=now,
        timeout=TIMEOUT,
    )
