"""/knowledge/: the library's list, its filters, who sees what, and its query count."""

import datetime

import pytest
from django.utils import timezone

from knowledge.models import Result
from projects.models import Project
from tests.helpers import queries_of
from tests.knowledge.factories_library import ResultFactory
from tests.projects.factories import MemberFactory, ProjectFactory

pytestmark = pytest.mark.django_db

URL = "/knowledge/"


def titles(response) -> list[str]:
    return [result.title for result in response.context["page_obj"]]


def test_visitor_sees_only_public_results_of_public_projects(client):
    ResultFactory(title="Open")
    ResultFactory(title="Voor leden", visibility=Result.Visibility.MEMBERS)
    ResultFactory(
        title="Van een ledenproject",
        project=ProjectFactory(visibility=Project.Visibility.MEMBERS),
    )
    ResultFactory(title="Verborgen", hidden_at=timezone.now())

    response = client.get(URL, headers={"accept-language": "en"})

    assert response.status_code == 200
    assert titles(response) == ["Open"]
    assert "1 result found" in response.content.decode()


def test_member_sees_members_only_results_but_not_hidden_ones(client):
    ResultFactory(title="Open")
    ResultFactory(title="Voor leden", visibility=Result.Visibility.MEMBERS)
    ResultFactory(
        title="Van een ledenproject",
        project=ProjectFactory(visibility=Project.Visibility.MEMBERS),
    )
    ResultFactory(title="Verborgen", hidden_at=timezone.now())
    client.force_login(MemberFactory())

    response = client.get(URL)

    assert sorted(titles(response)) == ["Open", "Van een ledenproject", "Voor leden"]


def test_newest_first(client):
    now = timezone.now()
    ResultFactory(title="Oud", created_at=now - datetime.timedelta(days=30))
    ResultFactory(title="Nieuw", created_at=now)
    ResultFactory(title="Midden", created_at=now - datetime.timedelta(days=3))

    assert titles(client.get(URL)) == ["Nieuw", "Midden", "Oud"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "mbo"}, ["Mbo-gids"]),
        ({"transition": "vo-ho"}, ["Hbo-toets"]),
        ({"activity": "research"}, ["Hbo-toets"]),
        ({"kind": "tool"}, ["Mbo-gids"]),
        ({"licence": "cc0"}, ["Hbo-toets"]),
        ({"sector": "vo", "kind": "research"}, ["Hbo-toets"]),
        ({"sector": "po", "kind": "tool"}, []),
    ],
)
def test_filters(client, params, expected):
    ResultFactory(title="Basisles", sectors=["po", "vo"], transitions=["po-vo"])
    ResultFactory(
        title="Mbo-gids",
        sectors=["mbo"],
        transitions=["vo-mbo"],
        kind=Result.Kind.TOOL,
        licence=Result.Licence.CC_BY_SA,
    )
    ResultFactory(
        title="Hbo-toets",
        sectors=["vo", "ho"],
        transitions=["vo-ho"],
        core_activities=["research"],
        kind=Result.Kind.RESEARCH,
        licence=Result.Licence.CC0,
    )

    assert titles(client.get(URL, params)) == expected


def test_an_invalid_filter_is_switched_off_with_a_message(client):
    ResultFactory(title="Basisles")

    response = client.get(URL, {"sector": "kleuter"})

    assert response.status_code == 200
    assert titles(response) == ["Basisles"]
    assert response.context["form"].errors["sector"]


def test_cards_show_type_project_sectors_licence_and_date(client):
    result = ResultFactory(
        title="Rekenlessen",
        project=ProjectFactory(title="Rekenen over de grens", slug="rekenen-grens"),
        kind=Result.Kind.LESSON_MATERIAL,
        sectors=["po", "mbo"],
        licence=Result.Licence.CC_BY_NC,
        created_at=datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC),
    )

    html = client.get(URL, headers={"Accept-Language": "en"}).content.decode()

    assert f'<a href="/knowledge/{result.slug}/">Rekenlessen</a>' in html
    assert '<span class="badge lef-result-kind">Lesson material</span>' in html
    assert '<a href="/projects/rekenen-grens/">Rekenen over de grens</a>' in html
    assert 'class="badge lef-sector lef-sector-po"' in html
    assert 'class="badge lef-sector lef-sector-mbo"' in html
    assert "CC BY-NC</span>" in html
    assert 'title="CC BY-NC 4.0 (attribution, non-commercial)"' in html
    assert "Tue 3 Mar 2026" in html


