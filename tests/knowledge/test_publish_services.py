"""knowledge.services: publishing, authors, hiding, reports, deletion of accounts."""

import pytest
from django.core import mail

from knowledge import services
from knowledge.models import Author, PublishingSetting, Result, ResultReport
from knowledge.services import AlreadyDone, ResultInvalid, ResultNotAllowed
from lef.models import AuditEntry
from members.privacy import delete_account
from projects import services as project_services
from projects.models import Membership, Project
from tests.knowledge.factories import details, pdf_bytes, publish
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(status=Project.Status.RUNNING)


def _actions(result) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=result.pk, content_type__model="result")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_a_lead_publishes_and_the_named_team_members_are_asked(
    project, django_capture_on_commit_callbacks
):
    colleague = MemberFactory()
    add_member(project, colleague)
    lead = project.created_by

    with django_capture_on_commit_callbacks(execute=True):
        result = publish(project, lead, authors=[lead, colleague])

    authors = [(a.member_id, a.agreed_at is None) for a in result.authors.all()]
    assert authors == [(lead.pk, False), (colleague.pk, True)]
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert "May we name you as an author" in mail.outbox[0].subject
    assert _actions(result) == ["knowledge.result.published"]


def test_a_team_member_may_publish_only_when_the_leads_allow_it(project):
    member = MemberFactory()
    add_member(project, member)

    with pytest.raises(ResultNotAllowed):
        publish(project, member)
    services.set_team_may_publish(project=project, by=project.created_by, allowed=True)
    result = publish(project, member)

    assert result.created_by == member
    assert PublishingSetting.objects.get(project=project).team_may_publish is True


@pytest.mark.parametrize("who", ["outsider", "asked_to_join", "coordinator"])
def test_others_may_not_publish(project, who):
    user = CoordinatorFactory() if who == "coordinator" else MemberFactory()
    if who == "asked_to_join":
        add_member(project, user, status=Membership.Status.REQUESTED)

    with pytest.raises(ResultNotAllowed):
        publish(project, user)

    assert Result.objects.count() == 0


def test_a_team_member_cannot_change_the_setting(project):
    member = MemberFactory()
    add_member(project, member)

    with pytest.raises(ResultNotAllowed):
        services.set_team_may_publish(project=project, by=member, allowed=True)


def test_nothing_is_added_to_an_archived_project(project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ARCHIVED)

    with pytest.raises(ResultNotAllowed):
        publish(project, project.created_by)


def test_a_licence_not_in_the_list_is_refused(project):
    with pytest.raises(ResultInvalid) as refused:
        publish(project, project.created_by, licence="mine-all-mine")

    assert list(refused.value.errors) == ["licence"]
    assert Result.objects.count() == 0


def test_a_result_is_never_more_public_than_its_project(project):
    Project.objects.filter(pk=project.pk).update(visibility=Project.Visibility.MEMBERS)
    project.refresh_from_db()

    with pytest.raises(ResultInvalid) as refused:
        publish(project, project.created_by, visibility=Result.Visibility.PUBLIC)
    result = publish(project, project.created_by, visibility=Result.Visibility.MEMBERS)

    assert list(refused.value.errors) == ["visibility"]
    assert Result.objects.get().pk == result.pk


def test_a_result_needs_a_file_a_link_or_what_was_learned(project):
    with pytest.raises(ResultInvalid):
        publish(project, project.created_by, learned="", link="")

    result = publish(project, project.created_by, learned="", link="https://example.org/les")

    assert result.link == "https://example.org/les"


def test_only_team_members_can_be_named(project):
    with pytest.raises(ResultInvalid) as refused:
        publish(project, project.created_by, authors=[MemberFactory()])

    assert list(refused.value.errors) == ["authors"]
    assert Result.objects.count() == 0


def test_the_slug_never_takes_a_path_of_the_library(project):
    result = publish(project, project.created_by, title="Add")

    assert result.slug == "add-2"


