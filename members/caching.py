"""Cached reads of the member directory, invalidated by one "generation" value.

Counting thousands of matching members, listing the organisations with visible
members and ranking cross-sector suggestions cost tens of milliseconds on a
large membership, and their results change only when a profile changes. So they
are cached (in the shared database cache, so every web process sees the same)
together with the generation they were computed for. Every change that can
alter what the directory shows calls ``directory_changed()``, which sets a new
generation once the transaction commits; entries of older generations are then
ignored. One cache query reads the generation and all entries a page needs.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "members:directory-generation"
TIMEOUT = 60 * 60  # an hour at most, even without changes


def directory_changed() -> None:
    """Invalidate every cached directory read, now and again after the transaction commits.

    Now, so that reads later in the same transaction see the change; after the
    commit too, because another request may meanwhile have recomputed a value
    from the rows as they were before the commit and stored it under the new
    generation.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def cached_reads(reads: dict[str, tuple[str, Callable[[], Any]]]) -> dict[str, Any]:
    """Values of ``reads`` (name → (cache key, compute function)) for the current generation.

    Reads the generation and every entry in one cache query; computes and stores
    the missing or outdated ones.
    """
    computes = dict(reads.values())
    values = cached_batch(
        [key for key, _ in reads.values()],
        lambda missing: {key: computes[key]() for key in missing},
    )
    return {name: values[key] for name, (key, _) in reads.items()}


def cached_batch(
    keys: list[str], compute_missing: Callable[[list[str]], dict[str, Any]]
) -> dict[str, Any]:
    """Values for ``keys`` of the current generation; the missing ones from one call.

    One cache query reads the generation and every key; ``compute_missing`` gets
    the keys that were missing or outdated (so it can compute them all in one go,
    e.g. one database query) and returns their values, which are then stored.
    """
    found = cache.get_many([GENERATION_KEY, *keys])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    values, missing = {}, []
    for key in keys:
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            values[key] = entry[1]
        else:
            missing.append(key)
    if missing:
        computed = compute_missing(missing)
        values.update(computed)
        cache.set_many({key: (generation, value) for key, value in computed.items()}, TIMEOUT)
    return values
