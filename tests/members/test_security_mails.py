"""A member is mailed when their password, address or second factor changes.

allauth's notification mails (ACCOUNT_EMAIL_NOTIFICATIONS), in the member's
language through our mail layout, saying where the change came from, so a
stranger in someone's account does not go unnoticed.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-longer-secret-2026"


def _signed_in(member, language="nl"):
    client = Client(headers={"accept-language": language}, REMOTE_ADDR="192.0.2.7")
    client.force_login(member)
    return client


def test_a_password_change_is_mailed_to_the_member_in_dutch_with_where_it_came_from(
    django_capture_on_commit_callbacks,
):
    member = MemberFactory(name="Sanne de Vries", email="sanne@school.example")
    client = _signed_in(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["sanne@school.example"]
    assert message.subject == "'t LEF: Wachtwoord gewijzigd"
    assert "Hallo Sanne," in message.body
    assert "Je wachtwoord is gewijzigd." in message.body
    assert "192.0.2.7" in message.body
    assert NEW_PASSWORD not in message.body


def test_a_new_address_is_told_to_the_old_one(django_capture_on_commit_callbacks):
    member = MemberFactory(email="old@school.example")
    client = _signed_in(member, "en")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "new@school.example"})
    (confirmation,) = mail.outbox
    assert confirmation.to == ["new@school.example"]
    key = confirmation.body.split("/accounts/confirm-email/")[1].split("/")[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_confirm_email", args=[key]))

    notices = [m for m in mail.outbox if m.to == ["old@school.example"]]
    assert len(notices) == 1
    assert "new@school.example" in notices[0].body
