"""The life of a project and its team (projects/services.py), with the mails it sends."""

from contextlib import suppress
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from lef.models import Notice
from members.models import Profile
from members.privacy import delete_account
from projects import services
from projects.models import Membership, Project, ProjectUpdate
from projects.services import (
    AlreadyDone,
    LastLead,
    ProjectClosed,
    ProjectDetails,
    ProjectFull,
    ProjectInvalid,
    ProjectNotAllowed,
    TooMany,
)
from tests.factories import UserFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory, add_member, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def mails(django_capture_on_commit_callbacks):
    """Run a service and return the mails it queued after its commit: [(to, subject, body)]."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        sent = [(m.to[0], m.subject, m.body) for m in mail.outbox]
        mail.outbox.clear()
        return result, sent

    return run


def _details(**changes) -> ProjectDetails:
    values = {
        "title": "Rekenen van groep 8 naar de brugklas",
        "summary": "Samen overstaplessen maken.",
        "description": "**Lesbezoek** over en weer.",
        "sectors": ["po", "vo"],
        "transitions": ["po-vo"],
        "core_activities": ["teaching"],
        "tags": ["Rekenen", "#groep 8"],
        "status": Project.Status.LOOKING,
        "start_date": date(2026, 12, 1),
        "end_date": date(2027, 6, 1),
        "looking_for_sectors": ["vo"],
        "looking_for_roles": ["teacher"],
        "looking_for_text": "Een docent wiskunde",
        "max_team_size": 6,
        "visibility": Project.Visibility.PUBLIC,
        "requires_approval": True,
    }
    return ProjectDetails(**(values | changes))


def _team(project):
    return sorted(
        (m.member.username, m.role, m.status)
        for m in Membership.objects.filter(project=project).select_related("member")
    )


# Starting and editing ---------------------------------------------------------------------


def test_start_project_makes_the_starter_its_first_lead():
    sanne = MemberFactory(username="sanne")

    project = services.start_project(by=sanne, details=_details())

    assert project.slug == "rekenen-van-groep-8-naar-de-brugklas"
    assert project.tags == ["rekenen", "groep 8"]
    assert project.created_by == sanne
    assert _team(project) == [("sanne", "lead", "active")]


def test_start_project_slugs_are_unique_and_never_new():
    sanne = MemberFactory()

    first = services.start_project(by=sanne, details=_details(title="New"))
    second = services.start_project(by=sanne, details=_details(title="New"))

    assert (first.slug, second.slug) == ("new-2", "new-3")


def test_start_project_needs_a_finished_first_profile_step():
    newcomer = UserFactory()

    with pytest.raises(ProjectNotAllowed):
        services.start_project(by=newcomer, details=_details())

    assert Project.objects.count() == 0


def test_start_project_refuses_an_end_before_the_start():
    with pytest.raises(ProjectInvalid) as error:
        services.start_project(
            by=MemberFactory(),
            details=_details(start_date=date(2027, 1, 1), end_date=date(2026, 1, 1)),
        )

    assert error.value.errors == {"end_date": ["The end date cannot be before the start date."]}
    assert Project.objects.count() == 0


def test_start_project_sixth_in_a_day_is_refused():
    sanne = MemberFactory()
    for _ in range(5):
        services.start_project(by=sanne, details=_details())

    with pytest.raises(TooMany):
        services.start_project(by=sanne, details=_details())

    assert Project.objects.filter(created_by=sanne).count() == 5


def test_update_project_by_a_lead_saves_every_field_and_keeps_the_slug():
    project = ProjectFactory(slug="oud-adres")
    lead = project.created_by

    services.update_project(project=project, by=lead, details=_details(title="Nieuwe titel"))

    project.refresh_from_db()
    assert (project.title, project.slug, project.max_team_size) == (
        "Nieuwe titel",
        "oud-adres",
        6,
    )


def test_update_project_by_a_team_member_is_refused():
    project = ProjectFactory()
    member = MemberFactory()
    add_member(project, member)

    with pytest.raises(ProjectNotAllowed):
        services.update_project(project=project, by=member, details=_details())


def test_update_project_cannot_set_a_maximum_below_the_team():
    project = ProjectFactory()
    for _ in range(3):
        add_member(project, MemberFactory())

    with pytest.raises(ProjectInvalid) as error:
        services.update_project(
            project=project, by=project.created_by, details=_details(max_team_size=3)
        )

    assert error.value.message == ("The team already has 4 members; the maximum cannot be lower.")
    project.refresh_from_db()
    assert project.max_team_size is None


# Joining with approval --------------------------------------------------------------------


def test_request_to_join_waits_for_a_lead_and_mails_every_lead(mails):
    project = ProjectFactory(title="Rekenen", lead__email="lead@school.example")
    second_lead = MemberFactory(email="lead2@school.example")
    add_member(project, second_lead, role=Membership.Role.LEAD)
    asker = MemberFactory(name="Fatima El Amrani", username="fatima")

    membership, sent = mails(
        lambda: services.request_to_join(
            project=project, member=asker, motivation="Ik ben docent in het mbo."
        )
    )

    assert membership.status == Membership.Status.REQUESTED
    assert sorted(to for to, _subject, _body in sent) == [
        "lead2@school.example",
        "lead@school.example",
    ]
    _to, subject, body = sent[0]
    assert subject == "Fatima El Amrani asks to join Rekenen"
    assert "Ik ben docent in het mbo." in body
    assert f"/projects/{project.slug}/" in body


def test_approve_request_puts_the_asker_on_the_team_and_mails_them(mails):
    project = ProjectFactory(title="Rekenen")
    asker = MemberFactory(email="fatima@school.example", username="fatima")
    membership = services.request_to_join(project=project, member=asker)

    _result, sent = mails(
        lambda: services.approve_request(
            membership=membership, by=project.created_by, message="Welkom!"
        )
    )

    membership.refresh_from_db()
    assert (membership.status, membership.decided_by, membership.decided_message) == (
        "active",
        project.created_by,
        "Welkom!",
    )
    assert [(to, subject) for to, subject, _body in sent] == [
        ("fatima@school.example", "Welcome to the team of Rekenen")
    ]
    assert "Welkom!" in sent[0][2]


def test_mail_is_written_in_the_recipients_language(mails):
    project = ProjectFactory(title="Rekenen")
    asker = MemberFactory(email="sanne@school.example", language="nl")
    membership = services.request_to_join(project=project, member=asker)

    _result, sent = mails(
        lambda: services.approve_request(membership=membership, by=project.created_by)
    )

    assert [(to, subject) for to, subject, _body in sent] == [
        ("sanne@school.example", "Welkom in het team van Rekenen")
    ]
    assert "Goed nieuws:" in sent[0][2]


def test_decline_request_keeps_the_row_and_mails_the_asker(mails):
    project = ProjectFactory(title="Rekenen")
    asker = MemberFactory(email="fatima@school.example")
    membership = services.request_to_join(project=project, member=asker)

    _result, sent = mails(
        lambda: services.decline_request(
            membership=membership, by=project.created_by, message="Het team is al compleet."
        )
    )

    membership.refresh_from_db()
    assert membership.status == "declined"
    assert [(to, subject) for to, subject, _body in sent] == [
        ("fatima@school.example", "About your request to join Rekenen")
    ]
    assert "Het team is al compleet." in sent[0][2]


def test_a_declined_member_may_ask_again():
    project = ProjectFactory()
    asker = MemberFactory()
    first = services.request_to_join(project=project, member=asker)
    services.decline_request(membership=first, by=project.created_by)

    second = services.request_to_join(project=project, member=asker)

    assert second.pk != first.pk
    assert second.status == "requested"


def test_asking_twice_is_refused():
    project = ProjectFactory()
    asker = MemberFactory()
    services.request_to_join(project=project, member=asker)

    with pytest.raises(AlreadyDone, match="already asked"):
        services.request_to_join(project=project, member=asker)


def test_answering_a_request_twice_is_refused():
    project = ProjectFactory()
    membership = services.request_to_join(project=project, member=MemberFactory())
    services.approve_request(membership=membership, by=project.created_by)

    with pytest.raises(AlreadyDone):
        services.decline_request(membership=membership, by=project.created_by)


def test_only_leads_answer_requests():
    project = ProjectFactory()
    team_member = MemberFactory()
    add_member(project, team_member)
    membership = services.request_to_join(project=project, member=MemberFactory())

    with pytest.raises(ProjectNotAllowed):
        services.approve_request(membership=membership, by=team_member)


def test_a_coordinator_may_answer_requests():
    project = ProjectFactory()
    membership = services.request_to_join(project=project, member=MemberFactory())

    services.approve_request(membership=membership, by=CoordinatorFactory())

    membership.refresh_from_db()
    assert membership.status == "active"


def test_withdraw_request_ends_it_without_joining():
    project = ProjectFactory()
    asker = MemberFactory()
    membership = services.request_to_join(project=project, member=asker)

    services.withdraw_request(membership=membership, member=asker)

    membership.refresh_from_db()
    assert (membership.status, membership.joined_at is None) == ("left", True)


def test_request_to_join_needs_onboarding_and_visibility():
    project = ProjectFactory()

    with pytest.raises(ProjectNotAllowed):
        services.request_to_join(project=project, member=UserFactory())


# Joining without approval -----------------------------------------------------------------


def test_join_without_approval_is_immediate_and_tells_the_leads(mails):
    project = ProjectFactory(
        title="Taalmaatjes", requires_approval=False, lead__email="lead@school.example"
    )
    newcomer = MemberFactory(name="Noor Haddou")

    membership, sent = mails(lambda: services.request_to_join(project=project, member=newcomer))

    assert membership.status == "active"
    assert membership.joined_at is not None
    assert [(to, subject) for to, subject, _body in sent] == [
        ("lead@school.example", "Noor Haddou joined Taalmaatjes")
    ]


# Capacity and closed projects -------------------------------------------------------------


def test_a_full_team_refuses_approval_with_a_clear_message():
    project = ProjectFactory(max_team_size=2)
    add_member(project, MemberFactory())
    asker = MemberFactory()
    request = Membership.objects.create(
        project=project, member=asker, status=Membership.Status.REQUESTED
    )

    with pytest.raises(ProjectFull) as error:
        services.approve_request(membership=request, by=project.created_by)

    assert error.value.message == "The team is full: it has room for 2 people."
    assert error.value.status == 409
    request.refresh_from_db()
    assert request.status == "requested"


def test_a_full_team_refuses_requests_and_direct_joins():
    project = ProjectFactory(max_team_size=2, requires_approval=False)
    add_member(project, MemberFactory())

    with pytest.raises(ProjectFull):
        services.request_to_join(project=project, member=MemberFactory())


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("completed", "This project is completed and takes no new team members."),
        ("archived", "This project is archived and takes no new team members."),
    ],
)
def test_completed_and_archived_projects_refuse_new_members(status, message):
    project = ProjectFactory(status=status)

    with pytest.raises(ProjectClosed) as error:
        services.request_to_join(project=project, member=MemberFactory())

    assert error.value.message == message


# Invitations ------------------------------------------------------------------------------


def test_invite_member_mails_the_invitee_who_accepts(mails):
    project = ProjectFactory(
        title="Rekenen", lead__name="Sanne de Vries", lead__email="sanne@school.example"
    )
    invitee = MemberFactory(email="jeroen@school.example", name="Jeroen Bakker")

    invitation, sent = mails(
        lambda: services.invite_member(
            project=project, by=project.created_by, member=invitee, message="Doe je mee?"
        )
    )
    assert invitation.status == "invited"
    assert [(to, subject) for to, subject, _body in sent] == [
        ("jeroen@school.example", "Sanne de Vries invites you to join Rekenen")
    ]
    assert "Doe je mee?" in sent[0][2]

    _result, sent = mails(
        lambda: services.accept_invitation(membership=invitation, member=invitee)
    )
    invitation.refresh_from_db()
    assert invitation.status == "active"
    assert [(to, subject) for to, subject, _body in sent] == [
        ("sanne@school.example", "Jeroen Bakker accepted your invitation to Rekenen")
    ]


def test_decline_invitation_tells_the_leads(mails):
    project = ProjectFactory(title="Rekenen", lead__email="sanne@school.example")
    invitee = MemberFactory(name="Jeroen Bakker")
    invitation = services.invite_member(project=project, by=project.created_by, member=invitee)

    _result, sent = mails(
        lambda: services.decline_invitation(membership=invitation, member=invitee)
    )

    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert [(to, subject) for to, subject, _body in sent] == [
        ("sanne@school.example", "Jeroen Bakker declined the invitation to Rekenen")
    ]


def test_inviting_someone_who_asked_approves_them():
    project = ProjectFactory()
    asker = MemberFactory()
    services.request_to_join(project=project, member=asker)

    membership = services.invite_member(project=project, by=project.created_by, member=asker)

    assert membership.status == "active"
    assert Membership.objects.filter(project=project, member=asker).count() == 1


def test_asking_after_an_invitation_accepts_it():
    project = ProjectFactory()
    invitee = MemberFactory()
    invitation = services.invite_member(project=project, by=project.created_by, member=invitee)

    membership = services.request_to_join(project=project, member=invitee)

    assert (membership.pk, membership.status) == (invitation.pk, "active")


def test_someone_elses_invitation_cannot_be_answered():
    project = ProjectFactory()
    invitation = services.invite_member(
        project=project, by=project.created_by, member=MemberFactory()
    )

    with pytest.raises(ProjectNotAllowed):
        services.accept_invitation(membership=invitation, member=MemberFactory())


def test_only_leads_invite_and_only_members_they_can_see():
    project = ProjectFactory()
    team_member = MemberFactory()
    add_member(project, team_member)

    with pytest.raises(ProjectNotAllowed):
        services.invite_member(project=project, by=team_member, member=MemberFactory())
    with pytest.raises(ProjectNotAllowed, match="cannot be found"):
        services.invite_member(project=project, by=project.created_by, member=UserFactory())


def test_accepting_an_invitation_to_a_full_team_is_refused_and_it_stays_open():
    project = ProjectFactory(max_team_size=3)
    invitee = MemberFactory()
    invitation = services.invite_member(project=project, by=project.created_by, member=invitee)
    add_member(project, MemberFactory())
    add_member(project, MemberFactory())

    with pytest.raises(ProjectFull):
        services.accept_invitation(membership=invitation, member=invitee)

    invitation.refresh_from_db()
    assert invitation.status == "invited"


# Leaving, removing and the last lead ------------------------------------------------------


def test_leave_project_tells_the_leads(mails):
    project = ProjectFactory(title="Rekenen", lead__email="sanne@school.example")
    member = MemberFactory(name="Jeroen Bakker")
    add_member(project, member)

    membership, sent = mails(lambda: services.leave_project(project=project, member=member))

    assert membership.status == "left"
    assert membership.ended_at is not None
    assert [(to, subject) for to, subject, _body in sent] == [
        ("sanne@school.example", "Jeroen Bakker left Rekenen")
    ]


def test_the_last_lead_cannot_leave_without_naming_another():
    project = ProjectFactory()
    lead = project.created_by
    add_member(project, MemberFactory())

    with pytest.raises(LastLead) as error:
        services.leave_project(project=project, member=lead)

    assert error.value.message == (
        "A project always needs a lead: choose who takes over as lead first."
    )
    assert Membership.objects.leads().get(project=project).member == lead


def test_the_last_lead_leaves_by_naming_the_next_lead(mails):
    project = ProjectFactory(title="Rekenen")
    lead = project.created_by
    successor = MemberFactory(username="jeroen", email="jeroen@school.example")
    add_member(project, successor)

    _result, sent = mails(
        lambda: services.leave_project(project=project, member=lead, new_lead=successor)
    )

    assert [m.member for m in Membership.objects.leads().filter(project=project)] == [successor]
    assert ("jeroen@school.example", "You are now a lead of Rekenen") in [
        (to, subject) for to, subject, _body in sent
    ]


def test_the_only_person_on_a_team_cannot_leave():
    project = ProjectFactory()

    with pytest.raises(LastLead, match="only one on this team"):
        services.leave_project(project=project, member=project.created_by)


def test_a_new_lead_must_be_on_the_team():
    project = ProjectFactory()
    add_member(project, MemberFactory())

    with pytest.raises(ProjectInvalid):
        services.leave_project(
            project=project, member=project.created_by, new_lead=MemberFactory()
        )


def test_a_lead_removes_a_team_member_who_gets_a_mail(mails):
    project = ProjectFactory(title="Rekenen")
    member = MemberFactory(email="jeroen@school.example")
    membership = add_member(project, member)

    _result, sent = mails(
        lambda: services.remove_member(membership=membership, by=project.created_by)
    )

    membership.refresh_from_db()
    assert membership.status == "removed"
    assert [(to, subject) for to, subject, _body in sent] == [
        ("jeroen@school.example", "You are no longer on the team of Rekenen")
    ]


def test_the_last_lead_cannot_be_removed_even_by_a_coordinator():
    project = ProjectFactory()
    add_member(project, MemberFactory())
    lead_membership = Membership.objects.leads().get(project=project)

    with pytest.raises(LastLead):
        services.remove_member(membership=lead_membership, by=CoordinatorFactory())


def test_a_coordinator_removes_the_last_lead_by_naming_another():
    project = ProjectFactory()
    other = MemberFactory()
    add_member(project, other)
    lead_membership = Membership.objects.leads().get(project=project)

    services.remove_member(membership=lead_membership, by=CoordinatorFactory(), new_lead=other)

    assert [m.member for m in Membership.objects.leads().filter(project=project)] == [other]


def test_a_lead_cannot_remove_themselves():
    project = ProjectFactory()
    add_member(project, MemberFactory(), role=Membership.Role.LEAD)
    own = Membership.objects.get(project=project, member=project.created_by)

    with pytest.raises(ProjectNotAllowed, match="leave the project"):
        services.remove_member(membership=own, by=project.created_by)


def test_change_role_never_demotes_the_last_lead():
    project = ProjectFactory()
    own = Membership.objects.get(project=project, member=project.created_by)

    with pytest.raises(LastLead):
        services.change_role(membership=own, by=project.created_by, role="member")


def test_change_role_makes_a_second_lead_who_may_then_step_down():
    project = ProjectFactory()
    other = add_member(project, MemberFactory())

    services.change_role(membership=other, by=project.created_by, role="lead")
    own = Membership.objects.get(project=project, member=project.created_by)
    services.change_role(membership=own, by=project.created_by, role="member")

    assert [m.member for m in Membership.objects.leads().filter(project=project)] == [other.member]


def test_hand_over_lead_swaps_the_roles():
    project = ProjectFactory()
    lead = project.created_by
    other = MemberFactory()
    add_member(project, other)

    services.hand_over_lead(project=project, by=lead, to=other)

    assert sorted(
        (m.member_id, m.role) for m in Membership.objects.active().filter(project=project)
    ) == sorted([(lead.pk, "member"), (other.pk, "lead")])


# Updates and their digest -----------------------------------------------------------------


def test_post_update_by_a_team_member_marks_the_project_active():
    project = ProjectFactory()
    Project.objects.filter(pk=project.pk).update(
        last_activity_at=timezone.now() - timedelta(days=10)
    )
    member = MemberFactory()
    add_member(project, member)

    update = services.post_update(project=project, author=member, text="  Eerste les!  ")

    project.refresh_from_db()
    assert update.text == "Eerste les!"
    assert timezone.now() - project.last_activity_at < timedelta(minutes=1)


def test_post_update_by_an_outsider_is_refused():
    with pytest.raises(ProjectNotAllowed):
        services.post_update(project=ProjectFactory(), author=MemberFactory(), text="Hoi")


def test_post_update_sends_no_mail_at_once(mails):
    project = ProjectFactory()
    add_member(project, MemberFactory())

    _result, sent = mails(
        lambda: services.post_update(project=project, author=project.created_by, text="Nieuws")
    )

    assert sent == []


def test_post_update_eleventh_in_an_hour_is_refused():
    project = ProjectFactory()
    for _ in range(10):
        post(project, project.created_by)

    with pytest.raises(TooMany):
        services.post_update(project=project, author=project.created_by, text="Nog een")


def test_hide_update_by_a_lead_and_show_it_again():
    project = ProjectFactory()
    update = post(project, project.created_by)

    services.hide_update(update=update, by=project.created_by)
    update.refresh_from_db()
    assert (update.is_hidden, update.hidden_by) == (True, project.created_by)

    services.hide_update(update=update, by=project.created_by, hidden=False)
    update.refresh_from_db()
    assert (update.is_hidden, update.hidden_by) == (False, None)


def test_hide_update_by_a_team_member_is_refused():
    project = ProjectFactory()
    member = MemberFactory()
    add_member(project, member)

    with pytest.raises(ProjectNotAllowed):
        services.hide_update(update=post(project, member), by=member)


def test_digest_mails_each_team_member_once_with_the_others_updates(mails):
    project = ProjectFactory(
        title="Rekenen", lead__email="sanne@school.example", lead__name="Sanne"
    )
    jeroen = MemberFactory(email="jeroen@school.example", name="Jeroen")
    fatima = MemberFactory(email="fatima@school.example", name="Fatima")
    add_member(project, jeroen)
    add_member(project, fatima)
    post(project, project.created_by, "Lesbezoek gedaan.")
    post(project, project.created_by, "Methodes naast elkaar gelegd.")
    post(project, jeroen, "Brugklas doet mee.")
    post(project, jeroen, "Verborgen bericht.", is_hidden=True)

    (projects, count), sent = mails(services.send_update_digests)

    assert (projects, count) == (1, 3)
    by_recipient = {to: (subject, body) for to, subject, body in sent}
    assert by_recipient["sanne@school.example"][0] == "Rekenen: 1 new update"
    assert by_recipient["jeroen@school.example"][0] == "Rekenen: 2 new updates"
    assert by_recipient["fatima@school.example"][0] == "Rekenen: 3 new updates"
    assert "Verborgen bericht." not in by_recipient["fatima@school.example"][1]
    assert "Brugklas doet mee." not in by_recipient["jeroen@school.example"][1]


def test_digest_run_twice_sends_nothing_the_second_time(mails):
    project = ProjectFactory()
    add_member(project, MemberFactory())
    post(project, project.created_by)
    mails(services.send_update_digests)

    (projects, count), sent = mails(services.send_update_digests)

    assert ((projects, count), sent) == ((0, 0), [])


def test_digest_honours_a_daily_choice(mails):
    project = ProjectFactory()
    reader = MemberFactory()
    Profile.objects.filter(user=reader).update(notification_settings={"projects": "daily"})
    add_member(project, reader)
    post(project, project.created_by)

    _result, sent = mails(services.send_update_digests)

    assert sent == []
    assert Notice.objects.filter(recipient=reader, sent_at__isnull=True).count() == 1


def test_digest_command_reports_what_it_sent(capsys, django_capture_on_commit_callbacks):
    project = ProjectFactory()
    add_member(project, MemberFactory())
    post(project, project.created_by)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_project_update_digests")

    assert capsys.readouterr().out == (
        "Queued the new updates of 1 project(s) for 1 team member(s).\n"
    )


def test_digest_rerun_after_a_crash_mails_nobody_twice(mails):
    project = ProjectFactory()
    reader = MemberFactory(email="lezer@school.example")
    add_member(project, reader)
    post(project, project.created_by)
    mails(services.send_update_digests)
    # A run that stored its notices but did not mark the updates (as a crash would).
    ProjectUpdate.objects.update(digested_at=None)

    (projects, members), sent = mails(services.send_update_digests)

    # The team member is addressed again, but notify's key lets the digest through once.
    assert ((projects, members), sent) == ((1, 1), [])
    assert Notice.objects.filter(recipient=reader).count() == 1


# Mail after commit ------------------------------------------------------------------------


class Rollback(Exception):  # noqa: N818 -- a signal for the test, not an error
    """Raised inside a test's transaction to roll it back."""


