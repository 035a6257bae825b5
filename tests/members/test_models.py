"""Who is shown to whom: one rule (members.models) for the directory and every app's pages."""

import pytest
from django.contrib.auth.models import AnonymousUser

from members.models import Profile, User, audience, is_shown
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC, MEMBERS = Profile.Visibility.PUBLIC, Profile.Visibility.MEMBERS


def _people() -> dict[str, User]:
    """Every kind of person a page may name, read fresh with their profile."""
    made = {
        "public": MemberFactory(profile__visibility=PUBLIC),
        "members only": MemberFactory(profile__visibility=MEMBERS),
        "public, deactivated": MemberFactory(profile__visibility=PUBLIC, is_active=False),
        "members only, deactivated": MemberFactory(is_active=False),
        "public, not onboarded": MemberFactory(profile__visibility=PUBLIC),
        "public, no sector": MemberFactory(profile__visibility=PUBLIC),
        "no profile": UserFactory(),
    }
    Profile.objects.filter(pk=made["public, not onboarded"].pk).update(onboarded_at=None)
    Profile.objects.filter(pk=made["public, no sector"].pk).update(primary_sector="")
    Profile.objects.filter(pk=made["no profile"].pk).delete()
    return {
        name: User.objects.select_related("profile").get(pk=person.pk)
        for name, person in made.items()
    }


def test_a_page_shows_whom_the_directory_lists_to_every_viewer():
    people = _people()
    viewers = {"visitor": AnonymousUser(), "nobody": None, "member": MemberFactory()}

    on_a_page, in_the_directory = {}, {}
    for viewer_name, viewer in viewers.items():
        listed = set(Profile.objects.visible_to(viewer).values_list("pk", flat=True))
        for name, person in people.items():
            on_a_page[viewer_name, name] = is_shown(person, audience(viewer))
            in_the_directory[viewer_name, name] = person.pk in listed

    assert on_a_page == in_the_directory
    assert {key for key, shown in on_a_page.items() if shown} == {
        ("visitor", "public"),
        ("nobody", "public"),
        ("member", "public"),
        ("member", "members only"),
    }
    assert is_shown(None, audience(viewers["member"])) is False
