"""The project list's search forgives: any of the words, those matching every word first.

"wiskunde brugklas" finds every project that mentions either word (before: only
those that mention both); one word finds what it found before.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.helpers import queries_of
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

URL = "/projects/"


def titles(response) -> list[str]:
    return [project.title for project in response.context["page_obj"]]


def project(title, *, summary="", tags=(), days_ago=0, **fields):
    return ProjectFactory(
        title=title,
        summary=summary,
        description="",
        tags=list(tags),
        created_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture
def maths_and_first_years():
    """A project on each word, one on both (the oldest, each word once), one on neither."""
    project(
        "Alleen wiskunde", tags=["wiskunde"], summary="Wiskunde, wiskunde en nog eens wiskunde."
    )
    project("Beide", summary="Wiskunde in de brugklas.", days_ago=30)
    project("Alleen brugklas", summary="Mentoren van de brugklas.", days_ago=1)
    project("Geen van beide", tags=["taal"], summary="Lezen en schrijven.")


@pytest.mark.usefixtures("maths_and_first_years")
def test_two_word_search_finds_either_word_both_first(client):
    response = client.get(URL, {"q": "wiskunde brugklas"})

    # By relevance alone, either project on one word (title, tag, summary) would lead.
    assert titles(response)[0] == "Beide"
    assert sorted(titles(response)) == ["Alleen brugklas", "Alleen wiskunde", "Beide"]
    assert "3 projects found" in response.content.decode()


@pytest.mark.usefixtures("maths_and_first_years")
def test_one_word_search_is_unchanged(client):
    assert titles(client.get(URL, {"q": "wiskunde"})) == ["Alleen wiskunde", "Beide"]
    assert titles(client.get(URL, {"q": "brugklas"})) == ["Alleen brugklas", "Beide"]
    assert titles(client.get(URL, {"q": "xylofoon"})) == []


@pytest.mark.usefixtures("maths_and_first_years")
def test_two_word_search_with_a_sort_keeps_the_sort(client):
    response = client.get(URL, {"q": "wiskunde brugklas", "sort": "newest"})

    assert titles(response) == ["Alleen wiskunde", "Alleen brugklas", "Beide"]


def test_compound_parts_count_as_words(client):
    project("Leerkring", summary="Samen praktijkonderzoek doen.")
    project("Reken", tags=["rekenvaardigheid"])
    project("Allebei", summary="Praktijkonderzoek naar rekenvaardigheid.", days_ago=9)

    response = client.get(URL, {"q": "onderzoek vaardigheid"})

    assert titles(response)[0] == "Allebei"
    assert sorted(titles(response)) == ["Allebei", "Leerkring", "Reken"]


def test_broad_search_puts_every_word_first_then_the_lists_order(client, monkeypatch):
    """Past RANK_AT_MOST matches: every word first, each part featured first, then newest."""
    project("Beide oud", summary="Wiskunde in de brugklas.", days_ago=40)
    project("Beide nieuw", summary="Wiskunde in de brugklas.", days_ago=20)
    project("Wiskunde uitgelicht", tags=["wiskunde"], is_featured=True, days_ago=60)
    project("Brugklas nieuw", tags=["brugklas"])
    project("Wiskunde oud", tags=["wiskunde"], days_ago=10)
    project("Taal", tags=["taal"])
    monkeypatch.setattr("projects.queries.RANK_AT_MOST", 1)

    response = client.get(URL, {"q": "wiskunde brugklas"})

    assert titles(response) == [
        "Beide nieuw",
        "Beide oud",
        "Wiskunde uitgelicht",
        "Brugklas nieuw",
        "Wiskunde oud",
    ]
    assert "5 projects found" in response.content.decode()


def test_broad_search_pages_go_on_from_every_word_to_some(client, monkeypatch):
    for days_ago in range(2):
        project(f"Beide {days_ago}", summary="Wiskunde in de brugklas.", days_ago=days_ago)
    for days_ago in range(3):
        project(f"Een {days_ago}", tags=["brugklas"], days_ago=days_ago)
    monkeypatch.setattr("projects.queries.RANK_AT_MOST", 1)
    monkeypatch.setattr("projects.views.PROJECTS_PER_PAGE", 2)

    pages = [
        titles(client.get(URL, {"q": "wiskunde brugklas", "page": number}))
        for number in (1, 2, 3, 9)
    ]

    assert pages == [["Beide 0", "Beide 1"], ["Een 0", "Een 1"], ["Een 2"], ["Een 2"]]


@pytest.mark.parametrize("rank_at_most", [300, 0], ids=["ranked", "broad"])
@pytest.mark.parametrize("count", [1, 13])
def test_two_word_search_query_count_is_the_same_for_one_and_many(
    client, monkeypatch, count, rank_at_most
):
    monkeypatch.setattr("projects.queries.RANK_AT_MOST", rank_at_most)
    for number in range(count):
        project(f"Project {number}", summary="Wiskunde." if number % 2 else "De brugklas.")

    queries, response = queries_of(client, URL, q="wiskunde brugklas")

    # The count and the page (each project with its team's sectors).
    assert (queries, len(titles(response))) == (2, min(count, 12))
