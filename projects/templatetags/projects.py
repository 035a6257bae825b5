"""Template helpers of the projects area: vocabulary labels.

{% load projects %}
{{ code|vocab:"transition" }}             a code as its translated label

Image addresses come from ``{% load images %}`` (``{{ project.image|image_url:480 }}``).
"""

from django import template

from lef.choices import CoreActivity, Role, Sector, Transition

register = template.Library()

VOCABULARIES = {
    "sector": Sector,
    "transition": Transition,
    "activity": CoreActivity,
    "role": Role,
}


@register.filter
def vocab(code: str, vocabulary: str) -> str:
    """``code`` as its translated label in ``vocabulary`` (sector, transition, activity, role)."""
    choices = VOCABULARIES[vocabulary]
    return str(choices(code).label) if code in choices.values else ""