def test_an_author_agrees_declines_or_withdraws(project):
    first, second = MemberFactory(), MemberFactory()
    add_member(project, first)
    add_member(project, second)
    result = publish(project, project.created_by, authors=[first, second])
    asked_first = Author.objects.get(result=result, member=first)
    asked_second = Author.objects.get(result=result, member=second)

    services.answer_authorship(author=asked_first, member=first, agree=True)
    services.answer_authorship(author=asked_second, member=second, agree=False)
    with pytest.raises(AlreadyDone):
        services.answer_authorship(author=asked_first, member=second, agree=True)
    agreed = list(result.authors.filter(agreed_at__isnull=False).values_list("member", flat=True))
    services.withdraw_authorship(author=asked_first, member=first)

    assert agreed == [first.pk]
    assert list(result.authors.values_list("member", flat=True)) == []


def test_editing_replaces_the_file_and_the_authors(project, django_capture_on_commit_callbacks):
    colleague = MemberFactory()
    add_member(project, colleague)
    lead = project.created_by
    with django_capture_on_commit_callbacks(execute=True):
        result = publish(project, lead, data=pdf_bytes(), name="Oud.pdf", authors=[lead])
    result.refresh_from_db()
    old_file = result.file
    from django.core.files.storage import default_storage  # noqa: PLC0415

    from knowledge.models import RESULT_FILES  # noqa: PLC0415
    from tests.knowledge.factories import odf_bytes, upload  # noqa: PLC0415

    with django_capture_on_commit_callbacks(execute=True):
        services.update_result(
            result=result,
            by=lead,
            details=details(title="Nieuw"),
            document=RESULT_FILES.clean(upload(odf_bytes(), "Nieuw.odt")),
            authors=[colleague],
        )
    result.refresh_from_db()

    assert (result.title, result.file_type, result.file_name) == ("Nieuw", "odt", "Nieuw.odt")
    assert default_storage.exists(result.file)
    assert not default_storage.exists(old_file)
    assert list(result.authors.values_list("member", "agreed_at")) == [(colleague.pk, None)]


def test_a_team_member_cannot_edit_or_delete(project):
    member = MemberFactory()
    add_member(project, member)
    result = publish(project, project.created_by)

    with pytest.raises(ResultNotAllowed):
        services.update_result(result=result, by=member, details=details(title="Van mij"))
    with pytest.raises(ResultNotAllowed):
        services.delete_result(result=result, by=member)

    assert Result.objects.get().title == "Overstaplessen rekenen"


