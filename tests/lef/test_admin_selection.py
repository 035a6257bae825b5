"""An admin action on a tampered selection: a 400 and nothing done, not a 500.

Found by the fuzzing (tests/fuzz): Django filters the list on the posted ids
as they come, so an id that is not a number raised ValueError.
"""

import pytest

from projects.models import Project
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("selected", ["", "abc", "1.5", str(10**20), "-1 OR 1=1"])
def test_action_on_ids_that_are_not_ids_is_a_400_that_changes_nothing(client, selected):
    project = ProjectFactory(is_featured=False)
    client.force_login(CoordinatorFactory())
    response = client.post(
        "/admin/projects/project/",
        {"action": "feature_selected", "_selected_action": [str(project.pk), selected]},
    )
    assert response.status_code == 400
    assert Project.objects.get(pk=project.pk).is_featured is False


def test_action_on_real_ids_still_runs(client):
    project = ProjectFactory(is_featured=False)
    client.force_login(CoordinatorFactory())
    response = client.post(
        "/admin/projects/project/",
        {"action": "feature_selected", "_selected_action": [str(project.pk)]},
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).is_featured is True
