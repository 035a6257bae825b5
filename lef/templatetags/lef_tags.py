import functools
from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import escape, format_html
from django.utils.translation import get_language, gettext

from lef.choices import Sector, sector_short
from lef.coordinators import is_coordinator

register = template.Library()


@register.inclusion_tag("includes/nav_item.html", takes_context=True)
def nav_item(context, url_name: str, label: str, icon: str):
    """A main-navigation link, marked current when the page lies under it."""
    url = reverse(url_name)
    path = context["request"].path if "request" in context else ""
    return {
        "url": url,
        "label": label,
        "icon": icon,
        "current": path == url,
        "active": path.startswith(url),
    }


@register.simple_tag
def sector_badge(code: str):
    """A sector badge: the sector's colour bar with its code, the full name as title."""
    if code not in SECTOR_LABELS:
        return ""
    return _sector_badge(code, get_language())


@functools.cache
def _sector_badge(code: str, language: str | None) -> str:
    """The badge of ``code`` in ``language`` (the active one), made once per pair: a
    list page shows dozens, and the words only change with the language."""
    label = escape(SECTOR_LABELS[code])  # once, for both places it stands
    return format_html(
        '<span class="badge lef-sector lef-sector-{}" title="{}">{}'
        '<span class="visually-hidden"> ({})</span></span>',
        code,
        label,
        sector_short(code),
        label,
    )


# Code -> lazy label: translated when shown, in the page's language.
SECTOR_LABELS = dict(Sector.choices)


class MixSegment(NamedTuple):
    """One sector's part of the bar; its position and width in percent, as text."""

    code: str
    name: str
    count: int
    x: str
    width: str


@register.inclusion_tag("includes/sector_mix.html")
def sector_mix(counts: Mapping[str, int] | None, *, label: str = "", legend: bool = True):
    """A bar of the sector mix, and a legend with each sector's code and count.

    ``counts`` maps sector codes to numbers (zeros and unknown codes are left
    out). The bar is an SVG (CSP-safe: no inline style) whose segments are in
    proportion; it carries the whole mix in words for screen readers, and the
    legend says it in text, so colour is never the only carrier.
    """
    counts = {code: int(counts[code]) for code in Sector.values if (counts or {}).get(code)}
    total = sum(counts.values())
    segments, x = [], 0.0
    for code, count in counts.items():
        width = 100 * count / total
        # Positions as text here: a filter per attribute costs more than the rest.
        segments.append(MixSegment(code, sector_short(code), count, f"{x:.3f}", f"{width:.3f}"))
        x += width
    described = ", ".join(f"{segment.name} {segment.count}" for segment in segments)
    return {
        "segments": segments,
        "total": total,
        "legend": legend,
        "label": label or gettext("Sector mix"),
        "described": described,
    }


EN_DASH = "\u2013"


def day_format(*, year: bool = True) -> str:
    """The date format of a day as people read it: "di 3 dec 2026" / "Tue 3 Dec 2026".

    Dutch writes month abbreviations in lower case (Django's "M" capitalises them).
    """
    month = "b" if get_language() == "nl" else "M"
    return f"D j {month} Y" if year else f"D j {month}"


def day_text(day, *, year: bool = True) -> str:
    """``date_format(day, day_format(year=year))``, spelt out: lists show dozens of these.

    The same words from Django's catalogue ("D", "b"/"M"); a tenth of the time of
    the general formatter (tests/lef/test_lef_tags.py holds them equal).
    """
    month = str(MONTHS_3[day.month])
    if get_language() != "nl":
        month = month.title()
    text = f"{WEEKDAYS_ABBR[day.weekday()]} {day.day} {month}"
    return f"{text} {day.year}" if year else text


@register.filter
def timespan(start: datetime | None, end: datetime | None = None) -> str:
    """A moment or span as people read it, in Europe/Amsterdam and the page's language.

    "di 3 dec 2026, 15:30-17:00" / "Tue 3 Dec 2026, 15:30-17:00" (with an en
    dash between the times, as typeset); a span over
    several days names both days. ``{{ event.start|timespan:event.end }}``.
    """
    if start is None:
        return ""
    start = timezone.localtime(start)
    day = day_text(start)
    if end is None:
        return f"{day}, {start:%H:%M}"
    end = timezone.localtime(end)
    if end.date() == start.date():
        return f"{day}, {start:%H:%M}{EN_DASH}{end:%H:%M}"
    return f"{day}, {start:%H:%M} {EN_DASH} {day_text(end)}, {end:%H:%M}"


@register.filter
def datetime_attr(moment) -> str:
    """A moment as a ``<time datetime>`` value: "2026-12-03T15:30:00+01:00".

    In Europe/Amsterdam with its offset, to the second: HTML allows at most three
    digits of a second's fraction, and Python's ``isoformat`` (like Django's
    ``date:"c"``) writes six when there are microseconds. A date stays a date.
    """
    if not moment:
        return ""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).isoformat(timespec="seconds")
    return moment.isoformat()


@register.filter
def day_label(moment) -> str:
    """The day of a moment or date, as people read it: "di 3 dec 2026" / "Tue 3 Dec 2026"."""
    if not moment:
        return ""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    return day_text(moment)


@register.filter
def short_day(day) -> str:
    """A day without its year: "di 3 dec" / "Tue 3 Dec" (a date, or an aware moment)."""
    if not day:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day)
    return day_text(day, year=False)


@register.filter(name="is_coordinator")
def is_coordinator_filter(user) -> bool:
    """``{% if user|is_coordinator %}``: :func:`lef.coordinators.is_coordinator` in a template."""
    return is_coordinator(user)
