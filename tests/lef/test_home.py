"""The home page: what 't LEF is, who is behind it, what is coming up."""

import html

import pytest
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARTNERS = [
    "ICLON",
    "Leiden University",
    "Municipality of Leiden",
    "Leidse Aanpak",
    "Da Vinci College",
    "PROOLeiden",
    "SCOL",
    "Hogeschool Leiden",
]
EMPTY_MEETUPS = (
    "No meetups are planned yet. Coordinators announce the next cross-sector meetup at PLNT here."
)
EMPTY_PROJECTS = (
    "No projects yet. Have an idea that needs colleagues from another sector? "
    "You can soon start a project here."
)


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _get_home(client, language):
    response = client.get("/", headers={"accept-language": language})
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert [tpl.name for tpl in response.templates][:2] == ["lef/home.html", "base.html"]
    # Compare text, not markup: {% translate %} and {% blocktranslate %} escape
    # apostrophes differently.
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_home_explains_lef_and_lists_the_partners(client, language):
    html = _get_home(client, language)

    assert t(language, "Meet colleagues from every sector of Leiden education") in html
    assert t(language, "Who is behind it") in html
    for partner in PARTNERS:
        assert t(language, partner) in html
    assert "PLNT" in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_home_without_events_and_projects_shows_empty_states(client, language):
    html = _get_home(client, language)

    assert t(language, EMPTY_MEETUPS) in html
    assert t(language, EMPTY_PROJECTS) in html
    assert f'<a href="/events/">{t(language, "Go to events")}</a>' in html
    assert f'<a href="/projects/">{t(language, "Go to projects")}</a>' in html


def test_home_anonymous_invites_to_sign_up_and_log_in(client):
    html = _get_home(client, "en")

    assert '<a class="btn btn-lef btn-lg" href="/accounts/signup/">Create your profile</a>' in html
    assert 'href="/accounts/login/"' in html
    assert 'action="/accounts/logout/"' not in html


def test_home_signed_in_shows_the_account_menu_instead_of_signup(client):
    client.force_login(UserFactory(name="Sanne de Vries"))

    html = _get_home(client, "en")

    assert "Create your profile" not in html
    assert 'href="/accounts/signup/"' not in html
    assert "Sanne" in html
    assert '<form method="post" action="/accounts/logout/">' in html


def test_home_footer_shows_the_contact_address_from_settings(client, settings):
    settings.LEF_CONTACT_EMAIL = "projectleider@lef.example.org"

    html = _get_home(client, "nl")

    assert (
        '<a href="mailto:projectleider@lef.example.org">projectleider@lef.example.org</a>' in html
    )


def test_home_navigation_links_every_area(client):
    html = _get_home(client, "en")

    for path, label in [
        ("/projects/", "Projects"),
        ("/events/", "Meetups"),
        ("/spaces/", "Spaces"),
        ("/members/", "Members"),
    ]:
        assert f'href="{path}"><i class="bi ' in html
        assert f"</i> {label}</a>" in html


def test_home_post_is_not_allowed(client):
    assert client.post("/").status_code == 405
