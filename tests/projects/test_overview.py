"""Projects on Mijn LEF, on member profiles, and for the visitors' home page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from lef.choices import CoreActivity, Role, Sector
from members.models import Profile
from projects import services
from projects.models import Membership, Project
from projects.queries import (
    _visible_sql,
    my_projects,
    newest_public_projects,
    profile_section,
    projects_for,
)
from tests.factories import UserFactory
from tests.helpers import queries_of
from tests.projects.factories import MemberFactory, ProjectFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def sanne():
    return MemberFactory(
        name="Sanne de Vries",
        username="sanne",
        profile__primary_sector=Sector.PO,
        profile__roles=[Role.TEACHER],
        profile__core_activities=[CoreActivity.INNOVATION],
        profile__expertise=["rekenen"],
    )


def _titles(suggestions):
    return [s.title for s in suggestions]


# Projects for you -------------------------------------------------------------------------


def test_projects_for_you_ranks_wanted_sector_then_role_then_tags_then_activities(sanne):
    ProjectFactory(title="Deelt activiteit", core_activities=["innovation"], tags=[])
    ProjectFactory(title="Deelt tag", core_activities=[], tags=["rekenen"])
    ProjectFactory(
        title="Zoekt leraar", looking_for_roles=["teacher"], core_activities=[], tags=[]
    )
    ProjectFactory(title="Zoekt po", looking_for_sectors=["po"], core_activities=[], tags=[])
    ProjectFactory(title="Niets gemeen", core_activities=["leadership"], tags=["lezen"])

    suggestions = projects_for(sanne, limit=10)

    assert _titles(suggestions) == ["Zoekt po", "Zoekt leraar", "Deelt tag", "Deelt activiteit"]
    assert [s.reason for s in suggestions] == [
        "looking for: po",
        "looking for: teacher",
        "You share: rekenen",
        "You share: innovation",
    ]


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_projects_for_you_filters_by_the_same_visibility_rule_as_visible_to(viewer):
    for visibility in Project.Visibility.values:
        ProjectFactory(visibility=visibility)
    user = AnonymousUser() if viewer == "visitor" else MemberFactory()
    condition, params = _visible_sql(user)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM projects_project AS p WHERE true{condition}", params)  # noqa: S608 -- the condition under test
        selected = {row[0] for row in cursor.fetchall()}

    assert selected == set(Project.objects.visible_to(user).values_list("pk", flat=True))
    assert len(selected) == (1 if viewer == "visitor" else 2)
    # Members see every project: no condition, so the ranking stays an index-only scan.
    assert (condition == "") is (viewer == "member")


def test_projects_for_you_leaves_out_mine_closed_full_and_hidden_ones(sanne):
    mine = ProjectFactory(title="Van mij", looking_for_sectors=["po"])
    add_member(mine, sanne)
    asked = ProjectFactory(title="Gevraagd", looking_for_sectors=["po"])
    add_member(asked, sanne, status=Membership.Status.REQUESTED)
    ProjectFactory(title="Klaar", looking_for_sectors=["po"], status="completed")
    ProjectFactory(title="Vol", looking_for_sectors=["po"], max_team_size=2).memberships.create(
        member=MemberFactory(), status=Membership.Status.ACTIVE
    )
    ProjectFactory(title="Open", looking_for_sectors=["po"])

    assert _titles(projects_for(sanne, limit=10)) == ["Open"]


def test_projects_for_a_member_without_a_first_profile_step_is_empty():
    ProjectFactory(looking_for_sectors=["po"])

    assert projects_for(UserFactory()) == []


# Mijn LEF ---------------------------------------------------------------------------------


def test_mijn_lef_lists_my_projects_requests_and_invitations(client, sanne):
    led = ProjectFactory(title="Rekenen", lead=sanne)
    add_member(led, MemberFactory(), status=Membership.Status.REQUESTED)
    add_member(led, MemberFactory(), status=Membership.Status.REQUESTED)
    asked = ProjectFactory(title="Leerkring")
    add_member(asked, sanne, status=Membership.Status.REQUESTED)
    invited = ProjectFactory(title="Studiekeuze")
    add_member(invited, sanne, status=Membership.Status.INVITED)
    client.force_login(sanne)

    html = client.get("/").content.decode()

    assert '<h3 id="my-projects-title" class="h5">My projects</h3>' in html
    assert f'<a href="{led.get_absolute_url()}">Rekenen</a>' in html
    assert "2 requests waiting" in html
    assert "Waiting for an answer" in html
    assert f'<a href="{asked.get_absolute_url()}">Leerkring</a>' in html
    next_up = html[html.index('id="next-title"') : html.index('id="meet-title"')]
    assert next_up.index("Studiekeuze") < next_up.index("Rekenen")  # what waits on her first
    assert f'<a href="{invited.get_absolute_url()}">Studiekeuze</a>' in next_up
    assert "You are invited to join</span>" in next_up
    assert f'<a href="{led.get_absolute_url()}#requests-title">Rekenen</a>' in next_up
    assert "2 requests to join</span>" in next_up
    assert "Studiekeuze" not in html[html.index('id="my-projects-title"') :]


def test_mijn_lef_without_projects_points_to_the_list_and_the_start(client, sanne):
    client.force_login(sanne)

    html = client.get("/").content.decode()

    assert "You are not on a project team yet." in html
    assert '<a href="/projects/new/">Start a project</a>' in html
    assert "No open projects match your sector, roles, activities or expertise" in html


@pytest.mark.parametrize("count", [1, 5])
def test_my_projects_costs_two_queries_whatever_the_number(
    django_assert_num_queries, sanne, count
):
    for n in range(count):
        project = ProjectFactory(title=f"Project {n}", looking_for_sectors=["po"])
        add_member(project, sanne if n % 2 == 0 else MemberFactory())
        add_member(project, MemberFactory(), status=Membership.Status.REQUESTED)

    # Her places (with the requests waiting for her as lead), and projects for her.
    with django_assert_num_queries(2):
        mine = my_projects(sanne)

    assert (len(mine.active), len(mine.suggestions)) == ((count + 1) // 2, count // 2)


def test_projects_for_me_follow_my_joining_and_a_new_project(sanne):
    first = ProjectFactory(title="Eerste", looking_for_sectors=["po"], tags=[], core_activities=[])
    assert _titles(projects_for(sanne)) == ["Eerste"]

    services.request_to_join(project=first, member=sanne)
    ProjectFactory(title="Tweede", looking_for_sectors=["po"], tags=[], core_activities=[])

    assert _titles(projects_for(sanne)) == ["Tweede"]


def test_mijn_lef_shows_my_new_places_at_once(client, sanne):
    led = ProjectFactory(title="Rekenen", lead=sanne)
    client.force_login(sanne)
    assert "requests waiting" not in client.get("/").content.decode()

    add_member(led, MemberFactory(), status=Membership.Status.REQUESTED)
    assert "1 request waiting" in client.get("/").content.decode()

    invited = ProjectFactory(title="Studiekeuze")
    add_member(invited, sanne, status=Membership.Status.INVITED)
    assert "You are invited to join" in client.get("/").content.decode()

    Membership.objects.filter(project=invited, member=sanne).update(status="active")
    assert "You are invited to join" not in client.get("/").content.decode()
    Project.objects.filter(pk=invited.pk).update(title="Studiekeuze in de klas")
    assert "Studiekeuze in de klas" in client.get("/").content.decode()


# Profiles ---------------------------------------------------------------------------------


def test_profile_shows_the_projects_the_viewer_may_see(client, sanne):
    Profile.objects.filter(user=sanne).update(visibility=Profile.Visibility.PUBLIC)
    ProjectFactory(title="Openbaar", lead=sanne)
    hidden = ProjectFactory(title="Besloten", visibility=Project.Visibility.MEMBERS)
    add_member(hidden, sanne)

    visitor = client.get("/members/sanne/").content.decode()
    client.force_login(MemberFactory())
    member = client.get("/members/sanne/").content.decode()

    assert ("Openbaar</a>" in visitor, "Besloten</a>" in visitor) == (True, False)
    assert ("Openbaar</a>" in member, "Besloten</a>" in member) == (True, True)


def test_profile_offers_a_lead_to_invite_the_member(client, sanne):
    lead = MemberFactory()
    project = ProjectFactory(title="Rekenen", lead=lead)
    client.force_login(lead)

    html = client.get("/members/sanne/").content.decode()

    assert "Invite Sanne to a project you lead:" in html
    assert f'action="{project.get_absolute_url()}invite/"' in html


def test_profile_of_someone_without_projects_shows_no_section_to_visitors(client, sanne):
    Profile.objects.filter(user=sanne).update(visibility=Profile.Visibility.PUBLIC)

    html = client.get("/members/sanne/").content.decode()

    assert 'id="member-projects-title"' not in html


@pytest.mark.parametrize("count", [1, 4])
def test_profile_section_costs_one_query_whatever_the_number(
    django_assert_num_queries, sanne, count
):
    viewer = MemberFactory()
    for n in range(count):
        add_member(ProjectFactory(title=f"Project {n}"), sanne)
        ProjectFactory(title=f"Geleid {n}", lead=viewer)

    with django_assert_num_queries(1):
        section = profile_section(sanne, viewer)

    assert (len(section["teams"]), len(section["can_invite"])) == (count, count)


# The visitors' home page ------------------------------------------------------------------


def test_newest_public_projects_in_one_query(django_assert_num_queries):
    ProjectFactory(title="Oud")
    ProjectFactory(title="Besloten", visibility=Project.Visibility.MEMBERS)
    ProjectFactory(title="Gearchiveerd", status="archived")
    newest = ProjectFactory(title="Nieuw")
    add_member(newest, MemberFactory(profile__primary_sector=Sector.VO))

    with django_assert_num_queries(1):
        projects = newest_public_projects(limit=3)

    assert [p.title for p in projects] == ["Nieuw", "Oud"]
    assert sorted(projects[0].team_sectors) == ["po", "vo"]


def test_home_query_count_does_not_grow_with_my_projects(client, sanne):
    client.force_login(sanne)
    few, _response = queries_of(client, "/")
    for n in range(6):
        project = ProjectFactory(title=f"Project {n}", looking_for_sectors=["po"])
        add_member(project, sanne, status="active" if n % 2 else "requested")

    many, response = queries_of(client, "/")

    assert (many, response.status_code) == (few, 200)
