"""Template tags of the coordinators' back office."""

from django import template

from members.models import Organisation

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_organisations(context) -> int:
    """How many proposed organisations wait for approval (0 without permission to see them)."""
    request = context.get("request")
    if request is None or not request.user.has_perm("members.change_organisation"):
        return 0
    return Organisation.objects.filter(status=Organisation.Status.PROPOSED).count()
