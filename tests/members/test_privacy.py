"""Privacy: the JSON export of a member's own data, and deleting (anonymising) an account."""

import json
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from lef.models import Notice
from lef.ratelimit import RateLimit
from members import privacy
from members.models import ContactMessage, Organisation, Profile, User
from tests.factories import PASSWORD, MemberFactory, OrganisationFactory
from tests.members.factories_avatars import give_avatar as store_avatar_committed
from tests.members.factories_coordination import ProposedOrganisationFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("members:export")
DELETE_URL = reverse("members:delete")


def give_avatar(user: User) -> None:
    store_avatar_committed(user.profile)
    user.profile.refresh_from_db()


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def english(settings):
    """Assert on the English source strings, whatever catalogues exist."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def owner():
    school = OrganisationFactory(name="Basisschool De Regenboog")
    member = MemberFactory(
        name="Anna de Eigenaar",
        email="anna@regenboog.example",
        username="anna-de-eigenaar",
        language="en",
        profile__organisation=school,
        profile__expertise=["rekenen", "praktijkonderzoek"],
        profile__bio="Ik onderzoek rekenonderwijs.",
        profile__job_title="Leerkracht groep 8",
    )
    Profile.objects.filter(pk=member.pk).update(
        website="https://anna.example/",
        looking_for="Een mbo-collega",
        notification_settings={"projects": "daily"},
    )
    EmailAddress.objects.create(user=member, email="anna@prive.example", verified=False)
    return member


@pytest.fixture
def stranger():
    """Another member whose data must never appear in the owner's export."""
    member = MemberFactory(
        name="Zeldzame Zwaluw",
        email="zwaluw@elders.example",
        username="zeldzame-zwaluw",
        profile__organisation=OrganisationFactory(name="Geheime Academie"),
        profile__expertise=["zwaluwkunde"],
        profile__bio="Vertrouwelijke zwaluwtekst.",
        profile__job_title="Zwaluwmeester",
    )
    Notice.objects.create(
        recipient=member,
        kind="projects",
        key="stranger:1",
        subject="Zwaluwnieuws",
        body="Alleen voor de zwaluw.",
        delivery=Notice.Delivery.IMMEDIATE,
    )
    return member


# Export ----------------------------------------------------------------------------


