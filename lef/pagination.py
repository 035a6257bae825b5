"""One way to cut a list into pages, for every list on the site.

Every list gives the page Django's ``Paginator.get_page`` gives: a page number
that is not a whole number is the first page, one below 1 or past the end the
last. The page number is clamped before any row is read, so no number a visitor
types reaches the database as an OFFSET it cannot take (a huge ``?page=`` was a
500, "bigint out of range").

Two ways in, for two ways of reading rows:

- :func:`page_of`: rows to slice (a QuerySet, or anything with ``__getitem__``)
  and, when the caller already has it, their count (saving the Paginator its
  ``COUNT(*)``).
- :func:`read_page`: a ``read(offset, limit)`` that tells the total with the
  rows it reads (a window count, a count subquery), so a page in range costs
  one statement.
"""

from collections.abc import Callable, Sequence

from django.core.paginator import Page, Paginator

# PostgreSQL's OFFSET is a bigint: a window starting further is never read.
_LAST_OFFSET = 2**63 - 1

type Read = Callable[[int, int], tuple[Sequence, int | None]]


def page_of(rows, *, number, per_page: int, count: int | None = None) -> Page:
    """The page ``Paginator.get_page(number)`` gives of ``rows``, ``per_page`` to a page.

    ``count``, when given, is the number of rows (no ``COUNT(*)`` then). Only the
    page's window of ``rows`` is sliced, after the number is clamped.
    """
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: the Paginator counts no more
    return paginator.get_page(number)


def read_page(read: Read, *, number, per_page: int) -> Page:
    """The page ``Paginator.get_page(number)`` gives, of rows read by ``read(offset, limit)``.

    ``read`` returns ``(rows, total)``: the window's rows and the number of all
    rows, which may be None only when the window is empty (a count that rides
    on the rows). The asked window is read first: a page in range costs one
    read. A number below 1, or past where PostgreSQL can offset, reads the first
    page instead; an empty window past the first page learns the total from the
    first page. The last page is read only when it is not the one read.
    """
    asked = _page_number(number)
    tried = asked if asked >= 1 and (asked - 1) * per_page <= _LAST_OFFSET else 1
    rows, total = read((tried - 1) * per_page, per_page)
    if total is None and tried != 1:
        tried = 1
        rows, total = read(0, per_page)
    paginator = Paginator((), per_page)
    paginator.count = total or 0  # None from an empty first page: there are none
    number = paginator.get_page(asked).number  # counts nothing: the count is set
    if number != tried:
        rows, _ = read((number - 1) * per_page, per_page)
    return Page(rows, number, paginator)


def _page_number(number) -> int:
    """``number`` as ``Paginator.validate_number`` reads it; not a whole number: 1."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        return int(number)
    except (TypeError, ValueError):
        return 1
