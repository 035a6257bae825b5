"""Template helpers of the projects area: image addresses and vocabulary labels.

{% load projects %}
{{ project.image|project_image:480 }}     the address of the stored size for 480 px
{{ code|vocab:"transition" }}             a code as its translated label
"""

from django import template

from lef.choices import CoreActivity, Role, Sector, Transition
from projects.images import image_url

register = template.Library()

VOCABULARIES = {
    "sector": Sector,
    "transition": Transition,
    "activity": CoreActivity,
    "role": Role,
}


@register.filter
def project_image(stem: str, size: int) -> str:
    """The address of a project or update image for ``size`` CSS pixels ("" without one)."""
    return image_url(stem, int(size)) or ""


@register.filter
def vocab(code: str, vocabulary: str) -> str:
    """``code`` as its translated label in ``vocabulary`` (sector, transition, activity, role)."""
    choices = VOCABULARIES[vocabulary]
    return str(choices(code).label) if code in choices.values else ""