def _asked():
    project = ProjectFactory()
    asker = MemberFactory()
    return project, asker, services.request_to_join(project=project, member=asker)


def _invited():
    project = ProjectFactory()
    invitee = MemberFactory()
    invitation = services.invite_member(project=project, by=project.created_by, member=invitee)
    return project, invitee, invitation


def _with_team_member():
    project = ProjectFactory()
    member = MemberFactory()
    return project, member, add_member(project, member)


def _ask():
    project, asker = ProjectFactory(), MemberFactory()
    return lambda: services.request_to_join(project=project, member=asker), project.created_by


def _join_directly():
    project, asker = ProjectFactory(requires_approval=False), MemberFactory()
    return lambda: services.request_to_join(project=project, member=asker), project.created_by


def _approve():
    project, asker, request = _asked()
    return lambda: services.approve_request(membership=request, by=project.created_by), asker


def _decline():
    project, asker, request = _asked()
    return lambda: services.decline_request(membership=request, by=project.created_by), asker


def _archive():
    project, asker, _request = _asked()
    return lambda: services.archive_project(project=project, by=project.created_by), asker


def _complete():
    project, asker, _request = _asked()
    done = replace(ProjectDetails.of(project), status=Project.Status.COMPLETED)
    return (
        lambda: services.update_project(project=project, by=project.created_by, details=done),
        asker,
    )


