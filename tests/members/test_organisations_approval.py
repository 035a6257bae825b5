"""The approval loop: coordinators hear of a proposal, the proposer hears what was decided.

members.organisations (tell_coordinators_about_proposal, approve, decline,
merge), the proposal through the profile forms, the coordinators' mail setting,
and the organisation admin's approve and decline, with the mail they queue.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.db import transaction
from django.urls import reverse

from lef.coordinators import coordinators
from lef.models import Notice
from lef.notifications import NotificationKind, send_daily_digests
from members.forms import ProfileForm
from members.models import Organisation, Profile, User
from members.organisations import (
    OrganisationError,
    approve_organisation,
    decline_organisation,
    merge_organisations,
)
from members.services import ProfileInvalidError, propose_organisation, update_profile
from tests.factories import PASSWORD, MemberFactory, OrganisationFactory, UserFactory
from tests.members.factories_coordination import CoordinatorFactory, ProposedOrganisationFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English source strings; links on a known site address."""
    settings.LANGUAGE_CODE = "en"
    settings.LEF_SITE_URL = SITE


@pytest.fixture
def carla():
    return CoordinatorFactory(name="Carla Coördinator", email="carla@lef.example", language="en")


@pytest.fixture
def daan():
    return CoordinatorFactory(name="Daan Coördinator", email="daan@lef.example", language="en")


@pytest.fixture
def proposer():
    return MemberFactory(name="Sanne de Vries", email="sanne@school.example", language="en")


def _set_delivery(user, **choices):
    Profile.objects.filter(user=user).update(notification_settings=choices)


def _sent(callbacks_fixture, action):
    """Run ``action`` as a request would: its mail is sent once its transaction commits."""
    mail.outbox.clear()
    with callbacks_fixture(execute=True):
        result = action()
    return result


def _propose(proposer, name="Onderwijslab 071", kind=Organisation.Kind.STARTUP):
    with transaction.atomic():
        return propose_organisation(user=proposer, name=name, kind=kind)


def _mail_to(address):
    found = [message for message in mail.outbox if message.to == [address]]
    assert len(found) == 1, [(m.to, m.subject) for m in mail.outbox]
    return found[0]


# Coordinators hear of a proposal ----------------------------------------------------------


def test_coordinators_are_every_coordinator_and_nobody_else(carla, daan):
    root = User.objects.create_superuser(email="root@lef.example", password=PASSWORD, name="Root")
    UserFactory(is_staff=True)  # staff, not in the group
    CoordinatorFactory(is_active=False)  # deactivated
    MemberFactory()

    assert sorted(coordinators().values_list("pk", flat=True)) == sorted(
        [carla.pk, daan.pk, root.pk]
    )


def test_proposing_mails_each_coordinator_once(
    carla, daan, proposer, django_capture_on_commit_callbacks
):
    MemberFactory()  # a member, not a coordinator: no mail

    organisation = _sent(django_capture_on_commit_callbacks, lambda: _propose(proposer))

    assert sorted(m.to[0] for m in mail.outbox) == ["carla@lef.example", "daan@lef.example"]
    message = _mail_to("carla@lef.example")
    assert message.subject == "'t LEF: a new organisation to approve, Onderwijslab 071"
    review_url = f"{SITE}/admin/members/organisation/{organisation.pk}/change/"
    assert "Sanne de Vries proposed a new organisation on 't LEF:" in message.body
    assert "Onderwijslab 071 (Education start-up or initiative)" in message.body
    assert review_url in message.body
    assert list(
        Notice.objects.filter(key=f"organisation:{organisation.pk}:proposed")
        .order_by("recipient_id")
        .values_list("recipient_id", "kind", "delivery")
    ) == [
        (carla.pk, NotificationKind.COORDINATION, Notice.Delivery.IMMEDIATE),
        (daan.pk, NotificationKind.COORDINATION, Notice.Delivery.IMMEDIATE),
    ]

    # Typing the same name again finds the member's own proposal: nobody is told twice.
    again = _sent(
        django_capture_on_commit_callbacks, lambda: _propose(proposer, "onderwijslab 071")
    )
    assert again == organisation
    assert mail.outbox == []


