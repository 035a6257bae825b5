"""Tags for the error pages, which render without a request or its context."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def contact_email() -> str:
    """The address people can mail when the site fails them."""
    return settings.LEF_CONTACT_EMAIL
