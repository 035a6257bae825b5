"""lef/views.py: the back office's login is the site's login (/healthz: test_healthz.py).

These failed on the code the members review tested (issue 6, point 6): the
admin had a login form of its own, outside allauth's rate limits.
"""

import pytest
from allauth.account.adapter import get_adapter
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD, MemberFactory
from tests.members.factories_coordination import CoordinatorFactory

pytestmark = pytest.mark.django_db


def too_many_attempts() -> list[str]:
    """allauth's message, in Dutch: the requests below ask for no language."""
    with translation.override("nl"):
        return [str(get_adapter().error_messages["too_many_login_attempts"])]


def _logged_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def test_admin_login_sends_visitors_to_the_sites_login(client):
    response = client.get("/admin/login/", {"next": "/admin/members/user/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fmembers%2Fuser%2F"


def test_admin_login_ignores_a_next_off_this_site(client):
    response = client.get("/admin/login/", {"next": "https://evil.example/"})

    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_login_form_posts_log_nobody_in(client):
    """15 wrong passwords and then the right one got into the admin before."""
    coordinator = CoordinatorFactory(email="carla@lef.example")
    for _ in range(15):
        client.post("/admin/login/", {"username": coordinator.email, "password": "wrong"})

    response = client.post("/admin/login/", {"username": coordinator.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _logged_in_user_id(client) is None


def test_back_office_logins_count_towards_the_sites_limit(client):
    coordinator = CoordinatorFactory(email="carla@lef.example")
    login = reverse("account_login")
    for _ in range(5):
        client.post(f"{login}?next=/admin/", {"login": coordinator.email, "password": "wrong"})

    response = client.post(
        f"{login}?next=/admin/", {"login": coordinator.email, "password": PASSWORD}
    )

    assert response.context["form"].non_field_errors() == too_many_attempts()
    assert _logged_in_user_id(client) is None
    assert client.get("/admin/").status_code == 302


def test_admin_login_sends_staff_on_and_refuses_other_members(client):
    client.force_login(CoordinatorFactory())
    assert client.get("/admin/login/", {"next": "/admin/"})["Location"] == "/admin/"

    client.force_login(MemberFactory())
    assert client.get("/admin/login/", {"next": "/admin/"}).status_code == 403
