"""lef.middleware: a NUL byte anywhere in the request is a 400, never a 500."""

import pytest

from tests.factories import MemberFactory

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