def _invite():
    project, invitee = ProjectFactory(), MemberFactory()
    return (
        lambda: services.invite_member(project=project, by=project.created_by, member=invitee),
        invitee,
    )


def _accept():
    project, invitee, invitation = _invited()
    return (
        lambda: services.accept_invitation(membership=invitation, member=invitee),
        project.created_by,
    )


def _decline_invitation():
    project, invitee, invitation = _invited()
    return (
        lambda: services.decline_invitation(membership=invitation, member=invitee),
        project.created_by,
    )


def _leave():
    project, member, _place = _with_team_member()
    return lambda: services.leave_project(project=project, member=member), project.created_by


def _remove():
    project, member, place = _with_team_member()
    return lambda: services.remove_member(membership=place, by=project.created_by), member


def _make_lead():
    project, member, place = _with_team_member()
    return (
        lambda: services.change_role(membership=place, by=project.created_by, role="lead"),
        member,
    )


def _hand_over():
    project, member, _place = _with_team_member()
    return (
        lambda: services.hand_over_lead(project=project, by=project.created_by, to=member),
        member,
    )


def _digest():
    project, member, _place = _with_team_member()
    post(project, project.created_by)
    return lambda: services.send_update_digest(project_id=project.pk), member


def _delete_the_last_lead():
    project, member, _place = _with_team_member()
    # The longest-serving team member takes over, and is told.
    return lambda: delete_account(user=project.created_by), member


