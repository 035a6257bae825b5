"""lef.middleware: a NUL byte anywhere in the request is a 400, never a 500; pages for a
signed-in member are private to caches."""

import pytest
from django.urls import reverse

from members.models import Profile
from tests.factories import MemberFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/calendar/%00.ics", "/members/a%00b/", "/events/%00/", "/projects/x%00/", "/spaces/%00/"],
)
def test_a_nul_byte_in_the_path_is_a_400(client, path):
    client.force_login(MemberFactory())

    response = client.get(path, headers={"accept-language": "en"})

    assert response.status_code == 400
    assert "Something is wrong with this address" in response.content.decode()


def test_a_nul_byte_in_the_path_is_a_400_for_visitors_too(client):
    response = client.get("/calendar/%00.ics", headers={"accept-language": "en"})

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/admin/members/user/", {"profile__visibility__exact": "\x00"}),
        ("/admin/members/organisation/", {"status__exact": "\x00"}),
        ("/admin/members/user/", {"q": "a\x00b"}),
        ("/members/", {"q": "\x00"}),
        ("/organisations/", {"kind": "\x00"}),
    ],
)
def test_nul_bytes_in_the_query_string_are_a_400(client, url, params):
    client.force_login(CoordinatorFactory())

    response = client.get(url, params, headers={"accept-language": "en"})

    assert response.status_code == 400
    assert "Something is wrong with this address" in response.content.decode()


def test_nul_byte_in_expertise_on_the_profile_form_is_a_400(client):
    member = MemberFactory()
    client.force_login(member)
    edit = client.get(reverse("members:edit"))
    data = {
        name: value
        for name, value in edit.context["form"].initial.items()
        if value not in (None, [], False)
    }
    data.update({"expertise": "reken\x00en", "primary_sector": "po", "visibility": "members"})

    response = client.post(reverse("members:edit"), data)

    assert response.status_code == 400
    assert Profile.objects.get(pk=member.pk).expertise == []


# Cache-Control -------------------------------------------------------------------------


def test_pages_for_signed_in_members_are_private_to_caches(client):
    client.force_login(MemberFactory())

    for url in ["/", "/members/", reverse("members:edit")]:
        assert "private" in client.get(url)["Cache-Control"].split(", "), url


def test_pages_for_visitors_are_not_marked_private(client):
    assert "Cache-Control" not in client.get("/members/")
