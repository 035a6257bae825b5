"""The admin's member page with a tampered profile part: the form again, not a 500.

Found by the form fuzzing (tests/fuzz): without the profile's hidden member
field, Django's inline left the profile without its user and Profile.clean
asked for it: RelatedObjectDoesNotExist.
"""

import pytest

from members.models import Profile
from tests.factories import MemberFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


def _member_page_post(member, **profile_fields):
    """The admin's member page as a coordinator's browser posts it, profile fields added."""
    profile = member.profile
    return {
        "name": member.name,
        "username": member.username,
        "is_active": "on",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-primary_sector": "po",
        "profile-0-organisation": str(profile.organisation_id),
        "profile-0-roles": "teacher",
        "profile-0-core_activities": "teaching",
        **{f"profile-0-{name}": value for name, value in profile_fields.items()},
        "_save": "Save",
    }


def test_member_page_without_the_profiles_member_field_is_refused(client):
    member = MemberFactory(name="Ria de Vries")
    client.force_login(CoordinatorFactory())
    data = _member_page_post(member) | {"name": "Iemand Anders"}

    response = client.post(f"/admin/members/user/{member.pk}/change/", data)

    assert response.status_code == 200
    assert response.context["errors"]
    member.refresh_from_db()
    assert (member.name, Profile.objects.filter(user=member).count()) == ("Ria de Vries", 1)


def test_a_bio_longer_than_the_sites_limit_is_refused_in_the_admin_too(client):
    """The fuzzing's 100 000 letters took seconds to save; the site's form stops at 5 000."""
    member = MemberFactory(name="Ria de Vries")
    profile = member.profile
    client.force_login(CoordinatorFactory())
    data = _member_page_post(member, id=str(profile.pk), user=str(member.pk), bio="woord " * 1000)

    response = client.post(f"/admin/members/user/{member.pk}/change/", data)

    assert response.status_code == 200
    assert "5000" in str(response.context["errors"]) or "5.000" in str(response.context["errors"])
    profile.refresh_from_db()
    assert profile.bio != "woord " * 1000


def test_a_posted_thousand_profile_forms_are_refused_without_drawing_them(client):
    """The fuzzing posted profile-TOTAL_FORMS=1000: the admin drew a thousand forms (17 MB)."""
    member = MemberFactory(name="Ria de Vries")
    profile = member.profile
    client.force_login(CoordinatorFactory())
    data = _member_page_post(member, id=str(profile.pk), user=str(member.pk)) | {
        "profile-TOTAL_FORMS": "1000",
        "name": "Iemand Anders",
    }

    response = client.post(f"/admin/members/user/{member.pk}/change/", data)

    assert response.status_code == 200
    assert len(response.content) < 500_000
    assert response.content.count(b'name="profile-0-bio"') == 1
    assert b'name="profile-1-bio"' not in response.content
    member.refresh_from_db()
    assert member.name == "Ria de Vries"