# Every service that mails: (arrange, returning the call and who it mails).
MAILING = [
    _ask,
    _join_directly,
    _approve,
    _decline,
    _archive,
    _complete,
    _invite,
    _accept,
    _decline_invitation,
    _leave,
    _remove,
    _make_lead,
    _hand_over,
    _digest,
    _delete_the_last_lead,
]


@pytest.mark.parametrize("arrange", MAILING, ids=lambda arrange: arrange.__name__.strip("_"))
def test_mail_is_rendered_stored_and_queued_only_after_the_commit(
    arrange, django_capture_on_commit_callbacks
):
    action, recipient = arrange()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        action()
        stored, queued = Notice.objects.filter(recipient=recipient).count(), list(mail.outbox)

    assert (stored, queued) == (0, [])
    assert Notice.objects.filter(recipient=recipient).count() == 1
    # (Deleting an account also confirms it to the member who left.)
    assert [message.to for message in mail.outbox].count([recipient.email]) == 1


@pytest.mark.parametrize("arrange", MAILING, ids=lambda arrange: arrange.__name__.strip("_"))
def test_a_rolled_back_call_mails_nobody(arrange, django_capture_on_commit_callbacks):
    action, recipient = arrange()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        suppress(Rollback),
        transaction.atomic(),
    ):
        action()
        raise Rollback

    assert (callbacks, mail.outbox) == ([], [])
    assert Notice.objects.filter(recipient=recipient).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_request_mails_the_lead_once_the_service_returns():
    project = ProjectFactory(title="Rekenen", lead__email="lead@school.example")
    asker = MemberFactory(name="Fatima El Amrani")

    services.request_to_join(project=project, member=asker)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["lead@school.example"], "Fatima El Amrani asks to join Rekenen")
    ]
    assert Notice.objects.filter(recipient=project.created_by).count() == 1


