from django import template
from django.urls import reverse

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
