"""The publishing pages: who may do what, bad input refused with nothing stored, downloads."""

import os

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from knowledge import services
from knowledge.models import Author, Result, ResultReport
from lef.documents import MAX_BYTES
from projects.models import Project
from tests.helpers import queries_of
from tests.knowledge.factories import (
    HTML,
    SVG,
    huge_pdf_bytes,
    odf_bytes,
    ooxml_bytes,
    pdf_bytes,
    publish,
    upload,
    zip_bomb_docx,
)
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory, add_member

pytestmark = pytest.mark.django_db

VIEWERS = ["visitor", "outsider", "team", "lead", "coordinator"]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def project():
    return ProjectFactory(status=Project.Status.RUNNING)


def _viewer(project, who):
    if who == "visitor":
        return None
    if who == "coordinator":
        return CoordinatorFactory()
    if who == "lead":
        return project.created_by
    member = MemberFactory()
    if who == "team":
        add_member(project, member)
    return member


def _login(client, user):
    if user is not None:
        client.force_login(user)


def _stored_files() -> list[str]:
    found = []
    for _dirpath, _dirs, files in os.walk(default_storage.path("results")):
        found.extend(files)
    return found


def _form(**overrides) -> dict:
    return {
        "title": "Overstaplessen rekenen",
        "summary": "Drie lessen voor groep 8 en de brugklas.",
        "kind": "lesson_material",
        "licence": "cc-by",
        "visibility": "public",
        "learned": "",
        "sectors": ["po", "vo"],
        "transitions": ["po-vo"],
        "core_activities": ["teaching"],
    } | overrides


# Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
def test_who_may_open_the_add_page(client, project, who):
    _login(client, _viewer(project, who))

    response = client.get(reverse("knowledge:add", args=[project.slug]))

    expected = {"visitor": 302, "outsider": 403, "team": 403, "lead": 200, "coordinator": 403}
    assert response.status_code == expected[who]


def test_a_team_member_may_add_once_the_leads_allow_it(client, project):
    member = _viewer(project, "team")
    client.force_login(project.created_by)
    client.post(reverse("knowledge:team_publishing", args=[project.slug]), {"allowed": "on"})
    client.force_login(member)

    response = client.get(reverse("knowledge:add", args=[project.slug]))

    assert response.status_code == 200


@pytest.mark.parametrize("who", VIEWERS)
def test_who_may_edit_and_delete(client, project, who):
    result = publish(project, project.created_by)
    _login(client, _viewer(project, who))

    edit = client.get(reverse("knowledge:edit", args=[result.slug]))
    delete = client.post(reverse("knowledge:delete", args=[result.slug]))

    allowed = who in {"lead", "coordinator"}
    refused = 302 if who == "visitor" else 403
    assert (edit.status_code, delete.status_code) == (
        (200, 302) if allowed else (refused, refused)
    )
    assert Result.objects.filter(pk=result.pk).exists() is not allowed