# Coordinators -----------------------------------------------------------------------------


def test_set_featured_is_for_coordinators_only():
    project = ProjectFactory()

    with pytest.raises(ProjectNotAllowed):
        services.set_featured(project=project, by=project.created_by, featured=True)
    services.set_featured(project=project, by=CoordinatorFactory(), featured=True)

    project.refresh_from_db()
    assert project.is_featured is True


def _project_with_a_request_and_an_invitation():
    project = ProjectFactory(title="Rekenen")
    asker = MemberFactory(email="asker@school.example")
    invitee = MemberFactory(email="invitee@school.example")
    services.request_to_join(project=project, member=asker)
    services.invite_member(project=project, by=project.created_by, member=invitee)
    mail.outbox.clear()
    return project


def test_archive_project_closes_requests_and_invitations_and_tells_them(mails):
    project = _project_with_a_request_and_an_invitation()

    _result, sent = mails(
        lambda: services.archive_project(project=project, by=CoordinatorFactory())
    )

    project.refresh_from_db()
    assert project.status == "archived"
    assert Membership.objects.pending().filter(project=project).count() == 0
    assert sorted((to, subject) for to, subject, _body in sent) == [
        ("asker@school.example", "Rekenen has been archived"),
        ("invitee@school.example", "Rekenen has been archived"),
    ]


