"""The demo projects of ``manage.py seed_demo``: alive, believable, and seeded once."""

import pytest
from django.core.management import call_command

from home import demo_history
from projects import demo
from projects.models import Membership, Project, ProjectUpdate

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "projects": Project.objects.count(),
        "memberships": Membership.objects.count(),
        "updates": ProjectUpdate.objects.count(),
    }


def test_seed_demo_makes_about_fifteen_projects_with_teams_requests_and_updates(settings):
    settings.DEBUG = True

    call_command("seed_demo", verbosity=0)

    statuses = set(Project.objects.values_list("status", flat=True))
    # Besides the history's past projects (home/demo_history.py), for the dashboard.
    assert Project.objects.exclude(slug__startswith=demo_history.PREFIX).count() == 15
    assert len(demo.SPECS) == 15
    assert statuses == set(Project.Status.values)
    assert Membership.objects.filter(status="requested").count() >= 4
    assert Membership.objects.filter(status="invited").count() >= 1
    assert ProjectUpdate.objects.count() >= 10
    # Every project has a lead, and no team is over its maximum.
    for project in Project.objects.all():
        team = Membership.objects.active().filter(project=project)
        assert team.filter(role="lead").count() == 1
        assert project.max_team_size is None or team.count() <= project.max_team_size
    # Sanne (the first demo account) leads one, asked to join one and is invited to one.
    sanne = Membership.objects.filter(member__email="sanne@demo.lef.nl")
    assert sorted(sanne.values_list("status", "role")) == [
        ("active", "lead"),
        ("invited", "member"),
        ("requested", "member"),
    ]

    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before