def test_proposing_goes_into_the_digest_of_a_coordinator_who_chose_daily(
    carla, daan, proposer, django_capture_on_commit_callbacks
):
    _set_delivery(daan, coordination=Notice.Delivery.DAILY)

    _sent(django_capture_on_commit_callbacks, lambda: _propose(proposer))

    assert [m.to for m in mail.outbox] == [["carla@lef.example"]]
    pending = Notice.objects.get(recipient=daan, sent_at__isnull=True)
    assert pending.subject == "'t LEF: a new organisation to approve, Onderwijslab 071"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == (1, 1)
    digest = _mail_to("daan@lef.example")
    assert "== 't LEF: a new organisation to approve, Onderwijslab 071 ==" in digest.body


def test_a_coordinator_who_turned_it_off_gets_nothing(
    carla, daan, proposer, django_capture_on_commit_callbacks
):
    _set_delivery(daan, coordination=Notice.Delivery.OFF)

    _sent(django_capture_on_commit_callbacks, lambda: _propose(proposer))

    assert [m.to for m in mail.outbox] == [["carla@lef.example"]]
    assert not Notice.objects.filter(recipient=daan).exists()


def test_a_coordinator_who_proposes_is_not_told_of_their_own_proposal(
    carla, daan, django_capture_on_commit_callbacks
):
    _sent(django_capture_on_commit_callbacks, lambda: _propose(carla))

    assert [m.to for m in mail.outbox] == [["daan@lef.example"]]


def test_a_rolled_back_proposal_mails_nobody(carla, proposer, django_capture_on_commit_callbacks):
    """The profile form proposes, then the profile fails its validation: all of it is undone."""

    def save_with_a_bad_website():
        with pytest.raises(ProfileInvalidError):
            update_profile(
                **{
                    **_profile_values(proposer),
                    "new_organisation_name": "Onderwijslab 071",
                    "new_organisation_kind": Organisation.Kind.STARTUP,
                    "website": "not a web address",
                }
            )

    _sent(django_capture_on_commit_callbacks, save_with_a_bad_website)

    assert mail.outbox == []
    assert not Organisation.objects.filter(name="Onderwijslab 071").exists()
    assert not Notice.objects.exists()


def _profile_values(user) -> dict:
    profile = Profile.objects.get(user=user)
    return {
        "user": user,
        "name": user.name,
        "username": user.username,
        "primary_sector": profile.primary_sector,
        "other_sectors": [],
        "roles": profile.roles,
        "organisation": profile.organisation,
        "job_title": "",
        "core_activities": profile.core_activities,
        "expertise": [],
        "bio": "",
        "website": "",
        "open_to_collaboration": False,
        "looking_for": "",
        "visibility": profile.visibility,
        "notification_settings": profile.notification_settings,
    }


# On the site: the profile form and the welcome step ----------------------------------------


def _profile_form_data(user, **changes) -> dict:
    """What the profile form sends for ``user`` as it is, with ``changes``."""
    data = {
        key: value
        for key, value in ProfileForm(user=user).initial.items()
        if value is not None and key != "organisation"
    }
    return {**data, "organisation": user.profile.organisation_id, "expertise": "", **changes}


def test_profile_form_proposal_tells_coordinators_and_says_so(
    client, carla, proposer, django_capture_on_commit_callbacks
):
    client.force_login(proposer)
    data = _profile_form_data(
        proposer, new_organisation_name="Onderwijslab 071", new_organisation_kind="startup"
    )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/me/edit/", data, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Your profile has been saved.",
        "Onderwijslab 071 is new on 't LEF, so we have told the coordinators. You get an "
        "email once they have looked at it; until then it shows as awaiting approval.",
    ]
    assert [m.to for m in mail.outbox] == [["carla@lef.example"]]
    assert Profile.objects.get(user=proposer).organisation.name == "Onderwijslab 071"


def test_profile_form_typing_an_approved_name_picks_it_and_tells_nobody(
    client, carla, proposer, django_capture_on_commit_callbacks
):
    scol = OrganisationFactory(name="SCOL", slug="scol")
    client.force_login(proposer)
    data = _profile_form_data(
        proposer, new_organisation_name="scol", new_organisation_kind="board"
    )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/me/edit/", data, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Your profile has been saved."]
    assert mail.outbox == []
    assert Profile.objects.get(user=proposer).organisation == scol


def test_welcome_step_proposal_says_the_coordinators_were_told(
    client, carla, django_capture_on_commit_callbacks
):
    newcomer = UserFactory(name="", language="en")
    client.force_login(newcomer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/members/me/welcome/",
            {
                "name": "Nieuwe Leraar",
                "primary_sector": "po",
                "organisation": "",
                "new_organisation_name": "Onderwijslab 071",
                "new_organisation_kind": "startup",
            },
        )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Welcome to 't LEF, Nieuwe!",
        "Onderwijslab 071 is new on 't LEF, so we have told the coordinators. You get an "
        "email once they have looked at it; until then it shows as awaiting approval.",
    ]
    assert [m.to for m in mail.outbox] == [["carla@lef.example"]]


