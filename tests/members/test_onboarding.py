"""The first profile step, the reminder until it is done, and profile_required."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from members.context_processors import member as member_context
from members.decorators import profile_required
from members.models import Organisation, Profile, User
from tests.factories import PASSWORD, MemberFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

WELCOME = "/members/me/welcome/"
# The reminder is the only element with this class (templates/members/includes/reminders.html).
REMINDER = "lef-reminder"


def _login(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


# Where a login leads ---------------------------------------------------------------------


def test_login_before_onboarding_goes_to_the_welcome_step(client):
    user = UserFactory()

    response = _login(client, user)

    assert response.status_code == 302
    assert response["Location"] == WELCOME


def test_login_after_onboarding_goes_home(client):
    response = _login(client, MemberFactory())

    assert response["Location"] == "/"


def test_login_with_explicit_next_keeps_it(client):
    user = UserFactory()

    response = client.post(
        "/accounts/login/?next=/events/",
        {"login": user.email, "password": PASSWORD, "next": "/events/"},
    )

    assert response["Location"] == "/events/"


def test_signup_and_email_confirmation_lead_to_the_welcome_step(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail  # noqa: PLC0415 -- local: only this test reads mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "name": "Nieuw Lid",
                "email": "nieuw@school.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    user = User.objects.get(email="nieuw@school.example")
    assert Profile.objects.filter(user=user).exists()
    link = next(
        word for word in mail.outbox[0].body.split() if word.startswith("http://testserver/")
    )
    confirm_path = link.removeprefix("http://testserver")

    response = client.post(confirm_path)

    assert response.status_code == 302
    assert response["Location"] == WELCOME


# The welcome step ------------------------------------------------------------------------


def test_welcome_step_anonymous_goes_to_login(client):
    response = client.get(WELCOME)

    assert response["Location"] == "/accounts/login/?next=/members/me/welcome/"


def test_welcome_step_shows_form_without_reminder(client):
    client.force_login(UserFactory(name="Sanne"))

    response = client.get(WELCOME)

    assert response.status_code == 200
    assert response.context["form"]["name"].value() == "Sanne"
    assert REMINDER not in response.content.decode()


def test_welcome_step_completes_onboarding_and_goes_to_the_second_step(client):
    user = UserFactory(name="")
    organisation = OrganisationFactory()
    client.force_login(user)

    response = client.post(
        WELCOME,
        {"name": " Sanne  de Vries ", "primary_sector": "mbo", "organisation": organisation.pk},
    )

    assert response.status_code == 302
    assert response["Location"] == "/members/me/welcome/interests/"
    user.refresh_from_db()
    profile = Profile.objects.get(user=user)
    assert user.name == "Sanne de Vries"
    assert profile.primary_sector == "mbo"
    assert profile.organisation == organisation
    assert profile.onboarded_at is not None


def test_welcome_step_can_propose_an_organisation(client):
    user = UserFactory()
    client.force_login(user)

    client.post(
        WELCOME,
        {
            "name": "Sanne",
            "primary_sector": "other",
            "new_organisation_name": "Onderwijslab 071",
            "new_organisation_kind": "startup",
        },
    )

    profile = Profile.objects.select_related("organisation").get(user=user)
    assert profile.onboarded_at is not None
    assert profile.organisation.name == "Onderwijslab 071"
    assert profile.organisation.status == Organisation.Status.PROPOSED
    assert profile.organisation.proposed_by == user


def test_welcome_step_needs_name_sector_and_organisation(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(WELCOME, {"name": "", "primary_sector": ""})

    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == ["name", "organisation", "primary_sector"]
    assert Profile.objects.get(user=user).onboarded_at is None


def test_welcome_step_returns_to_a_safe_next(client):
    client.force_login(UserFactory())

    response = client.post(
        f"{WELCOME}?next=/projects/", _onboarding_data() | {"next": "/projects/?page=2"}
    )

    assert response["Location"] == "/members/me/welcome/interests/?next=%2Fprojects%2F%3Fpage%3D2"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://testserver.evil.example/",
        "javascript:x",
    ],
)
def test_welcome_step_ignores_an_external_next(client, next_url):
    client.force_login(UserFactory())

    page = client.get(WELCOME, {"next": next_url})
    response = client.post(WELCOME, _onboarding_data() | {"next": next_url})

    assert page.context["next_url"] == ""
    assert f'name="next" value="{next_url}"' not in page.content.decode()
    assert response["Location"] == "/members/me/welcome/interests/"


def test_welcome_step_after_onboarding_sends_the_member_on(client):
    client.force_login(MemberFactory())

    assert client.get(WELCOME)["Location"] == "/"
    assert client.get(WELCOME, {"next": "/events/"})["Location"] == "/events/"


@pytest.mark.parametrize("next_url", ["foo", "account_logout", "members:edit", "//evil.example/"])
def test_welcome_step_after_onboarding_with_a_next_that_is_not_a_path_goes_home(client, next_url):
    client.force_login(MemberFactory())

    response = client.get(WELCOME, {"next": next_url})

    assert (response.status_code, response["Location"]) == (302, "/")


def test_welcome_step_keeps_the_first_onboarding_time(client):
    user = UserFactory()
    client.force_login(user)
    client.post(WELCOME, _onboarding_data())
    first = Profile.objects.get(user=user).onboarded_at

    client.post(WELCOME, _onboarding_data())

    assert Profile.objects.get(user=user).onboarded_at == first


def _onboarding_data() -> dict:
    organisation = OrganisationFactory()
    return {"name": "Sanne", "primary_sector": "po", "organisation": organisation.pk}


# The reminder ----------------------------------------------------------------------------


def test_reminder_shown_to_members_until_onboarding_is_done(client):
    user = UserFactory()
    client.force_login(user)

    before = client.get("/").content.decode()
    client.post(WELCOME, _onboarding_data())
    after = client.get("/").content.decode()

    assert REMINDER in before
    assert 'href="/members/me/welcome/?next=/"' in before
    assert REMINDER not in after


def test_reminder_not_shown_to_visitors(client):
    assert REMINDER not in client.get("/").content.decode()


def test_reminder_does_not_block_browsing(client):
    UserFactory(username="nieuw")
    MemberFactory(username="jan")
    client.force_login(User.objects.get(username="nieuw"))

    response = client.get("/members/jan/")

    assert response.status_code == 200
    assert REMINDER in response.content.decode()


def _request(user, path="/members/"):
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    return request


def test_context_processor_runs_no_query_for_visitors(django_assert_num_queries):
    with django_assert_num_queries(0):
        context = member_context(_request(AnonymousUser()))

    assert context == {"my_profile": None, "show_onboarding_reminder": False}


def test_context_processor_runs_one_query_for_members(django_assert_num_queries):
    user = User.objects.get(pk=UserFactory().pk)  # fresh: no cached profile

    with django_assert_num_queries(1):
        context = member_context(_request(user))
        assert bool(context["show_onboarding_reminder"]) is True
        assert context["my_profile"].user_id == user.pk


def test_context_processor_hides_reminder_on_the_welcome_step():
    context = member_context(_request(UserFactory(), WELCOME))

    assert bool(context["show_onboarding_reminder"]) is False


# profile_required --------------------------------------------------------------------------


@profile_required
def _needs_sector(request):
    return HttpResponse("joined")


def _decorated(user, method="get", path="/projects/rekenen/join/?x=1", **headers):
    request = getattr(RequestFactory(), method)(path, headers=headers)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return _needs_sector(request)


def test_profile_required_lets_onboarded_members_through():
    assert _decorated(MemberFactory()).content == b"joined"


def test_profile_required_sends_visitors_to_login():
    response = _decorated(AnonymousUser())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_profile_required_sends_new_members_to_the_welcome_step_and_back():
    response = _decorated(UserFactory())

    assert (
        response["Location"] == "/members/me/welcome/?next=%2Fprojects%2Frekenen%2Fjoin%2F%3Fx%3D1"
    )


def test_profile_required_after_post_returns_to_the_page_of_the_form():
    response = _decorated(
        UserFactory(), method="post", referer="http://testserver/projects/rekenen/"
    )

    assert response["Location"] == "/members/me/welcome/?next=%2Fprojects%2Frekenen%2F"


def test_profile_required_ignores_a_foreign_referer():
    response = _decorated(UserFactory(), method="post", referer="https://evil.example/x")

    assert response["Location"] == "/members/me/welcome/"


def test_profile_required_round_trip_through_the_welcome_step(client):
    user = UserFactory()
    MemberFactory(username="jan")
    client.force_login(user)

    first = client.get("/members/jan/contact/")
    assert first["Location"] == "/members/me/welcome/?next=%2Fmembers%2Fjan%2Fcontact%2F"
    page = client.get(first["Location"])
    assert 'name="next" value="/members/jan/contact/"' in page.content.decode()
    done = client.post(WELCOME, _onboarding_data() | {"next": "/members/jan/contact/"})
    second = client.get(done["Location"])

    # The second step keeps where to go back to, and can be skipped straight there.
    assert done["Location"] == "/members/me/welcome/interests/?next=%2Fmembers%2Fjan%2Fcontact%2F"
    assert 'href="/members/jan/contact/">Skip for now</a>' in second.content.decode()
    assert client.get("/members/jan/contact/").status_code == 200


# The second step and the colleagues to meet ------------------------------------------

INTERESTS = "/members/me/welcome/interests/"
PEOPLE = "/members/me/welcome/people/"


def test_second_step_offers_popular_tags_as_chips_and_saves_them_with_own_ones(client):
    for _ in range(3):
        MemberFactory(profile__expertise=["rekenen", "brugklas"])
    member = MemberFactory(profile__core_activities=[], profile__expertise=[])
    client.force_login(member)

    page = client.get(INTERESTS)
    response = client.post(
        INTERESTS,
        {
            "core_activities": ["teaching", "research"],
            "popular": ["rekenen"],
            "expertise": "Begrijpend lezen, #Rekenen",
        },
    )

    html = page.content.decode()
    assert 'class="lef-chip" for="id_popular_1">rekenen</label>' in html
    assert "Step 2 of 3" in html
    assert (response.status_code, response["Location"]) == (302, PEOPLE)
    member.profile.refresh_from_db()
    assert member.profile.core_activities == ["teaching", "research"]
    assert member.profile.expertise == ["rekenen", "begrijpend lezen"]


def test_second_step_refuses_too_many_tags_and_writes_nothing(client):
    member = MemberFactory(profile__expertise=["taal"])
    client.force_login(member)

    response = client.post(
        INTERESTS, {"expertise": ", ".join(f"onderwerp {n}" for n in range(16))}
    )

    assert response.status_code == 400
    assert "expertise" in response.context["form"].errors
    member.profile.refresh_from_db()
    assert member.profile.expertise == ["taal"]


def test_second_step_needs_the_first(client):
    client.force_login(UserFactory())

    response = client.get(INTERESTS)

    assert (
        response["Location"]
        == "/members/me/welcome/?next=%2Fmembers%2Fme%2Fwelcome%2Finterests%2F"
    )


def test_the_welcome_ends_with_three_colleagues_from_other_sectors(client):
    me = MemberFactory(
        profile__primary_sector="po",
        profile__other_sectors=["vo"],
        profile__expertise=["rekenen"],
        profile__core_activities=["teaching"],
    )
    for number in range(4):
        MemberFactory(
            name=f"Vo Collega {number}",
            username=f"vo-collega-{number}",
            profile__primary_sector="vo",
            profile__expertise=["rekenen"],
        )
    MemberFactory(name="Po Collega", profile__primary_sector="po", profile__expertise=["rekenen"])
    client.force_login(me)

    html = client.get(PEOPLE).content.decode()

    assert html.count('class="lef-card lef-suggestion') == 3
    assert "Po Collega" not in html
    assert html.count("You share: rekenen, teaching") == 3
    assert html.count('href="/members/vo-collega-') >= 3
    assert "/contact/" in html
    assert "Step 3 of 3" in html
