"""Cached parts of the project pages, named by versions the database keeps in step.

Rendering a dozen cards, a team of avatars and an updates feed with Markdown
costs tens of milliseconds; the data changes far less often than it is read.
So rendered parts are cached, in the bounded, shared cache of versioned keys
that members' directory uses (``CACHES["directory"]``, members.caching).

Nothing in Python invalidates anything. Every key names the version of the data
it was rendered from, and PostgreSQL raises those versions on every write,
whatever makes it (migration 0003):

* a project's ``revision``: the row, its team, its updates, and the profiles
  of its team and of its updates' authors; keys of a project page's parts and
  of its card hold it;
* the list's *generation*: once per committed transaction that changed what
  the list shows (a project's own columns, a membership, a team member's
  sector); keys of list pages and of the projects suggested to a member hold
  it, read before the page is computed, so a page computed from rows older
  than a commit is stored under a generation nobody asks for again.

A project page reads its parts in the statement that reads the project's row
(a join on the cache table, by the revision in that row: projects.queries.
project_for_viewer), so the version and the entry it names come in one round
trip.

Markdown is cached by the text itself (a hash): the same text always gives the
same HTML, so those entries cannot be stale either. Keys also hold the
language and a hash of the templates, so a deploy with changed templates never
shows old HTML. Old keys age out (timeouts, and the cache culls when full).
"""

import base64
import functools
import hashlib
import json
import pickle
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from lef.markdown import render_markdown
from members.caching import directory_cache

TIMEOUT = 24 * 60 * 60
LIST_TIMEOUT = 60 * 60
FRAGMENT_TEMPLATES = (
    "projects/includes/project_card_body.html",
    "projects/includes/project_parts.html",
    "projects/includes/team_member.html",
    "projects/includes/update_body.html",
    "projects/project_list.html",
)


@functools.cache
def template_version() -> str:
    """A short hash of the cached fragments' templates: new keys when a deploy changes them."""
    sources = "".join(get_template(name).template.source for name in FRAGMENT_TEMPLATES)
    return hashlib.sha256(sources.encode()).hexdigest()[:10]


def _prefix(kind: str) -> str:
    return f"projects:{kind}:{template_version()}:{get_language()}"


