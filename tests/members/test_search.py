"""Full-text search in the directory: Dutch stems, compound words, English, ranking, index.

What the search finds (members/search.py builds the document and the query):

* a part of a Dutch compound: "onderzoek" finds "praktijkonderzoek" (the document
  holds the word's tails), and a prefix does too: "praktijk" finds it;
* a Dutch inflection: "onderzoeken" finds "onderzoek" (Dutch stemming);
* "rekenen" finds "rekenvaardigheid": its Dutch stem "reken" is matched as a
  prefix of the compound; "vaardigheid" finds it as a tail;
* English: "research" and "researchers" find "practice-based research";
* names and organisations, unstemmed;
* any of the words: "wiskunde brugklas" finds who wrote either, both first.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from members.models import Profile
from members.queries import directory
from members.search import build_query, search_words
from tests.factories import MemberFactory, OrganisationFactory
from tests.helpers import queries_of

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    """Names of the members a signed-in member finds with ``text``, best first."""
    viewer = MemberFactory.build()  # unsaved, but authenticated: sees members-only too
    return [row["user__name"] for row in directory(viewer=viewer, q=text)]


@pytest.fixture
def members():
    MemberFactory(name="Expertise Praktijk", profile__expertise=["praktijkonderzoek"])
    MemberFactory(name="Bio Praktijk", profile__bio="Ik doe praktijkonderzoek in groep 8.")
    MemberFactory(name="Reken Lid", profile__expertise=["rekenvaardigheid"])
    MemberFactory(
        name="English Researcher",
        profile__bio="I lead practice-based research with teachers.",
    )
    MemberFactory(
        name="Anders Iemand",
        profile__bio="Ik geef les in taal.",
        profile__organisation=OrganisationFactory(name="Da Vinci College", slug="da-vinci"),
        profile__job_title="Teamleider",
    )


@pytest.mark.usefixtures("members")
@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A compound's tail matches at one weight (D) wherever it stands, so
        # the two tie and go by name ...
        ("onderzoek", ["Bio Praktijk", "Expertise Praktijk"]),
        ("onderzoeken", ["Bio Praktijk", "Expertise Praktijk"]),
        # ... while a whole word or its start ranks expertise (A) above bio (C).
        ("praktijk", ["Expertise Praktijk", "Bio Praktijk"]),
        ("Praktijkonderzoek", ["Expertise Praktijk", "Bio Praktijk"]),
        ("rekenen", ["Reken Lid"]),
        ("vaardigheid", ["Reken Lid"]),
        ("research", ["English Researcher"]),
        ("researchers", ["English Researcher"]),
        ("Vinci", ["Anders Iemand"]),
        ("teamleider", ["Anders Iemand"]),
        ("anders", ["Anders Iemand"]),
        ("xylofoon", []),
    ],
)
def test_search_finds_by_stems_compound_parts_and_english(text, names):
    assert found(text) == names


@pytest.mark.usefixtures("members")
def test_search_finds_any_word_those_matching_more_words_first():
    # "groep" is only in Bio Praktijk's bio: both words first, although a whole
    # word in expertise (A) ranks above the bio (C) for "praktijkonderzoek" alone.
    assert found("praktijkonderzoek groep") == ["Bio Praktijk", "Expertise Praktijk"]
    # Parts of compounds still count: each word finds its own members.
    assert sorted(found("onderzoek vaardigheid")) == [
        "Bio Praktijk",
        "Expertise Praktijk",
        "Reken Lid",
    ]
    assert found("praktijkonderzoek xylofoon") == ["Expertise Praktijk", "Bio Praktijk"]


@pytest.fixture
def maths_and_first_years():
    """Who wrote "wiskunde", who "brugklas", who both (only in her bio), and who neither."""
    MemberFactory(name="Alleen Wiskunde", profile__expertise=["wiskunde"])
    MemberFactory(
        name="Beide",
        profile__bio="Ik geef wiskunde in de brugklas.",
        profile__expertise=["taal"],
    )
    MemberFactory(name="Alleen Brugklas", profile__bio="Mentor van de brugklas.")
    MemberFactory(name="Geen Van Beide", profile__expertise=["taal"])


@pytest.mark.usefixtures("maths_and_first_years")
def test_two_word_search_finds_either_word_both_first():
    """The issue's search: none found before, although each word alone finds people."""
    assert found("wiskunde brugklas") == ["Beide", "Alleen Wiskunde", "Alleen Brugklas"]
    assert found("Brugklas, wiskunde!") == ["Beide", "Alleen Wiskunde", "Alleen Brugklas"]


@pytest.mark.usefixtures("maths_and_first_years")
def test_one_word_search_is_unchanged():
    # Expertise (A) above bio (C), as before; a repeated word is one word.
    assert found("wiskunde") == ["Alleen Wiskunde", "Beide"]
    assert found("wiskunde wiskunde") == ["Alleen Wiskunde", "Beide"]
    # Both in the bio, once: a tie, the most recently active first.
    assert found("brugklas") == ["Alleen Brugklas", "Beide"]
    assert search_words("Wiskunde wiskunde BRUGKLAS") == ["wiskunde", "brugklas"]


