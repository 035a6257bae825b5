"""The coordinators' back office for projects: it writes through the services."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from lef.choices import Sector
from projects.models import Membership, Project, ProjectUpdate
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory, add_member, post

pytestmark = pytest.mark.django_db

PROJECTS = reverse("admin:projects_project_changelist")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory(name="Carla Coördinator"))
    return client


def _change_url(project) -> str:
    return reverse("admin:projects_project_change", args=[project.pk])


def _form_data(response) -> dict:
    """What the change form would post back unchanged: the project's fields and the team."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is True:
            data[name] = "on"
        else:
            data[name] = field.prepare_value(value) if name == "tags" else str(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.forms:
            data[inline_form.add_prefix("id")] = inline_form["id"].value()
            data[inline_form.add_prefix("project")] = inline_form.instance.project_id
    return data


def _team_action(client, project, member, action, **extra):
    response = client.get(_change_url(project))
    data = _form_data(response)
    formset = response.context["inline_admin_formsets"][0].formset
    for inline_form in formset.forms:
        if inline_form.instance.member_id == member.pk:
            data[inline_form.add_prefix("action")] = action
    data.update(extra)
    return client.post(_change_url(project), data)


def test_changelist_shows_labels_team_sizes_and_filters(coordinator_client):
    project = ProjectFactory(title="Rekenen", sectors=[Sector.PO])
    add_member(project, MemberFactory())
    ProjectFactory(title="Studiesucces", sectors=[Sector.HO], transitions=["mbo-ho"])

    response = coordinator_client.get(PROJECTS)
    filtered = coordinator_client.get(PROJECTS, {"transition": "mbo-ho"})
    tampered = coordinator_client.get(PROJECTS, {"sector": "<script>"})

    html = response.content.decode()
    assert "Primary education (po)" in html
    assert "Looking for people" in html
    assert [p.title for p in filtered.context["cl"].result_list] == ["Studiesucces"]
    assert tampered.status_code == 200
    team_sizes = {p.title: p.active_count for p in response.context["cl"].result_list}
    assert team_sizes == {"Rekenen": 2, "Studiesucces": 1}


def test_saving_a_project_goes_through_the_service(coordinator_client):
    project = ProjectFactory(title="Oud")
    data = _form_data(coordinator_client.get(_change_url(project)))

    response = coordinator_client.post(_change_url(project), data | {"title": "Nieuw"})

    project.refresh_from_db()
    assert response.status_code == 302
    assert project.title == "Nieuw"


def test_the_admin_cannot_set_a_maximum_below_the_team(coordinator_client):
    project = ProjectFactory()
    add_member(project, MemberFactory())
    add_member(project, MemberFactory())
    data = _form_data(coordinator_client.get(_change_url(project)))

    response = coordinator_client.post(_change_url(project), data | {"max_team_size": "2"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["max_team_size"] == [
        "The team already has 3 members; the maximum cannot be lower."
    ]


def test_approving_in_the_team_inline_calls_the_service_and_mails(
    coordinator_client, django_capture_on_commit_callbacks
):
    project = ProjectFactory(title="Rekenen")
    asker = MemberFactory(email="asker@school.example")
    add_member(project, asker, status=Membership.Status.REQUESTED)

    with django_capture_on_commit_callbacks(execute=True):
        response = _team_action(coordinator_client, project, asker, "approve")

    assert response.status_code == 302
    assert Membership.objects.get(project=project, member=asker).status == "active"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["asker@school.example"], "Welcome to the team of Rekenen")
    ]


def test_the_team_inline_keeps_the_capacity_rule(coordinator_client):
    project = ProjectFactory(max_team_size=2)
    add_member(project, MemberFactory())
    asker = MemberFactory()
    add_member(project, asker, status=Membership.Status.REQUESTED)

    response = _team_action(coordinator_client, project, asker, "approve")

    messages = [str(m) for m in response.wsgi_request._messages]
    assert f"{asker}: The team is full: it has room for 2 people." in messages
    assert Membership.objects.get(project=project, member=asker).status == "requested"


def test_the_team_inline_keeps_the_last_lead_rule(coordinator_client):
    project = ProjectFactory()
    add_member(project, MemberFactory())

    response = _team_action(coordinator_client, project, project.created_by, "remove")

    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("A project always needs a lead" in message for message in messages)
    assert Membership.objects.leads().get(project=project).member == project.created_by


def test_the_team_inline_makes_a_lead_and_removes_a_member(coordinator_client):
    project = ProjectFactory()
    second, third = MemberFactory(), MemberFactory()
    add_member(project, second)
    add_member(project, third)

    _team_action(coordinator_client, project, second, "make_lead")
    _team_action(coordinator_client, project, third, "remove")

    assert sorted(
        (m.member_id, m.role, m.status) for m in Membership.objects.filter(project=project)
    ) == sorted(
        [
            (project.created_by.pk, "lead", "active"),
            (second.pk, "lead", "active"),
            (third.pk, "member", "removed"),
        ]
    )


def test_projects_cannot_be_added_or_deleted_in_the_admin(coordinator_client):
    project = ProjectFactory()

    assert coordinator_client.get(reverse("admin:projects_project_add")).status_code == 403
    delete = reverse("admin:projects_project_delete", args=[project.pk])
    assert coordinator_client.get(delete).status_code == 403


def test_actions_feature_and_archive_through_the_services(coordinator_client):
    project = ProjectFactory()
    asker = MemberFactory()
    add_member(project, asker, status=Membership.Status.REQUESTED)

    for action in ("feature_selected", "archive_selected"):
        coordinator_client.post(
            PROJECTS, {"action": action, ACTION_CHECKBOX_NAME: [project.pk]}, follow=True
        )

    project.refresh_from_db()
    assert (project.is_featured, project.status) == (True, "archived")
    assert Membership.objects.get(project=project, member=asker).status == "declined"


def test_csv_export_has_team_sizes_and_the_sector_mix(coordinator_client):
    project = ProjectFactory(
        title="=Rekenen", lead__name="Sanne", lead__profile__primary_sector=Sector.PO
    )
    add_member(project, MemberFactory(profile__primary_sector=Sector.VO))
    add_member(project, MemberFactory(), status=Membership.Status.REQUESTED)
    post(project, project.created_by)

    response = coordinator_client.post(
        PROJECTS, {"action": "export_csv", ACTION_CHECKBOX_NAME: [project.pk]}
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["Title"] == "'=Rekenen"
    assert (record["Team size"], record["Sector mix of the team"], record["Cross-sector"]) == (
        "2",
        "po 1; vo 1",
        "yes",
    )
    assert (record["Leads"], record["Requests waiting"], record["Updates"]) == ("Sanne", "1", "1")


def test_hiding_an_update_in_the_admin_goes_through_the_service(coordinator_client):
    project = ProjectFactory()
    update = post(project, project.created_by)

    coordinator_client.post(
        reverse("admin:projects_projectupdate_changelist"),
        {"action": "hide_selected", ACTION_CHECKBOX_NAME: [update.pk]},
    )

    update.refresh_from_db()
    assert update.is_hidden is True
    assert update.hidden_by is not None


def test_membership_list_is_read_only_for_coordinators(coordinator_client):
    project = ProjectFactory()
    membership = Membership.objects.get(project=project)

    url = reverse("admin:projects_membership_change", args=[membership.pk])
    response = coordinator_client.post(url, {"status": "removed"})

    assert response.status_code == 403
    assert coordinator_client.get(reverse("admin:projects_membership_changelist")).status_code == (
        200
    )
    assert ProjectUpdate.objects.count() == 0
    assert Project.objects.count() == 1


def test_a_refused_save_changes_nothing_and_says_so(coordinator_client):
    """A description over the service's limit: the form says so, and no team action runs."""
    project = ProjectFactory(title="Oud")
    asker = MemberFactory()
    add_member(project, asker, status=Membership.Status.REQUESTED)

    response = _team_action(
        coordinator_client, project, asker, "approve", title="Nieuw", description="x" * 10_001
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["description"] == [
        "Ensure this value has at most 10000 characters (it has 10001)."
    ]
    assert not [str(m) for m in response.wsgi_request._messages]
    project.refresh_from_db()
    assert project.title == "Oud"
    assert Membership.objects.get(project=project, member=asker).status == "requested"
    assert mail.outbox == []
