import pytest

from tests.factories import MemberFactory


@pytest.mark.django_db
def test_home_renders(client):
    member = MemberFactory(profile__expertise=["rekenen"])
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    assert member.profile.expertise == ["rekenen"]
