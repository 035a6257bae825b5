"""Pieces of pages rendered once per content, memoised per process.

A list page shows a dozen cards, a door list or a team of dozens of rows;
rendering them through the template engine is most of those pages' time.
Each piece is described by a small frozen dataclass of plain values (a
*view*): its template sees only that view, so the view is everything the
piece shows. The rendered HTML is memoised per process under the view itself,
plus the language, the time zone and the URL prefix: the same content always
gives the same HTML, and different content is a different key. Nothing is
ever invalidated, because nothing can go stale; nothing is shared between
processes, because nothing needs to be. Old entries fall out of a bounded
LRU. To show something new in a piece, add it to the view (the template
cannot reach anything else). What differs per request (a CSRF token) stays
outside the pieces: buttons in a piece name their form (``form=``) or send
the page's one form to their own address (``formaction``).

Used by events (cards, door rows, months) and projects (team rows, requests).
"""

import functools

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FRAGMENTS_PER_PROCESS = 4096
# Whole lists (a door list: up to a few hundred rows, some 100 kB): fewer of them.
JOINED_PER_PROCESS = 64


@functools.lru_cache(maxsize=FRAGMENTS_PER_PROCESS)
def _render(template: str, view, language: str, zone: str, prefix: str) -> str:
    # language, zone and prefix are part of the key; rendering uses the active ones.
    del language, zone, prefix
    return str(render_to_string(template, {"view": view}))


def render_fragment(template: str, view) -> SafeString:
    """``template`` rendered with ``{"view": view}`` (a frozen dataclass), memoised."""
    html = _render(
        template, view, get_language(), timezone.get_current_timezone_name(), get_script_prefix()
    )
    # Rendered by the template engine, with autoescaping.
    return mark_safe(html)  # noqa: S308


@functools.lru_cache(maxsize=JOINED_PER_PROCESS)
def _join(template: str, views: tuple, language: str, zone: str, prefix: str) -> str:
    # Each piece from _render's own memo: one changed row renders one row again.
    return "".join(_render(template, view, language, zone, prefix) for view in views)


def join_fragments(template: str, views) -> SafeString:
    """Each of ``views`` rendered with ``template`` (memoised), as one piece of HTML.

    The joined HTML is memoised too, under the whole tuple of views: an
    unchanged list (a door list opened again) is one look-up, not one per row.
    """
    html = _join(
        template,
        tuple(views),
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )
    # Rendered by the template engine, with autoescaping.
    return mark_safe(html)  # noqa: S308
