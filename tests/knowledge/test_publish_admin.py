"""The back office of results: lists, hiding through the services, reports."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from knowledge import services
from knowledge.models import Result, ResultReport
from lef.models import AuditEntry
from tests.helpers import queries_of
from tests.knowledge.factories import publish
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/knowledge/result/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def coordinator():
    return CoordinatorFactory(name="Carla Coördinator")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def _change_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is True:
            data[name] = "on"
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in inline.formset.forms:
            data[inline_form.add_prefix("id")] = inline_form["id"].value()
            data[inline_form.add_prefix("result")] = inline_form.instance.result_id
    return data


def test_the_list_shows_results_with_filters_in_a_fixed_number_of_queries(coordinator_client):
    project = ProjectFactory()
    publish(project, project.created_by, title="Eerste")
    one, _response = queries_of(coordinator_client, CHANGELIST)
    for n in range(3):
        publish(project, project.created_by, title=f"Meer {n}")

    many, response = queries_of(coordinator_client, CHANGELIST)
    _hidden_only, filtered = queries_of(coordinator_client, CHANGELIST, hidden="yes")

    assert one == many
    assert response.context["cl"].result_count == 4
    assert filtered.context["cl"].result_count == 0
    assert "Lesson material" in response.content.decode()


def test_hiding_on_the_change_page_needs_a_reason_and_mails(
    coordinator_client, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    result = publish(project, project.created_by)
    url = reverse("admin:knowledge_result_change", args=[result.pk])
    data = _change_data(coordinator_client.get(url))
    mail.outbox.clear()

    without = coordinator_client.post(url, data | {"hidden": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        with_reason = coordinator_client.post(
            url, data | {"hidden": "on", "hidden_reason": "Namen van leerlingen."}
        )

    result.refresh_from_db()
    assert without.status_code == 200
    assert with_reason.status_code == 302
    assert (result.is_hidden, result.hidden_reason) == (True, "Namen van leerlingen.")
    assert [m.to for m in mail.outbox] == [[project.created_by.email]]
    assert AuditEntry.objects.filter(action="knowledge.result.hidden", via_admin=True).exists()


def test_a_licence_not_in_the_list_is_refused_in_the_admin_too(coordinator_client):
    project = ProjectFactory()
    result = publish(project, project.created_by)
    url = reverse("admin:knowledge_result_change", args=[result.pk])
    data = _change_data(coordinator_client.get(url))

    response = coordinator_client.post(url, data | {"licence": "mine-all-mine"})

    assert response.status_code == 200
    assert Result.objects.get().licence == "cc-by"


def test_the_hide_action_asks_why_then_hides(coordinator_client):
    project = ProjectFactory()
    results = [publish(project, project.created_by, title=f"R {n}") for n in range(2)]
    selected = {ACTION_CHECKBOX_NAME: [str(r.pk) for r in results], "action": "hide_selected"}

    asked = coordinator_client.post(CHANGELIST, selected)
    done = coordinator_client.post(
        CHANGELIST, selected | {"apply": "1", "reason": "Dubbel geplaatst."}
    )

    assert asked.status_code == 200
    assert "Why they are hidden" in asked.content.decode()
    assert done.status_code == 302
    assert Result.objects.filter(hidden_at__isnull=False).count() == 2


def test_open_reports_are_listed_and_handled(coordinator_client, coordinator):
    project = ProjectFactory()
    result = publish(project, project.created_by)
    services.report_result(result=result, by=MemberFactory(), reason="Klopt niet.")

    index = coordinator_client.get("/admin/").content.decode()
    listed = coordinator_client.get("/admin/knowledge/resultreport/", {"handled": "no"})
    coordinator_client.post(
        "/admin/knowledge/resultreport/",
        {
            ACTION_CHECKBOX_NAME: [str(ResultReport.objects.get().pk)],
            "action": "handle_selected",
        },
    )

    assert "Reported results" in index
    assert result.title in index
    assert listed.context["cl"].result_count == 1
    assert ResultReport.objects.get().handled_at is not None


def test_a_member_without_staff_rights_cannot_hide(client):
    project = ProjectFactory()
    result = publish(project, project.created_by)
    client.force_login(MemberFactory())

    response = client.get(reverse("admin:knowledge_result_change", args=[result.pk]))

    assert response.status_code == 302
    assert Result.objects.get().is_hidden is False