def test_deleting_removes_the_row_and_its_file(project, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage  # noqa: PLC0415

    with django_capture_on_commit_callbacks(execute=True):
        result = publish(project, project.created_by, data=pdf_bytes(), name="Verslag.pdf")
    result.refresh_from_db()
    stored = result.file

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_result(result=result, by=project.created_by)

    assert (Result.objects.count(), default_storage.exists(stored)) == (0, False)


def test_a_stored_file_queues_its_text_extraction(
    project, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(services, "_extract_text", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        result = publish(project, project.created_by, data=pdf_bytes(), name="Verslag.pdf")

    assert queued == [result.pk]


# Hiding and reporting -----------------------------------------------------------------------


def test_hiding_mails_the_authors_and_the_lead_why_in_their_language(
    project, django_capture_on_commit_callbacks
):
    dutch = MemberFactory(language="nl")
    add_member(project, dutch)
    asked = MemberFactory()
    add_member(project, asked)
    lead = project.created_by
    result = publish(project, lead, authors=[dutch, asked])
    Author.objects.filter(member=dutch).update(agreed_at=result.created_at)
    coordinator = CoordinatorFactory()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.hide_result(
            result=result, by=coordinator, reason="Er staan namen van leerlingen in."
        )

    result.refresh_from_db()
    assert result.is_hidden
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dutch.email, lead.email])
    by_address = {m.to[0]: m for m in mail.outbox}
    # Each in their own language (lef.notifications.send_transactional renders it so;
    # the Dutch words arrive with the catalogue).
    assert "has been hidden from the library" in by_address[lead.email].subject
    assert "Er staan namen van leerlingen in." in by_address[dutch.email].body
    assert not Result.objects.visible_to(MemberFactory()).filter(pk=result.pk).exists()
    assert _actions(result) == ["knowledge.result.published", "knowledge.result.hidden"]


def test_hiding_needs_a_coordinator_and_a_reason(project):
    result = publish(project, project.created_by)

    with pytest.raises(ResultNotAllowed):
        services.hide_result(result=result, by=project.created_by, reason="Weg ermee")
    with pytest.raises(ResultInvalid):
        services.hide_result(result=result, by=CoordinatorFactory(), reason="  ")

    assert Result.objects.get().is_hidden is False


def test_unhiding_puts_it_back_in_the_library(project):
    result = publish(project, project.created_by)
    coordinator = CoordinatorFactory()
    services.hide_result(result=result, by=coordinator, reason="Even nakijken")

    services.unhide_result(result=result, by=coordinator)

    assert Result.objects.visible_to(None).filter(pk=result.pk).exists()
    assert _actions(result)[-1] == "knowledge.result.unhidden"


def test_a_member_reports_once_until_it_is_handled(project):
    result = publish(project, project.created_by)
    reporter = MemberFactory()

    services.report_result(result=result, by=reporter, reason="Dit is niet van hen.")
    with pytest.raises(AlreadyDone):
        services.report_result(result=result, by=reporter, reason="Nog eens.")
    services.handle_reports(result=result, by=CoordinatorFactory())
    services.report_result(result=result, by=reporter, reason="Weer mis.")

    assert ResultReport.objects.filter(result=result, handled_at__isnull=True).count() == 1
    assert ResultReport.objects.count() == 2
    assert "knowledge.result.reported" in _actions(result)


def test_hiding_handles_the_open_reports(project):
    result = publish(project, project.created_by)
    services.report_result(result=result, by=MemberFactory(), reason="Klopt niet.")

    services.hide_result(result=result, by=CoordinatorFactory(), reason="Klopt inderdaad niet.")

    assert ResultReport.objects.filter(handled_at__isnull=True).count() == 0


# Projects that end, accounts that go ------------------------------------------------------


@pytest.mark.parametrize("status", [Project.Status.COMPLETED, Project.Status.ARCHIVED])
def test_results_stay_when_the_project_ends(project, status):
    result = publish(project, project.created_by)

    if status == Project.Status.ARCHIVED:
        project_services.archive_project(project=project, by=CoordinatorFactory())
    else:
        Project.objects.filter(pk=project.pk).update(status=status)

    assert Result.objects.visible_to(None).filter(pk=result.pk).exists()


def test_a_deleted_author_becomes_a_former_member_unless_they_withdrew(project):
    stays, withdrew, never_answered = MemberFactory(), MemberFactory(), MemberFactory()
    for member in (stays, withdrew, never_answered):
        add_member(project, member)
    result = publish(project, project.created_by, authors=[stays, withdrew, never_answered])
    Author.objects.filter(member__in=[stays, withdrew]).update(agreed_at=result.created_at)
    services.withdraw_authorship(author=Author.objects.get(member=withdrew), member=withdrew)

    for member in (stays, withdrew, never_answered):
        delete_account(user=member)

    rows = list(result.authors.all())
    assert [(row.member_id, row.agreed_at is None) for row in rows] == [(None, False)]
    assert Result.objects.filter(pk=result.pk).exists()


def test_the_export_holds_the_members_results_and_authorships(project):
    from lef import hooks  # noqa: PLC0415

    lead = project.created_by
    result = publish(project, lead, authors=[lead])
    export = dict(hooks.implementations("export"))["knowledge"](lead)["knowledge"]

    assert [r["title"] for r in export["results_added"]] == [result.title]
    assert [a["title"] for a in export["authorships"]] == [result.title]
