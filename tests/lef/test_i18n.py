"""Languages: Dutch by default, English on request (switcher cookie or browser)."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from tests.factories import MemberFactory
from tests.spaces.factories import ResourceFactory

pytestmark = pytest.mark.django_db

# Strings of the layout and the home page that every visitor sees.
LAYOUT_STRINGS = ["Skip to main content", "Sign up", "Upcoming meetups", "Newest projects"]


def t(language: str, text: str) -> str:
    """``text`` as the page shows it in ``language`` (translated and HTML-escaped)."""
    with translation.override(language):
        return escape(translation.gettext(text))


def _assert_page_language(response, language: str) -> None:
    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for text in LAYOUT_STRINGS:
        assert t(language, text) in html


def test_home_without_preference_is_dutch(client):
    _assert_page_language(client.get("/"), "nl")


def test_home_with_english_browser_is_english_without_cookie(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9,nl;q=0.5"})

    _assert_page_language(response, "en")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_home_with_unsupported_browser_language_falls_back_to_dutch(client):
    _assert_page_language(client.get("/", headers={"accept-language": "de-DE,de"}), "nl")


def test_setlang_english_makes_the_next_page_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/members/"})

    assert response.status_code == 302
    assert response["Location"] == "/members/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    _assert_page_language(client.get("/"), "en")


def test_setlang_cookie_wins_over_browser_language(client):
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})

    _assert_page_language(client.get("/", headers={"accept-language": "en"}), "nl")


def test_setlang_back_to_dutch(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})

    _assert_page_language(client.get("/"), "nl")


def test_setlang_next_to_another_site_goes_home(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_setlang_unknown_language_sets_no_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    _assert_page_language(client.get("/"), "nl")


def test_language_switcher_posts_both_languages_and_marks_the_current_one(client):
    html = client.get("/accounts/login/", headers={"accept-language": "en"}).content.decode()

    assert '<form method="post" action="/i18n/setlang/"' in html
    assert '<input type="hidden" name="next" value="/accounts/login/">' in html
    assert html.count('name="language" value="nl"') == 1
    assert html.count('name="language" value="en"') == 1
    assert html.count('aria-pressed="true"') == 1
    en_button = html[html.index('name="language" value="en"') :]
    assert en_button.index('aria-pressed="true"') < en_button.index("</button>")


def test_dutch_catalogue_translates_the_layout():
    """The Dutch page is really Dutch: every layout string has a translation."""
    untranslated = [text for text in LAYOUT_STRINGS if t("nl", text) == t("en", text)]

    assert untranslated == []


# Forms worded in the page's language ---------------------------------------------------


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("en", "Every week, 2 times", "Elke week"), ("nl", "Elke week, 2 keer", "Every week")],
)
def test_booking_form_repeats_in_the_pages_language_only(client, language, shown, not_shown):
    """The repeat options were worded once, in Dutch, when the module was imported."""
    resource = ResourceFactory()
    client.force_login(MemberFactory())

    response = client.get(f"/spaces/{resource.slug}/book/", headers={"accept-language": language})

    assert response.status_code == 200
    html = response.content.decode()
    assert shown in html
    assert not_shown not in html
