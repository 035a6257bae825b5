"""Mijn LEF: the signed-in member's overview on the home page."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.html import escape

from home.queries import MemberOverview
from lef import hooks
from lef.choices import CoreActivity, Role, Sector
from lef.hooks import NextThing, Section
from members.models import Profile
from members.queries import profile_completeness
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def complete_member(**profile):
    values = {
        "primary_sector": Sector.PO,
        "core_activities": [CoreActivity.TEACHING],
        "expertise": ["rekenen"],
        "bio": "Juf van groep 8.",
        "avatar": "avatars/ab/abcdef",
        "job_title": "Leerkracht",
        "roles": [Role.TEACHER],
    }
    values.update(profile)
    return MemberFactory(name="Sanne de Vries", **{f"profile__{k}": v for k, v in values.items()})


# -- profile completeness ---------------------------------------------------------


def test_completeness_of_a_complete_profile_is_100():
    profile = Profile.objects.select_related("user").get(user=complete_member())

    completeness = profile_completeness(profile)

    assert completeness.percent == 100
    assert completeness.missing == []
    assert completeness.is_complete


def test_completeness_lists_the_three_most_useful_missing_items_first():
    user = UserFactory(name="")
    profile = Profile.objects.select_related("user").get(user=user)

    completeness = profile_completeness(profile)

    assert completeness.percent == 0
    assert [item.field for item in completeness.missing] == [
        "name",
        "primary_sector",
        "organisation",
    ]


def test_completeness_counts_what_is_there(django_assert_num_queries):
    member = complete_member(bio="  ", avatar="", expertise=[])
    profile = Profile.objects.select_related("user").get(user=member)

    with django_assert_num_queries(0):
        completeness = profile_completeness(profile)

    assert completeness.percent == 67  # 6 of 9
    assert [item.field for item in completeness.missing] == ["expertise", "bio", "avatar"]


# -- the page ---------------------------------------------------------------------


def test_my_lef_greets_and_shows_what_is_missing_with_links_to_the_edit_page(client):
    client.force_login(complete_member(avatar="", job_title=""))

    html = home(client)

    assert "<title>My LEF · 't LEF</title>" in html
    assert '<h1 class="h2 mb-3">Hello Sanne</h1>' in html
    assert "Your profile is 78% complete" in html
    assert (
        '<progress id="my-profile-progress" class="lef-progress mb-2" max="100" value="78">'
        in (html)
    )
    assert '<a href="/members/me/edit/#div_id_avatar">a photo</a>' in html
    assert '<a href="/members/me/edit/#div_id_job_title">your job title</a>' in html
    assert '<a class="btn btn-lef btn-sm" href="/members/me/edit/">Complete your profile</a>' in (
        html
    )


def test_my_lef_with_complete_profile_says_nothing_about_completeness(client):
    client.force_login(complete_member())

    html = home(client)

    assert 'id="my-profile-title"' not in html
    assert "% complete" not in html


def test_my_lef_leaves_out_the_visitors_blocks(client):
    client.force_login(complete_member())

    html = home(client)

    assert 'id="hero-title"' not in html
    assert "Who is behind it" not in html
    assert "Why 't LEF?" not in html
    assert 'href="/accounts/signup/"' not in html


def test_my_lef_suggests_members_from_other_sectors_with_the_reason(client):
    client.force_login(complete_member(core_activities=[CoreActivity.RESEARCH]))
    MemberFactory(
        name="Jan Mbo",
        profile__primary_sector=Sector.MBO,
        profile__core_activities=[CoreActivity.RESEARCH],
        profile__expertise=["rekenen", "taal"],
    )
    MemberFactory(name="Piet Po", profile__expertise=["rekenen"])  # same sector

    html = home(client)

    people = html[html.index('id="meet-title"') :]
    assert "Colleagues to meet" in people
    assert "Jan Mbo" in people
    assert "Piet Po" not in html
    assert "You share: rekenen, practice-based research" in people


def test_my_lef_suggests_four_colleagues_at_most(client):
    client.force_login(complete_member())
    for number in range(6):
        MemberFactory(
            name=f"Collega {number}",
            profile__primary_sector=Sector.VO,
            profile__expertise=["rekenen"],
        )

    html = home(client)

    assert html.count('class="lef-card lef-suggestion h-100"') == 4


def test_my_lef_without_activities_or_expertise_asks_to_add_them(client):
    client.force_login(complete_member(core_activities=[], expertise=[]))

    html = home(client)

    assert (
        escape(
            "Add your core activities and expertise to your profile, and we suggest colleagues "
            "from other sectors who share them."
        )
        in html
    )
    assert '<a href="/members/me/welcome/interests/">Add them to your profile</a>' in html


def test_my_lef_without_matches_points_to_the_directory(client):
    client.force_login(complete_member())

    html = home(client)

    assert "No members from other sectors share your core activities or expertise yet." in html
    assert '<a href="/members/">Browse the member directory</a>' in html


def test_my_lef_with_nothing_planned_points_to_meetups_and_desks(client):
    client.force_login(complete_member())

    html = home(client)

    next_up = html[html.index('id="next-title"') : html.index('id="meet-title"')]
    assert "Nothing planned yet." in next_up
    assert '<a href="/events/">Sign up for a meetup</a>' in next_up
    assert '<a href="/spaces/">book a desk</a>' in next_up


@pytest.fixture
def extra_section():
    """A section of a made-up app, with what waits on the member and what comes up."""
    soon = timezone.now() + timedelta(days=1)
    later = timezone.now() + timedelta(days=3)
    things = [
        NextThing(url="/later/", title="Later", start=later, status="Later status"),
        NextThing(url="/answer/", title="Answer me", status="Waits on you", tone="action"),
        NextThing(url="/soon/", title="Soon", start=soon, detail="PLNT"),
    ]
    hooks.register(
        "test-things",
        SimpleNamespace(
            ORDER=99,
            OVERVIEW_TEMPLATE="tests/sections/overview.html",
            overview=lambda user: {"things": things, "greeting": "made-up section"},
            overview_next_things=lambda context: context["things"],
        ),
    )
    yield things
    hooks.unregister("test-things")


def test_next_up_puts_what_waits_on_the_member_first_then_the_soonest(client, extra_section):
    client.force_login(complete_member())

    html = home(client)

    next_up = html[html.index('id="next-title"') : html.index('id="meet-title"')]
    assert re.findall(r'<a href="/([a-z]+)/">', next_up) == ["answer", "soon", "later"]
    assert '<span class="badge lef-tone lef-tone-action">Waits on you</span>' in next_up
    assert "· PLNT" in next_up
    assert "<p>made-up section</p>" in html[html.index('id="more-title"') :]


def test_next_up_shows_four_things_and_counts_the_rest():
    things = tuple(
        NextThing(url=f"/{n}/", title=str(n), start=timezone.now() + timedelta(days=n))
        for n in range(7)
    )
    overview = MemberOverview(
        profile=complete_member().profile,
        completeness=None,
        suggestions=[],
        sections=[Section(name="x", template="x.html", context={}, next_things=things)],
    )

    assert [thing.title for thing in overview.next_things] == ["0", "1", "2", "3"]
    assert overview.more_next_things == 3


def test_next_up_links_to_the_calendar_for_the_rest(client):
    member = complete_member()
    for day in range(1, 7):
        start = timezone.now() + timedelta(days=day)
        RegistrationFactory(
            member=member,
            event=EventFactory(
                title=f"Meetup {day}", starts_at=start, ends_at=start + timedelta(hours=1)
            ),
        )
    client.force_login(member)

    html = home(client)

    assert html.count('<li class="lef-next-item">') == 4
    assert '<a href="/calendar/">More in your calendar</a>' in html


def test_sections_of_apps_not_there_yet_take_one_line(client, monkeypatch):
    monkeypatch.delitem(hooks._apps, "spaces")
    client.force_login(complete_member())

    html = home(client)

    assert "Coming soon to 't LEF:" in html
    assert "booking desks and rooms." in html
    assert 'id="my-bookings-title"' not in html


def test_home_for_visitors_has_no_member_overview(client):
    MemberFactory(profile__visibility=Profile.Visibility.PUBLIC)

    html = home(client)

    assert 'id="next-title"' not in html
    assert "Colleagues to meet" not in html
    assert "Meet colleagues from every sector of Leiden education" in html


# Session, user, own profile (shared with the layout's reminder), the suggested
# colleagues (one ranking statement); then each app section's own: projects'
# places and the projects for the member, meetups (sign-ups and suggestions in
# one), the library (new results and their own in one), bookings.
MY_LEF_QUERIES = 3 + 1 + 2 + 1 + 1 + 1


@pytest.mark.parametrize("suggestions", [1, 4])
def test_my_lef_query_count_is_fixed(client, django_assert_num_queries, suggestions):
    client.force_login(complete_member())
    for number in range(suggestions):
        MemberFactory(
            name=f"Collega {number}",
            profile__primary_sector=Sector.HO,
            profile__expertise=["rekenen"],
        )
    with django_assert_num_queries(MY_LEF_QUERIES):
        html = home(client)

    assert html.count("You share: rekenen, teaching</p>") == suggestions


# The calendar page: what the feed holds from now on ---------------------------------


def test_calendar_page_lists_what_is_coming_by_day_with_links_on_this_site(client):
    member = complete_member()
    start = timezone.now() + timedelta(days=2)
    event = EventFactory(
        title="Doorstroom po-vo", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    RegistrationFactory(member=member, event=event)
    past = timezone.now() - timedelta(days=2)
    RegistrationFactory(
        member=member,
        event=EventFactory(title="Al geweest", starts_at=past, ends_at=past + timedelta(hours=1)),
    )
    client.force_login(member)

    html = client.get("/calendar/").content.decode()

    agenda = html[html.index('id="agenda-title"') : html.index('id="subscribe-title"')]
    assert f'<a href="{event.get_absolute_url()}">Doorstroom po-vo</a>' in agenda
    assert "Al geweest" not in agenda
    assert 'id="feed-url"' in html


def test_calendar_page_with_nothing_planned_points_to_meetups_and_desks(client):
    client.force_login(complete_member())

    html = client.get("/calendar/").content.decode()

    assert "Nothing planned yet." in html
    assert '<a href="/events/">Sign up for a meetup</a>' in html