def test_only_coordinators_are_offered_the_coordinators_mail_setting(carla, proposer):
    _set_delivery(proposer, coordination=Notice.Delivery.OFF)
    proposer.profile.refresh_from_db()
    carla.profile.refresh_from_db()

    assert "notify_coordination" in ProfileForm(user=carla).fields
    assert "notify_coordination" not in ProfileForm(user=proposer).fields
    assert ProfileForm(user=carla).fields["notify_coordination"].label == (
        "Work for coordinators, such as organisations to approve"
    )


def test_profile_form_keeps_a_setting_it_does_not_offer(client, proposer):
    """A member who is no coordinator (any more) keeps what was chosen for coordinators' mail."""
    _set_delivery(proposer, coordination=Notice.Delivery.DAILY)
    proposer.profile.refresh_from_db()
    form = ProfileForm(_profile_form_data(proposer), user=proposer)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["notification_settings"]["coordination"] == Notice.Delivery.DAILY


def test_coordinator_saves_the_coordinators_mail_setting(carla):
    carla.profile.refresh_from_db()
    form = ProfileForm(
        _profile_form_data(carla, notify_coordination=Notice.Delivery.DAILY), user=carla
    )

    assert form.is_valid(), form.errors
    update_profile(user=carla, **form.cleaned_data)

    carla.profile.refresh_from_db()
    assert carla.profile.notification_settings["coordination"] == Notice.Delivery.DAILY


# The proposer hears what was decided --------------------------------------------------------


def test_approval_mails_the_proposer(carla, proposer, django_capture_on_commit_callbacks):
    organisation = _propose(proposer)
    Profile.objects.filter(user=proposer).update(organisation=organisation)

    _sent(
        django_capture_on_commit_callbacks,
        lambda: approve_organisation(organisation=organisation, by=carla),
    )

    message = _mail_to("sanne@school.example")
    assert mail.outbox == [message]
    assert message.subject == "'t LEF: Onderwijslab 071 has been approved"
    assert message.body.startswith("Hello Sanne,\n\nA coordinator has approved Onderwijslab 071,")
    assert f"It is on your profile already. Its page: {SITE}/organisations/onderwijslab-071/" in (
        message.body
    )
    assert "you can now also book the places that are for start-ups" in message.body


def test_approval_of_a_school_not_on_the_profile_says_where_to_choose_it(
    carla, proposer, django_capture_on_commit_callbacks
):
    organisation = _propose(proposer, "Nieuwe School", Organisation.Kind.SCHOOL)

    _sent(
        django_capture_on_commit_callbacks,
        lambda: approve_organisation(organisation=organisation, by=carla),
    )

    body = _mail_to("sanne@school.example").body
    assert f"Choose it on your profile: {SITE}/members/me/edit/#organisation" in body
    assert "start-ups" not in body


def test_approving_twice_mails_once(carla, proposer, django_capture_on_commit_callbacks):
    organisation = _propose(proposer)
    _sent(
        django_capture_on_commit_callbacks,
        lambda: approve_organisation(organisation=organisation, by=carla),
    )

    _sent(
        django_capture_on_commit_callbacks,
        lambda: approve_organisation(organisation=organisation, by=carla),
    )

    assert mail.outbox == []


def test_decline_mails_the_proposer_with_the_reason_and_frees_their_profile(
    client, carla, proposer, django_capture_on_commit_callbacks
):
    organisation = _propose(proposer)
    Profile.objects.filter(user=proposer).update(organisation=organisation)

    _sent(
        django_capture_on_commit_callbacks,
        lambda: decline_organisation(
            organisation=organisation, by=carla, reason="  Dit is een project, geen organisatie. "
        ),
    )

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.DECLINED
    assert Profile.objects.get(user=proposer).organisation is None
    message = _mail_to("sanne@school.example")
    assert mail.outbox == [message]
    assert message.subject == "'t LEF: Onderwijslab 071 has not been added"
    assert (
        "The coordinator's note:\n----------\nDit is een project, geen organisatie.\n----------"
    ) in message.body
    assert f"{SITE}/members/me/edit/#organisation" in message.body
    # Nobody sees a declined organisation, its proposer neither.
    client.force_login(proposer)
    assert client.get(organisation.get_absolute_url()).status_code == 404


