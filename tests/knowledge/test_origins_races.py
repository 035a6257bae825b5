"""Starting projects from one meetup at the same moment: threads on their own connections,
released together by a barrier (tests.helpers.run_at_once), a few times, exact outcomes.

Nothing here is scarce: two organisers who start a project from the same meetup
at once start two projects, each with its origin and its own invitations (the
one-current-membership rule is per project), and neither waits for the other's
meetup lock or a sign-up's.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from knowledge import origins
from knowledge.models import ProjectOrigin
from projects.models import Membership, Project
from projects.services import ProjectDetails
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory
from tests.helpers import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = range(3)


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_organisers_starting_at_once_start_two_projects(attempt):
    first, second = MemberFactory(name="Olga"), MemberFactory(name="Piet")
    start = timezone.now() - timedelta(hours=3)
    event = EventFactory(
        organisers=[first, second], starts_at=start, ends_at=start + timedelta(hours=2)
    )
    came = [MemberFactory(name=name, language="en") for name in ("Anna", "Bram")]
    for person in came:
        RegistrationFactory(event=event, member=person, checked_in_at=timezone.now())

    def start_by(organiser, title):
        return lambda: (
            origins.start_project_from_meetup(
                event=event,
                by=organiser,
                details=ProjectDetails(title=title, summary="Na de meetup."),
                invite=[person.pk for person in came],
            ).project.title
        )

    outcomes = run_at_once([start_by(first, "Van Olga"), start_by(second, "Van Piet")])

    assert sorted(outcomes) == ["Van Olga", "Van Piet"]
    assert ProjectOrigin.objects.filter(event=event).count() == 2
    for project in Project.objects.all():
        invited = Membership.objects.filter(project=project, status="invited")
        assert sorted(invited.values_list("member__name", flat=True)) == ["Anna", "Bram"]
        assert Membership.objects.leads().get(project=project).member.name == project.title[4:]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([p.email for p in came] * 2)
