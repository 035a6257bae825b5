"""Mijn LEF: the signed-in member's overview on the home page."""

import pytest
from django.utils.html import escape

from lef.choices import CoreActivity, Role, Sector
from members.models import Profile
from members.queries import profile_completeness
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def complete_member(**profile):
    values = {
        "primary_sector": Sector.PO,
        "core_activities": [CoreActivity.TEACHING],
        "expertise": ["rekenen"],
        "bio": "Juf van groep 8.",
        "avatar": "avatars/ab/abcdef",
        "job_title": "Leerkracht",
        "roles": [Role.TEACHER],
    }
    values.update(profile)
    return MemberFactory(name="Sanne de Vries", **{f"profile__{k}": v for k, v in values.items()})


# -- profile completeness ---------------------------------------------------------


def test_completeness_of_a_complete_profile_is_100():
    profile = Profile.objects.select_related("user").get(user=complete_member())

    completeness = profile_completeness(profile)

    assert completeness.percent == 100
    assert completeness.missing == []
    assert completeness.is_complete


def test_completeness_lists_the_three_most_useful_missing_items_first():
    user = UserFactory(name="")
    profile = Profile.objects.select_related("user").get(user=user)

    completeness = profile_completeness(profile)

    assert completeness.percent == 0
    assert [item.field for item in completeness.missing] == [
        "name",
        "primary_sector",
        "organisation",
    ]


def test_completeness_counts_what_is_there(django_assert_num_queries):
    member = complete_member(bio="  ", avatar="", expertise=[])
    profile = Profile.objects.select_related("user").get(user=member)

    with django_assert_num_queries(0):
        completeness = profile_completeness(profile)

    assert completeness.percent == 67  # 6 of 9
    assert [item.field for item in completeness.missing] == ["expertise", "bio", "avatar"]


# -- the page ---------------------------------------------------------------------


def test_my_lef_greets_and_shows_completeness_with_links_to_the_edit_page(client):
    client.force_login(complete_member(avatar="", job_title=""))

    html = home(client)

    assert "Hello Sanne, this is your LEF" in html
    assert "Your profile is 78% complete" in html
    assert (
        '<progress id="my-profile-progress" class="lef-progress mb-3" max="100" value="78">'
        in (html)
    )
    assert '<li><a href="/members/me/edit/#div_id_avatar">A photo</a></li>' in html
    assert '<li><a href="/members/me/edit/#div_id_job_title">Your job title</a></li>' in html
    assert '<a class="btn btn-lef btn-sm" href="/members/me/edit/">Complete your profile</a>' in (
        html
    )


def test_my_lef_with_complete_profile_links_to_the_profile(client):
    member = complete_member()
    client.force_login(member)

    html = home(client)

    assert "Your profile is 100% complete" in html
    assert f'<a href="/members/{member.username}/">View your profile</a>' in html


def test_my_lef_suggests_members_from_other_sectors_with_the_reason(client):
    client.force_login(complete_member(core_activities=[CoreActivity.RESEARCH]))
    MemberFactory(
        name="Jan Mbo",
        profile__primary_sector=Sector.MBO,
        profile__core_activities=[CoreActivity.RESEARCH],
        profile__expertise=["rekenen", "taal"],
    )
    MemberFactory(name="Piet Po", profile__expertise=["rekenen"])  # same sector

    html = home(client)

    assert "Meet across sectors" in html
    assert "Jan Mbo" in html
    assert "Piet Po" not in html
    assert "You share: rekenen, practice-based research" in html


def test_my_lef_without_activities_or_expertise_asks_to_add_them(client):
    client.force_login(complete_member(core_activities=[], expertise=[]))

    html = home(client)

    assert (
        escape(
            "Add your core activities and expertise to your profile, and we suggest colleagues "
            "from other sectors who share them."
        )
        in html
    )


def test_my_lef_without_matches_points_to_the_directory(client):
    client.force_login(complete_member())

    html = home(client)

    assert "No members from other sectors share your core activities or expertise yet." in html
    assert '<a href="/members/">Browse the member directory</a>' in html


def test_my_lef_shows_projects_meetups_and_bookings_to_come(client):
    client.force_login(complete_member())

    html = home(client)

    # Projects and meetups have their own sections (tests/projects, tests/events).
    assert "You are not on a project team yet." in html
    assert "You have not signed up for a meetup yet." in html
    assert '<a href="/events/">See the meetups</a>' in html
    assert "The desks and rooms you book will appear here." in html
    assert '<a href="/spaces/">Book a seat</a>' in html


def test_home_for_visitors_has_no_member_overview(client):
    MemberFactory(profile__visibility=Profile.Visibility.PUBLIC)

    html = home(client)

    assert 'id="my-lef-title"' not in html
    assert "Meet across sectors" not in html
    assert "Meet colleagues from every sector of Leiden education" in html


# Session, user, own profile (shared with the layout's reminder), the directory
# generation, the cached suggestions (one cache read) and the suggested profiles;
# plus one per app section that reads: spaces' coming bookings; events' sign-ups
# and the next meetups for my sector; projects' memberships (with the projects
# list's generation) and the cached projects for the member.
MY_LEF_QUERIES = 6 + 1 + 2 + 2


@pytest.mark.parametrize("suggestions", [1, 4])
def test_my_lef_query_count_is_fixed(client, django_assert_num_queries, suggestions):
    client.force_login(complete_member())
    for number in range(suggestions):
        MemberFactory(
            name=f"Collega {number}",
            profile__primary_sector=Sector.HO,
            profile__expertise=["rekenen"],
        )
    home(client)  # ranks the suggestions once and caches them (members.caching)

    with django_assert_num_queries(MY_LEF_QUERIES):
        html = home(client)

    assert html.count("You share: rekenen, teaching</p>") == suggestions