def test_export_requires_login(client):
    response = client.get(EXPORT_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={EXPORT_URL}"


def test_export_page_explains_what_is_included(client, owner):
    client.force_login(owner)

    response = client.get(EXPORT_URL)

    assert response.status_code == 200
    assert b"What the file contains" in response.content
    assert b'href="?download=1"' in response.content


def test_export_download_is_a_json_attachment(client, owner):
    client.force_login(owner)

    response = client.get(EXPORT_URL, {"download": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="lef-export-anna-de-eigenaar.json"'
    )
    assert "no-cache" in response["Cache-Control"]


def test_export_contains_the_members_own_data(client, owner, stranger):
    give_avatar(owner)
    ContactMessage.objects.create(sender=owner, recipient=stranger)
    ContactMessage.objects.create(sender=stranger, recipient=owner)
    Notice.objects.create(
        recipient=owner,
        kind="events",
        key="event:1",
        subject="Nieuwe meetup",
        body="Kom naar PLNT.",
        delivery=Notice.Delivery.DAILY,
    )
    proposal = ProposedOrganisationFactory(name="Leerlab Leiden", proposed_by=owner)
    client.force_login(owner)

    data = json.loads(client.get(EXPORT_URL, {"download": "1"}).content)

    assert data["format"] == {"name": "lef-export", "version": 1}
    account = data["account"]
    assert (account["name"], account["username"], account["email"]) == (
        "Anna de Eigenaar",
        "anna-de-eigenaar",
        "anna@regenboog.example",
    )
    assert account["email_addresses"] == [
        {"email": "anna@regenboog.example", "verified": True, "primary": True},
        {"email": "anna@prive.example", "verified": False, "primary": False},
    ]
    assert account["profile_url"] == "http://testserver/members/anna-de-eigenaar/"
    assert account["date_joined"]
    assert account["last_login"]
    profile = data["profile"]
    assert profile["expertise"] == ["rekenen", "praktijkonderzoek"]
    assert profile["bio"] == "Ik onderzoek rekenonderwijs."
    assert profile["job_title"] == "Leerkracht groep 8"
    assert profile["website"] == "https://anna.example/"
    assert profile["looking_for"] == "Een mbo-collega"
    assert profile["notification_settings"] == {"projects": "daily"}
    assert profile["primary_sector"] == "po"
    assert sorted(profile["avatar"]) == ["160", "400", "64"]
    assert profile["avatar"]["64"] == (f"http://testserver/media/{owner.profile.avatar}-64.webp")
    assert data["organisation"]["name"] == "Basisschool De Regenboog"
    assert [o["name"] for o in data["proposed_organisations"]] == [proposal.name]
    assert [m["to"] for m in data["contact_messages"]["sent"]] == ["zeldzame-zwaluw"]
    assert [m["from"] for m in data["contact_messages"]["received"]] == ["zeldzame-zwaluw"]
    # When and how, not the text: it carries other members' words.
    assert [(n["kind"], n["delivery"]) for n in data["notices"]] == [("events", "daily")]
    assert "Kom naar PLNT." not in json.dumps(data, default=str)


def test_export_holds_nothing_of_another_member_but_their_username(client, owner, stranger):
    ContactMessage.objects.create(sender=owner, recipient=stranger)
    client.force_login(owner)

    content = client.get(EXPORT_URL, {"download": "1"}).content.decode()

    assert "zeldzame-zwaluw" in content  # the other party of the message, by username
    for secret in [
        "Zeldzame Zwaluw",
        "zwaluw@elders.example",
        "Geheime Academie",
        "zwaluwkunde",
        "Vertrouwelijke",
        "Zwaluwmeester",
        "Zwaluwnieuws",
        "Alleen voor de zwaluw",
    ]:
        assert secret not in content


def test_export_includes_every_apps_export_hook(client, owner, app_hooks):
    def projects_section(user):
        return {"elsewhere": [{"project": "Rekenen over de grens", "member": user.username}]}

    app_hooks("elsewhere", export=projects_section)
    client.force_login(owner)
    page = client.get(EXPORT_URL)
    data = json.loads(client.get(EXPORT_URL, {"download": "1"}).content)

    assert data["elsewhere"] == [
        {"project": "Rekenen over de grens", "member": "anna-de-eigenaar"}
    ]
    assert "Your data in “elsewhere”." in page.content.decode()


def test_an_app_cannot_take_a_name_already_in_the_export(owner, app_hooks):
    app_hooks("elsewhere", export=lambda user: {"profile": "mine"})

    with pytest.raises(ValueError, match="'profile', which is already in the export"):
        privacy.build_export(user=owner)


def test_the_export_page_names_the_apps_not_their_keys(client, owner):
    client.force_login(owner)

    page = client.get(EXPORT_URL, headers={"accept-language": "en"}).content.decode()

    for name in ("Projects", "Meetups", "Spaces"):
        assert f"Your data in “{name}”." in page
    assert "event_registrations" not in page


def test_export_rejects_post(client, owner):
    client.force_login(owner)

    assert client.post(EXPORT_URL).status_code == 405


# Deletion --------------------------------------------------------------------------


def test_delete_page_explains_and_asks_for_the_password(client, owner):
    client.force_login(owner)

    response = client.get(DELETE_URL)

    assert response.status_code == 200
    assert b"What we remove" in response.content
    assert b'name="password"' in response.content
    assert b'autocomplete="current-password"' in response.content


def test_delete_requires_login(client):
    response = client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def snapshot(user: User) -> tuple:
    user.refresh_from_db()
    profile = Profile.objects.get(pk=user.pk)
    return (
        user.name,
        user.email,
        user.username,
        user.is_active,
        user.password,
        profile.bio,
        profile.avatar,
        list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
    )


def test_delete_with_wrong_password_changes_nothing(
    client, owner, settings, django_capture_on_commit_callbacks
):
    give_avatar(owner)
    client.force_login(owner)
    before = snapshot(owner)
    files = media_files(settings)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": "not-my-password"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "password": ["That is not your password. Your account has not been deleted."]
    }
    assert snapshot(owner) == before
    assert media_files(settings) == files
    assert mail.outbox == []
    assert client.get(EXPORT_URL).status_code == 200  # still logged in


def test_delete_is_rate_limited_after_wrong_passwords(client, owner):
    client.force_login(owner)
    for _n in range(privacy.DELETE_ATTEMPTS.limit):
        assert client.post(DELETE_URL, {"password": "guess"}).status_code == 400

    response = client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 429
    assert response.context["form"].errors == {
        "password": ["Too many wrong passwords. Wait a quarter of an hour and try again."]
    }
    owner.refresh_from_db()
    assert owner.is_active is True


def test_wrong_passwords_on_the_delete_page_count_in_the_shared_rate_limiter(client, owner):
    client.force_login(owner)

    client.post(DELETE_URL, {"password": "guess"})
    client.post(DELETE_URL, {"password": "guess again"})

    assert RateLimit("account-delete-password", limit=5, window=900) == privacy.DELETE_ATTEMPTS
    assert privacy.DELETE_ATTEMPTS.count(owner.pk) == 2


def test_delete_without_a_password_is_a_form_error(client, owner):
    client.force_login(owner)

    response = client.post(DELETE_URL, {})

    assert response.status_code == 400
    assert response.context["form"].errors == {"password": ["This field is required."]}


def test_delete_account_anonymises_and_leaves_no_personal_data(
    client, owner, stranger, settings, django_capture_on_commit_callbacks
):
    give_avatar(owner)
    assert len(media_files(settings)) == 3
    proposal = ProposedOrganisationFactory(proposed_by=owner)
    ContactMessage.objects.create(sender=owner, recipient=stranger)
    Notice.objects.create(
        recipient=owner, kind="events", key="e:1", subject="s", body="b", delivery="daily"
    )
    give_avatar(stranger)
    stranger_files = media_files(settings)
    stranger_files = [
        f for f in stranger_files if stranger.profile.avatar.split("/")[-1] in str(f)
    ]
    client.force_login(owner)
    pk = owner.pk

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(pk=pk)  # the row stays
    assert user.username.startswith("deleted-")
    assert len(user.username) == len("deleted-") + 16
    assert (user.name, user.email, user.is_active, user.is_staff) == ("", "", False, False)
    assert user.has_usable_password() is False
    assert user.last_login is None
    profile = Profile.objects.get(pk=pk)
    # The primary sector stays for the dashboard's sector mix; it identifies nobody.
    assert (profile.primary_sector, profile.other_sectors, profile.roles) == ("po", [], [])
    assert (profile.organisation, profile.job_title, profile.bio) == (None, "", "")
    assert (profile.core_activities, profile.expertise, profile.avatar) == ([], [], "")
    assert (profile.website, profile.looking_for, profile.open_to_collaboration) == ("", "", False)
    assert (profile.notification_settings, profile.onboarded_at) == ({}, None)
    assert profile.search_vector == ""
    assert EmailAddress.objects.filter(user_id=pk).count() == 0
    assert Notice.objects.filter(recipient_id=pk).count() == 0
    assert ContactMessage.objects.filter(sender_id=pk).count() == 1  # counts stay
    proposal.refresh_from_db()
    assert proposal.proposed_by is None
    # No trace of the old name, addresses or photo anywhere in the rows or storage.
    rows = repr(
        [
            *User.objects.filter(pk=pk).values(),
            *Profile.objects.filter(pk=pk).values(),
            *EmailAddress.objects.values(),
        ]
    )
    for old in ["Anna", "Eigenaar", "anna@", "regenboog.example", "prive.example", "rekenen"]:
        assert old not in rows
    assert media_files(settings) == stranger_files  # only the other member's photo is left
    assert not Profile.objects.listed().filter(pk=pk).exists()


def test_delete_account_sends_one_mail_to_the_old_address(
    client, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELETE_URL, {"password": PASSWORD})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@regenboog.example"]
    assert message.subject == "'t LEF: your account has been deleted"
    assert "Anna" in message.body


def test_delete_account_ends_every_session_and_logs_out(
    client, owner, django_capture_on_commit_callbacks
):
    other_device = Client()
    other_device.force_login(owner)
    client.force_login(owner)
    other_member = Client()
    other_member.force_login(MemberFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": PASSWORD}, follow=True)

    assert response.context["user"].is_authenticated is False
    assert [str(m) for m in response.context["messages"]] == [
        "Your account has been deleted. We sent a confirmation to your email address. "
        "Thank you for having been part of 't LEF."
    ]
    owned = [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(owner.pk)]
    assert owned == []
    assert other_device.get(EXPORT_URL).status_code == 302
    assert other_member.get(EXPORT_URL).status_code == 200


def test_delete_account_runs_every_apps_hook_with_the_user_still_named(owner, app_hooks):
    seen = []

    def projects_step(user):
        seen.append((user.pk, user.name))

    app_hooks("elsewhere", delete_account=projects_step)
    privacy.delete_account(user=owner)

    assert seen == [(owner.pk, "Anna de Eigenaar")]


def test_delete_account_rolls_back_completely_when_a_step_fails(
    owner, settings, django_capture_on_commit_callbacks, app_hooks
):
    give_avatar(owner)
    before = snapshot(owner)
    files = media_files(settings)

    def failing_step(user):
        raise RuntimeError("events app is broken")

    app_hooks("broken", delete_account=failing_step)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="events app is broken"),
    ):
        privacy.delete_account(user=owner)

    assert callbacks == []
    assert mail.outbox == []
    assert snapshot(owner) == before
    assert media_files(settings) == files


def test_delete_account_of_an_organisation_member_keeps_the_organisation(owner):
    organisation = owner.profile.organisation

    privacy.delete_account(user=owner)

    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_export_and_delete_work_for_a_user_without_profile(
    client, django_capture_on_commit_callbacks
):
    user = User.objects.create(username="kaal", email="kaal@lef.example", name="Kale Gebruiker")
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)

    data = json.loads(client.get(EXPORT_URL, {"download": "1"}).content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": PASSWORD})

    assert (data["profile"], data["organisation"]) == (None, None)
    assert data["account"]["name"] == "Kale Gebruiker"
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.email, user.is_active) == ("", "", False)
    assert [m.to for m in mail.outbox] == [["kaal@lef.example"]]
