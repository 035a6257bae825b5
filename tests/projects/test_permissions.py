"""Who may open and do what: every projects URL against every kind of viewer.

Viewers:

* ``anonymous``: not logged in;
* ``member``: signed up and logged in, first profile step not done;
* ``outsider``: an onboarded member who is not on the team;
* ``team``: on the team of the project, not a lead;
* ``lead``: a lead of the project;
* ``coordinator``: staff in the Coordinators group, not on the team.

Each cell is the exact status code, and for redirects where they go.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from projects.models import Membership, Project
from projects.permissions import project_permissions
from projects.queries import current_membership
from tests.factories import UserFactory
from tests.helpers import Case, Redirect, check_case, to_login, to_onboarding
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory, add_member, post

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "member", "outsider", "team", "lead", "coordinator"]
P = "/projects/rekenen/"
PROJECT = Redirect(P)
# A POST without a Referer: to the first profile step, with nowhere to come back to.
ONBOARDING = Redirect(reverse("members:onboarding"))


@dataclass
class World:
    users: dict
    ids: dict


@pytest.fixture
def world():
    lead = MemberFactory(username="lead")
    team = MemberFactory(username="team")
    outsider = MemberFactory(username="buiten")
    project = ProjectFactory(slug="rekenen", lead=lead)
    team_place = add_member(project, team)
    asker = MemberFactory(username="vrager")
    request = add_member(project, asker, status=Membership.Status.REQUESTED)
    update = post(project, team)
    second = ProjectFactory(slug="tweede", lead=lead)
    invitation = add_member(second, outsider, status=Membership.Status.INVITED, invited_by=lead)
    ProjectFactory(slug="besloten", lead=lead, visibility=Project.Visibility.MEMBERS)
    ids = {
        "request": request.pk,
        "team_place": team_place.pk,
        "update": update.pk,
        "invitation": invitation.pk,
    }
    users = {
        "anonymous": None,
        "member": UserFactory(username="nieuw"),
        "outsider": outsider,
        "team": team,
        "lead": lead,
        "coordinator": CoordinatorFactory(username="coordinator"),
    }
    return World(users=users, ids=ids)


def everyone(expected):
    return dict.fromkeys(VIEWERS, expected)


# A visitor is sent to the login page, and back to the case's path (filled in per test).
LOGIN = object()


def signed_in(expected, _path=None):
    return {**everyone(expected), "anonymous": LOGIN}


def only(allowed: dict, _path=None, *, others=403):
    """``others`` for every signed-in viewer but those in ``allowed``; visitors log in."""
    return {**signed_in(others), **allowed}


# Paths that name rows are filled in per test (the ids differ per test database).
CASES = [
    Case("project list", "/projects/", everyone(200)),
    Case("project list by POST", "/projects/", everyone(405), method="post"),
    Case("filtered list", "/projects/?sector=po&status=looking&sort=active", everyone(200)),
    Case(
        "start a project",
        "/projects/new/",
        {**signed_in(200, "/projects/new/"), "member": to_onboarding()},
    ),
    Case(
        "start a project by POST without data",
        "/projects/new/",
        {**signed_in(400, "/projects/new/"), "member": ONBOARDING},
        method="post",
    ),
    Case("public project", P, everyone(200)),
    Case("members-only project", "/projects/besloten/", {**everyone(200), "anonymous": 403}),
    Case("unknown project", "/projects/bestaat-niet/", everyone(404)),
    Case("edit", f"{P}edit/", only({"lead": 200}, f"{P}edit/")),
    Case(
        "edit a members-only project",
        "/projects/besloten/edit/",
        only({"lead": 200}, "/projects/besloten/edit/"),
    ),
    Case(
        "join page",
        f"{P}join/",
        {
            **signed_in(200, f"{P}join/"),
            "member": to_onboarding(),
            "team": PROJECT,
            "lead": PROJECT,
        },
    ),
    Case(
        "ask to join",
        f"{P}join/",
        {
            **signed_in(PROJECT, f"{P}join/"),
            "member": ONBOARDING,
            "team": 409,
            "lead": 409,
        },
        method="post",
        data={"motivation": "Graag!"},
    ),
    Case(
        "leave page",
        f"{P}leave/",
        {**signed_in(PROJECT, f"{P}leave/"), "team": 200, "lead": 200},
    ),
    Case(
        "leave",
        f"{P}leave/",
        {**signed_in(PROJECT, f"{P}leave/"), "lead": 409},
        method="post",
    ),
    Case("team page", f"{P}team/", everyone(200)),
    Case(
        "team of a members-only project",
        "/projects/besloten/team/",
        {**everyone(200), "anonymous": 403},
    ),
    Case("invite page", f"{P}invite/", only({"lead": 200}, f"{P}invite/")),
    Case(
        "invite",
        f"{P}invite/",
        only({"lead": Redirect(f"{P}team/")}, f"{P}invite/"),
        method="post",
        data={"member": "buiten"},
    ),
    Case(
        "decline a request",
        f"{P}requests/{{request}}/",
        only({"lead": PROJECT}, f"{P}requests/{{request}}/"),
        method="post",
        data={"decision": "decline"},
    ),
    Case(
        "make someone lead",
        f"{P}team/{{team_place}}/",
        only({"lead": Redirect(f"{P}team/")}, f"{P}team/{{team_place}}/"),
        method="post",
        data={"action": "make_lead"},
    ),
    Case(
        "decline an invitation",
        "/projects/tweede/membership/{invitation}/answer/",
        only(
            {"outsider": Redirect("/projects/tweede/")},
            "/projects/tweede/membership/{invitation}/answer/",
        ),
        method="post",
        data={"decision": "decline"},
    ),
    Case("updates", f"{P}updates/", everyone(200)),
    Case(
        "post an update",
        f"{P}updates/",
        only({"team": Redirect(f"{P}#updates"), "lead": Redirect(f"{P}#updates")}, f"{P}updates/"),
        method="post",
        data={"text": "Nieuws"},
    ),
    Case(
        "hide an update",
        f"{P}updates/{{update}}/hide/",
        only(
            {"lead": Redirect(f"{P}#updates"), "coordinator": Redirect(f"{P}#updates")},
            f"{P}updates/{{update}}/hide/",
        ),
        method="post",
        data={"hidden": "1"},
    ),
    Case(
        "feature",
        f"{P}moderate/",
        only({"coordinator": PROJECT}, f"{P}moderate/"),
        method="post",
        data={"action": "feature"},
    ),
]


def _filled(case: Case, ids: dict) -> Case:
    path = case.path.format(**ids)

    def fill(value):
        if value is LOGIN:
            return to_login(path)
        if isinstance(value, Redirect):
            return Redirect(value.target.format(**ids), value.status)
        return value

    return Case(
        case.name,
        path,
        {viewer: fill(expected) for viewer, expected in case.expect.items()},
        case.method,
        case.data,
    )


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_permission_matrix(client, world, case, viewer):
    filled = _filled(case, world.ids)

    check_case(client, world.users[viewer], filled, viewer)


# Who may see a project: the list's QuerySet and the check on one project --------------


VISIBILITY_VIEWERS = [
    "visitor",
    "not onboarded",
    "member",
    "asker",
    "invitee",
    "team",
    "lead",
    "former member",
    "coordinator",
    "superuser",
]


@pytest.fixture
def every_kind_of_project():
    """One project per status and visibility, each with a lead, a team member, an asker,
    an invitee and someone who left; and every kind of viewer of them.
    """
    lead, team, asker = MemberFactory(), MemberFactory(), MemberFactory()
    invitee, former = MemberFactory(), MemberFactory()
    projects = []
    for status in Project.Status.values:
        for visibility in Project.Visibility.values:
            project = ProjectFactory(status=status, visibility=visibility, lead=lead)
            add_member(project, team)
            add_member(project, asker, status=Membership.Status.REQUESTED)
            add_member(project, invitee, status=Membership.Status.INVITED, invited_by=lead)
            add_member(project, former, status=Membership.Status.LEFT)
            projects.append(project)
    viewers = {
        "visitor": AnonymousUser(),
        "not onboarded": UserFactory(),
        "member": MemberFactory(),
        "asker": asker,
        "invitee": invitee,
        "team": team,
        "lead": lead,
        "former member": former,
        "coordinator": CoordinatorFactory(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    return projects, viewers


@pytest.mark.parametrize("viewer", VISIBILITY_VIEWERS)
def test_visible_to_and_the_view_permission_are_the_same_rule(every_kind_of_project, viewer):
    projects, viewers = every_kind_of_project
    user = viewers[viewer]

    listed = set(Project.objects.visible_to(user).values_list("pk", flat=True))
    allowed = {
        project.pk
        for project in projects
        if project_permissions(user, project, current_membership(user, project)).view
    }

    # Members see every project, whatever its status; visitors the public ones.
    expected = {
        project.pk
        for project in projects
        if viewer != "visitor" or project.visibility == Project.Visibility.PUBLIC
    }
    assert (listed, allowed) == (expected, expected)
    assert len(expected) == (5 if viewer == "visitor" else 10)


def test_a_visitor_given_as_none_sees_what_an_anonymous_visitor_sees(every_kind_of_project):
    projects, _viewers = every_kind_of_project

    public = {p.pk for p in projects if p.visibility == Project.Visibility.PUBLIC}
    assert set(Project.objects.visible_to(None).values_list("pk", flat=True)) == public
    assert {p.pk for p in projects if project_permissions(None, p).view} == public