def test_empty_library_says_what_to_do(client):
    html = client.get(URL, headers={"Accept-Language": "en"}).content.decode()

    assert "The library is still empty." in html
    assert 'href="/projects/"' in html


def test_empty_search_offers_to_clear_the_filters(client):
    ResultFactory(title="Basisles")

    html = client.get(URL, {"q": "xylofoon"}, headers={"Accept-Language": "en"}).content.decode()

    assert "No results match this search and these filters." in html
    assert 'href="/knowledge/">Clear all filters</a>' in html


def test_pages_of_twelve_keep_the_filters(client):
    for number in range(14):
        ResultFactory(title=f"Les {number}", kind=Result.Kind.TOOL)

    first = client.get(URL, {"kind": "tool"})
    second = client.get(URL, {"kind": "tool", "page": "2"})

    assert (len(titles(first)), len(titles(second))) == (12, 2)
    assert "?kind=tool&amp;page=2" in first.content.decode()


def test_navigation_links_to_the_library(client):
    html = client.get("/", headers={"Accept-Language": "nl"}).content.decode()

    assert 'href="/knowledge/"' in html


def test_htmx_request_gets_only_the_results(client):
    ResultFactory(title="Basisles")

    response = client.get(URL, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "Basisles" in html
    assert "<h1" not in html
    assert response["Vary"] == "HX-Request, Accept-Language, Cookie"


@pytest.mark.parametrize("count", [1, 3, 14])
def test_visitor_query_count_is_the_same_for_any_number_of_results(
    client, django_assert_num_queries, count
):
    for _ in range(count):
        ResultFactory()

    # The count and the page (each result with its project).
    with django_assert_num_queries(2):
        response = client.get(URL)

    assert len(titles(response)) == min(count, 12)


@pytest.mark.parametrize("count", [1, 3, 14])
def test_search_query_count_is_the_same_for_any_number_of_results(
    client, django_assert_num_queries, count
):
    for _ in range(count):
        ResultFactory(summary="Praktijkonderzoek in de klas.")

    with django_assert_num_queries(2):
        response = client.get(URL, {"q": "onderzoek klas", "sector": "po"})

    assert len(titles(response)) == min(count, 12)


@pytest.mark.parametrize("count", [1, 3])
def test_member_query_count_is_the_same_for_one_and_several_results(client, count):
    client.force_login(MemberFactory())
    ResultFactory()
    baseline, _ = queries_of(client, URL)
    for _ in range(count):
        ResultFactory()

    queries, response = queries_of(client, URL)

    assert queries == baseline
    assert len(titles(response)) == count + 1


def test_a_broad_search_is_counted_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("knowledge.queries.COUNT_AT_MOST", 3)
    for number in range(5):
        ResultFactory(title=f"Les {number}", summary="Rekenen in de klas.")
    ResultFactory(title="Anders", summary="Taal.")

    response = client.get(URL, {"q": "rekenen klas"}, headers={"Accept-Language": "en"})

    assert response.context["page_obj"].paginator.count == 3
    assert "More than 3 results found: add a word or a filter to find fewer." in (
        response.content.decode()
    )
    assert len(titles(response)) == 3
    assert set(titles(response)) <= {f"Les {number}" for number in range(5)}


def test_a_narrow_search_is_counted_exactly(client):
    ResultFactory(title="Les", summary="Rekenen.")

    response = client.get(URL, {"q": "rekenen"}, headers={"Accept-Language": "en"})

    assert response.context["page_obj"].paginator.capped is False
    assert "1 result found" in response.content.decode()
