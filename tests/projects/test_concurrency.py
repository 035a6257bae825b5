"""Team rules under concurrent requests: each race is run for real, threads on their own
connections released together by a barrier, a few times, with exact outcomes."""

import pytest
from django.core import mail

from projects import services
from projects.models import Membership, ProjectUpdate
from projects.services import AlreadyDone, LastLead, ProjectFull
from tests.helpers import run_at_once
from tests.projects.factories import MemberFactory, ProjectFactory, add_member, post

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = range(3)


def _race(*actions) -> list:
    """Run the actions at once (tests.helpers.run_at_once); an error is named by its type."""
    return [
        type(outcome).__name__ if isinstance(outcome, Exception) else outcome
        for outcome in run_at_once(list(actions))
    ]


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_leads_approving_the_last_place_at_once_fill_it_once(attempt):
    project = ProjectFactory(max_team_size=3)
    second_lead = MemberFactory()
    add_member(project, second_lead, role=Membership.Role.LEAD)  # two of three places taken
    requests = [
        Membership.objects.create(
            project=project, member=MemberFactory(), status=Membership.Status.REQUESTED
        )
        for _ in range(2)
    ]

    outcomes = _race(
        lambda: services.approve_request(membership=requests[0], by=project.created_by).status,
        lambda: services.approve_request(membership=requests[1], by=second_lead).status,
    )

    assert sorted(outcomes) == sorted(["active", ProjectFull.__name__])
    assert Membership.objects.active().filter(project=project).count() == 3
    assert len(mail.outbox) == 1  # only the approved asker hears, once


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_members_joining_the_last_place_at_once_fill_it_once(attempt):
    project = ProjectFactory(max_team_size=2, requires_approval=False)
    joiners = [MemberFactory(), MemberFactory()]

    outcomes = _race(
        *(
            (lambda member=member: services.request_to_join(project=project, member=member).status)
            for member in joiners
        )
    )

    assert sorted(outcomes) == sorted(["active", ProjectFull.__name__])
    assert Membership.objects.active().filter(project=project).count() == 2


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_asking_twice_at_once_makes_one_request(attempt):
    project = ProjectFactory()
    asker = MemberFactory()

    outcomes = _race(
        lambda: services.request_to_join(project=project, member=asker).status,
        lambda: services.request_to_join(project=project, member=asker).status,
    )

    assert sorted(outcomes) == sorted(["requested", AlreadyDone.__name__])
    assert Membership.objects.filter(project=project, member=asker).count() == 1


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_leads_leaving_at_once_leave_one_lead(attempt):
    project = ProjectFactory()
    first = project.created_by
    second = MemberFactory()
    add_member(project, second, role=Membership.Role.LEAD)
    add_member(project, MemberFactory())

    outcomes = _race(
        lambda: services.leave_project(project=project, member=first).status,
        lambda: services.leave_project(project=project, member=second).status,
    )

    assert sorted(outcomes) == sorted(["left", LastLead.__name__])
    assert Membership.objects.leads().filter(project=project).count() == 1


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_digest_runs_at_once_mail_each_member_once(attempt):
    project = ProjectFactory()
    readers = [MemberFactory(), MemberFactory()]
    for reader in readers:
        add_member(project, reader)
    post(project, project.created_by, "Nieuws")

    outcomes = _race(
        lambda: services.send_update_digest(project_id=project.pk),
        lambda: services.send_update_digest(project_id=project.pk),
    )

    assert sorted(outcomes) == [0, 2]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert ProjectUpdate.objects.filter(digested_at__isnull=True).count() == 0
