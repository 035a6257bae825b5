"""Every write path shows in the directory at once, the admin's and bulk updates included.

The pages read the database directly; what derives from the rows (a profile's
search vector, which holds its member's name and its approved organisation's
name) is kept in step by the database (members migrations 0007 and 0009). Each
test reads the directory, changes something the way one part of the platform
does, and reads the directory (and its search, and the profile) again.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from lef.choices import Sector
from members.models import Organisation, Profile, User
from members.privacy import delete_account
from members.services import update_profile
from tests.factories import MemberFactory, OrganisationFactory
from tests.members.factories_avatars import give_avatar
from tests.members.factories_coordination import ProposedOrganisationFactory
from tests.members.test_admin import save_member
from tests.members.test_directory import names
from tests.second_factor import with_second_factor

pytestmark = pytest.mark.django_db

URL = "/members/"


@pytest.fixture
def visitor():
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def coordinator_client():
    # A superuser; what a coordinator may do is in test_permissions.py.
    client = Client(headers={"accept-language": "en"})
    client.force_login(
        with_second_factor(
            User.objects.create_superuser(email="root@lef.example", password="x", name="Root")
        )
    )
    return client


@pytest.fixture
def school():
    return OrganisationFactory(name="Da Vinci College", slug="da-vinci")


@pytest.fixture
def member(school):
    return MemberFactory(
        name="Sanne de Vries",
        username="sanne",
        profile__organisation=school,
        profile__job_title="Docent",
        profile__visibility=Profile.Visibility.PUBLIC,
    )


def directory(client, **params) -> str:
    return client.get(URL, params).content.decode()


def test_site_profile_form(visitor, member):
    assert "Docent" in directory(visitor)

    update_profile(
        user=member,
        name="Sanne de Vries",
        username="sanne",
        primary_sector=Sector.MBO,
        other_sectors=[],
        roles=[],
        organisation=member.profile.organisation,
        job_title="Teamleider",
        core_activities=[],
        expertise=["rekenen"],
        bio="",
        website="",
        open_to_collaboration=False,
        looking_for="",
        visibility=Profile.Visibility.PUBLIC,
        notification_settings={},
    )

    html = directory(visitor)
    assert "Teamleider" in html
    assert "Docent" not in html
    assert names(visitor.get(URL, {"q": "rekenen"})) == ["Sanne de Vries"]
    assert names(visitor.get(URL, {"sector": "mbo"})) == ["Sanne de Vries"]


def test_avatar_upload(visitor, member):
    assert "lef-avatar-initials" in directory(visitor)
    give_avatar(member.profile)

    member.profile.refresh_from_db()
    assert f"{member.profile.avatar}-64.webp" in directory(visitor)


def test_admin_changes_name_and_username(visitor, coordinator_client, member):
    directory(visitor)

    response = save_member(coordinator_client, member, name="Sanne Bakker", username="sanne-b")

    assert response.status_code == 302
    html = directory(visitor)
    assert names(visitor.get(URL)) == ["Sanne Bakker"]
    assert 'href="/members/sanne-b/"' in html
    assert 'href="/members/sanne/"' not in html
    assert names(visitor.get(URL, {"q": "bakker"})) == ["Sanne Bakker"]


def test_admin_changes_the_profile_and_removes_the_photo(visitor, coordinator_client, member):
    give_avatar(member.profile)
    assert "lef-avatar-initials" not in directory(visitor)

    response = save_member(
        coordinator_client, member, job_title="Intern begeleider", remove_avatar="on"
    )

    assert response.status_code == 302
    html = directory(visitor)
    assert "Intern begeleider" in html
    assert "lef-avatar-initials" in html
    assert "Intern begeleider" in visitor.get("/members/sanne/").content.decode()


def test_admin_renames_an_organisation_and_changes_its_slug(
    visitor, coordinator_client, member, school
):
    html = directory(visitor)
    assert 'href="/organisations/da-vinci/"' in html

    response = coordinator_client.post(
        reverse("admin:members_organisation_change", args=[school.pk]),
        {
            "name": "Da Vinci Lyceum",
            "slug": "davinci-lyceum",
            "kind": "school",
            "sectors": ["mbo"],
        },
    )

    assert response.status_code == 302
    html = directory(visitor)
    assert '<a href="/organisations/davinci-lyceum/">Da Vinci Lyceum</a>' in html
    assert "Da Vinci College" not in html
    assert names(visitor.get(URL, {"q": "lyceum"})) == ["Sanne de Vries"]
    assert [slug for _pk, slug, _name in visitor.get(URL).context["form"].organisations] == [
        "davinci-lyceum"
    ]


def test_admin_approves_a_proposed_organisation(visitor, coordinator_client):
    proposer = MemberFactory(name="Voor Steller", profile__visibility=Profile.Visibility.PUBLIC)
    proposal = ProposedOrganisationFactory(name="Nieuw Initiatief", proposed_by=proposer)
    Profile.objects.filter(pk=proposer.pk).update(organisation=proposal)
    assert "Nieuw Initiatief" not in directory(visitor)
    assert names(visitor.get(URL, {"q": "initiatief"})) == []

    response = coordinator_client.post(
        reverse("admin:members_organisation_changelist"),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [proposal.pk]},
    )

    assert response.status_code == 302
    assert "Nieuw Initiatief" in directory(visitor)
    assert names(visitor.get(URL, {"q": "initiatief"})) == ["Voor Steller"]


def test_admin_merges_organisations(visitor, coordinator_client, member, school):
    target = OrganisationFactory(name="Da Vinci Groep", slug="da-vinci-groep")
    directory(visitor)

    response = coordinator_client.post(
        reverse("admin:members_organisation_changelist"),
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [school.pk, target.pk],
            "post": "yes",
            "keep": target.pk,
        },
    )

    assert response.status_code == 302
    html = directory(visitor)
    assert "Da Vinci Groep" in html
    assert 'href="/organisations/da-vinci/"' not in html


def test_admin_deactivates_a_member(visitor, coordinator_client, member):
    assert names(visitor.get(URL)) == ["Sanne de Vries"]
    directory(visitor)
    response = save_member(coordinator_client, member, is_active=None)  # unticked

    assert response.status_code == 302
    assert names(visitor.get(URL)) == []
    assert "0 members found" in directory(visitor)


def test_account_deletion(visitor, member):
    directory(visitor)

    delete_account(user=member)

    assert names(visitor.get(URL)) == []
    assert visitor.get("/members/sanne/").status_code == 404


def test_bulk_updates_of_profiles_users_and_organisations(visitor, member, school):
    other = MemberFactory(name="Piet Post", profile__visibility=Profile.Visibility.PUBLIC)
    directory(visitor)

    Profile.objects.filter(pk=member.pk).update(job_title="Directeur")
    User.objects.filter(pk=other.pk).update(name="Piet Pieters")
    Organisation.objects.filter(pk=school.pk).update(name="Da Vinci Campus")

    html = directory(visitor)
    assert "Directeur" in html
    assert "Piet Pieters" in html
    assert "Da Vinci Campus" in html
    assert "2 members found" in html
    # The search vectors followed, by the database's triggers.
    assert names(visitor.get(URL, {"q": "pieters"})) == ["Piet Pieters"]
    assert names(visitor.get(URL, {"q": "campus"})) == ["Sanne de Vries"]
    assert names(visitor.get(URL, {"q": "directeur"})) == ["Sanne de Vries"]


def test_a_new_member_appears(visitor):
    directory(visitor)

    MemberFactory(name="Nieuw Lid", profile__visibility=Profile.Visibility.PUBLIC)

    assert names(visitor.get(URL)) == ["Nieuw Lid"]


def test_mijn_lef_suggestions_follow_every_change(member, school):
    Profile.objects.filter(pk=member.pk).update(
        primary_sector=Sector.VO, expertise=["rekenen"], job_title="Docent wiskunde"
    )
    viewer = MemberFactory(profile__primary_sector=Sector.PO, profile__expertise=["rekenen"])
    client = Client(headers={"accept-language": "en"})
    client.force_login(viewer)
    assert "Docent wiskunde" in client.get("/").content.decode()

    Profile.objects.filter(pk=member.pk).update(job_title="Teamleider")
    Organisation.objects.filter(pk=school.pk).update(name="Da Vinci Campus")
    html = client.get("/").content.decode()
    assert "Teamleider" in html
    assert "Da Vinci Campus" in html

    User.objects.filter(pk=member.pk).update(is_active=False)
    assert "Sanne de Vries" not in client.get("/").content.decode()


def test_home_community_follows_new_members_and_partners(visitor):
    visitor.get("/")

    MemberFactory(
        name="Nieuw Gezicht",
        profile__visibility=Profile.Visibility.PUBLIC,
        profile__avatar="avatars/ab/abcdef",
    )
    OrganisationFactory(name="Nieuwe Partner", slug="nieuwe-partner", is_partner=True)

    html = visitor.get("/").content.decode()
    assert "1 colleague is already here" in html
    assert 'title="Nieuw Gezicht"' in html
    assert '<a href="/organisations/nieuwe-partner/">Nieuwe Partner</a>' in html


def test_mijn_lef_suggestions_speak_the_viewers_language(member):
    Profile.objects.filter(pk=member.pk).update(primary_sector=Sector.VO, expertise=["rekenen"])
    viewer = MemberFactory(profile__primary_sector=Sector.PO, profile__expertise=["rekenen"])
    english = Client(headers={"accept-language": "en"})
    english.force_login(viewer)
    assert "You share: rekenen" in english.get("/").content.decode()

    dutch = Client(headers={"accept-language": "nl"})
    dutch.force_login(viewer)
    html = dutch.get("/").content.decode()
    assert "Jullie delen: rekenen" in html
    assert "You share" not in html
