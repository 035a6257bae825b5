"""Derived data the database keeps in step with a project, whatever writes it."""

import pytest

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
