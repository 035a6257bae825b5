"""What the spaces pages cache, and why none of it can be served stale.

A resource page, the overview, the search and my bookings spent most of their
time on a few ORM queries and on rendering a few hundred grid cells or a dozen
cards. Both the data and the HTML are cached, in a cache of their own
(``CACHES["spaces"]``, a bounded database table), never beside the rate limits
or the member directory. Nothing in Python invalidates anything: every key
names what its value was made from, so a changed page asks for a key that was
never stored, and old entries are simply never read again (they age out, and
the table is culled when full). Two kinds of keys:

* **Page data** (:func:`cached_data`): what those pages read from the
  database (resources and their spaces, opening hours and closures, bookings
  and blocks, the names on them), keyed by the *spaces generation*, which
  PostgreSQL raises at the commit of every transaction that writes a booking,
  block, resource, space, opening hours or closure day, or renames an
  organisation or a member (spaces migration 0003): a form, a service, the
  admin, ``update()`` and raw SQL alike. The generation is read with the
  entry, before the data is computed, so a value computed from rows older
  than a commit is stored under a generation nobody asks for again. What the
  clock changes (a booking starts, its check-in time ends) says until when it
  holds, and is computed anew after that; what depends on the viewer (their
  own bookings, whether they may book) is worked out per request from it.
* **Rendered parts** (:func:`render`): a part's template gets one frozen value,
  its *inputs*, and nothing else; the key is a digest of those inputs
  (:func:`digest`), the language and the time zone. The inputs are made in the
  request that shows the part, from current page data, the viewer and the
  clock. spaces.fragments defines the parts and their data.

Only plain values may be inputs or key parts (:func:`digest` refuses anything
else, such as lazy translations or model instances, whose text could change
under one key). Keys also name the release: the templates, the translations,
the code that makes the values (:data:`CODE`) and Django's version, so no
entry is read back into the classes or the text of another release.
"""

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, to_locale

from lef.cache import cached_under_generation, generation_sql
from lef.cache import code_version as shared_code_version

CACHE_ALIAS = "spaces"


def spaces_cache():
    return caches[CACHE_ALIAS]


# -- digests -------------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """``value`` as nested tuples of plain values, or TypeError for what is not plain."""
    kind = type(value)
    if kind in _PLAIN or value is None:
        return value
    if kind is tuple:
        return tuple([_canonical(item) for item in value])
    if kind is datetime or kind is time:
        return (kind.__name__, value.isoformat(), value.fold)
    names = _frozen_fields(kind)
    if names is not None:
        return (kind.__qualname__, *[_canonical(getattr(value, name)) for name in names])
    # A str subclass (a lazy or safe string), a list, a model instance ...: its
    # text or contents could differ under the same key.
    raise TypeError(f"Not a plain value for a fragment key: {kind.__name__}")


_PLAIN = frozenset({bool, int, str, date, timedelta})


@functools.cache
def _frozen_fields(kind: type) -> tuple[str, ...] | None:
    """The field names of a frozen dataclass, else None."""
    if dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen:
        return tuple(f.name for f in dataclasses.fields(kind))
    return None


def digest(inputs: Any) -> str:
    """A digest of ``inputs`` (a frozen dataclass of plain values)."""
    return hashlib.sha256(repr(_canonical(inputs)).encode()).hexdigest()


# The code that reads the data and makes the parts' inputs and text: a deploy
# that changes it (or the classes stored) makes new keys, so no value is read
# back into classes of another release.
CODE = (
    "spaces.caching",
    "spaces.fragments",
    "spaces.queries",
    "spaces.permissions",
    "spaces.timeslots",
    "spaces.models",
    "lef.templatetags.lef_tags",
)


def code_version() -> str:
    """A digest of the modules in CODE and of Django's version (lef.cache.code_version)."""
    return shared_code_version(*CODE)


@functools.cache
def _release(template_name: str, language: str) -> str:
    """The version of a template, of its language's translations and of the code."""
    found = hashlib.sha256(get_template(template_name).template.source.encode())
    found.update(code_version().encode())
    for folder in settings.LOCALE_PATHS:
        catalogue = Path(folder) / to_locale(language) / "LC_MESSAGES" / "django.mo"
        if catalogue.exists():
            found.update(catalogue.read_bytes())
    return found.hexdigest()[:12]


def _key(template_name: str, inputs: Any) -> str:
    # Templates show text in the language, and moments in the time zone, of the request.
    language = get_language() or settings.LANGUAGE_CODE
    zone = timezone.get_current_timezone_name()
    name = template_name.removeprefix("spaces/").removesuffix(".html").replace("/", ".")
    release = _release(template_name, language)
    return f"spaces:{name}:{release}:{language}:{zone}:{digest(inputs)}"


# -- rendered parts --------------------------------------------------------------------------

# Entries stay right for as long as their template and translations are those of
# the release (both in the key); this only bounds how long unread ones are kept.
TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class Fragment[T]:
    """A kind of cached part: its template, and how its context is made from its inputs."""

    template: str
    # Makes the template's context from one inputs value (of type T) and nothing else.
    context: Callable[[T], dict[str, Any]]


def render(
    parts: Sequence[tuple[Fragment, Any]], *, store: dict[str, Any] | None = None
) -> list[SafeString]:
    """The HTML of each (fragment, inputs), in order: one cache query for all.

    The missing ones are rendered and stored in one more query, with the
    entries ``store`` holds (page data, see :func:`cached_data`).
    """
    keys = [_key(fragment.template, inputs) for fragment, inputs in parts]
    cache = spaces_cache()
    found = cache.get_many(keys) if keys else {}
    missing = dict(store or {})
    for key, (fragment, inputs) in zip(keys, parts, strict=True):
        if key not in found:
            html = render_to_string(fragment.template, fragment.context(inputs))
            found[key] = missing[key] = str(html)
    if missing:
        cache.set_many(missing, TIMEOUT)
    if store:
        store.clear()
    # The HTML was rendered by the template engine, with autoescaping, above.
    return [mark_safe(found[key]) for key in keys]  # noqa: S308


# -- page data ------------------------------------------------------------------------


# The spaces generation (migration 0003), with a writing transaction's own writes.
GENERATION_SQL = generation_sql("spaces_generation", "spaces", "spaces.writes")


def generation() -> str:
    """The spaces generation (see GENERATION_SQL): one query."""
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL)
        row = cursor.fetchone()
    return row[0] if row else "0"


def cached_data[T](
    name: str,
    key: Sequence[Hashable],
    compute: Callable[[], tuple[T, datetime | None]],
    *,
    now: datetime,
    store: dict[str, Any] | None = None,
) -> T:
    """``compute()``'s value for the current generation and ``now`` (one query when cached).

    ``key`` names everything else the value depends on (plain values: the
    page number, the member, the language, ...); ``compute`` returns the value
    and the first moment after ``now`` at which the clock alone could change it
    (or None). A value computed anew is stored at once, or put in ``store``
    for :func:`render` to write with the page's parts (one write, not two).
    """
    return cached_under_generation(
        spaces_cache(),
        GENERATION_SQL,
        f"spaces:{name}",
        (code_version(), digest(tuple(key))),
        compute,
        now=now,
        timeout=TIMEOUT,
        store=store,
    )
