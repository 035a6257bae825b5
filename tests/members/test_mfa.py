"""Two-factor authentication: any member may set it up; staff need it for the back office.

Codes are computed from the secret as a code app does (tests.second_factor.totp_code)
and typed into allauth's pages; lef.second_factor decides who must pass one.
"""

import re
import time
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from lef import second_factor
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PASSWORD, MemberFactory, UserFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.second_factor import (
    TOTP_SECRET,
    recovery_codes_of,
    totp_code,
    with_second_factor,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE_PAGE = "/accounts/2fa/authenticate/"
SET_UP = "/accounts/2fa/totp/activate/"
CONFIRM = "/accounts/2fa/reauthenticate/"


def _user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def _log_in(client, user, *, next_url: str = ""):
    """The login form with the right password: the code page comes next for a user with one."""
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    return client.post(url, {"login": user.email, "password": PASSWORD})


def _confirm_password(client, next_url: str):
    """allauth asks for the password again before a second factor is added."""
    response = client.get(next_url)
    assert response["Location"] == f"/accounts/reauthenticate/?next={quote(next_url, safe='')}"
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == next_url


def _mfa_methods(client) -> list[str]:
    return [record["method"] for record in client.session["account_authentication_methods"]]


# Setting one up -------------------------------------------------------------------------------


# allauth tells of a new second factor after the commit (lef.second_factor.record_activation
# records it in the session then): these tests commit, as a request does.
@pytest.mark.django_db(transaction=True)
def test_a_member_sets_up_an_app_code_through_the_pages(client):
    member = MemberFactory(email="sanne@school.example")
    _log_in(client, member)
    _confirm_password(client, SET_UP)

    page = client.get(SET_UP)
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    # The QR code is an image from a data: address, which the page's CSP allows.
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    wrong = client.post(SET_UP, {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {"code": ["Incorrect code."]}

    response = client.post(SET_UP, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    # The member is told (ACCOUNT_EMAIL_NOTIFICATIONS), in case it was not them.
    assert [m.subject for m in mail.outbox if m.to == ["sanne@school.example"]] == [
        "'t LEF: Authenticator App Activated"
    ]
    assert sorted(Authenticator.objects.filter(user=member).values_list("type", flat=True)) == [
        Authenticator.Type.RECOVERY_CODES,
        Authenticator.Type.TOTP,
    ]
    # Typing the code counts as passing it in this session.
    assert _mfa_methods(client) == ["password", "password", "mfa"]
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert len(codes.context["unused_codes"]) == 10


def test_the_account_menu_links_to_two_factor_authentication(client):
    client.force_login(MemberFactory())

    response = client.get(reverse("mfa_index"))

    assert response.status_code == 200
    assert response.content.decode().count(f'href="{reverse("mfa_index")}"') == 2  # menu, tabs


# Logging in with one ----------------------------------------------------------------------------


def test_login_asks_the_code_after_the_password(client):
    member = with_second_factor(MemberFactory())

    response = _log_in(client, member)

    assert response.status_code == 302
    assert response["Location"] == CODE_PAGE
    assert _user_id(client) is None
    assert client.post(CODE_PAGE, {"code": "000000"}).status_code == 200
    assert _user_id(client) is None

    response = client.post(CODE_PAGE, {"code": totp_code()})

    assert response.status_code == 302
    assert _user_id(client) == member.pk
    assert _mfa_methods(client) == ["password", "mfa"]


def test_a_code_is_taken_once(client):
    member = with_second_factor(MemberFactory())
    code = totp_code()
    _log_in(client, member)
    client.post(CODE_PAGE, {"code": code})
    client.post(reverse("account_logout"))

    _log_in(client, member)
    response = client.post(CODE_PAGE, {"code": code})

    assert response.status_code == 200
    assert _user_id(client) is None


def test_a_recovery_code_works_once(client):
    member = with_second_factor(MemberFactory(), recovery_codes=True)
    code = recovery_codes_of(member)[0]

    _log_in(client, member)
    client.post(CODE_PAGE, {"code": code})
    assert _user_id(client) == member.pk
    assert code not in recovery_codes_of(member)
    assert len(recovery_codes_of(member)) == 9
    client.post(reverse("account_logout"))

    _log_in(client, member)
    response = client.post(CODE_PAGE, {"code": code})

    assert response.status_code == 200
    assert _user_id(client) is None


# Required for staff ----------------------------------------------------------------------------


@pytest.fixture
def event():
    return EventFactory(slug="brugklas")


def _door(event) -> str:
    return f"/events/{event.slug}/check-in/"


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, event):
    coordinator = CoordinatorFactory(second_factor=False)
    client.force_login(coordinator)

    admin = client.get("/admin/", follow=True)
    door = client.get(_door(event))
    dashboard = client.get("/dashboard/")

    assert admin.redirect_chain == [
        ("/admin/login/?next=/admin/", 302),
        (f"{SET_UP}?next=%2Fadmin%2F", 302),
        # allauth asks for the password again before a second factor is added
        (f"/accounts/reauthenticate/?next={quote(f'{SET_UP}?next=%2Fadmin%2F', safe='')}", 302),
    ]
    assert [str(message) for message in admin.context["messages"]] == [
        "The back office holds the data of every member, so it asks for a second factor. "
        "Set up a code app on your phone first; it takes a minute."
    ]
    assert door["Location"] == f"{SET_UP}?next=%2Fevents%2Fbrugklas%2Fcheck-in%2F"
    assert dashboard["Location"] == f"{SET_UP}?next=%2Fdashboard%2F"


def test_staff_without_a_second_factor_check_nobody_in_at_the_door(client, event):
    registration = RegistrationFactory(event=event)
    client.force_login(CoordinatorFactory(second_factor=False))
    toggle = reverse(
        "events:check_in_toggle", kwargs={"slug": event.slug, "registration_id": registration.pk}
    )

    response = client.post(toggle, {"action": "in"})
    walk_in = client.post(
        reverse("events:walk_in", kwargs={"slug": event.slug}),
        {"guest_name": "Gast", "sector": "po"},
    )

    assert response["Location"] == f"{SET_UP}?next=%2Fadmin%2F"
    assert walk_in["Location"] == f"{SET_UP}?next=%2Fadmin%2F"
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert event.registrations.count() == 1


@pytest.mark.django_db(transaction=True)
def test_staff_who_set_one_up_go_back_to_the_back_office(client):
    """Typing the code while setting it up counts: no second code right after."""
    staff = UserFactory(is_staff=True, is_superuser=True, second_factor=False)
    _log_in(client, staff, next_url="/admin/")
    client.get("/admin/", follow=True)  # sent to set one up
    _confirm_password(client, f"{SET_UP}?next=%2Fadmin%2F")
    page = client.get(f"{SET_UP}?next=%2Fadmin%2F")
    secret = page.context["form"].secret

    client.post(SET_UP, {"code": totp_code(secret)})
    codes = client.get(reverse("mfa_view_recovery_codes"))

    assert (
        '<a class="btn btn-lef" href="/admin/">Continue to the back office</a>'
        in codes.content.decode()
    )
    assert client.get("/admin/").status_code == 200


def test_staff_whose_session_passed_no_second_factor_type_a_code(client, event):
    """A session from before the second factor was set up (or the admin's) does not pass."""
    coordinator = CoordinatorFactory()  # with an app code
    client.force_login(coordinator)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": 0}]
    session.save()

    assert client.get("/admin/", follow=True).redirect_chain[-1] == (
        f"{CONFIRM}?next=%2Fadmin%2F",
        302,
    )
    assert (
        client.get(_door(event))["Location"]
        == f"{CONFIRM}?next=%2Fevents%2Fbrugklas%2Fcheck-in%2F"
    )

    response = client.post(f"{CONFIRM}?next=%2Fadmin%2F", {"code": totp_code()})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(_door(event)).status_code == 200


def test_a_coordinator_logs_in_with_the_code_and_reaches_the_admin(client):
    coordinator = CoordinatorFactory()

    assert _log_in(client, coordinator, next_url="/admin/")["Location"] == CODE_PAGE
    response = client.post(CODE_PAGE, {"code": totp_code(TOTP_SECRET)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_organisers_who_are_not_staff_are_not_asked_at_the_door(client, event):
    organiser = MemberFactory()
    event.organisers.add(organiser)
    client.force_login(organiser)

    assert client.get(_door(event)).status_code == 200
    assert not second_factor.needs_second_factor(organiser)


def test_members_are_not_asked_for_a_second_factor_anywhere(client):
    member = MemberFactory()
    client.force_login(member)

    assert client.get("/admin/", follow=True).status_code == 403  # the admin's refusal
    assert client.get("/dashboard/").status_code == 403


def test_a_staff_session_that_passed_costs_no_query_for_the_check(
    client, rf, django_assert_num_queries
):
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    request = rf.get("/admin/")
    request.user = coordinator
    request.session = client.session
    assert request.session.get(SESSION_KEY) == str(coordinator.pk)  # loaded now

    with django_assert_num_queries(0):
        assert second_factor.passed_if_needed(request)


def test_deleting_the_account_deletes_its_second_factors(client):
    member = with_second_factor(MemberFactory(), recovery_codes=True)
    client.force_login(member)

    client.post("/members/me/delete/", {"password": PASSWORD})

    assert not Authenticator.objects.filter(user=member).exists()


# Passkeys ------------------------------------------------------------------------------------
# Adding one and logging in with it run in a browser (tests/browser/test_passkeys.py): the key
# is Chromium's virtual authenticator. Here: what the back office makes of a passkey.


def _staff_with_a_passkey():
    staff = MemberFactory(is_staff=True, is_superuser=True, second_factor=False)
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.WEBAUTHN, data={"name": "Laptop", "credential": {}}
    )
    return staff


def _session_records(client, records: list[dict]) -> None:
    session = client.session
    session["account_authentication_methods"] = records
    session.save()


def test_staff_with_only_a_passkey_are_asked_to_use_it_not_to_set_up_a_code(client):
    staff = _staff_with_a_passkey()
    client.force_login(staff)
    _session_records(client, [{"method": "password", "at": time.time()}])

    assert second_factor.has_second_factor(staff)
    # Not allauth's code page: without a code app it sends on to the password's.
    admin_login = client.get("/admin/")["Location"]  # the admin's own login page, first
    assert (
        client.get(admin_login)["Location"]
        == "/accounts/2fa/webauthn/reauthenticate/?next=%2Fadmin%2F"
    )


@pytest.mark.parametrize(
    "records",
    [
        # Logged in with a passkey alone (allauth's "Sign in with a passkey").
        [{"method": "mfa", "type": "webauthn", "passwordless": True}],
        # The password, then a passkey as the second step.
        [{"method": "password"}, {"method": "mfa", "type": "webauthn"}],
        # Confirmed with a passkey later (allauth's re-authentication).
        [{"method": "password"}, {"method": "mfa", "type": "webauthn", "reauthenticated": True}],
    ],
    ids=["passkey-login", "passkey-second-step", "passkey-reauthentication"],
)
def test_a_session_that_used_a_passkey_opens_the_back_office(client, records):
    staff = _staff_with_a_passkey()
    client.force_login(staff)
    passkey = Authenticator.objects.get(user=staff)
    _session_records(
        client,
        [
            {**record, "at": time.time()}
            | ({"id": passkey.pk} if record["method"] == "mfa" else {})
            for record in records
        ],
    )

    assert client.get("/admin/").status_code == 200


def test_passkeys_are_on_for_login_not_for_signup_and_check_their_origin(settings):
    from allauth.mfa import app_settings  # noqa: PLC0415

    assert not settings.DEBUG
    assert app_settings.PASSKEY_LOGIN_ENABLED
    assert not app_settings.PASSKEY_SIGNUP_ENABLED
    # Only `make run` (DEBUG) lets any origin pass: elsewhere fido2 checks it.
    assert app_settings.WEBAUTHN_ALLOW_INSECURE_ORIGIN is False
    assert reverse("mfa_login_webauthn") == "/accounts/2fa/webauthn/login/"
