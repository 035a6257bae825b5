"""Sessions: a new key at login, an idle and an absolute lifetime, and their end.

Password changes, password resets and account deletion end sessions (Django's
session hash and members.services.end_sessions); lef/sessions.py keeps the
lifetimes.
"""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lef.sessions import LOGIN_AT, SEEN_AT
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-longer-secret-2026"
MEMBERS_ONLY = "/accounts/email/"


def _user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def _log_in(client, member, password: str = PASSWORD, **extra):
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": password, **extra}
    )
    assert _user_id(client) == member.pk
    return response


def _signed_in(client) -> bool:
    """Whether ``client``'s next request is a signed-in member's."""
    return client.get(MEMBERS_ONLY).wsgi_request.user.is_authenticated


def _set(client, **values) -> None:
    session = client.session
    session.update(values)
    session.save()


# A new key at login ---------------------------------------------------------------------------


def test_login_gives_the_session_a_new_key():
    client = Client()
    _set(client, planted="by someone who knows this key")  # a session before the login
    before = client.session.session_key

    _log_in(client, MemberFactory())

    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists()


def test_login_notes_when_it_was():
    client = Client()

    _log_in(client, MemberFactory())

    assert time.time() - client.session[LOGIN_AT] < 60


# The absolute lifetime ------------------------------------------------------------------------


def test_a_session_ends_its_absolute_lifetime_after_login(settings):
    settings.LEF_SESSION_ABSOLUTE_AGE = 30 * 86400
    client = Client(headers={"accept-language": "en"})
    _log_in(client, MemberFactory())
    _set(client, **{LOGIN_AT: time.time() - 29 * 86400})
    assert _signed_in(client)

    _set(client, **{LOGIN_AT: time.time() - 30 * 86400 - 60})
    response = client.get(MEMBERS_ONLY, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert _user_id(client) is None
    assert [str(message) for message in response.context["messages"]] == [
        "For your safety a login lasts a limited time. Please log in again."
    ]


def test_a_session_from_before_the_lifetime_counts_from_now():
    client = Client()
    client.force_login(MemberFactory())
    session = client.session
    del session[LOGIN_AT]
    session.save()

    assert _signed_in(client)
    assert time.time() - client.session[LOGIN_AT] < 60


# The idle lifetime -------------------------------------------------------------------------------


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_used_session_moves_its_idle_expiry_on_at_most_once_in_a_while(settings):
    settings.SESSION_COOKIE_AGE = 14 * 86400
    client = Client()
    _log_in(client, MemberFactory(), remember="on")  # else the cookie lasts as long as the browser
    old = timezone.now() + timedelta(days=13)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=old)

    # Seen 10 hours ago: within 1/24 of the idle lifetime, nothing is written.
    _set(client, **{SEEN_AT: time.time() - 10 * 3600})
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=old)
    assert _signed_in(client)
    assert _expiry(client) == old

    # Seen 15 hours ago: the expiry moves to two weeks from now, and the cookie with it.
    _set(client, **{SEEN_AT: time.time() - 15 * 3600})
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=old)
    assert _signed_in(client)
    assert _expiry(client) > timezone.now() + timedelta(days=13, hours=23)
    assert client.cookies["sessionid"]["max-age"] == 14 * 86400


def test_a_session_unused_for_the_idle_lifetime_has_ended():
    client = Client()
    _log_in(client, MemberFactory())
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    assert not _signed_in(client)


# The end of sessions ----------------------------------------------------------------------------


def test_a_password_change_ends_the_members_other_sessions_but_not_this_one():
    member = MemberFactory()
    here, elsewhere = Client(), Client()
    _log_in(here, member)
    _log_in(elsewhere, member)

    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert _user_id(elsewhere) is None


def test_a_password_reset_ends_every_session(django_capture_on_commit_callbacks):
    member = MemberFactory(email="sanne@school.example")
    signed_in, forgetful = Client(), Client()
    _log_in(signed_in, member)
    with django_capture_on_commit_callbacks(execute=True):
        forgetful.post(reverse("account_reset_password"), {"email": member.email})
    (path,) = re.findall(r"http://testserver(/accounts/[^\s]+/)", mail.outbox[-1].body)
    form_path = forgetful.get(path, follow=True).redirect_chain[-1][0]

    response = forgetful.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response["Location"] == reverse("account_reset_password_from_key_done")
    assert not _signed_in(signed_in)


def test_deleting_the_account_ends_every_session_of_it():
    member = MemberFactory()
    here, elsewhere = Client(), Client()
    _log_in(here, member)
    _log_in(elsewhere, member)
    other = Client()
    _log_in(other, MemberFactory())

    response = here.post("/members/me/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert _user_id(here) is None
    assert not _signed_in(elsewhere)
    assert not any(
        session.get_decoded().get(SESSION_KEY) == str(member.pk)
        for session in Session.objects.all()
    )
    assert _signed_in(other)
