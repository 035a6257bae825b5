"""Services of members/services.py, called directly (the views are in other test files)."""

import pytest

from members.models import Organisation, Profile, User
from members.search import build_query
from members.services import (
    ProfileInvalidError,
    UsernameUnavailableError,
    accepts_messages,
    complete_onboarding,
    ensure_profile,
    propose_organisation,
    update_profile,
)
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _profile_values(**overrides) -> dict:
    values = {
        "name": "Sanne de Vries",
        "username": "sanne",
        "primary_sector": "mbo",
        "other_sectors": ["mbo", "ho"],
        "roles": ["teacher", "teacher"],
        "organisation": None,
        "job_title": " Docent ",
        "core_activities": ["innovation"],
        "expertise": ["Burgerschap", " burgerschap", "#Loopbaan   Oriëntatie"],
        "bio": "Ik doe praktijkonderzoek naar burgerschapsonderwijs.",
        "website": "",
        "open_to_collaboration": False,
        "looking_for": "",
        "visibility": "members",
        "notification_settings": {"events": "off"},
    }
    values.update(overrides)
    return values


def test_update_profile_saves_and_normalises():
    user = MemberFactory()

    profile = update_profile(user=user, **_profile_values())

    profile = Profile.objects.select_related("user").get(pk=profile.pk)
    assert profile.user.name == "Sanne de Vries"
    assert profile.user.username == "sanne"
    assert profile.other_sectors == ["ho"]
    assert profile.roles == ["teacher"]
    assert profile.job_title == "Docent"
    assert profile.expertise == ["burgerschap", "loopbaan oriëntatie"]
    assert profile.notification_settings == {
        "projects": "immediate",
        "events": "off",
        "bookings": "immediate",
        "messages": "immediate",
        "coordination": "immediate",
    }


def test_update_profile_refreshes_the_search_vector():
    user = MemberFactory()

    update_profile(user=user, **_profile_values())

    for words in ("burgerschap", "onderzoek", "loopbaan", "sanne"):
        found = Profile.objects.filter(search_vector=build_query(words))
        assert list(found.values_list("pk", flat=True)) == [user.pk], words


def test_update_profile_too_many_tags_writes_nothing():
    user = MemberFactory(name="Jan", username="jan")

    with pytest.raises(ProfileInvalidError):
        update_profile(user=user, **_profile_values(expertise=[f"t{i}" for i in range(16)]))

    assert User.objects.get(pk=user.pk).username == "jan"
    assert (user.name, user.username) == ("Jan", "jan")
    assert Profile.objects.get(pk=user.pk).primary_sector == "po"


def test_update_profile_taken_username_raises_and_restores_the_user_in_memory():
    UserFactory(username="sanne")
    user = MemberFactory(name="Jan", username="jan")

    with pytest.raises(UsernameUnavailableError):
        update_profile(user=user, **_profile_values())

    assert (user.name, user.username) == ("Jan", "jan")
    assert User.objects.get(pk=user.pk).name == "Jan"


def test_update_profile_reserved_username_raises():
    with pytest.raises(UsernameUnavailableError):
        update_profile(user=MemberFactory(), **_profile_values(username="me"))


def test_update_profile_needs_a_primary_sector():
    with pytest.raises(ProfileInvalidError):
        update_profile(user=MemberFactory(), **_profile_values(primary_sector=""))


def test_update_profile_refuses_someone_elses_proposal():
    proposal = OrganisationFactory(
        status=Organisation.Status.PROPOSED, proposed_by=MemberFactory()
    )

    with pytest.raises(ProfileInvalidError):
        update_profile(user=MemberFactory(), **_profile_values(organisation=proposal))


def test_update_profile_keeps_own_proposal():
    user = MemberFactory()
    proposal = OrganisationFactory(status=Organisation.Status.PROPOSED, proposed_by=user)

    profile = update_profile(user=user, **_profile_values(organisation=proposal))

    assert profile.organisation == proposal


def test_propose_organisation_makes_the_slug_unique():
    OrganisationFactory(name="Edulab B.V.", slug="edulab")
    OrganisationFactory(name="Edulab Oost", slug="edulab-2")

    organisation = propose_organisation(user=MemberFactory(), name="EduLab", kind="startup")

    assert organisation.slug == "edulab-3"
    assert organisation.status == Organisation.Status.PROPOSED


def test_propose_organisation_twice_by_the_same_member_reuses_it():
    user = MemberFactory()

    first = propose_organisation(user=user, name="Onderwijslab", kind="startup")
    second = propose_organisation(user=user, name="onderwijslab ", kind="startup")

    assert first == second
    assert Organisation.objects.filter(name__iexact="onderwijslab").count() == 1


def test_propose_organisation_by_two_members_makes_two_proposals_for_coordinators():
    first = propose_organisation(user=MemberFactory(), name="Onderwijslab", kind="startup")
    second = propose_organisation(user=MemberFactory(), name="Onderwijslab", kind="startup")

    assert first != second
    assert (first.slug, second.slug) == ("onderwijslab", "onderwijslab-2")


def test_propose_organisation_needs_name_and_kind():
    user = MemberFactory()

    with pytest.raises(ProfileInvalidError):
        propose_organisation(user=user, name="  ", kind="startup")
    with pytest.raises(ProfileInvalidError):
        propose_organisation(user=user, name="Lab", kind="spaceship")


def test_complete_onboarding_sets_onboarded_at_and_search_vector():
    user = UserFactory(name="")
    organisation = OrganisationFactory(name="Stedelijk Gymnasium")

    profile = complete_onboarding(
        user=user, name="Sanne", primary_sector="vo", organisation=organisation
    )

    assert profile.onboarded_at is not None
    assert Profile.objects.listed().filter(pk=user.pk).exists()
    found = Profile.objects.filter(search_vector=build_query("gymnasium"))
    assert list(found.values_list("pk", flat=True)) == [user.pk]


def test_complete_onboarding_needs_an_organisation():
    user = UserFactory()

    with pytest.raises(ProfileInvalidError):
        complete_onboarding(user=user, name="Sanne", primary_sector="vo")

    assert Profile.objects.get(pk=user.pk).onboarded_at is None


def test_ensure_profile_creates_a_missing_profile():
    user = User.objects.create(username="kaal", email="kaal@school.example")
    assert not Profile.objects.filter(user=user).exists()

    profile = ensure_profile(user=user)

    assert profile.user_id == user.pk
    assert ensure_profile(user=user) == profile


@pytest.mark.parametrize(
    ("choices", "expected"),
    [({}, True), ({"messages": "daily"}, True), ({"messages": "off"}, False)],
)
def test_accepts_messages(choices, expected):
    assert accepts_messages(Profile(notification_settings=choices)) is expected
