"""A new Dutch teacher's first minutes read right: one vocabulary, "je", our own mails.

"Inloggen" and "account maken" for the account; "aanmelden" is kept for signing
up for a meetup, so it never appears on the account pages; never "u" or "uw".
The libraries' Dutch is replaced through lef/wording.py.
"""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.urls import reverse

from members.models import Profile, User
from tests.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

DUTCH = {"accept-language": "nl"}
# Words the account pages must not use in Dutch.
WRONG = re.compile(
    r"\b(aanmeld\w*|registr\w*|uw|u|zijn of haar|bevestigings e-mail|afmelden)\b", re.IGNORECASE
)


class _Text(HTMLParser):
    """The text a reader sees: no tags, no scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in {"script", "style"}
        for name, value in attrs:
            if name in {"aria-label", "title", "placeholder", "alt"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        self._skip -= tag in {"script", "style"}

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def wrong_words(text: str) -> list[str]:
    return sorted({match.group(0) for match in WRONG.finditer(text)})


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_account_pages_for_visitors_speak_our_dutch(client, url_name):
    text = visible_text(client.get(reverse(url_name), headers=DUTCH))

    assert wrong_words(text) == []


@pytest.mark.parametrize(
    "url_name", ["account_change_password", "account_email", "account_logout"]
)
def test_account_pages_for_members_speak_our_dutch(client, url_name):
    client.force_login(MemberFactory())

    text = visible_text(client.get(reverse(url_name), headers=DUTCH))

    assert wrong_words(text) == []


def test_login_and_signup_say_inloggen_and_account_maken(client):
    login = visible_text(client.get(reverse("account_login"), headers=DUTCH))
    signup = visible_text(client.get(reverse("account_signup"), headers=DUTCH))

    assert "Inloggen Inloggen" not in login  # the heading and the button, not twice in a row
    assert login.count("Inloggen") >= 3  # navigation, heading, button
    assert "Nog geen account? Maak er eerst een" in login
    assert signup.count("Account maken") >= 3


def test_password_errors_say_je(client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Sanne",
            "email": "sanne@school.example",
            "password1": "12345678",
            "password2": "12345678",
        },
        headers=DUTCH,
    )

    text = visible_text(response)
    assert "Je wachtwoord mag niet alleen uit cijfers bestaan." in text
    assert wrong_words(text) == []


def test_pages_after_signing_up_speak_our_dutch(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "name": "Sanne de Vries",
                "email": "sanne@school.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            headers=DUTCH,
            follow=True,
        )

    text = visible_text(response)
    assert "We hebben je een mail gestuurd om je e-mailadres te bevestigen." in text
    assert "We hebben een bevestigingsmail gestuurd naar sanne@school.example." in text
    assert wrong_words(text) == []


def test_confirmation_mail_in_dutch_greets_by_name_in_our_tone(
    client, django_capture_on_commit_callbacks, settings
):
    settings.LEF_SITE_URL = "https://lef.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "name": "Sanne de Vries",
                "email": "sanne@school.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            headers=DUTCH,
        )

    [message] = mail.outbox
    assert message.subject == "'t LEF: Bevestig je e-mailadres"
    assert message.body.startswith("Hallo Sanne,\n\nWelkom bij 't LEF")
    assert "Het team van 't Leids Education Fieldlab ('t LEF)\nhttps://lef.example" in message.body
    assert "Hallo van" not in message.body
    assert "gebruiken van !" not in message.body
    assert wrong_words(message.body) == []
    assert User.objects.get(email="sanne@school.example").language == "nl"


def test_confirmation_mail_in_english_for_an_english_signup(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "name": "Sam Smith",
                "email": "sam@school.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            headers={"accept-language": "en"},
        )

    [message] = mail.outbox
    assert message.subject == "'t LEF: Confirm your email address"
    assert message.body.startswith("Hello Sam,\n\nWelcome to 't LEF")
    assert User.objects.get(email="sam@school.example").language == "en"


@pytest.mark.parametrize(
    ("language", "subject", "opening"),
    [
        ("nl", "'t LEF: Kies een nieuw wachtwoord", "Hallo Pieter,\n\nIemand (hopelijk jij)"),
        ("en", "'t LEF: Choose a new password", "Hello Pieter,\n\nSomeone (we hope you)"),
    ],
)
def test_password_reset_mail_in_both_languages(
    client, django_capture_on_commit_callbacks, language, subject, opening
):
    UserFactory(name="Pieter Jansen", email="pieter@school.example")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": "pieter@school.example"},
            headers={"accept-language": language},
        )

    [message] = mail.outbox
    assert message.subject == subject
    assert message.body.startswith(opening)
    assert "/accounts/password/reset/key/" in message.body


def test_confirm_email_page_speaks_our_dutch(client):
    user = UserFactory(verified_email=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key

    response = client.get(reverse("account_confirm_email", args=[key]), headers=DUTCH)

    assert response.status_code == 200
    assert wrong_words(visible_text(response)) == []


def test_a_visitor_at_a_members_only_profile_is_asked_to_log_in(client):
    MemberFactory(name="Anna Besloten", username="anna")

    response = client.get("/members/anna/", headers=DUTCH)

    text = visible_text(response)
    assert response.status_code == 403
    assert "Dit profiel is alleen zichtbaar voor leden van 't LEF" in text
    assert "Anna" not in text
    assert 'href="/accounts/login/?next=/members/anna/"' in response.content.decode()


def test_an_unknown_profile_is_still_a_404_for_visitors(client):
    assert client.get("/members/niemand/").status_code == 404


def test_a_deactivated_members_profile_is_a_404_for_visitors(client):
    member = MemberFactory(username="weg")
    User.objects.filter(pk=member.pk).update(is_active=False)
    Profile.objects.filter(pk=member.pk).update(visibility=Profile.Visibility.PUBLIC)

    assert client.get("/members/weg/").status_code == 404


def test_english_navigation_says_meetups(client):
    text = visible_text(client.get("/", headers={"accept-language": "en"}))

    assert "Meetups" in text
    assert " Events " not in f" {text} "


def test_the_language_for_mail_is_editable_on_the_profile(client):
    member = MemberFactory(language="nl")
    client.force_login(member)
    form = client.get(reverse("members:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [], False)}

    response = client.post(reverse("members:edit"), {**data, "language": "en"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "en"
