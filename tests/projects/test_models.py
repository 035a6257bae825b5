"""What a project says about itself, and derived data the database keeps in step with it."""

import pytest
from django.db import connection

from projects.models import Project
from tests.projects.factories import MemberFactory, ProjectFactory, add_member

pytestmark = pytest.mark.django_db


def _found(word: str) -> list[int]:
    return list(Project.objects.filter(search_vector=word).values_list("pk", flat=True))


def test_a_bulk_update_of_the_text_keeps_the_search_vector_in_step():
    project = ProjectFactory(title="Een project", summary="Iets over rekenen.", tags=[])

    Project.objects.filter(pk=project.pk).update(summary="Iets over burgerschap.")

    assert (_found("burgerschap"), _found("rekenen")) == ([project.pk], [])


def test_a_change_that_leaves_the_text_keeps_the_search_vector():
    project = ProjectFactory(title="Een project", summary="Iets over rekenen.", tags=[])
    add_member(project, MemberFactory())

    Project.objects.filter(pk=project.pk).update(status=Project.Status.RUNNING)

    assert _found("rekenen") == [project.pk]


@pytest.mark.django_db
def test_search_vector_is_stored_in_the_row():
    # Out of line, every search read each vector from the TOAST table twice (migration 0005).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'projects_project'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)


@pytest.mark.parametrize(
    ("max_team_size", "team_size", "full"),
    [(None, 500, False), (3, 2, False), (3, 3, True), (3, 4, True)],
)
def test_is_full_when_the_team_reaches_its_maximum(max_team_size, team_size, full):
    assert Project(max_team_size=max_team_size).is_full(team_size) is full
