"""The hook behind the origins' parts of pages: ``object_links`` (lef.hooks) and the tag that
renders every app's parts, ``{% hook_links object %}`` (lef/templatetags/hook_tags.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from lef import hooks
from lef.hooks import ObjectPart
from tests.events.factories import EventFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def render(obj, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load hook_tags %}{% hook_links obj %}")
    return template.render(Context({"obj": obj, "request": request})).strip()


def test_the_tag_renders_each_apps_parts_with_their_data_in_the_apps_order(app_hooks):
    app_hooks(
        "eerste",
        ORDER=1,
        object_links=lambda obj, viewer: [
            ObjectPart("tests/sections/profile.html", {"greeting": f"{obj} voor {viewer}"})
        ],
    )
    app_hooks(
        "laatste",
        ORDER=999,
        object_links=lambda obj, viewer: [
            ObjectPart("tests/sections/profile.html", {"greeting": "een"}),
            ObjectPart("tests/sections/profile.html", {"greeting": "twee"}),
        ],
    )
    member = MemberFactory(name="Anna")

    html = render("Iets", member)

    assert html.splitlines() == ["<p>Iets voor Anna</p>", "<p>een</p>", "<p>twee</p>"]


def test_object_links_is_a_hook_and_the_knowledge_app_implements_it():
    assert "object_links" in hooks.HOOK_NAMES
    assert "knowledge" in [label for label, _function in hooks.implementations("object_links")]


def test_the_knowledge_app_has_nothing_to_say_about_other_objects_or_a_plain_meetup():
    event = EventFactory()  # next week, and the viewer organises nothing

    assert hooks.object_parts("Iets", AnonymousUser()) == []
    assert hooks.object_parts(event, AnonymousUser()) == []
    assert render(event, MemberFactory()) == ""
