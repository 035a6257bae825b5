"""The member directory /members/: cards, filters, visibility, htmx, pages, query counts."""

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lef.choices import CoreActivity, Role, Sector
from members.models import Organisation, Profile
from members.queries import CARD_FIELDS, member_cards
from members.views.directory import MEMBERS_PER_PAGE
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/members/"
CARDS_TEMPLATE = "members/includes/member_cards.html"
CARD_NAME = re.compile(r'<h3 class="h6 mb-1" id="member-\d+-name"><a href="[^"]+">([^<]+)</a>')


def names(response) -> list[str]:
    """The member names on the cards, in page order."""
    return CARD_NAME.findall(response.content.decode())


def public_member(name: str | None = None, **profile):
    """An onboarded member with a public profile; ``profile`` sets profile fields."""
    kwargs = {f"profile__{key}": value for key, value in profile.items()}
    if name:
        kwargs["name"] = name
    return MemberFactory(profile__visibility=Profile.Visibility.PUBLIC, **kwargs)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def viewer(client):
    member = MemberFactory(name="Zoë Viewer", profile__primary_sector=Sector.HO)
    client.force_login(member)
    return member


# -- the cards ------------------------------------------------------------------


def test_directory_card_shows_name_sectors_organisation_job_activities_and_openness(client):
    school = OrganisationFactory(name="Da Vinci College", slug="da-vinci", sectors=[Sector.MBO])
    public_member(
        name="Sanne de Vries",
        primary_sector=Sector.MBO,
        other_sectors=[Sector.HO],
        organisation=school,
        job_title="Docent Nederlands",
        core_activities=[CoreActivity.RESEARCH, CoreActivity.TEACHING],
        open_to_collaboration=True,
    )

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == ["Sanne de Vries"]
    assert '<a href="/members/lid-' in html
    assert '<a href="/organisations/da-vinci/">Da Vinci College</a>' in html
    assert "Docent Nederlands" in html
    assert 'class="badge lef-sector lef-sector-mbo"' in html
    assert 'class="badge lef-sector lef-sector-ho"' in html
    # Activities in the vocabulary's order, by their label.
    assert "<li>Teaching</li><li>Practice-based research</li>" in html
    assert "Open to collaboration</p>" in html
    assert "1 member found" in html


def test_directory_card_hides_an_unapproved_organisation(client):
    """A proposal's name is for its proposer and the coordinators only."""
    proposed = OrganisationFactory(name="Nieuw Initiatief", status=Organisation.Status.PROPOSED)
    public_member(name="Voorsteller", organisation=proposed)

    html = client.get(URL).content.decode()
    searched = client.get(URL, {"q": "Initiatief"})

    assert names(client.get(URL)) == ["Voorsteller"]
    assert "Nieuw Initiatief" not in html
    assert f'href="/organisations/{proposed.slug}/"' not in html
    assert names(searched) == []


def test_directory_lists_the_most_recently_active_first(client):
    for days, name in [(30, "Anna Jansen"), (1, "Bram Bakker"), (400, "Carla de Wit")]:
        member = public_member(name=name)
        Profile.objects.filter(pk=member.pk).update(
            updated_at=timezone.now() - timedelta(days=days)
        )

    assert names(client.get(URL)) == ["Bram Bakker", "Anna Jansen", "Carla de Wit"]


# -- who is listed ----------------------------------------------------------------


def test_directory_anonymous_sees_only_public_profiles(client):
    public_member(name="Publiek Profiel")
    MemberFactory(name="Alleen Leden")  # members-only is the default

    response = client.get(URL)

    assert names(response) == ["Publiek Profiel"]
    assert "Log in to see members who share their profile only with members." in (
        response.content.decode()
    )


def test_directory_member_sees_members_only_profiles_too(client, viewer):
    public_member(name="Publiek Profiel")
    MemberFactory(name="Alleen Leden")

    assert names(client.get(URL)) == ["Alleen Leden", "Publiek Profiel", "Zoë Viewer"]


def test_directory_never_lists_inactive_or_not_onboarded_members(client, viewer):
    public_member(name="Actief Lid")
    gone = public_member(name="Vertrokken Lid")
    gone.is_active = False
    gone.save()
    UserFactory(name="Nog Niet Klaar")  # no onboarding
    Profile.objects.filter(user__name="Nog Niet Klaar").update(visibility="public")

    assert names(client.get(URL)) == ["Actief Lid", "Zoë Viewer"]


# -- filters ----------------------------------------------------------------------