def test_completing_a_project_closes_requests_and_invitations_and_tells_them(mails):
    project = _project_with_a_request_and_an_invitation()

    _result, sent = mails(
        lambda: services.update_project(
            project=project,
            by=project.created_by,
            details=_details(status="completed", title="Rekenen"),
        )
    )

    assert Membership.objects.pending().filter(project=project).count() == 0
    assert sorted((to, subject) for to, subject, _body in sent) == [
        ("asker@school.example", "Rekenen has been completed"),
        ("invitee@school.example", "Rekenen has been completed"),
    ]
    assert all("has been completed, so your request" in body for _to, _s, body in sent)
    # A later edit of the completed project tells nobody again.
    _result, sent = mails(
        lambda: services.update_project(
            project=project,
            by=project.created_by,
            details=_details(status="completed", title="Rekenen"),
        )
    )
    assert sent == []


def test_an_archived_project_takes_no_updates_and_no_edits_by_leads():
    project = ProjectFactory(status="archived")

    with pytest.raises(ProjectNotAllowed):
        services.post_update(project=project, author=project.created_by, text="Hoi")
    with pytest.raises(ProjectNotAllowed):
        services.update_project(project=project, by=project.created_by, details=_details())


# The database's own rules -----------------------------------------------------------------


def test_the_database_refuses_a_second_current_membership():
    project = ProjectFactory()
    member = MemberFactory()
    add_member(project, member)

    with pytest.raises(IntegrityError), transaction.atomic():
        add_member(project, member, status=Membership.Status.REQUESTED)