def test_decline_without_a_reason_has_no_note(carla, proposer, django_capture_on_commit_callbacks):
    organisation = _propose(proposer)

    _sent(
        django_capture_on_commit_callbacks,
        lambda: decline_organisation(organisation=organisation, by=carla),
    )

    assert "note" not in _mail_to("sanne@school.example").body


def test_declining_twice_mails_once(carla, proposer, django_capture_on_commit_callbacks):
    organisation = _propose(proposer)
    _sent(
        django_capture_on_commit_callbacks,
        lambda: decline_organisation(organisation=organisation, by=carla),
    )

    _sent(
        django_capture_on_commit_callbacks,
        lambda: decline_organisation(organisation=organisation, by=carla),
    )

    assert mail.outbox == []


@pytest.mark.parametrize("status", [Organisation.Status.APPROVED, Organisation.Status.MERGED])
def test_only_a_proposal_can_be_declined(carla, proposer, status):
    organisation = ProposedOrganisationFactory(name="Lab", status=status, proposed_by=proposer)

    with pytest.raises(OrganisationError) as refused:
        decline_organisation(organisation=organisation, by=carla)

    assert refused.value.message == "Lab is not a proposal, so it cannot be declined."
    organisation.refresh_from_db()
    assert organisation.status == status


def test_decline_refuses_a_reason_that_is_too_long(carla, proposer):
    organisation = _propose(proposer)

    with pytest.raises(OrganisationError):
        decline_organisation(organisation=organisation, by=carla, reason="x" * 1001)

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PROPOSED


def test_a_declined_one_can_still_be_approved(carla, proposer, django_capture_on_commit_callbacks):
    organisation = _propose(proposer)
    decline_organisation(organisation=organisation, by=carla)

    _sent(
        django_capture_on_commit_callbacks,
        lambda: approve_organisation(organisation=organisation, by=carla),
    )

    assert organisation.status == Organisation.Status.APPROVED
    assert "Choose it on your profile:" in _mail_to("sanne@school.example").body


def test_merging_a_proposal_mails_the_proposer_where_they_are_now(
    carla, proposer, django_capture_on_commit_callbacks
):
    organisation = _propose(proposer, "scol leiden", Organisation.Kind.BOARD)
    Profile.objects.filter(user=proposer).update(organisation=organisation)
    scol = OrganisationFactory(name="SCOL", slug="scol")

    _sent(
        django_capture_on_commit_callbacks,
        lambda: merge_organisations(duplicate=organisation, into=scol, by=carla),
    )

    message = _mail_to("sanne@school.example")
    assert message.subject == "'t LEF: scol leiden is listed as SCOL"
    assert f"{SITE}/organisations/scol/" in message.body
    assert Profile.objects.get(user=proposer).organisation == scol


def test_merging_two_approved_organisations_mails_nobody(
    carla, proposer, django_capture_on_commit_callbacks
):
    duplicate = OrganisationFactory(name="Scol", proposed_by=proposer)

    _sent(
        django_capture_on_commit_callbacks,
        lambda: merge_organisations(duplicate=duplicate, into=OrganisationFactory(), by=carla),
    )

    assert mail.outbox == []


def test_a_deactivated_proposer_is_not_mailed(carla, proposer, django_capture_on_commit_callbacks):
    organisation = _propose(proposer)
    User.objects.filter(pk=proposer.pk).update(is_active=False)
    organisation.refresh_from_db()

    _sent(
        django_capture_on_commit_callbacks,
        lambda: approve_organisation(organisation=organisation, by=carla),
    )

    assert mail.outbox == []


# The admin goes through the same services ---------------------------------------------------


@pytest.fixture
def carla_client(client, carla):
    client.force_login(carla)
    return client


def _admin_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_admin_approve_button_mails_the_proposer_and_says_so(
    carla_client, proposer, django_capture_on_commit_callbacks
):
    organisation = _propose(proposer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = carla_client.post(
            reverse("admin:members_organisation_approve", args=[organisation.pk]), follow=True
        )

    assert _admin_messages(response) == [
        "Onderwijslab 071 is approved: everyone can see and choose it now. "
        "Sanne de Vries, who proposed it, has been mailed."
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["sanne@school.example"], "'t LEF: Onderwijslab 071 has been approved")
    ]