def test_directory_sector_filter_matches_primary_or_further_sector(client):
    public_member(name="Primair Mbo", primary_sector=Sector.MBO)
    public_member(name="Ook Mbo", primary_sector=Sector.VO, other_sectors=[Sector.MBO])
    public_member(name="Geen Mbo", primary_sector=Sector.PO)

    assert names(client.get(URL, {"sector": "mbo"})) == ["Ook Mbo", "Primair Mbo"]


def test_directory_role_activity_and_open_filters(client):
    public_member(name="Onderzoeker", roles=[Role.RESEARCHER, Role.TEACHER])
    public_member(name="Leraar", roles=[Role.TEACHER])
    public_member(name="Vernieuwer", core_activities=[CoreActivity.INNOVATION])
    public_member(name="Open Lid", open_to_collaboration=True)

    assert names(client.get(URL, {"role": "researcher"})) == ["Onderzoeker"]
    assert names(client.get(URL, {"activity": "innovation"})) == ["Vernieuwer"]
    assert names(client.get(URL, {"open": "1"})) == ["Open Lid"]
    assert names(client.get(URL, {"open": "on"})) == ["Open Lid"]


def test_directory_organisation_filter_by_slug(client):
    linde = OrganisationFactory(name="De Linde", slug="de-linde")
    public_member(name="Van De Linde", organisation=linde)
    public_member(name="Van Elders")

    assert names(client.get(URL, {"organisation": "de-linde"})) == ["Van De Linde"]


def test_directory_filters_combine(client):
    linde = OrganisationFactory(slug="linde")
    public_member(
        name="Alles Klopt",
        primary_sector=Sector.VO,
        roles=[Role.TEACHER],
        core_activities=[CoreActivity.RESEARCH],
        organisation=linde,
        open_to_collaboration=True,
        expertise=["rekenen"],
    )
    public_member(
        name="Niet Open",
        primary_sector=Sector.VO,
        roles=[Role.TEACHER],
        core_activities=[CoreActivity.RESEARCH],
        organisation=linde,
        expertise=["rekenen"],
    )
    public_member(
        name="Andere Sector",
        primary_sector=Sector.PO,
        roles=[Role.TEACHER],
        core_activities=[CoreActivity.RESEARCH],
        organisation=linde,
        open_to_collaboration=True,
        expertise=["rekenen"],
    )
    query = {
        "q": "rekenen",
        "sector": "vo",
        "role": "teacher",
        "activity": "research",
        "organisation": "linde",
        "open": "1",
    }

    response = client.get(URL, query)

    assert names(response) == ["Alles Klopt"]
    assert "1 member found" in response.content.decode()


def test_directory_organisation_choices_are_approved_organisations_with_visible_members(client):
    with_public = OrganisationFactory(name="Met Publiek Lid", slug="met-publiek")
    members_only = OrganisationFactory(name="Alleen Besloten", slug="besloten")
    OrganisationFactory(name="Zonder Leden", slug="leeg")
    proposed = OrganisationFactory(
        name="Voorgesteld", slug="voorgesteld", status=Organisation.Status.PROPOSED
    )
    public_member(organisation=with_public)
    MemberFactory(profile__organisation=members_only)
    public_member(organisation=proposed)

    anonymous = client.get(URL).context["form"].organisations
    client.force_login(MemberFactory(profile__organisation=with_public))
    member = client.get(URL).context["form"].organisations

    assert [slug for _pk, slug, _name in anonymous] == ["met-publiek"]
    assert [slug for _pk, slug, _name in member] == ["besloten", "met-publiek"]


def test_directory_keeps_filters_in_the_form(client):
    OrganisationFactory(slug="linde", name="Linde")
    public_member(organisation=Organisation.objects.get(slug="linde"))

    html = client.get(
        URL, {"q": "reken", "sector": "mbo", "organisation": "linde", "open": "1"}
    ).content.decode()

    assert 'value="reken"' in html
    assert '<option value="mbo" selected>' in html
    assert '<option value="linde" selected>' in html
    assert 'id="id_open" checked>' in html


# -- bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"sector": "lyceum"},
        {"role": "<script>"},
        {"activity": "x" * 500},
        {"organisation": "bestaat-niet"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "999999999999999999999"},
        {"open": "misschien"},
        {"q": "a" * 1000},
        {"q": "& | ! :* ( ) ' \\"},
        {"sector": ["po", "vo"]},
    ],
)
def test_directory_bad_parameters_give_a_clean_page(client, query):
    public_member(name="Altijd Zichtbaar")

    response = client.get(URL, query)

    assert response.status_code == 200
    assert "members/member_list.html" in [template.name for template in response.templates]


