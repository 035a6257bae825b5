"""``{{ stem|image_url:size }}``: the address of a stored image's size for ``size`` CSS pixels.

    {% load images %}
    {% if event.image %}<img src="{{ event.image|image_url:1200 }}" alt="">{% endif %}

Any image stored through :mod:`lef.images` (its folder says which kind); ""
without one. Reads no files and runs no queries.
"""

from django import template

from lef import images

register = template.Library()


@register.filter
def image_url(stem: str, size: int) -> str:
    return images.image_url(stem, int(size)) or ""