def test_admin_approve_action_mails_each_proposer(
    carla_client, proposer, django_capture_on_commit_callbacks
):
    other = MemberFactory(email="joris@school.example")
    first = _propose(proposer)
    second = _propose(other, "Rekenlab", Organisation.Kind.INSTITUTE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = carla_client.post(
            reverse("admin:members_organisation_changelist"),
            {"action": "approve_selected", ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
            follow=True,
        )

    assert _admin_messages(response) == [
        "Approved 2 organisations. Mailed 2 members about their proposals."
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["joris@school.example", "sanne@school.example"]


def test_admin_decline_asks_for_a_note_then_declines_and_mails(
    carla_client, proposer, django_capture_on_commit_callbacks
):
    organisation = _propose(proposer)
    url = reverse("admin:members_organisation_decline", args=[organisation.pk])
    change_url = reverse("admin:members_organisation_change", args=[organisation.pk])

    change_page = carla_client.get(change_url)
    assert f'href="{url}"' in change_page.content.decode()
    assert change_page.context["has_absolute_url"] is True
    asked = carla_client.get(url)
    assert asked.status_code == 200
    assert asked.templates[0].name == "admin/members/organisation/decline_confirmation.html"
    assert Organisation.objects.get(pk=organisation.pk).status == Organisation.Status.PROPOSED

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = carla_client.post(url, {"reason": "Kies SCOL uit de lijst."}, follow=True)

    assert response.redirect_chain == [(change_url, 302)]
    assert _admin_messages(response) == [
        "Onderwijslab 071 is declined: nobody can see or choose it now. "
        "Sanne de Vries, who proposed it, has been mailed."
    ]
    assert Organisation.objects.get(pk=organisation.pk).status == Organisation.Status.DECLINED
    message = _mail_to("sanne@school.example")
    assert "Kies SCOL uit de lijst." in message.body
    # A declined organisation has no page on the site to link to.
    assert carla_client.get(change_url).context["has_absolute_url"] is False


def test_admin_decline_with_a_bad_note_shows_the_error_and_declines_nothing(
    carla_client, proposer, django_capture_on_commit_callbacks
):
    organisation = _propose(proposer)
    url = reverse("admin:members_organisation_decline", args=[organisation.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = carla_client.post(url, {"reason": "x" * 1001})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert Organisation.objects.get(pk=organisation.pk).status == Organisation.Status.PROPOSED


def test_admin_decline_of_an_approved_organisation_is_refused(carla_client):
    school = OrganisationFactory(name="SCOL")
    url = reverse("admin:members_organisation_decline", args=[school.pk])

    response = carla_client.post(url, {"reason": ""}, follow=True)

    assert _admin_messages(response) == ["Only a proposed organisation can be declined."]
    assert Organisation.objects.get(pk=school.pk).status == Organisation.Status.APPROVED


def test_admin_decline_action_asks_once_then_declines_each_proposal(
    carla_client, proposer, django_capture_on_commit_callbacks
):
    other = MemberFactory(email="joris@school.example")
    first = _propose(proposer)
    second = _propose(other, "Rekenlab", Organisation.Kind.INSTITUTE)
    approved = OrganisationFactory(name="SCOL")
    changelist = reverse("admin:members_organisation_changelist")
    selected = {ACTION_CHECKBOX_NAME: [first.pk, second.pk, approved.pk]}

    asked = carla_client.post(changelist, {"action": "decline_selected", **selected})
    assert asked.templates[0].name == "admin/members/organisation/decline_confirmation.html"
    assert [o.name for o in asked.context["organisations"]] == ["Onderwijslab 071", "Rekenlab"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = carla_client.post(
            changelist,
            {
                "action": "decline_selected",
                "post": "yes",
                "reason": "Geen onderwijsorganisatie.",
                ACTION_CHECKBOX_NAME: [first.pk, second.pk],
            },
            follow=True,
        )

    assert _admin_messages(response) == [
        "Declined 2 organisations. Mailed 2 members about their proposals."
    ]
    assert sorted(
        Organisation.objects.filter(status=Organisation.Status.DECLINED).values_list(
            "name", flat=True
        )
    ) == ["Onderwijslab 071", "Rekenlab"]
    assert sorted(m.to[0] for m in mail.outbox) == ["joris@school.example", "sanne@school.example"]
    assert all("Geen onderwijsorganisatie." in m.body for m in mail.outbox)


def test_admin_decline_needs_change_permission(client, proposer):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client.force_login(viewer)
    organisation = _propose(proposer)

    response = client.post(
        reverse("admin:members_organisation_decline", args=[organisation.pk]), {"reason": ""}
    )

    assert response.status_code == 403
    assert Organisation.objects.get(pk=organisation.pk).status == Organisation.Status.PROPOSED