@pytest.mark.parametrize("who", VIEWERS)
def test_a_members_only_result_is_not_downloaded_by_visitors(
    client, project, who, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = publish(
            project,
            project.created_by,
            data=pdf_bytes(),
            name="Verslag.pdf",
            visibility=Result.Visibility.MEMBERS,
        )
    _login(client, _viewer(project, who))

    response = client.get(reverse("knowledge:download", args=[result.slug]))

    assert response.status_code == (404 if who == "visitor" else 200)


@pytest.mark.parametrize("who", VIEWERS)
def test_a_hidden_result_is_downloaded_only_by_the_team_and_coordinators(
    client, project, who, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = publish(project, project.created_by, data=pdf_bytes(), name="Verslag.pdf")
    services.hide_result(result=result, by=CoordinatorFactory(), reason="Even nakijken.")
    _login(client, _viewer(project, who))

    response = client.get(reverse("knowledge:download", args=[result.slug]))

    assert response.status_code == (200 if who in {"team", "lead", "coordinator"} else 404)


# Bad input: refused with its message, nothing stored --------------------------------------


BAD_FILES = {
    "a pdf renamed docx": (pdf_bytes, "Verslag.docx", "its content is something else"),
    "html named pdf": (lambda: HTML, "Verslag.pdf", "its content is something else"),
    "svg with a script": (lambda: SVG, "logo.svg", "This type of file cannot be added"),
    "zip bomb as docx": (zip_bomb_docx, "Verslag.docx", "unpacks to far more than its size"),
    "10 000-page pdf": (huge_pdf_bytes, "Alles.pdf", "This PDF has 10000 pages"),
    "docx with macros": (
        lambda: ooxml_bytes("docx", extra={"word/vbaProject.bin": b"\x00"}),
        "Verslag.docx",
        "contains macros or scripts",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_on_the_form_and_nothing_is_stored(
    client, project, case, django_capture_on_commit_callbacks
):
    make, name, message = BAD_FILES[case]
    client.force_login(project.created_by)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("knowledge:add", args=[project.slug]),
            _form(file=upload(make(), name)),
        )

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert (Result.objects.count(), _stored_files()) == (0, [])


def test_too_large_a_file_is_refused(client, project):
    client.force_login(project.created_by)
    too_large = pdf_bytes() + bytes(MAX_BYTES)

    response = client.post(
        reverse("knowledge:add", args=[project.slug]),
        _form(file=upload(too_large, "Groot.pdf")),
    )

    assert response.status_code == 400
    assert "larger than 20" in " ".join(response.context["form"].errors["file"])
    assert (Result.objects.count(), _stored_files()) == (0, [])


def test_a_licence_not_in_the_list_is_refused(client, project):
    client.force_login(project.created_by)

    response = client.post(
        reverse("knowledge:add", args=[project.slug]),
        _form(licence="mine-all-mine", learned="Veel geleerd."),
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["licence"]
    assert Result.objects.count() == 0


def test_a_public_result_of_a_members_only_project_is_refused(client, project):
    Project.objects.filter(pk=project.pk).update(visibility=Project.Visibility.MEMBERS)
    client.force_login(project.created_by)

    response = client.post(
        reverse("knowledge:add", args=[project.slug]), _form(learned="Veel geleerd.")
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["visibility"]


def test_a_lead_adds_a_result_with_a_file_and_an_author(
    client, project, django_capture_on_commit_callbacks
):
    colleague = MemberFactory()
    add_member(project, colleague)
    client.force_login(project.created_by)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("knowledge:add", args=[project.slug]),
            _form(
                file=upload(odf_bytes(), "Lesbrief groep 8.odt"),
                authors=[str(project.created_by.pk), str(colleague.pk)],
            ),
        )

    result = Result.objects.get()
    assert response.status_code == 302
    assert response["Location"] == result.get_absolute_url()
    assert (result.file_type, result.file_name) == ("odt", "Lesbrief groep 8.odt")
    assert _stored_files() == [os.path.basename(result.file)]
    assert Author.objects.filter(result=result, agreed_at__isnull=True).get().member == colleague


# Downloads ------------------------------------------------------------------------------------


def test_a_download_is_an_attachment_with_the_checked_type_and_no_html(
    client, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = publish(project, project.created_by, data=pdf_bytes(), name="Één verslag.pdf")

    response = client.get(reverse("knowledge:download", args=[result.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%89%C3%A9n%20verslag.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert b"".join(response.streaming_content) == pdf_bytes()
    result.refresh_from_db()
    assert result.downloads == 1


def test_a_head_request_counts_no_download(client, project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = publish(project, project.created_by, data=pdf_bytes(), name="Verslag.pdf")

    response = client.head(reverse("knowledge:download", args=[result.slug]))

    result.refresh_from_db()
    assert (response.status_code, result.downloads) == (200, 0)


def test_a_result_without_a_file_has_no_download(client, project):
    result = publish(project, project.created_by)

    assert client.get(reverse("knowledge:download", args=[result.slug])).status_code == 404


# Reports and authorship ----------------------------------------------------------------------


def test_a_member_reports_a_result(client, project):
    result = publish(project, project.created_by)
    reporter = MemberFactory()
    client.force_login(reporter)

    response = client.post(
        reverse("knowledge:report", args=[result.slug]), {"reason": "Niet van hen."}
    )
    again = client.post(reverse("knowledge:report", args=[result.slug]), {"reason": "Nog eens."})

    assert response.status_code == 302
    assert again.status_code == 409
    assert list(ResultReport.objects.values_list("reporter", "reason")) == [
        (reporter.pk, "Niet van hen.")
    ]


def test_a_visitor_is_asked_to_log_in_to_report(client, project):
    result = publish(project, project.created_by)

    response = client.get(reverse("knowledge:report", args=[result.slug]))

    assert response.status_code == 403
    assert ResultReport.objects.count() == 0


def test_an_author_answers_on_the_authorship_page(client, project):
    colleague = MemberFactory()
    add_member(project, colleague)
    result = publish(project, project.created_by, authors=[colleague])
    asked = Author.objects.get(result=result)
    client.force_login(colleague)

    page = client.get(reverse("knowledge:authorship"))
    answered = client.post(
        reverse("knowledge:authorship"), {"author": asked.pk, "decision": "agree"}
    )

    assert result.title in page.content.decode()
    assert answered.status_code == 302
    asked.refresh_from_db()
    assert asked.agreed_at is not None


def test_nobody_answers_for_someone_else(client, project):
    colleague = MemberFactory()
    add_member(project, colleague)
    result = publish(project, project.created_by, authors=[colleague])
    asked = Author.objects.get(result=result)
    client.force_login(MemberFactory())

    client.post(reverse("knowledge:authorship"), {"author": asked.pk, "decision": "agree"})

    asked.refresh_from_db()
    assert asked.agreed_at is None


# The project page and query counts -----------------------------------------------------------


def _results(project, count):
    for n in range(count):
        publish(project, project.created_by, title=f"Resultaat {n}")


@pytest.mark.parametrize("who", ["visitor", "lead"])
def test_the_project_page_lists_results_in_a_fixed_number_of_queries(client, project, who):
    _login(client, _viewer(project, who))
    _results(project, 1)
    one, response = queries_of(client, project.get_absolute_url())
    _results(project, 3)

    many, response = queries_of(client, project.get_absolute_url())

    html = response.content.decode()
    assert one == many
    assert html.count('href="/knowledge/resultaat-') == 4
    assert ("Add a result" in html) is (who == "lead")


def test_a_hidden_result_shows_to_the_team_on_the_project_page_only(client, project):
    result = publish(project, project.created_by)
    services.hide_result(result=result, by=CoordinatorFactory(), reason="Even nakijken.")

    outsider = client.get(project.get_absolute_url()).content.decode()
    client.force_login(project.created_by)
    team = client.get(project.get_absolute_url()).content.decode()

    assert result.title not in outsider
    assert "Hidden by a coordinator" in team


def test_the_authorship_page_has_a_fixed_number_of_queries(client, project):
    lead = project.created_by
    client.force_login(lead)
    publish(project, lead, authors=[lead])
    one, _response = queries_of(client, reverse("knowledge:authorship"))
    for n in range(3):
        publish(project, lead, authors=[lead], title=f"Meer {n}")

    many, response = queries_of(client, reverse("knowledge:authorship"))

    assert one == many
    assert response.content.decode().count("Stop naming me") == 4
