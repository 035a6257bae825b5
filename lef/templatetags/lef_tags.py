import functools

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from lef.choices import Sector

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
    if code not in Sector.values:
        return ""
    return _sector_badge(code, get_language())


@functools.lru_cache(maxsize=64)
def _sector_badge(code: str, language: str) -> str:
    # Constant per sector and language; directory pages show dozens of badges.
    label = Sector(code).label
    return format_html(
        '<span class="badge lef-sector lef-sector-{}" title="{}">{}'
        '<span class="visually-hidden"> ({})</span></span>',
        code,
        label,
        code,
        label,
    )
