"""A team membership keeps the member's sector from when it starts (for the dashboard)."""

from datetime import date

import pytest

from members.models import Profile
from members.privacy import delete_account
from projects import services
from projects.models import Membership, Project
from projects.services import ProjectDetails
from tests.projects.factories import MemberFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _member(sector: str):
    return MemberFactory(profile__primary_sector=sector)


def _sector(project, member) -> str:
    return Membership.objects.get(project=project, member=member).sector


def test_starting_a_project_keeps_the_lead_s_sector():
    lead = _member("ho")
    details = ProjectDetails(
        title="Rekenen van groep 8 naar de brugklas",
        summary="Samen overstaplessen maken.",
        description="",
        sectors=["po", "vo"],
        transitions=[],
        core_activities=[],
        tags=[],
        status=Project.Status.LOOKING,
        start_date=date(2026, 12, 1),
        end_date=None,
        looking_for_sectors=[],
        looking_for_roles=[],
        looking_for_text="",
        max_team_size=None,
        visibility=Project.Visibility.PUBLIC,
        requires_approval=True,
    )

    project = services.start_project(by=lead, details=details)

    assert _sector(project, lead) == "ho"


def test_a_request_gets_the_sector_when_approved_not_when_asked():
    project = ProjectFactory()
    asker = _member("vo")
    membership = services.request_to_join(project=project, member=asker)
    assert membership.sector == ""
    Profile.objects.filter(user=asker).update(primary_sector="mbo")

    services.approve_request(membership=membership, by=project.created_by)

    assert _sector(project, asker) == "mbo"


def test_joining_without_approval_and_accepting_an_invitation_keep_the_sector():
    project = ProjectFactory(requires_approval=False)
    joiner, invitee = _member("po"), _member("other")

    services.request_to_join(project=project, member=joiner)
    invitation = services.invite_member(project=project, by=project.created_by, member=invitee)
    services.accept_invitation(membership=invitation, member=invitee)

    assert (_sector(project, joiner), _sector(project, invitee)) == ("po", "other")


def test_the_sector_stays_after_a_change_of_sector_and_account_deletion():
    project = ProjectFactory(requires_approval=False)
    member = _member("mbo")
    services.request_to_join(project=project, member=member)

    Profile.objects.filter(user=member).update(primary_sector="ho")
    delete_account(user=member)

    membership = Membership.objects.get(project=project, member=member)
    assert (membership.status, membership.sector) == (Membership.Status.LEFT, "mbo")
