"""The admin is the coordinators' back office, branded for 't LEF in both languages."""

import pytest

from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "header"), [("nl", "'t LEF beheer"), ("en", "'t LEF back office")]
)
def test_admin_index_is_branded_in_the_visitors_language(client, language, header):
    client.force_login(CoordinatorFactory())

    response = client.get("/admin/", headers={"accept-language": language})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/admin/">{header}</a>' in html.replace("&#x27;", "'")
    assert "Leids Education Fieldlab" in html


def test_admin_sends_visitors_to_its_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