def test_directory_unknown_sector_is_ignored_with_a_message(client):
    public_member(name="Een Lid", primary_sector=Sector.PO)

    response = client.get(URL, {"sector": "lyceum"})

    html = response.content.decode()
    assert names(response) == ["Een Lid"]
    assert 'id="id_sector-error"' in html
    assert "Select a valid choice." in html


# -- htmx and pages ---------------------------------------------------------------


def test_directory_htmx_request_gets_only_the_results_partial(client):
    public_member(name="Sanne de Vries", primary_sector=Sector.MBO)

    response = client.get(URL, {"sector": "mbo"}, headers={"hx-request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    # The live region's count and the filter button's count, out of band.
    count = '<span id="filter-count" data-hx-swap-oob="innerHTML"> (1)</span>'
    assert html.lstrip().startswith(count)
    assert '<p id="member-count" class="fw-semibold" role="status" data-hx-swap-oob' in html
    assert 'data-hx-swap-oob="innerHTML"' in html
    assert '<div id="member-results">' in html
    assert names(response) == ["Sanne de Vries"]
    assert "HX-Request" in response["Vary"]


def test_directory_plain_request_gets_the_full_page(client):
    public_member(name="Sanne de Vries")

    response = client.get(URL)

    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert 'data-hx-get="/members/"' in html
    assert 'data-hx-push-url="true"' in html
    assert '<form method="get" action="/members/"' in html
    assert 'data-hx-history="false"' in html
    # htmx would act on it when restoring history, and drop the live region.
    assert "hx-swap-oob" not in html
    assert "HX-Request" in response["Vary"]


def test_directory_htmx_history_restore_gets_the_full_page(client):
    public_member(name="Sanne de Vries")

    response = client.get(
        URL, headers={"hx-request": "true", "hx-history-restore-request": "true"}
    )

    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "hx-swap-oob" not in html


def test_directory_paginates_and_page_links_keep_the_filters(client):
    for number in range(MEMBERS_PER_PAGE + 2):
        public_member(name=f"Lid {number:02d}", primary_sector=Sector.VO)
    public_member(name="Ander Lid", primary_sector=Sector.PO)

    first = client.get(URL, {"sector": "vo", "role": "", "page": "1"})
    second = client.get(URL, {"sector": "vo", "page": "2"})

    html = first.content.decode()
    assert len(names(first)) == MEMBERS_PER_PAGE
    assert f"{MEMBERS_PER_PAGE + 2} members found" in html
    assert "Page 1 of 2" in html
    # Empty filters are left out of the links; the others stay.
    assert 'href="?sector=vo&amp;page=2"' in html
    assert 'data-hx-get="?sector=vo&amp;page=2"' in html
    assert names(second) == ["Lid 01", "Lid 00"]  # the first made: the least recently active
    assert 'href="?sector=vo&amp;page=1"' in second.content.decode()


# -- empty states -----------------------------------------------------------------


def test_directory_empty_for_a_visitor_invites_to_log_in(client):
    MemberFactory()  # members-only

    html = client.get(URL).content.decode()

    assert "0 members found" in html
    assert "There are no members to show yet." in html
    assert 'href="/accounts/login/?next=/members/"' in html


def test_directory_empty_after_filtering_offers_to_clear_filters(client, viewer):
    html = client.get(URL, {"q": "xylofoon"}).content.decode()

    assert "No members match this search and these filters." in html
    assert '<a href="/members/">Clear all filters</a>' in html
    assert "Invite them by email" in html
    assert "mailto:?subject=Join%20me%20on%20%27t%20LEF&amp;body=" in html
    assert "http%3A//testserver/accounts/signup/" in html


# -- query counts -----------------------------------------------------------------

# Visitor: the organisation choices, the count, the page of profiles (cards and all).
ANONYMOUS_QUERIES = 3
# Member: + session, user, own profile (the layout's onboarding reminder).
MEMBER_QUERIES = 6
QUERIES = {
    "plain": {},
    "filtered": {"sector": "mbo", "activity": "research", "open": "1", "role": "teacher"},
    "searched": {"q": "praktijkonderzoek"},
}


def _members_to_show(count: int) -> None:
    for number in range(count):
        organisation = OrganisationFactory(slug=f"school-{number}")
        public_member(
            name=f"Lid {number}",
            primary_sector=Sector.MBO,
            organisation=organisation,
            roles=[Role.TEACHER],
            core_activities=[CoreActivity.RESEARCH],
            expertise=["praktijkonderzoek"],
            open_to_collaboration=True,
        )


@pytest.mark.parametrize("rows", [1, 4])
@pytest.mark.parametrize("kind", QUERIES)
def test_directory_query_count_is_fixed_for_visitors(
    client, django_assert_num_queries, rows, kind
):
    _members_to_show(rows)

    with django_assert_num_queries(ANONYMOUS_QUERIES):
        response = client.get(URL, QUERIES[kind])

    assert len(names(response)) == rows


@pytest.mark.parametrize("rows", [1, 4])
@pytest.mark.parametrize("kind", QUERIES)
def test_directory_query_count_is_fixed_for_members(client, django_assert_num_queries, rows, kind):
    _members_to_show(rows)
    # Not onboarded, so not listed itself (the layout then shows the reminder).
    client.force_login(UserFactory())

    with django_assert_num_queries(MEMBER_QUERIES):
        response = client.get(URL, QUERIES[kind])

    assert len(names(response)) == rows


@pytest.mark.parametrize("rows", [1, 4])
def test_directory_htmx_query_count_is_fixed(client, django_assert_num_queries, rows):
    _members_to_show(rows)

    # The partial has no form, but the form still validates the organisation.
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        response = client.get(URL, QUERIES["filtered"], headers={"hx-request": "true"})

    assert len(names(response)) == rows


# -- counts and order ---------------------------------------------------------------


def test_directory_count_and_organisations_follow_profile_changes(client):
    first = public_member(name="Eerste Lid", organisation=OrganisationFactory(slug="eerste"))
    html = client.get(URL).content.decode()
    assert "1 member found" in html

    second = public_member(name="Tweede Lid", organisation=OrganisationFactory(slug="tweede"))
    response = client.get(URL)

    assert "2 members found" in response.content.decode()
    assert [slug for _pk, slug, _name in response.context["form"].organisations] == [
        "eerste",
        "tweede",
    ]
    assert names(response) == ["Tweede Lid", "Eerste Lid"]
    assert first.pk != second.pk


def test_directory_broad_search_is_ordered_by_name_not_rank(client, monkeypatch):
    monkeypatch.setattr("members.queries.RANK_AT_MOST", 1)
    public_member(name="Bert Bos", expertise=["rekenen"], bio="")
    public_member(name="Anna Arends", expertise=[], bio="Ik werk ook aan rekenen.")

    response = client.get(URL, {"q": "rekenen"})

    # Ranked, Bert (expertise, weight A) would come first; two matches exceed
    # RANK_AT_MOST, so the order is by name.
    assert names(response) == ["Anna Arends", "Bert Bos"]


def test_directory_broad_search_says_more_than_and_suggests_narrowing(client, monkeypatch):
    monkeypatch.setattr("members.queries.SEARCH_COUNT_AT_MOST", 1)
    monkeypatch.setattr("members.views.directory.SEARCH_COUNT_AT_MOST", 1)
    public_member(name="Bert Bos", expertise=["rekenen"])
    public_member(name="Anna Arends", expertise=["rekenen"])

    searched = client.get(URL, {"q": "rekenen"}).content.decode()
    plain = client.get(URL).content.decode()

    assert (
        "More than 1 members found. Add a filter or use a more precise word to see fewer."
        in searched
    )
    assert "2 members found" in plain


def test_directory_narrow_search_is_ordered_by_rank(client):
    public_member(name="Anna Arends", expertise=[], bio="Ik werk ook aan rekenen.")
    public_member(name="Bert Bos", expertise=["rekenen"], bio="")

    response = client.get(URL, {"q": "rekenen"})

    assert names(response) == ["Bert Bos", "Anna Arends"]


def test_directory_cards_follow_profile_changes_and_language(client):
    member = public_member(
        name="Kaart Lid", job_title="Docent", core_activities=[CoreActivity.RESEARCH]
    )
    assert "Docent" in client.get(URL).content.decode()

    # A bulk update: no save(), no signal; the page reads the row as it is now.
    Profile.objects.filter(pk=member.pk).update(job_title="Teamleider")
    english = client.get(URL).content.decode()
    dutch = client.get(URL, headers={"accept-language": "nl"}).content.decode()

    assert "Teamleider" in english
    assert "Docent" not in english
    assert "Practice-based research" in english
    assert "Praktijkonderzoek" in dutch


def test_directory_card_renders_from_the_card_columns_alone(django_assert_num_queries):
    """The directory loads only CARD_FIELDS; the card must not need any other column."""
    member = public_member(
        name="Smal Geladen",
        job_title="Docent",
        other_sectors=[Sector.VO],
        core_activities=[CoreActivity.TEACHING],
        expertise=["rekenen"],
        open_to_collaboration=True,
        looking_for="Een vo-school",
        avatar="avatars/ab/abcdef",
    )
    row = Profile.objects.values(*CARD_FIELDS).get(pk=member.pk)

    with django_assert_num_queries(0), translation.override("en"):
        html = render_to_string(CARDS_TEMPLATE, {"cards": member_cards([row]), "item_class": "x"})

    assert "Smal Geladen" in html
    assert "Docent" in html
    assert "<li>rekenen</li>" in html
    assert "Looking for: Een vo-school" in html
    assert 'src="/media/avatars/ab/abcdef-64.webp"' in html


@pytest.mark.parametrize("language", ["en", "nl"])
def test_card_badges_and_sentences_match_the_tags_they_replace(language):
    """The cards show the badges in order, and write the sentences out as the tags would."""
    member = public_member(
        name="Badge Lid",
        primary_sector=Sector.OTHER,
        other_sectors=[Sector.VO],
        expertise=["a1", "b2", "c3", "d4", "e5"],
        open_to_collaboration=True,
        looking_for="Een <vo>-school",
    )
    row = Profile.objects.values(*CARD_FIELDS).get(pk=member.pk)

    with translation.override(language):
        html = render_to_string(CARDS_TEMPLATE, {"cards": member_cards([row]), "item_class": "x"})
        expected = Template(
            "{% load i18n lef_tags %}{% sector_badge 'other' %}|{% sector_badge 'vo' %}|"
            "{% blocktranslate count counter=2 %}+{{ counter }} more{% plural %}"
            "+{{ counter }} more{% endblocktranslate %}|"
            "{% blocktranslate with text=text %}Looking for: {{ text }}{% endblocktranslate %}"
        ).render(Context({"text": "Een <vo>-school"}))

    other, vo, more, looking = expected.split("|")
    assert f'<a href="{member.get_absolute_url()}">Badge Lid</a>' in html
    assert f"</span> {other} {vo}</p>" in html
    assert f'<li class="lef-card-more">{more}</li>' in html
    assert f"</i> {looking}</p>" in html


# -- why someone is worth contacting -------------------------------------------------


def test_card_shows_three_tags_the_searched_one_first_and_marked(client):
    public_member(
        name="Tag Lid",
        expertise=["burgerschap", "taal", "mentoraat", "praktijkonderzoek", "rekenen"],
    )

    plain = client.get(URL).content.decode()
    searched = client.get(URL, {"q": "onderzoek"}).content.decode()

    assert "<li>burgerschap</li><li>taal</li><li>mentoraat</li>" in plain
    assert '<li class="lef-card-more">+2 more</li>' in plain
    assert "<li><mark>praktijkonderzoek</mark></li><li>burgerschap</li><li>taal</li>" in searched


RESEARCH_ = CoreActivity.RESEARCH


def test_card_marks_the_filtered_core_activity(client):
    public_member(name="Activiteit Lid", core_activities=[CoreActivity.TEACHING, RESEARCH_])

    html = client.get(URL, {"activity": "research"}).content.decode()

    assert '<li>Teaching</li><li class="lef-marked">Practice-based research</li>' in html


def test_card_says_what_an_open_member_is_looking_for(client):
    public_member(
        name="Zoekt Iemand",
        open_to_collaboration=True,
        looking_for="Een vo-school voor een lessenserie",
    )
    public_member(name="Zoekt Niet", open_to_collaboration=False, looking_for="Verborgen tekst")

    html = client.get(URL).content.decode()

    assert "Looking for: Een vo-school voor een lessenserie</p>" in html
    assert "Verborgen tekst" not in html


def test_filter_button_says_how_many_filters_are_set(client):
    public_member(primary_sector=Sector.MBO, core_activities=[RESEARCH_])

    none = client.get(URL, {"q": "iets"}).content.decode()
    two = client.get(URL, {"sector": "mbo", "activity": "research", "q": "x"}).content.decode()

    assert '<span id="filter-count"></span>' in none
    assert '<span id="filter-count"> (2)</span>' in two
