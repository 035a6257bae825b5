"""The home page: what 't LEF is, who is behind it, what is coming up."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from lef.choices import Sector
from members.models import Organisation, Profile
from projects.models import Project
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

EMPTY_MEETUPS = (
    "No meetups are planned yet. Coordinators announce the next cross-sector meetup at PLNT here."
)
EMPTY_PROJECTS = (
    "No projects yet. Have an idea that needs colleagues from another sector? "
    "Start a project and find them here."
)


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _get_home(client, language):
    response = client.get("/", headers={"accept-language": language})
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert [tpl.name for tpl in response.templates][:2] == ["home/home.html", "base.html"]
    # Compare text, not markup: {% translate %} and {% blocktranslate %} escape
    # apostrophes differently.
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_home_gives_the_full_name_and_explains_lef(client, language):
    page = _get_home(client, language)

    assert "<title>'t Leids Education Fieldlab</title>" in page
    assert t(language, "Meet colleagues from every sector of Leiden education") in page
    assert t(language, "Why 't LEF?") in page
    assert t(language, "Who is behind it") in page
    assert "PLNT" in page


def test_home_links_the_partners_to_their_organisation_pages(client):
    OrganisationFactory(name="SCOL", slug="scol", is_partner=True)
    OrganisationFactory(name="Da Vinci College", slug="da-vinci", is_partner=True)
    OrganisationFactory(name="Geen partner", slug="geen-partner")
    OrganisationFactory(
        name="Nog niet goedgekeurd",
        slug="pending",
        is_partner=True,
        status=Organisation.Status.PROPOSED,
    )

    page = _get_home(client, "nl")

    partners = page[page.index('aria-label="Partners"') :]
    partners = partners[: partners.index("</ul>")]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', partners) == [
        ("/organisations/da-vinci/", "Da Vinci College"),
        ("/organisations/scol/", "SCOL"),
    ]


def test_home_shows_the_community_per_sector_and_public_faces(client):
    for sector, number in [(Sector.PO, 3), (Sector.VO, 2), (Sector.MBO, 1)]:
        for _ in range(number):
            MemberFactory(profile__primary_sector=sector)
    face = MemberFactory(
        name="Fatima El Amrani",
        profile__primary_sector=Sector.HO,
        profile__visibility=Profile.Visibility.PUBLIC,
        profile__avatar="avatars/ab/abcdef",
    )
    MemberFactory(  # for members only: counted, but no face for visitors
        name="Alleen Leden", profile__avatar="avatars/cd/cdef01"
    )

    page = _get_home(client, "en")

    assert "8 colleagues are already here" in page
    assert 'aria-label="Members per sector: po 4, vo 2, mbo 1, ho 1"' in page
    faces = page[page.index('aria-label="Some of the members"') :]
    faces = faces[: faces.index("</ul>")]
    assert f'href="{face.get_absolute_url()}" title="Fatima El Amrani"' in faces
    assert "Alleen Leden" not in faces
    assert '<a href="/members/">See who is here</a>' in page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_home_without_events_and_projects_shows_empty_states(client, language):
    page = _get_home(client, language)

    assert t(language, EMPTY_MEETUPS) in page
    assert t(language, EMPTY_PROJECTS) in page
    assert f'<a href="/events/">{t(language, "Go to events")}</a>' in page
    assert f'<a href="/projects/">{t(language, "Go to projects")}</a>' in page


def test_home_shows_the_next_three_meetups_with_their_places(client):
    start = timezone.now() + timedelta(days=2)
    full = EventFactory(
        title="Vol", starts_at=start, ends_at=start + timedelta(hours=2), capacity=1
    )
    RegistrationFactory(event=full)
    for day, title in [(3, "Tweede"), (4, "Derde"), (5, "Vierde")]:
        moment = timezone.now() + timedelta(days=day)
        EventFactory(
            title=title, starts_at=moment, ends_at=moment + timedelta(hours=2), capacity=5
        )

    page = _get_home(client, "en")

    meetups = page[page.index('id="events-title"') : page.index('id="projects-title"')]
    assert re.findall(r'<h3 class="h6 mb-1"><a href="[^"]+">([^<]+)</a></h3>', meetups) == [
        "Vol",
        "Tweede",
        "Derde",
    ]
    assert "Full: waiting list" in meetups
    assert "5 places left" in meetups
    assert EMPTY_MEETUPS not in page


def test_home_shows_the_three_newest_public_projects_with_their_team(client):
    for title in ["Oudste", "Tweede", "Derde", "Nieuwste"]:
        ProjectFactory(title=title)
    ProjectFactory(title="Alleen voor leden", visibility=Project.Visibility.MEMBERS)

    page = _get_home(client, "en")

    projects = page[page.index('id="projects-title"') : page.index('id="why-title"')]
    assert re.findall(r'<h3 class="h6 mb-1"><a href="[^"]+">([^<]+)</a></h3>', projects) == [
        "Nieuwste",
        "Derde",
        "Tweede",
    ]
    assert "1 person on the team" in projects
    assert '<a href="/projects/">All projects</a>' in projects
    assert EMPTY_PROJECTS not in page


def test_home_anonymous_invites_to_sign_up_and_log_in(client):
    html = _get_home(client, "en")

    hero = html[: html.index('id="community-title"')]
    assert '<a class="btn btn-lef btn-lg" href="/accounts/signup/">Create your profile</a>' in hero
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


def test_home_for_an_account_without_a_profile_asks_for_one(client):
    user = UserFactory(name="Coördinator")
    Profile.objects.filter(user=user).delete()
    client.force_login(user)

    page = _get_home(client, "en")

    assert (
        '<a class="btn btn-lef btn-lg" href="/members/me/welcome/">Make your profile</a>' in page
    )
    assert 'href="/accounts/signup/"' not in page


# The community (members per sector, some faces, the partners), the meetups
# with their places taken, and the newest projects with their teams.
HOME_QUERIES = 3 + 1 + 1


def test_home_for_visitors_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    OrganisationFactory(is_partner=True)
    for number in range(3):
        MemberFactory(
            profile__visibility=Profile.Visibility.PUBLIC,
            profile__avatar=f"avatars/ab/abcde{number}",
        )
        moment = timezone.now() + timedelta(days=number + 1)
        RegistrationFactory(
            event=EventFactory(starts_at=moment, ends_at=moment + timedelta(hours=2))
        )
    ProjectFactory()
    ProjectFactory()
    with django_assert_num_queries(HOME_QUERIES):
        page = _get_home(client, "en")

    assert page.count('<li class="lef-home-row">') == 3 + 2
