"""Template tags of the second-factor pages (lef.second_factor)."""

from django import template

from lef import second_factor

register = template.Library()


@register.simple_tag(takes_context=True)
def back_office_url(context) -> str:
    """Where a member who was sent to set up a second factor was going, or ""."""
    request = context.get("request")
    return second_factor.back_office_url(request) if request is not None else ""