def test_broad_two_word_search_still_puts_both_words_first(client, monkeypatch):
    """Past RANK_AT_MOST matches there is no relevance, but both words still lead."""
    both = MemberFactory(
        name="Beide Woorden", profile__bio="Wiskunde in de brugklas.", profile__visibility="public"
    )
    for number in range(3):  # more recently active than the one with both words
        MemberFactory(
            name=f"Wiskunde {number}",
            profile__expertise=["wiskunde"],
            profile__visibility="public",
        )
    Profile.objects.filter(pk=both.pk).update(updated_at="2020-01-01T00:00:00Z")
    monkeypatch.setattr("members.queries.RANK_AT_MOST", 2)
    monkeypatch.setattr("members.queries.SEARCH_COUNT_AT_MOST", 3)

    response = client.get("/members/", {"q": "wiskunde brugklas"})

    assert [row["user__name"] for row in response.context["page_obj"]] == [
        "Beide Woorden",
        "Wiskunde 2",
        "Wiskunde 1",
        "Wiskunde 0",
    ]
    assert response.context["page_obj"].count_is_capped is True


def test_three_word_search_ranks_by_how_many_words_match():
    MemberFactory(name="Een", profile__expertise=["wiskunde"])
    MemberFactory(name="Drie", profile__bio="Wiskunde en rekenen in de brugklas.")
    MemberFactory(name="Twee", profile__bio="Rekenen in de brugklas.")

    assert found("wiskunde brugklas rekenen") == ["Drie", "Twee", "Een"]


def test_broad_search_pages_go_on_from_every_word_to_some(client, monkeypatch):
    """The pages of a broad search: every word first, then some, none twice, none lost."""
    for number in range(2):
        MemberFactory(
            name=f"Beide {number}",
            profile__bio="Wiskunde in de brugklas.",
            profile__visibility="public",
        )
    for number in range(3):
        MemberFactory(
            name=f"Een {number}", profile__expertise=["brugklas"], profile__visibility="public"
        )
    MemberFactory(name="Geen", profile__expertise=["taal"], profile__visibility="public")
    monkeypatch.setattr("members.queries.RANK_AT_MOST", 2)
    monkeypatch.setattr("members.views.directory.MEMBERS_PER_PAGE", 2)

    pages = [
        [row["user__name"] for row in client.get("/members/", {"q": text, "page": number})
         .context["page_obj"]]
        for text, number in [("wiskunde brugklas", 1), ("wiskunde brugklas", 2),
                             ("wiskunde brugklas", 3), ("wiskunde brugklas", 9)]
    ]  # fmt: skip

    assert pages == [["Beide 1", "Beide 0"], ["Een 2", "Een 1"], ["Een 0"], ["Een 0"]]


@pytest.mark.parametrize("rank_at_most", [300, 0], ids=["ranked", "broad"])
@pytest.mark.parametrize("rows", [1, 4])
def test_two_word_search_page_query_count_is_fixed(client, monkeypatch, rows, rank_at_most):
    monkeypatch.setattr("members.queries.RANK_AT_MOST", rank_at_most)
    for number in range(rows):
        MemberFactory(
            name=f"Lid {number}",
            profile__bio="Wiskunde in de brugklas." if number % 2 else "Wiskunde.",
            profile__visibility="public",
        )

    queries, response = queries_of(client, "/members/", q="wiskunde brugklas")

    # The organisations to filter on, the count, the page: as for one word.
    assert (queries, len(response.context["page_obj"])) == (3, rows)


@pytest.mark.usefixtures("members")
def test_search_ignores_query_syntax_in_the_text():
    assert found("praktijk & | ! :* ( ) '") == ["Expertise Praktijk", "Bio Praktijk"]
    # No words: no search; everyone, the most recently active first.
    assert sorted(found("!!! ***")) == [
        "Anders Iemand",
        "Bio Praktijk",
        "English Researcher",
        "Expertise Praktijk",
        "Reken Lid",
    ]


def test_search_by_visitor_finds_only_public_profiles():
    MemberFactory(name="Publiek", profile__expertise=["rekenen"], profile__visibility="public")
    MemberFactory(name="Besloten", profile__expertise=["rekenen"])

    names = [row["user__name"] for row in directory(viewer=AnonymousUser(), q="rekenen")]

    assert names == ["Publiek"]


def test_search_page_shows_results_by_rank(client):
    MemberFactory(name="Bio Lid", profile__bio="Over rekenen.", profile__visibility="public")
    MemberFactory(name="Zeta Expert", profile__expertise=["rekenen"], profile__visibility="public")

    response = client.get("/members/", {"q": "rekenen"})

    assert [row["user__name"] for row in response.context["page_obj"]] == [
        "Zeta Expert",
        "Bio Lid",
    ]


@pytest.mark.parametrize("text", ["onderzoek", "onderzoek wiskunde brugklas"])
def test_search_condition_can_use_the_gin_index(text):
    """The ``@@`` condition is answerable by members_profile_search_gin, for any words.

    On a handful of rows PostgreSQL rightly prefers a sequential scan, so the
    planner is told to avoid it (and plain index scans) here. On 10 000 members
    it picks the GIN index by itself for selective searches; a word that
    matches most profiles is read faster sequentially.
    """
    MemberFactory(profile__expertise=["praktijkonderzoek"])
    # The condition alone: on a handful of rows the planner would otherwise pick
    # the narrow listed-profiles index for the rest of the directory's filter.
    profiles = Profile.objects.filter(search_vector=build_query(text)).values("pk")
    sql, params = profiles.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Bitmap Index Scan on members_profile_search_gin" in plan
