"""The sections apps add to Mijn LEF and to member profiles through their hooks (lef.hooks)."""

from types import SimpleNamespace

import pytest

from lef import hooks
from members.models import Profile
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(monkeypatch):
    # Only this test's app: the real apps' hooks (events' meetups, ...) are set aside.
    monkeypatch.setattr(hooks, "_apps", {})
    hooks.register(
        "projects",
        SimpleNamespace(
            ORDER=10,
            OVERVIEW_TEMPLATE="tests/sections/overview.html",
            overview=lambda user: {"greeting": f"projecten van {user.name}"},
            PROFILE_TEMPLATE="tests/sections/profile.html",
            profile=lambda member, viewer: (
                {"greeting": f"{member.name} gezien door {viewer.name}"}
                if viewer.is_authenticated
                else None
            ),
        ),
    )


def test_mijn_lef_shows_a_registered_section_and_names_the_others_in_one_line(client, sections):
    client.force_login(MemberFactory(name="Sanne"))

    html = client.get("/", headers={"accept-language": "en"}).content.decode()

    assert "<p>projecten van Sanne</p>" in html
    assert "Coming soon to 't LEF: meetups, booking desks and rooms.</p>" in html


def test_profile_page_shows_a_registered_section_to_whom_it_chooses(client, sections):
    member = MemberFactory(name="Anna", username="anna")
    Profile.objects.filter(pk=member.pk).update(visibility=Profile.Visibility.PUBLIC)

    visitor = client.get("/members/anna/").content.decode()
    client.force_login(MemberFactory(name="Bram"))
    signed_in = client.get("/members/anna/").content.decode()

    assert "gezien door" not in visitor
    assert "<p>Anna gezien door Bram</p>" in signed_in


def test_registering_other_hooks_under_a_taken_label_is_refused(sections):
    with pytest.raises(ValueError, match="already registered"):
        hooks.register("projects", SimpleNamespace())


def test_every_app_with_a_part_has_hooks_found_at_start_up():
    assert hooks.labels() == ["members", "projects", "knowledge", "events", "spaces", "home"]
    assert [label for label, _ in hooks.implementations("overview")] == [
        "projects",
        "knowledge",
        "events",
        "spaces",
    ]


def test_asking_for_a_hook_that_does_not_exist_is_an_error():
    with pytest.raises(ValueError, match="not a hook"):
        list(hooks.implementations("overveiw"))
