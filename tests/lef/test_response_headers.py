"""Private pages are never stored by a cache; a page that answers htmx with a part varies on it.

Issue 15 (what a security test found): the door list, my bookings and a project's
team said ``private`` but not ``no-store``; the spaces pages answered htmx with a
partial without ``Vary: HX-Request``, so a cache could hand the partial to a
browser that asked for the page.
"""

import pytest

from tests.events.factories import EventFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory
from tests.spaces.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response["Cache-Control"].split(", ")


def test_the_door_list_is_never_stored(client):
    event = EventFactory()
    client.force_login(CoordinatorFactory())

    response = client.get(f"/events/{event.slug}/check-in/")

    assert response.status_code == 200
    assert _no_store(response)


def test_my_bookings_are_never_stored(client):
    client.force_login(MemberFactory())

    response = client.get("/spaces/bookings/")

    assert response.status_code == 200
    assert _no_store(response)


def test_a_projects_team_is_never_stored(client):
    project = ProjectFactory()
    client.force_login(MemberFactory())

    response = client.get(f"/projects/{project.slug}/team/")

    assert response.status_code == 200
    assert _no_store(response)


@pytest.mark.parametrize("page", ["/spaces/", "resource"])
def test_spaces_pages_vary_on_hx_request(client, page):
    resource = ResourceFactory()
    path = f"/spaces/{resource.slug}/" if page == "resource" else page
    client.force_login(MemberFactory())

    full = client.get(path)
    part = client.get(path, headers={"hx-request": "true"})

    assert full.status_code == part.status_code == 200
    assert "HX-Request" in full["Vary"]
    assert "HX-Request" in part["Vary"]
    assert len(part.content) < len(full.content)
