"""Project titles, summaries, descriptions, updates and messages refuse control characters."""

import pytest

from projects.forms import DecisionForm, InviteForm, JoinForm, ProjectForm, UpdateForm
from projects.models import Project, ProjectUpdate
from projects.services import ProjectDetails, ProjectInvalid, post_update, start_project
from tests.lef.plain_text_cases import (
    DUTCH_LINES,
    MULTI_LINE_MESSAGE,
    SINGLE_LINE_MESSAGE,
    field_tests,
)
from tests.projects.factories import MemberFactory, ProjectFactory

SINGLE_LINE_FIELDS = [
    (ProjectForm, "title"),
    (ProjectForm, "summary"),
    (ProjectForm, "looking_for_text"),
]
MULTI_LINE_FIELDS = [
    (ProjectForm, "description"),
    (JoinForm, "motivation"),
    (DecisionForm, "message"),
    (InviteForm, "message"),
    (UpdateForm, "text"),
]


(
    test_single_line_field_refuses_control_characters,
    test_multi_line_field_refuses_control_characters,
    test_single_line_field_accepts_dutch_with_emoji,
    test_multi_line_field_accepts_lines,
) = field_tests(SINGLE_LINE_FIELDS, MULTI_LINE_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({"title": "Rekenen \u202eover"}, "title", SINGLE_LINE_MESSAGE),
        ({"summary": "Samen \x1brekenen."}, "summary", SINGLE_LINE_MESSAGE),
        ({"description": "Samen \u202erekenen."}, "description", MULTI_LINE_MESSAGE),
        ({"description": "Samen \x1brekenen."}, "description", MULTI_LINE_MESSAGE),
    ],
)
def test_start_project_refuses_control_characters(details, field, message):
    values = {"title": "Rekenen", "summary": "Samen rekenen.", **details}

    with pytest.raises(ProjectInvalid) as error:
        start_project(by=MemberFactory(), details=ProjectDetails(**values))

    assert error.value.errors[field] == [message]
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_start_project_joins_the_lines_of_a_summary_into_one():
    details = ProjectDetails(title="Rekenen", summary="Samen\r\nrekenen.")

    project = start_project(by=MemberFactory(), details=details)

    assert project.summary == "Samen rekenen."


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["Eerste \u202elesbezoek.", "Eerste \x1blesbezoek."])
def test_post_update_refuses_control_characters(text):
    project = ProjectFactory()

    with pytest.raises(ProjectInvalid) as error:
        post_update(project=project, author=project.created_by, text=text)

    assert str(error.value) == MULTI_LINE_MESSAGE
    assert ProjectUpdate.objects.count() == 0


@pytest.mark.django_db
def test_post_update_keeps_lines_accents_and_emoji():
    project = ProjectFactory()

    update = post_update(project=project, author=project.created_by, text=DUTCH_LINES)

    assert update.text == DUTCH_LINES
