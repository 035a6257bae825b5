"""The account flows of django-allauth as a visitor goes through them.

Mail is queued with ``transaction.on_commit`` (lef.mail); the test transaction
never commits, so every request that sends mail runs inside
``django_capture_on_commit_callbacks(execute=True)``, which runs the callbacks
as a commit would.
"""

import re

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import translation

from members.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-longer-secret-2026"
LINK = re.compile(r"http://testserver(/accounts/[^\s]+/)")


def _link_in(message) -> str:
    """The one site link in a mail's text body, as a path."""
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return links[0]


def _logged_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def _signup(client, capture, *, email, name="Sanne de Vries", password=PASSWORD):
    with capture(execute=True):
        return client.post(
            reverse("account_signup"),
            {"name": name, "email": email, "password1": password, "password2": password},
        )


def test_signup_verify_logout_login_and_reset_password(client, django_capture_on_commit_callbacks):
    # Sign up: name, email, passwords.
    response = _signup(client, django_capture_on_commit_callbacks, email="sanne@school.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="sanne@school.example")
    assert user.name == "Sanne de Vries"
    assert user.username == "sanne-de-vries"
    assert _logged_in_user_id(client) is None  # mandatory verification comes first
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sanne@school.example"]
    confirm_path = _link_in(mail.outbox[0])
    assert confirm_path.startswith("/accounts/confirm-email/")

    # Opening the link shows a confirmation form; GET changes nothing.
    response = client.get(confirm_path)
    assert response.status_code == 200
    assert EmailAddress.objects.get(user=user).verified is False

    # Confirming (POST) verifies the address and logs the new member in.
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True
    assert _logged_in_user_id(client) == user.pk

    # Log out with POST.
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert _logged_in_user_id(client) is None

    # Log in by email.
    response = client.post(
        reverse("account_login"), {"login": "sanne@school.example", "password": PASSWORD}
    )
    assert response.status_code == 302  # home, or onboarding for a new member
    assert _logged_in_user_id(client) == user.pk
    client.post(reverse("account_logout"))

    # Forgot the password: one mail with a reset link.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reset_password"), {"email": "sanne@school.example"}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sanne@school.example"]
    reset_path = _link_in(mail.outbox[0])

    # The link hides its key in the session and shows the set-password form.
    response = client.get(reset_path, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0]
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    # The old password no longer works; the new one does.
    response = client.post(
        reverse("account_login"), {"login": "sanne@school.example", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert _logged_in_user_id(client) is None
    response = client.post(
        reverse("account_login"), {"login": "sanne@school.example", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert _logged_in_user_id(client) == user.pk


def test_login_unverified_email_is_refused_until_confirmed(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks, email="jeroen@school.example")
    client.cookies.clear()  # another browser: the signup session is gone
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "jeroen@school.example", "password": PASSWORD}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_user_id(client) is None
    # No second link within three minutes (ACCOUNT_RATE_LIMITS["confirm_email"]).
    assert mail.outbox == []


def test_password_reset_unknown_email_answers_like_known_email(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@school.example")

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": "known@school.example"})
        unknown = client.post(
            reverse("account_reset_password"), {"email": "nobody@school.example"}
        )

    assert (known.status_code, known["Location"]) == (302, reverse("account_reset_password_done"))
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    # Each address gets a mail (the unknown one hears that it has no account), so
    # not even the timing of the mail step differs.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "known@school.example",
        "nobody@school.example",
    ]


def test_signup_with_existing_email_does_not_reveal_it(client, django_capture_on_commit_callbacks):
    existing = UserFactory(email="taken@school.example", name="Fatima El Amrani")

    response = _signup(
        client, django_capture_on_commit_callbacks, email="TAKEN@school.example", name="Someone"
    )

    # The same answer as a fresh signup ...
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    # ... no second account, and the owner of the address is told by mail instead.
    assert User.objects.filter(email__iexact="taken@school.example").count() == 1
    assert User.objects.get(email__iexact="taken@school.example") == existing
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@school.example"]
    assert _logged_in_user_id(client) is None


def test_login_after_repeated_failures_is_refused_even_with_the_right_password(client):
    user = UserFactory(email="pieter@school.example")
    url = reverse("account_login")
    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes per address
        response = client.post(url, {"login": user.email, "password": "wrong-password"})
        assert response.status_code == 200

    response = client.post(url, {"login": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        str(get_adapter().error_messages["too_many_login_attempts"])
    ]
    assert _logged_in_user_id(client) is None


def test_login_wrong_password_then_right_one_logs_in(client):
    user = UserFactory(email="lotte@school.example")
    url = reverse("account_login")
    client.post(url, {"login": user.email, "password": "wrong-password"})

    response = client.post(url, {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in_user_id(client) == user.pk


def test_logout_by_get_does_not_log_out(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get(reverse("account_logout"))

    assert response.status_code == 200  # a confirmation page with a POST form
    assert _logged_in_user_id(client) == user.pk


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password"],
)
def test_account_pages_use_the_site_layout(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert [t.name for t in response.templates].count("base.html") == 1
    assert 'id="main"' in response.content.decode()


def test_login_message_greets_the_member_by_name_not_username(client):
    user = UserFactory(email="lotte@school.example", name="Lotte Visser", username="lotte-v")

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        headers={"accept-language": "en"},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Successfully signed in as Lotte Visser."]


# allauth's per-address limits behind a proxy ---------------------------------------


def _too_many_attempts() -> list[str]:
    """allauth's message, in Dutch: the requests below ask for no language."""
    with translation.override("nl"):
        return [str(get_adapter().error_messages["too_many_login_attempts"])]


def _fail_logins(client, *, address: str, times: int) -> list[str]:
    """``times`` failed logins for different accounts from ``address``; the last errors."""
    errors = []
    for number in range(times):
        response = client.post(
            reverse("account_login"),
            {"login": f"nobody{number}@school.example", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            headers={"x-forwarded-for": address},
        )
        errors = response.context["form"].non_field_errors()
    return errors


def test_behind_a_proxy_each_visitor_has_their_own_login_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    member = UserFactory(email="lotte@school.example")
    # ACCOUNT_RATE_LIMITS["login_failed"]: 10 a minute per address.
    assert _fail_logins(client, address="203.0.113.7", times=11) == _too_many_attempts()

    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        headers={"x-forwarded-for": "198.51.100.4"},
    )

    assert response.status_code == 302
    assert _logged_in_user_id(client) == member.pk


def test_without_trusting_the_proxy_all_visitors_share_its_address(client, settings):
    """What the members review saw: one visitor's failures locked everyone out."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    member = UserFactory(email="lotte@school.example")
    _fail_logins(client, address="203.0.113.7", times=11)

    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        headers={"x-forwarded-for": "198.51.100.4"},
    )

    assert response.context["form"].non_field_errors() == _too_many_attempts()
    assert _logged_in_user_id(client) is None
