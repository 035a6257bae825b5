"""The sections later apps add to Mijn LEF and to member profiles (lef/overview.py)."""

import pytest

from lef import overview
from lef.overview import (
    OverviewSection,
    ProfileSection,
    register_overview_section,
    register_profile_section,
)
from members.models import Profile
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(monkeypatch):
    # Only this test's sections: the apps' own (events' "meetups", ...) are set aside.
    monkeypatch.setattr(overview, "_sections", {})
    monkeypatch.setattr(overview, "_profile_sections", {})
    register_overview_section(
        OverviewSection(
            name="projects",
            order=10,
            template="tests/sections/overview.html",
            load=lambda user: {"greeting": f"projecten van {user.name}"},
        )
    )
    register_profile_section(
        ProfileSection(
            name="projects",
            order=10,
            template="tests/sections/profile.html",
            load=lambda member, viewer: (
                {"greeting": f"{member.name} gezien door {viewer.name}"}
                if viewer.is_authenticated
                else None
            ),
        )
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


def test_registering_another_section_under_a_taken_name_is_refused(sections):
    with pytest.raises(ValueError, match="already registered"):
        register_overview_section(
            OverviewSection(name="projects", order=1, template="x.html", load=lambda user: {})
        )