def list_generation() -> int:
    """The list's generation as committed now (one small query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM projects_generation WHERE name = 'list'")
        row = cursor.fetchone()
    return row[0] if row else 0


def cached_at_generation(
    reads: dict[str, tuple[str, list[Any], Callable[[], Any]]],
) -> tuple[int, dict[str, Any]]:
    """The list's generation as committed now, and the values of ``reads`` under it.

    ``reads`` maps a name to ``(kind, parts, compute)``; each value is keyed as
    :func:`cached` keys it with the generation first (``[generation, *parts]``).
    One statement reads the generation and every entry it names (a join on
    the cache table, see :func:`stored_key_prefix`); missing values are
    computed, in order, and stored in one more.
    """
    table = connection.ops.quote_name(cache_table())
    joins, params = [], []
    for n, (kind, parts, _compute) in enumerate(reads.values()):
        joins.append(
            f"LEFT JOIN {table} AS c{n} ON c{n}.cache_key = %s || g.value || %s "
            f"AND c{n}.expires > statement_timestamp()"
        )
        params += [stored_key_prefix(kind), "".join(f":{part}" for part in parts)]
    columns = "".join(f", c{n}.value" for n in range(len(reads)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.value{columns} FROM projects_generation AS g {' '.join(joins)} "  # noqa: S608 -- our table, numbered aliases
            "WHERE g.name = 'list'",
            params,
        )
        row = cursor.fetchone() or (0, *([None] * len(reads)))
    generation, values, missing = row[0], {}, {}
    for (name, (kind, parts, compute)), raw in zip(reads.items(), row[1:], strict=True):
        values[name] = stored_value(raw)
        if values[name] is None:
            values[name] = compute()
            key = ":".join([_prefix(kind), str(generation), *(str(part) for part in parts)])
            missing[key] = values[name]
    if missing:
        directory_cache().set_many(missing, LIST_TIMEOUT)
    return generation, values


def digest(value: Any) -> str:
    """A short stable hash of a JSON-able value (filters, a viewer's sectors)."""
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cache_table() -> str:
    """The table the cache keeps its entries in (see :func:`stored_key_prefix`)."""
    return directory_cache()._table


def stored_key_prefix(kind: str) -> str:
    """The start of ``kind``'s keys as the cache table holds them, up to the first part.

    For a read that joins the cache table in the statement that reads the
    versions the key names (projects.queries.project_for_viewer): one round
    trip instead of two.
    """
    return directory_cache().make_and_validate_key(f"{_prefix(kind)}:")


def stored_value(raw: str | None) -> Any:
    """A value as read straight from the cache table (None when there was none).

    The format of Django's database cache, which wrote it: a pickle in base64.
    """
    if raw is None:
        return None
    # Our own cache table, written by Django's cache backend (as its get() reads it).
    return pickle.loads(base64.b64decode(raw.encode()))  # noqa: S301


# ``found`` of :func:`cached` when the caller has not read the cache itself.
NOT_READ = object()


def cached(
    kind: str,
    parts: Iterable[Any],
    compute: Callable[[], Any],
    *,
    timeout: int = TIMEOUT,
    also_store: dict[str, Any] | None = None,
    found: Any = NOT_READ,
):
    """The value under ``kind`` and ``parts`` (which must name every version it depends on).

    One cache query when it is there, none when the caller read it already
    with the versions it names (``found``: the value, or None when there was
    none); otherwise ``compute()`` is stored, in one statement with the entries
    ``compute`` left in ``also_store`` (see :func:`markdown_many`).
    """
    key = ":".join([_prefix(kind), *(str(part) for part in parts)])
    cache = directory_cache()
    value = cache.get(key) if found is NOT_READ else found
    if value is None:
        value = compute()
        cache.set_many({key: value, **(also_store or {})}, timeout)
    return value


def cached_each(
    kind: str,
    keys: dict[str, Any],
    compute_missing: Callable[[list[Any]], dict[Any, Any]],
    *,
    store_later: dict[str, Any] | None = None,
) -> dict[Any, Any]:
    """Values for many items at once: ``keys`` maps each item's key parts to the item.

    One cache query reads them all; ``compute_missing`` gets the items that were
    missing and returns ``{item: value}``, which is stored, or put in
    ``store_later`` for the caller to store with its own entry.
    """
    prefix = _prefix(kind)
    full = {f"{prefix}:{parts}": item for parts, item in keys.items()}
    cache = directory_cache()
    found = cache.get_many(list(full)) if full else {}
    values = {full[key]: value for key, value in found.items()}
    missing = [item for key, item in full.items() if key not in found]
    if missing:
        computed = compute_missing(missing)
        values.update(computed)
        by_item = {item: key for key, item in full.items()}
        entries = {by_item[item]: value for item, value in computed.items()}
        if store_later is None:
            cache.set_many(entries, TIMEOUT)
        else:
            store_later.update(entries)
    return values


def markdown_many(
    texts: Iterable[str], *, store_later: dict[str, Any] | None = None
) -> dict[str, SafeString]:
    """``{text: sanitised HTML}`` for each text, cached by the text itself (one query).

    New renderings are stored at once, or put in ``store_later`` (see
    :func:`cached_each`).
    """
    unique = list(dict.fromkeys(t for t in texts if t))
    keys = {hashlib.sha256(text.encode()).hexdigest(): text for text in unique}
    html = cached_each(
        "markdown",
        keys,
        lambda missing: {text: str(render_markdown(text)) for text in missing},
        store_later=store_later,
    )
    # Rendered by lef.markdown (nh3-sanitised) before it was stored.
    return {text: mark_safe(value) for text, value in html.items()}  # noqa: S308
