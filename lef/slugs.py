"""Readable, unique slugs for addresses such as /organisations/<slug>/ and /projects/<slug>/."""

from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

ATTEMPTS = 5


def slug_base(text: str, *, max_length: int, fallback: str) -> str:
    """``text`` as a slug of at most ``max_length`` characters (``fallback`` if nothing is left).

    Room is kept for a ``-N`` suffix.
    """
    base = slugify(text)[: max_length - 4].strip("-")
    return base or fallback


def free_slug(
    queryset: models.QuerySet,
    base: str,
    *,
    field: str = "slug",
    reserved: frozenset[str] = frozenset(),
) -> str:
    """``base``, or ``base-2``, ``base-3``, … : the first not taken in ``queryset`` or reserved.

    Only a candidate: the unique constraint on the column is what guarantees
    uniqueness, so insert with :func:`create_with_unique_slug`.
    """
    taken = set(queryset.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    taken |= reserved
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_with_unique_slug[M: models.Model](
    model: type[M],
    base: str,
    create: Callable[[str], M],
    *,
    field: str = "slug",
    reserved: frozenset[str] = frozenset(),
) -> M:
    """Call ``create(slug)`` with a free slug, retrying when a concurrent insert took it.

    Each attempt runs in a savepoint, so a clash (IntegrityError on the unique
    slug) rolls back only that attempt. Raises the last IntegrityError after
    :data:`ATTEMPTS` clashes, or at once for an IntegrityError on another
    column.
    """
    for attempt in range(ATTEMPTS):
        slug = free_slug(model._default_manager.all(), base, field=field, reserved=reserved)
        try:
            with transaction.atomic():
                return create(slug)
        except IntegrityError:
            clash = model._default_manager.filter(**{field: slug}).exists()
            if not clash or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
