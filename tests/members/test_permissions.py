"""Who may open what: every members and organisations URL against every kind of viewer.

Viewers:

* ``anonymous``: not logged in;
* ``member``: signed up and logged in, onboarding not finished yet (browses, but
  is sent to the profile step for actions that need a sector);
* ``owner``: the member the URL is about (their profile; the proposer of the
  proposed organisation); for ``/members/me/...`` simply the member themself;
* ``another``: an onboarded member who is not the owner;
* ``coordinator``: staff in the Coordinators group.

Each cell is the exact status code, and for redirects where they go.
"""

from dataclasses import dataclass

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from members.models import Organisation, Profile
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.helpers import Case, Redirect, check_case, to_login
from tests.members.factories_coordination import CoordinatorFactory, ProposedOrganisationFactory

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "member", "owner", "another", "coordinator"]


@dataclass
class World:
    users: dict
    owner: object
    public: object
    organisation: Organisation
    proposal: Organisation
    merged: Organisation


@pytest.fixture
def world():
    organisation = OrganisationFactory(name="Da Vinci College", slug="da-vinci")
    owner = MemberFactory(username="eigenaar", profile__organisation=organisation)
    public = MemberFactory(username="openbaar", profile__organisation=organisation)
    Profile.objects.filter(pk=public.pk).update(visibility=Profile.Visibility.PUBLIC)
    proposal = ProposedOrganisationFactory(slug="voorstel", proposed_by=owner)
    merged = OrganisationFactory(slug="dubbel", status=Organisation.Status.MERGED)
    merged.merged_into = organisation
    merged.save()
    users = {
        "anonymous": None,
        "member": UserFactory(username="nieuwkomer"),
        "owner": owner,
        "another": MemberFactory(username="collega"),
        "coordinator": CoordinatorFactory(username="coordinator"),
    }
    return World(users, owner, public, organisation, proposal, merged)


ONBOARDING = Redirect(f"{reverse('members:onboarding')}?next=*")
HOME = Redirect(reverse("home"))
TO_ORGANISATION = Redirect("/organisations/da-vinci/", status=301)


def everyone(expected):
    return dict.fromkeys(VIEWERS, expected)  # every viewer of this module


def members(expected, *, anonymous):
    return {**everyone(expected), "anonymous": anonymous}


CASES = [
    Case("member list", "/members/", everyone(200)),
    Case("public profile", "/members/openbaar/", everyone(200)),
    Case("members-only profile", "/members/eigenaar/", members(200, anonymous=403)),
    Case("unknown profile", "/members/niemand/", everyone(404)),
    Case(
        "edit profile",
        "/members/me/edit/",
        members(200, anonymous=to_login("/members/me/edit/")),
    ),
    Case(
        "onboarding",
        "/members/me/welcome/",
        {
            "anonymous": to_login("/members/me/welcome/"),
            "member": 200,
            "owner": HOME,
            "another": HOME,
            "coordinator": HOME,
        },
    ),
    Case(
        "export page",
        "/members/me/export/",
        members(200, anonymous=to_login("/members/me/export/")),
    ),
    Case(
        "export download",
        "/members/me/export/?download=1",
        members(200, anonymous=to_login("/members/me/export/?download=1")),
    ),
    Case(
        "export by POST",
        "/members/me/export/",
        members(405, anonymous=to_login("/members/me/export/")),
        method="post",
    ),
    Case(
        "delete page",
        "/members/me/delete/",
        members(200, anonymous=to_login("/members/me/delete/")),
    ),
    Case(
        "delete without password",
        "/members/me/delete/",
        members(400, anonymous=to_login("/members/me/delete/")),
        method="post",
    ),
    Case(
        "contact the owner",
        "/members/eigenaar/contact/",
        {
            "anonymous": to_login("/members/eigenaar/contact/"),
            "member": ONBOARDING,
            "owner": 403,
            "another": 200,
            "coordinator": 200,
        },
    ),
    Case(
        "expertise suggestions",
        "/members/expertise/suggest/?expertise=re",
        members(200, anonymous=to_login("/members/expertise/suggest/?expertise=re")),
    ),
    Case("organisation list", "/organisations/", everyone(200)),
    Case("organisation list by POST", "/organisations/", everyone(405), method="post"),
    Case("organisation", "/organisations/da-vinci/", everyone(200)),
    Case(
        "proposed organisation",
        "/organisations/voorstel/",
        {**everyone(404), "owner": 200, "coordinator": 200},
    ),
    Case("merged organisation", "/organisations/dubbel/", everyone(TO_ORGANISATION)),
    Case("unknown organisation", "/organisations/bestaat-niet/", everyone(404)),
]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_permission_matrix(client, world, case, viewer):
    check_case(client, world.users[viewer], case, viewer)


# The admin ---------------------------------------------------------------------------

ADMIN_PAGES = [
    "admin:index",
    "admin:members_user_changelist",
    "admin:members_organisation_changelist",
    "admin:members_contactmessage_changelist",
]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("url_name", ADMIN_PAGES)
def test_admin_pages(client, world, viewer, url_name):
    user = world.users[viewer]
    if user is not None:
        client.force_login(user)
    url = reverse(url_name)

    response = client.get(url)

    if viewer == "coordinator":
        assert response.status_code == 200
    else:
        assert (response.status_code, response["Location"]) == (
            302,
            f"{reverse('admin:login')}?next={url}",
        )


def test_admin_coordinator_cannot_delete_users(client, world):
    client.force_login(world.users["coordinator"])
    target = world.users["another"]

    page = client.get(reverse("admin:members_user_delete", args=[target.pk]))
    bulk = client.post(
        reverse("admin:members_user_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [target.pk], "post": "yes"},
    )

    assert page.status_code == 403
    assert bulk.status_code == 302  # "No action selected": the action is not on offer
    target.refresh_from_db()
    assert target.is_active is True


def test_admin_coordinator_runs_approve_and_merge(client, world):
    client.force_login(world.users["coordinator"])
    url = reverse("admin:members_organisation_changelist")
    duplicate = OrganisationFactory(slug="da-vinci-2")

    approve = client.post(
        url, {"action": "approve_selected", ACTION_CHECKBOX_NAME: [world.proposal.pk]}
    )
    merge = client.post(
        url,
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [world.organisation.pk, duplicate.pk],
            "post": "yes",
            "keep": world.organisation.pk,
        },
    )

    assert (approve.status_code, merge.status_code) == (302, 302)
    world.proposal.refresh_from_db()
    duplicate.refresh_from_db()
    assert world.proposal.status == Organisation.Status.APPROVED
    assert (duplicate.status, duplicate.merged_into) == ("merged", world.organisation)