def test_the_database_keeps_old_memberships_beside_a_current_one():
    project = ProjectFactory()
    member = MemberFactory()
    add_member(project, member, status=Membership.Status.LEFT)
    add_member(project, member, status=Membership.Status.DECLINED)

    add_member(project, member)

    assert Membership.objects.filter(project=project, member=member).count() == 3


def test_the_database_refuses_an_end_before_the_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(start_date=date(2027, 1, 1), end_date=date(2026, 1, 1))


# Deleted accounts and the export ----------------------------------------------------------


def test_deleting_the_only_lead_hands_the_project_to_the_longest_serving_member():
    project = ProjectFactory()
    lead = project.created_by
    first = MemberFactory()
    add_member(project, first)
    add_member(project, MemberFactory())
    update = post(project, lead, "Mijn bijdrage")
    Membership.objects.filter(project=project, member=lead).update(motivation="Privé")

    delete_account(user=lead)

    assert [m.member for m in Membership.objects.leads().filter(project=project)] == [first]
    old = Membership.objects.get(project=project, member=lead)
    assert (old.status, old.motivation) == ("left", "")
    update.refresh_from_db()
    assert (update.author, update.text) == (None, "Mijn bijdrage")
    project.refresh_from_db()
    assert project.created_by is None


def test_deleting_the_only_person_on_a_team_archives_the_project():
    project = ProjectFactory()
    asker = MemberFactory()
    services.request_to_join(project=project, member=asker)

    delete_account(user=project.created_by)

    project.refresh_from_db()
    assert project.status == "archived"
    assert Membership.objects.get(project=project, member=asker).status == "declined"


def test_export_holds_the_members_own_project_data():
    project = ProjectFactory(title="Rekenen")
    member = MemberFactory()
    services.request_to_join(project=project, member=member, motivation="Graag!")
    post(project, project.created_by, "Niet van dit lid")

    data = services.export_member(member)

    assert [(m["project"], m["status"], m["motivation"]) for m in data["memberships"]] == [
        ("Rekenen", "requested", "Graag!")
    ]
    assert (data["projects_started"], data["updates"]) == ([], [])
