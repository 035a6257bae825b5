"""The project pages: list, filters, search, htmx, detail, forms, and their query counts."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import timezone, translation

from lef.choices import Role, Sector
from lef.images import file_names
from members.models import Profile, User
from projects import services
from projects.models import Membership, Project, ProjectUpdate
from tests.helpers import queries_of
from tests.members.factories_avatars import image_bytes
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory, add_member, post

pytestmark = pytest.mark.django_db

URL = "/projects/"
CARD_TITLE = re.compile(r'<h3 class="h5 mb-1" id="project-\d+-title"><a href="[^"]+">([^<]+)</a>')


def titles(response) -> list[str]:
    return CARD_TITLE.findall(response.content.decode())


@pytest.fixture
def po_teacher(client):
    member = MemberFactory(
        name="Sanne de Vries", profile__primary_sector=Sector.PO, profile__roles=[Role.TEACHER]
    )
    client.force_login(member)
    return member


def _start_data(**changes) -> dict:
    data = {
        "title": "Rekenen van groep 8 naar de brugklas",
        "summary": "Samen overstaplessen maken.",
        "description": "We bezoeken **elkaars** lessen.",
        "status": "looking",
        "start_date": "2026-12-01",
        "end_date": "2027-06-30",
        "sectors": ["po", "vo"],
        "transitions": ["po-vo"],
        "core_activities": ["teaching", "innovation"],
        "tags": "rekenen, groep 8",
        "looking_for_sectors": ["vo"],
        "looking_for_roles": ["teacher"],
        "looking_for_text": "Een docent wiskunde",
        "max_team_size": "8",
        "visibility": "public",
        "requires_approval": "on",
    }
    return data | changes


# The list ---------------------------------------------------------------------------------


def test_list_card_shows_status_sectors_team_mix_cross_sector_and_transitions(client):
    project = ProjectFactory(
        title="Rekenen over de grens",
        lead__profile__primary_sector=Sector.PO,
        sectors=[Sector.PO, Sector.VO],
        transitions=["po-vo"],
    )
    add_member(project, MemberFactory(profile__primary_sector=Sector.VO))
    add_member(project, MemberFactory(profile__primary_sector=Sector.VO))

    response = client.get(URL)

    html = response.content.decode()
    assert titles(response) == ["Rekenen over de grens"]
    assert '<span class="badge lef-status lef-status-looking">Looking for people</span>' in html
    assert "Cross-sector</span>" in html
    assert 'aria-label="Sector mix of the team: po 1, vo 2"' in html
    assert "3 people on the team" in html
    assert '<span class="lef-transition">po-vo</span>' in html
    assert "1 project found" in html


@pytest.mark.parametrize("language", ["en", "nl"])
def test_list_cards_write_badges_and_the_mix_bar_as_the_tags_do(client, language):
    # The cards write the sector badges and the mix bar out (a tag per card cost
    # more than the card): the same markup as {% sector_badge %} and {% sector_mix %}.
    project = ProjectFactory(
        lead__profile__primary_sector=Sector.HO, sectors=[Sector.PO, Sector.OTHER]
    )
    add_member(project, MemberFactory(profile__primary_sector=Sector.MBO))
    add_member(project, MemberFactory(profile__primary_sector=Sector.MBO))

    with translation.override(language):
        badges = _tag_markup(
            "{% for code in codes %}{% sector_badge code %}{% endfor %}", codes=["po", "other"]
        )
        mix = _tag_markup(
            '{% translate "Sector mix of the team" as label %}{% sector_mix mix label=label %}',
            mix={"mbo": 2, "ho": 1},
        )
    page = client.get(URL, headers={"accept-language": language}).content.decode()

    assert badges in page
    assert "lef-mix-mbo" in mix
    assert _squeezed(mix) in _squeezed(page)


def test_list_shows_a_single_sector_team_without_the_cross_sector_badge(client):
    ProjectFactory(lead__profile__primary_sector=Sector.PO)

    assert "Cross-sector</span>" not in client.get(URL).content.decode()


def test_list_says_when_a_project_looks_for_someone_like_the_viewer(client, po_teacher):
    ProjectFactory(title="Zoekt po", looking_for_sectors=[Sector.PO])
    ProjectFactory(title="Zoekt vo", looking_for_sectors=[Sector.VO])

    html = client.get(URL).content.decode()

    assert html.count("Looking for someone like you") == 1
    assert "(looking for: po)" in html


def test_list_card_says_full_when_the_team_reaches_its_maximum(client):
    full = ProjectFactory(title="Vol", max_team_size=2)
    add_member(full, MemberFactory())
    room = ProjectFactory(title="Plek", max_team_size=3)
    add_member(room, MemberFactory())

    html = client.get(URL).content.decode()

    assert "2 people on the team · full" in html
    assert "2 people on the team</p>" in html


def test_list_hides_members_only_projects_from_visitors(client):
    ProjectFactory(title="Openbaar")
    ProjectFactory(title="Besloten", visibility=Project.Visibility.MEMBERS)

    assert titles(client.get(URL)) == ["Openbaar"]
    client.force_login(MemberFactory())
    assert sorted(titles(client.get(URL))) == ["Besloten", "Openbaar"]


def test_list_leaves_archived_projects_out_unless_asked(client):
    ProjectFactory(title="Loopt")
    ProjectFactory(title="Oud", status=Project.Status.ARCHIVED)

    assert titles(client.get(URL)) == ["Loopt"]
    assert titles(client.get(URL, {"status": "archived"})) == ["Oud"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "mbo"}, ["Mbo en ho"]),
        ({"transition": "mbo-ho"}, ["Mbo en ho"]),
        ({"activity": "research"}, ["Mbo en ho"]),
        ({"status": "running"}, ["Mbo en ho"]),
        ({"tag": "Rekenen"}, ["Po en vo"]),
        ({"sector": "po", "status": "running"}, []),
    ],
)
def test_list_filters(client, params, expected):
    ProjectFactory(title="Po en vo", sectors=["po", "vo"], tags=["rekenen"])
    ProjectFactory(
        title="Mbo en ho",
        sectors=["mbo", "ho"],
        transitions=["mbo-ho"],
        core_activities=["research"],
        status=Project.Status.RUNNING,
        tags=["studiesucces"],
    )

    assert titles(client.get(URL, params)) == expected


def test_list_looking_for_my_sector(client, po_teacher):
    ProjectFactory(title="Zoekt po", looking_for_sectors=[Sector.PO])
    ProjectFactory(title="Zoekt ho", looking_for_sectors=[Sector.HO])

    assert titles(client.get(URL, {"mine": "1"})) == ["Zoekt po"]


def test_list_search_finds_parts_of_dutch_compounds_in_every_field(client):
    ProjectFactory(title="Leerkring", summary="Samen praktijkonderzoek doen.", tags=[])
    ProjectFactory(title="Rekenen", summary="Sommen maken.", tags=["rekenvaardigheid"])
    ProjectFactory(title="Anders", summary="Iets heel anders.", tags=[])

    assert titles(client.get(URL, {"q": "onderzoek"})) == ["Leerkring"]
    assert titles(client.get(URL, {"q": "reken"})) == ["Rekenen"]


def test_list_search_ranks_by_relevance_unless_it_matches_more_than_rank_at_most(
    client, monkeypatch
):
    now = timezone.now()
    ProjectFactory(title="Even", summary="Ook wat onderzoek.", created_at=now)
    ProjectFactory(
        title="Onderzoek",
        summary="Onderzoek naar onderzoek: praktijkonderzoek.",
        tags=["onderzoek"],
        created_at=now - timedelta(days=9),
    )
    ProjectFactory(title="Uitgelicht", summary="Onderzoek.", is_featured=True, created_at=now)

    ranked = titles(client.get(URL, {"q": "onderzoek"}))
    monkeypatch.setattr("projects.queries.RANK_AT_MOST", 2)
    broad = client.get(URL, {"q": "onderzoek"})

    assert ranked[0] == "Onderzoek"
    # More matches than RANK_AT_MOST: the list's own order, featured first, then newest.
    assert titles(broad) == ["Uitgelicht", "Even", "Onderzoek"]
    assert "3 projects found" in broad.content.decode()


def test_list_sorts(client):
    now = timezone.now()
    today = timezone.localdate()
    ProjectFactory(
        title="Oud maar actief",
        created_at=now - timedelta(days=30),
        last_activity_at=now,
        start_date=today + timedelta(days=60),
    )
    ProjectFactory(
        title="Nieuw",
        created_at=now,
        last_activity_at=now - timedelta(days=5),
        start_date=today + timedelta(days=3),
    )
    ProjectFactory(
        title="Uitgelicht",
        is_featured=True,
        created_at=now - timedelta(days=60),
        last_activity_at=now - timedelta(days=60),
        start_date=today - timedelta(days=10),
    )

    assert titles(client.get(URL)) == ["Uitgelicht", "Nieuw", "Oud maar actief"]
    assert titles(client.get(URL, {"sort": "newest"})) == [
        "Nieuw",
        "Oud maar actief",
        "Uitgelicht",
    ]
    assert titles(client.get(URL, {"sort": "active"})) == [
        "Oud maar actief",
        "Nieuw",
        "Uitgelicht",
    ]
    assert titles(client.get(URL, {"sort": "starting"})) == [
        "Nieuw",
        "Oud maar actief",
        "Uitgelicht",
    ]


def test_list_htmx_request_gets_only_the_results(client):
    ProjectFactory(title="Rekenen")

    response = client.get(URL, {"sector": "po"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert titles(response) == ["Rekenen"]
    assert "<form" not in html
    assert 'data-hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in [part.strip() for part in response["Vary"].split(",")]


def test_list_keeps_the_filters_in_page_links(client):
    for n in range(13):
        ProjectFactory(title=f"Project {n:02}", sectors=["po"])

    response = client.get(URL, {"sector": "po", "q": ""})

    assert len(titles(response)) == 12
    assert 'href="?sector=po&amp;page=2"' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"sector": "xx"},
        {"status": "<script>"},
        {"sort": "random()"},
        {"page": "999"},
        {"page": "-1"},
        {"q": "x" * 5000},
        {"tag": "y" * 5000},
        {"q": "'); DROP TABLE projects_project; --"},
        {"q": "a:* & !b | (c"},
    ],
)
def test_list_with_hostile_filters_still_shows(client, params):
    ProjectFactory(title="Rekenen")

    response = client.get(URL, params)

    assert response.status_code == 200


def test_list_with_a_nul_byte_is_a_bad_request(client):
    assert client.get(URL, {"q": "reken\x00"}).status_code == 400


def test_list_empty_state_says_what_to_do(client):
    html = client.get(URL).content.decode()

    assert "There are no projects yet." in html
    assert '<a href="/projects/new/">Start a project yourself</a>' in html


def _list_queries(client, count: int, *, team: int = 2) -> int:
    for _ in range(count):
        project = ProjectFactory()
        for _ in range(team - 1):
            add_member(project, MemberFactory())
    queries, response = queries_of(client, URL)
    assert (response.status_code, len(titles(response))) == (200, min(count, 12))
    return queries


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_list_query_count_is_the_same_for_one_and_many_projects(client, viewer):
    if viewer == "member":
        client.force_login(MemberFactory())
    one = _list_queries(client, 1)
    many = _list_queries(client, 14, team=5)

    # The count and the page (each project with its team's sectors); members
    # add the session, their user and their profile.
    assert (one, many) == ((2, 2) if viewer == "anonymous" else (5, 5))


# The list's search, filters, sorts and pages, each as a visitor and as a member.
LIST_VARIANTS = [
    {"q": "rekenen"},
    {"q": "overstaplessen", "sort": "newest"},
    {"sector": "po"},
    {"transition": "po-vo"},
    {"activity": "teaching"},
    {"status": "looking"},
    {"tag": "rekenen"},
    {"sort": "starting"},
    {"sort": "active"},
    {"q": "grens", "sector": "vo", "status": "looking", "tag": "rekenen", "sort": "active"},
]


def _variant_queries(client, count: int, params: dict) -> tuple[int, int]:
    """(queries, cards) of the list with ``params`` after adding ``count`` matching projects
    (each with a team of three, looking for primary-school people).
    """
    for _ in range(count):
        project = ProjectFactory(looking_for_sectors=[Sector.PO])
        for _ in range(2):
            add_member(project, MemberFactory())
    queries, response = queries_of(client, URL, **params)
    assert response.status_code == 200
    return queries, len(titles(response))


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
@pytest.mark.parametrize("params", LIST_VARIANTS, ids="&".join)
def test_list_variant_query_count_is_the_same_for_one_and_many_projects(client, viewer, params):
    if viewer == "member":
        client.force_login(MemberFactory())

    one = _variant_queries(client, 1, params)
    many = _variant_queries(client, 13, params)

    # The count and the page; members add the session, their user and their profile.
    queries = 2 if viewer == "anonymous" else 5
    assert (one, many) == ((queries, 1), (queries, 12))


def test_list_looking_for_my_sector_query_count_is_the_same_for_one_and_many(client):
    client.force_login(MemberFactory(profile__primary_sector=Sector.PO))

    one = _variant_queries(client, 1, {"mine": "on"})
    many = _variant_queries(client, 13, {"mine": "on"})

    assert (one, many) == ((5, 1), (5, 12))


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_list_second_page_query_count_is_the_same_for_a_few_and_many_projects(client, viewer):
    if viewer == "member":
        client.force_login(MemberFactory())

    few = _variant_queries(client, 13, {"page": "2"})
    many = _variant_queries(client, 20, {"page": "2"})

    queries = 2 if viewer == "anonymous" else 5
    assert (few, many) == ((queries, 1), (queries, 12))


@pytest.mark.parametrize("count", [1, 14])
def test_list_htmx_query_count_is_the_same_for_one_and_many_projects(
    client, django_assert_num_queries, count
):
    for _ in range(count):
        ProjectFactory()

    # The count and the page.
    with django_assert_num_queries(2):
        response = client.get(URL, headers={"HX-Request": "true"})

    assert len(titles(response)) == min(count, 12)


# The project page -------------------------------------------------------------------------


def test_detail_shows_description_team_mix_dates_and_looking_for(client):
    client.force_login(MemberFactory())
    project = ProjectFactory(
        title="Rekenen",
        description="We maken **drie** lessen.\n\n<script>alert(1)</script>",
        start_date=date(2026, 12, 1),
        end_date=date(2027, 6, 30),
        looking_for_sectors=["vo"],
        looking_for_roles=["teacher"],
        looking_for_text="Een docent wiskunde",
        lead__name="Sanne de Vries",
        lead__profile__primary_sector=Sector.PO,
    )
    add_member(project, MemberFactory(name="Jeroen Bakker", profile__primary_sector=Sector.VO))

    html = client.get(project.get_absolute_url()).content.decode()

    assert "<strong>drie</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "From 1 December 2026 to 30 June 2027" in html
    assert 'aria-label="Sector mix of the team: po 1, vo 1"' in html
    assert "Sanne de Vries</a>" in html
    assert "Jeroen Bakker</a>" in html
    assert "Een docent wiskunde" in html
    assert "Cross-sector</span>" in html


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("visitor", "Log in to join"),
        ("outsider", "Ask to join"),
        ("requested", "Withdraw my request"),
        ("invited", "No, thank you"),
        ("team", "You are on the team"),
        ("lead", "You lead this project"),
        ("full", "The team is full"),
        ("completed", "This project is completed and takes no new team members."),
    ],
)
def test_detail_join_button_is_in_the_right_state_for_the_viewer(client, state, expected):
    project = ProjectFactory(
        max_team_size=2 if state == "full" else None,
        status="completed" if state == "completed" else "looking",
    )
    viewer = MemberFactory()
    if state == "requested":
        add_member(project, viewer, status=Membership.Status.REQUESTED)
    elif state == "invited":
        add_member(project, viewer, status=Membership.Status.INVITED)
    elif state == "team":
        add_member(project, viewer)
    elif state == "lead":
        viewer = project.created_by
    elif state == "full":
        add_member(project, MemberFactory())
    if state != "visitor":
        client.force_login(viewer)

    html = client.get(project.get_absolute_url()).content.decode()

    assert expected in html


def test_detail_shows_visitors_the_names_of_public_profiles_only(client):
    project = ProjectFactory(lead__name="Sanne de Vries", lead__profile__visibility="public")
    add_member(project, MemberFactory(name="Jeroen Bakker"))  # members-only profile

    visitor = client.get(project.get_absolute_url()).content.decode()
    client.force_login(MemberFactory())
    member = client.get(project.get_absolute_url()).content.decode()

    assert ("Sanne de Vries</a>" in visitor, "Jeroen Bakker" in visitor) == (True, False)
    assert "A member of 't LEF" in visitor
    assert ("Sanne de Vries</a>" in member, "Jeroen Bakker</a>" in member) == (True, True)


def test_detail_for_leads_lists_the_requests_with_approve_and_decline(client):
    project = ProjectFactory()
    add_member(
        project,
        MemberFactory(name="Fatima El Amrani"),
        status=Membership.Status.REQUESTED,
        motivation="Ik ken de overstap van dichtbij.",
    )
    client.force_login(project.created_by)

    html = client.get(project.get_absolute_url()).content.decode()

    assert "1 request to join" in html
    assert "Ik ken de overstap van dichtbij." in html
    assert "Approve Fatima" in html


def test_detail_hides_hidden_updates_except_from_leads_and_says_former_member(client):
    project = ProjectFactory()
    post(project, project.created_by, "Zichtbaar nieuws")
    post(project, project.created_by, "Verborgen nieuws", is_hidden=True)
    post(project, None, "Van iemand die wegging")

    html = client.get(project.get_absolute_url()).content.decode()
    assert "Zichtbaar nieuws" in html
    assert "Verborgen nieuws" not in html
    assert "A former member" in html

    client.force_login(project.created_by)
    html = client.get(project.get_absolute_url()).content.decode()
    assert ("Hide this update" in html, "All updates, hidden ones too" in html) == (True, True)
    html = client.get(f"{project.get_absolute_url()}updates/").content.decode()
    assert "Verborgen nieuws" in html
    assert "Show this update again" in html


def _detail_queries(client, project_size: int, updates: int, viewer) -> int:
    project = ProjectFactory()
    for _ in range(project_size - 1):
        add_member(project, MemberFactory())
    for n in range(updates):
        post(project, project.created_by, f"Update {n}")
    add_member(project, MemberFactory(), status=Membership.Status.REQUESTED)
    add_member(project, MemberFactory(), status=Membership.Status.REQUESTED)
    if viewer == "lead":
        client.force_login(project.created_by)
    elif viewer == "member":
        client.force_login(MemberFactory())
    queries, response = queries_of(client, project.get_absolute_url())
    assert response.status_code == 200
    return queries


@pytest.mark.parametrize("viewer", ["anonymous", "member", "lead"])
def test_detail_query_count_is_the_same_for_a_small_and_a_large_team(client, viewer):
    small = _detail_queries(client, 1, 1, viewer)
    large = _detail_queries(client, 40, 12, viewer)

    # The project with the viewer's membership, the first of the team with the
    # team's mix (and, for leads, the first requests), the latest updates with
    # their authors; members add the session, their user and their profile.
    # The knowledge app's parts add one each: where the project started
    # (lef.hooks.object_links) and its results (knowledge/includes/project_results.html;
    # for a lead also the team's publishing setting).
    assert (small, large) == {"anonymous": (5, 5), "member": (8, 8), "lead": (9, 9)}[viewer]


def test_team_page_lists_everyone_in_a_fixed_number_of_queries(client):
    project = ProjectFactory()
    one, _response = queries_of(client, f"{project.get_absolute_url()}team/")
    for _ in range(30):
        add_member(project, MemberFactory())

    many, response = queries_of(client, f"{project.get_absolute_url()}team/")

    # The project; the page of the team with everyone's sectors (the mix and the size).
    assert (one, many) == (2, 2)
    assert "31 people on the team" in response.content.decode()


def _team_queries_for_a_lead(client, size: int, waiting: int) -> int:
    project = ProjectFactory()
    for _ in range(size - 1):
        add_member(project, MemberFactory())
    for _ in range(waiting):
        add_member(project, MemberFactory(), status=Membership.Status.REQUESTED)
        add_member(project, MemberFactory(), status=Membership.Status.INVITED)
    client.force_login(project.created_by)
    queries, response = queries_of(client, f"{project.get_absolute_url()}team/")
    assert response.content.decode().count('name="decision" value="approve"') == waiting
    return queries


def test_team_page_for_a_lead_costs_the_same_for_one_and_many_people_and_requests(client):
    one = _team_queries_for_a_lead(client, 1, 1)
    many = _team_queries_for_a_lead(client, 30, 5)

    # Session, user, profile, the project; the page of the team with the
    # team's mix, the requests and invitations.
    assert (one, many) == (5, 5)


def test_team_page_of_150_people_shows_24_with_their_buttons(client):
    project = ProjectFactory()
    for _ in range(149):
        add_member(project, MemberFactory())
    client.force_login(project.created_by)

    queries, response = queries_of(client, f"{project.get_absolute_url()}team/")

    html = response.content.decode()
    assert queries == 5
    assert "150 people on the team" in html
    assert html.count('<li class="col-12 col-md-6">') == 24
    assert html.count('value="remove"') == 23  # not for the lead themself


def test_updates_page_query_count_is_the_same_for_one_and_many_updates(client):
    project = ProjectFactory()
    post(project, project.created_by)
    url = f"{project.get_absolute_url()}updates/"
    one, _response = queries_of(client, url)
    for n in range(25):
        post(project, MemberFactory(), f"Update {n}")

    many, response = queries_of(client, url)

    # The project, the count, the page of updates with their authors.
    assert (one, many) == (3, 3)
    assert response.content.decode().count('class="lef-update lef-card') == 20


def test_team_page_pages_the_team_leads_first_then_who_joined_first(client):
    project = ProjectFactory(lead__name="Lea Lead")
    start = timezone.now() - timedelta(days=30)
    for n in range(25):
        membership = add_member(project, MemberFactory(name=f"Lid {n:02}"))
        Membership.objects.filter(pk=membership.pk).update(joined_at=start + timedelta(days=n))
    url = f"{project.get_absolute_url()}team/"
    client.force_login(MemberFactory())

    first = client.get(url).content.decode()
    second = client.get(f"{url}?page=2").content.decode()
    beyond = client.get(f"{url}?page=9").content.decode()

    names = re.compile(r'class="fw-semibold"[^>]*>([^<]+)<')
    assert names.findall(first) == ["Lea Lead", *(f"Lid {n:02}" for n in range(23))]
    assert names.findall(second) == ["Lid 23", "Lid 24"]
    assert names.findall(beyond) == names.findall(second)
    assert "26 people on the team" in first


def test_team_page_gives_leads_a_button_row_per_person_and_one_token(client):
    project = ProjectFactory(lead__name="Lea Lead")
    lead = project.created_by
    jan = add_member(project, MemberFactory(name="Jan de Boer"))
    asker = add_member(
        project, MemberFactory(name="Ada Vraag"), status=Membership.Status.REQUESTED
    )
    url = f"{project.get_absolute_url()}team/"
    client.force_login(lead)

    page = client.get(url).content.decode()
    again = client.get(url).content.decode()

    # Jan's buttons send the team form to his own address; the lead has none for themself.
    team_form = page[page.index('id="members-title"') :]
    assert team_form.count('name="csrfmiddlewaretoken"') == 1
    assert team_form.count(f'formaction="{url}{jan.pk}/"') == 2
    assert ">Remove Jan</button>" in team_form
    assert team_form.count("formaction=") == 2
    # The request's answer is its own form, with the leads' message box inside it.
    decide = f'action="{project.get_absolute_url()}requests/{asker.pk}/"'
    form = page[page.index(decide) : page.index("</form>", page.index(decide))]
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'id="message-{asker.pk}"' in form
    assert 'name="decision" value="approve"' in form
    # The rows are the same HTML each time; only the tokens and nonces differ.
    tokens = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]+"')
    assert tokens.sub("", page) == tokens.sub("", again)

    client.force_login(jan.member)
    member_view = client.get(url).content.decode()
    assert "formaction=" not in member_view
    assert decide not in member_view


def test_updates_page_pages_the_updates(client):
    project = ProjectFactory()
    for n in range(25):
        post(project, project.created_by, f"Update nummer {n}")

    first = client.get(f"{project.get_absolute_url()}updates/").content.decode()
    second = client.get(f"{project.get_absolute_url()}updates/", {"page": 2}).content.decode()

    assert ("Update nummer 24" in first, "Update nummer 4" in first) == (True, False)
    assert "Update nummer 4" in second


# What people see right after a change, whatever made it --------------------------------


def test_the_list_shows_a_bulk_update_at_once(client):
    project = ProjectFactory(title="Oude titel")
    assert titles(client.get(URL)) == ["Oude titel"]

    Project.objects.filter(pk=project.pk).update(title="Nieuwe titel")

    assert titles(client.get(URL)) == ["Nieuwe titel"]


def test_the_list_card_shows_the_new_team_mix_after_a_join_and_a_deletion(client):
    project = ProjectFactory(lead__profile__primary_sector="po")
    assert 'aria-label="Sector mix of the team: po 1"' in client.get(URL).content.decode()

    joined = add_member(project, MemberFactory(profile__primary_sector="ho"))
    assert 'aria-label="Sector mix of the team: po 1, ho 1"' in client.get(URL).content.decode()

    Membership.objects.filter(pk=joined.pk).delete()
    assert 'aria-label="Sector mix of the team: po 1"' in client.get(URL).content.decode()


def test_the_project_page_shows_a_renamed_team_member_and_a_new_update_at_once(client):
    project = ProjectFactory()
    member = MemberFactory(name="Jeroen Bakker")
    add_member(project, member)
    client.force_login(MemberFactory())
    assert "Jeroen Bakker</a>" in client.get(project.get_absolute_url()).content.decode()

    User.objects.filter(pk=member.pk).update(name="Jeroen de Bakker")
    services.post_update(project=project, author=member, text="Vers nieuws")

    html = client.get(project.get_absolute_url()).content.decode()
    assert ("Jeroen de Bakker</a>" in html, "Jeroen Bakker</a>" in html) == (True, False)
    assert "Vers nieuws" in html


def test_the_project_page_forgets_a_deleted_update_and_a_deactivated_member(client):
    project = ProjectFactory()
    member = MemberFactory(name="Jeroen Bakker")
    add_member(project, member)
    update = post(project, project.created_by, "Weg ermee")
    client.force_login(MemberFactory())

    ProjectUpdate.objects.filter(pk=update.pk).delete()
    User.objects.filter(pk=member.pk).update(is_active=False)

    html = client.get(project.get_absolute_url()).content.decode()
    assert ("Weg ermee" in html, "Jeroen Bakker" in html) == (False, False)


def test_the_project_page_follows_a_profile_made_public(client):
    project = ProjectFactory()
    member = MemberFactory(name="Jeroen Bakker")  # members-only profile
    add_member(project, member)
    assert "Jeroen Bakker" not in client.get(project.get_absolute_url()).content.decode()

    Profile.objects.filter(user=member).update(visibility=Profile.Visibility.PUBLIC)

    assert "Jeroen Bakker</a>" in client.get(project.get_absolute_url()).content.decode()


# Starting and editing ---------------------------------------------------------------------


def test_start_a_project_through_the_form(client, po_teacher):
    response = client.post("/projects/new/", _start_data())

    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/projects/rekenen-van-groep-8-naar-de-brugklas/"
    assert (project.tags, project.max_team_size, project.start_date) == (
        ["rekenen", "groep 8"],
        8,
        date(2026, 12, 1),
    )
    assert Membership.objects.leads().get(project=project).member == po_teacher


def test_start_a_project_with_an_image_stores_clean_renditions(
    client, po_teacher, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("klas.png", image_bytes("PNG", size=(1600, 900)), "image/png")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/projects/new/", _start_data(image=upload))

    project = Project.objects.get()
    assert [name.rsplit("-", 1)[1] for name in file_names(project.image)] == [
        "480.webp",
        "960.webp",
    ]
    html = client.get(project.get_absolute_url()).content.decode()
    assert f"/media/{project.image}-960.webp" in html


def test_start_a_project_with_a_fake_image_is_a_form_error(client, po_teacher):
    upload = SimpleUploadedFile("klas.png", b"<?php echo 1; ?>", "image/png")

    response = client.post("/projects/new/", _start_data(image=upload))

    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [
        "This file is not a JPEG, PNG or WebP image. "
        "Please choose an image in one of those formats."
    ]
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 10_000}, "title"),
        ({"title": "Rekenen\u202e"}, "title"),
        ({"summary": "y" * 100_000}, "summary"),
        ({"description": "z" * 10_001}, "description"),
        ({"start_date": "1899-01-01"}, "start_date"),
        ({"end_date": "99999-12-31"}, "end_date"),
        ({"start_date": "2027-01-01", "end_date": "2026-01-01"}, "end_date"),
        ({"max_team_size": "1"}, "max_team_size"),
        ({"max_team_size": "99999999999999999999"}, "max_team_size"),
        ({"max_team_size": "tien"}, "max_team_size"),
        ({"sectors": ["xx"]}, "sectors"),
        ({"status": "deleted"}, "status"),
        ({"visibility": "everyone"}, "visibility"),
        ({"tags": ", ".join(f"tag {n}" for n in range(40))}, "tags"),
        ({"looking_for_roles": ["admin"]}, "looking_for_roles"),
    ],
)
def test_start_form_refuses_bad_input_with_a_message_and_400(client, po_teacher, changes, field):
    response = client.post("/projects/new/", _start_data(**changes))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert Project.objects.count() == 0


def test_edit_by_the_lead_saves_and_keeps_the_address(client):
    project = ProjectFactory(slug="oude-naam")
    client.force_login(project.created_by)

    response = client.post(f"{project.get_absolute_url()}edit/", _start_data(title="Nieuw"))

    project.refresh_from_db()
    assert response["Location"] == "/projects/oude-naam/"
    assert project.title == "Nieuw"


def test_edit_cannot_lower_the_maximum_below_the_team(client):
    project = ProjectFactory()
    add_member(project, MemberFactory())
    add_member(project, MemberFactory())
    client.force_login(project.created_by)

    response = client.post(f"{project.get_absolute_url()}edit/", _start_data(max_team_size="2"))

    assert response.status_code == 400
    assert response.context["form"].errors["max_team_size"] == [
        "The team already has 3 members; the maximum cannot be lower."
    ]


# Joining, answering and running the team through the pages --------------------------------


def test_ask_to_join_then_the_lead_approves(client, django_capture_on_commit_callbacks):
    project = ProjectFactory(lead__email="lead@school.example")
    asker = MemberFactory(email="asker@school.example")
    client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{project.get_absolute_url()}join/", {"motivation": "Graag"})
    assert response.status_code == 302
    membership = Membership.objects.get(project=project, member=asker)

    client.force_login(project.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{project.get_absolute_url()}requests/{membership.pk}/",
            {"decision": "approve", "message": "Welkom"},
        )

    membership.refresh_from_db()
    assert (response.status_code, membership.status) == (302, "active")
    assert [m.to for m in mail.outbox] == [["lead@school.example"], ["asker@school.example"]]


def test_a_refused_action_shows_the_reason_with_its_status(client):
    project = ProjectFactory(max_team_size=2)
    add_member(project, MemberFactory())
    request = add_member(project, MemberFactory(), status=Membership.Status.REQUESTED)
    client.force_login(project.created_by)

    response = client.post(
        f"{project.get_absolute_url()}requests/{request.pk}/", {"decision": "approve"}
    )

    assert response.status_code == 409
    assert "The team is full: it has room for 2 people." in response.content.decode()


def test_someone_elses_ids_are_not_found(client):
    mine = ProjectFactory()
    other = ProjectFactory()
    foreign = add_member(other, MemberFactory(), status=Membership.Status.REQUESTED)
    foreign_update = post(other, other.created_by)
    client.force_login(mine.created_by)

    decided = client.post(
        f"{mine.get_absolute_url()}requests/{foreign.pk}/", {"decision": "approve"}
    )
    hidden = client.post(
        f"{mine.get_absolute_url()}updates/{foreign_update.pk}/hide/", {"hidden": "1"}
    )
    changed = client.post(f"{mine.get_absolute_url()}team/{foreign.pk}/", {"action": "remove"})

    assert (decided.status_code, hidden.status_code, changed.status_code) == (404, 404, 404)
    foreign.refresh_from_db()
    assert foreign.status == "requested"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("requests/{request}/", {"decision": "maybe"}),
        ("requests/{request}/", {"decision": "approve", "message": "x" * 5000}),
        ("team/{team}/", {"action": "promote-to-admin"}),
        ("updates/{update}/hide/", {"hidden": "\x00"}),
        ("moderate/", {"action": "delete"}),
    ],
)
def test_bad_post_data_is_a_400_and_changes_nothing(client, path, data):
    project = ProjectFactory()
    request = add_member(project, MemberFactory(), status=Membership.Status.REQUESTED)
    team = add_member(project, MemberFactory())
    update = post(project, project.created_by)
    client.force_login(CoordinatorFactory() if path == "moderate/" else project.created_by)
    ids = {"request": request.pk, "team": team.pk, "update": update.pk}

    response = client.post(f"{project.get_absolute_url()}{path.format(**ids)}", data)

    assert response.status_code == 400
    assert sorted(Membership.objects.filter(project=project).values_list("status", flat=True)) == [
        "active",
        "active",
        "requested",
    ]


def test_leave_as_the_last_lead_names_the_next_lead(client):
    project = ProjectFactory()
    successor = MemberFactory(username="opvolger", name="Jeroen Bakker")
    add_member(project, successor)
    client.force_login(project.created_by)

    page = client.get(f"{project.get_absolute_url()}leave/").content.decode()
    response = client.post(f"{project.get_absolute_url()}leave/", {"new_lead": "opvolger"})

    assert "Who takes over as lead?" in page
    assert '<option value="opvolger">Jeroen Bakker</option>' in page
    assert response.status_code == 302
    assert Membership.objects.leads().get(project=project).member == successor


def test_post_an_update_with_an_image_and_a_lead_hides_it(
    client, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    member = MemberFactory()
    add_member(project, member)
    client.force_login(member)
    upload = SimpleUploadedFile("foto.jpg", image_bytes("JPEG", size=(800, 600)), "image/jpeg")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{project.get_absolute_url()}updates/", {"text": "Eerste les!", "image": upload}
        )

    update = ProjectUpdate.objects.get()
    assert response.status_code == 302
    assert (update.text, bool(update.image)) == ("Eerste les!", True)
    client.force_login(project.created_by)
    client.post(f"{project.get_absolute_url()}updates/{update.pk}/hide/", {"hidden": "1"})
    update.refresh_from_db()
    assert update.is_hidden is True


def test_an_empty_update_is_a_400_with_the_message_on_the_form(client):
    project = ProjectFactory()
    client.force_login(project.created_by)

    response = client.post(f"{project.get_absolute_url()}updates/", {"text": "   "})

    assert response.status_code == 400
    assert response.context["update_form"].errors == {"text": ["This field is required."]}


def test_invite_page_finds_members_by_name_and_invites(client):
    project = ProjectFactory(tags=["rekenen"])
    MemberFactory(name="Jeroen Bakker", username="jeroen")
    MemberFactory(name="Pieter Jansen", profile__expertise=["rekenen"])
    client.force_login(project.created_by)

    page = client.get(f"{project.get_absolute_url()}invite/", {"q": "jer"}).content.decode()
    response = client.post(f"{project.get_absolute_url()}invite/", {"member": "jeroen"})

    assert "Invite Jeroen" in page
    assert "Invite Pieter" in page  # suggested: shares the project's tag
    assert response.status_code == 302
    assert Membership.objects.get(project=project, member__username="jeroen").status == "invited"


def test_invite_someone_unknown_is_a_403_with_a_message(client):
    project = ProjectFactory()
    client.force_login(project.created_by)

    response = client.post(f"{project.get_absolute_url()}invite/", {"member": "niemand"})

    assert response.status_code == 403
    assert "This member cannot be found." in response.content.decode()


def test_a_coordinator_features_and_archives_on_the_site(client):
    project = ProjectFactory()
    client.force_login(CoordinatorFactory())

    client.post(f"{project.get_absolute_url()}moderate/", {"action": "feature"})
    client.post(f"{project.get_absolute_url()}moderate/", {"action": "archive"})

    project.refresh_from_db()
    assert (project.is_featured, project.status) == (True, "archived")


def test_removing_someone_asks_first_then_removes(client, django_capture_on_commit_callbacks):
    project = ProjectFactory()
    member = MemberFactory(name="Jeroen Bakker", email="jeroen@school.example")
    membership = add_member(project, member)
    client.force_login(project.created_by)
    url = f"{project.get_absolute_url()}team/{membership.pk}/"

    asked = client.post(url, {"action": "remove"})
    membership.refresh_from_db()
    assert (asked.status_code, membership.status) == (200, "active")
    assert "Remove Jeroen Bakker from the team?" in asked.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"action": "remove", "confirm": "yes"})

    membership.refresh_from_db()
    assert (done.status_code, membership.status) == (302, "removed")
    assert [m.to for m in mail.outbox] == [["jeroen@school.example"]]


@pytest.mark.parametrize(
    ("path", "data", "who"),
    [
        ("join/", {"motivation": "x" * 5000}, "outsider"),
        ("updates/", {"text": "y" * 50_000}, "lead"),
        ("invite/", {"member": "z" * 500}, "lead"),
        ("invite/", {"member": "niet een gebruikersnaam!"}, "lead"),
        ("leave/", {"new_lead": "iemand-anders"}, "lead"),
        ("requests/999999999/", {"decision": "approve"}, "lead"),
        ("membership/abc/answer/", {"decision": "accept"}, "outsider"),
    ],
)
def test_hostile_posts_get_a_4xx_and_change_nothing(client, path, data, who):
    project = ProjectFactory()
    add_member(project, MemberFactory())
    client.force_login(MemberFactory() if who == "outsider" else project.created_by)
    before = sorted(Membership.objects.values_list("member_id", "status"))

    response = client.post(f"{project.get_absolute_url()}{path}", data)

    assert 400 <= response.status_code < 500
    assert sorted(Membership.objects.values_list("member_id", "status")) == before
    assert ProjectUpdate.objects.count() == 0


def test_the_personal_data_export_holds_the_members_projects(client):
    member = MemberFactory(username="sanne")
    project = ProjectFactory(title="Rekenen")
    add_member(project, member, motivation="Graag!")
    post(project, member, "Mijn eerste update")
    client.force_login(member)

    data = client.get("/members/me/export/", {"download": "1"}).json()

    assert [(m["project"], m["status"]) for m in data["projects"]["memberships"]] == [
        ("Rekenen", "active")
    ]
    assert [u["text"] for u in data["projects"]["updates"]] == ["Mijn eerste update"]


def _tag_markup(source: str, **context) -> str:
    return Template("{% load i18n avatars lef_tags %}" + source).render(Context(context))


def _squeezed(html: str) -> str:
    """``html`` without the whitespace between tags (the page indents differently)."""
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_team_rows_and_updates_write_avatars_and_badges_as_the_tags_do(client, language):
    # The project page, the team page and the updates page write the avatar and
    # the sector badge out in their loops (a tag per row cost more than the row):
    # the same markup as {% avatar %} and {% sector_badge %}, for a member with a
    # photo, one without, and someone a visitor may not see.
    project = ProjectFactory(lead__name="Anna de Wit", lead__profile__primary_sector=Sector.HO)
    lead = project.memberships.get().member
    Profile.objects.filter(user=lead).update(
        avatar=f"avatars/ab/{'c' * 32}", visibility=Profile.Visibility.PUBLIC
    )
    lead.profile.refresh_from_db()
    hidden = MemberFactory(name="Bram Kok", profile__primary_sector=Sector.OTHER)
    Profile.objects.filter(user=hidden).update(visibility=Profile.Visibility.MEMBERS)
    add_member(project, hidden)
    post(project, lead)
    post(project, hidden)
    headers = {"accept-language": language}
    base = f"/projects/{project.slug}/"

    with translation.override(language):
        badges = [_tag_markup("{% sector_badge code %}", code=code) for code in ("ho", "other")]
        photo = "{% avatar profile SIZE name_shown=True %}"
        photos = {
            size: _tag_markup(photo.replace("SIZE", str(size)), profile=lead.profile)
            for size in (32, 40, 48)
        }
        nobody = {
            size: _tag_markup(f"{{% avatar None {size} name_shown=True %}}") for size in (32, 40)
        }
        initials = _tag_markup("{% avatar profile 48 name_shown=True %}", profile=hidden.profile)
    visitor = {
        path: client.get(base + path, headers=headers).content.decode()
        for path in ("", "updates/")
    }
    client.force_login(lead)
    member = {
        path: client.get(base + path, headers=headers).content.decode()
        for path in ("", "team/", "updates/")
    }

    assert "ho" in badges[0]
    assert photos[40].startswith("<img")
    for page in (visitor[""], member[""]):
        assert photos[40] in page
        assert f"{badges[0]} " in page
        assert f"{badges[1]} " in page
    assert nobody[40] in visitor[""]
    assert "Bram Kok" not in visitor[""]
    assert initials in member["team/"]
    assert photos[48] in member["team/"]
    assert badges[0] in member["team/"]
    assert badges[1] in member["team/"]
    for page in (visitor[""], visitor["updates/"], member[""], member["updates/"]):
        assert photos[32] in page
    assert nobody[32] in visitor["updates/"]
    assert ">Bram Kok</a>" in member["updates/"]
