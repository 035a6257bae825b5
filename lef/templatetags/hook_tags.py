"""``{% hook_links object %}``: what other apps add to an object's page (lef.hooks.object_links).

A meetup's page, its door list and a project's page each carry this one line;
the apps built on them (the knowledge library: where a project started, the
projects a meetup started) fill it through their hooks, so the app that owns
the page never imports them.
"""

from django import template

from lef import hooks

register = template.Library()


@register.inclusion_tag("lef/includes/hook_links.html", takes_context=True)
def hook_links(context, obj):
    """Every app's parts of ``obj``'s page, for the request's user."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {"parts": hooks.object_parts(obj, viewer), "request": request}
