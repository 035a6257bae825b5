"""Full-text search in the directory: Dutch stems, compound words, English, ranking, index.

What the search finds (members/search.py builds the document and the query):

* a part of a Dutch compound: "onderzoek" finds "praktijkonderzoek" (the document
  holds the word's tails), and a prefix does too: "praktijk" finds it;
* a Dutch inflection: "onderzoeken" finds "onderzoek" (Dutch stemming);
* "rekenen" finds "rekenvaardigheid": its Dutch stem "reken" is matched as a
  prefix of the compound; "vaardigheid" finds it as a tail;
* English: "research" and "researchers" find "practice-based research";
* names and organisations, unstemmed.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from members.models import Profile
from members.queries import directory
from members.search import build_query
from tests.factories import MemberFactory, OrganisationFactory

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
def test_search_needs_every_word():
    assert found("praktijkonderzoek groep") == ["Bio Praktijk"]
    assert found("praktijkonderzoek rekenen") == []


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


def test_search_condition_can_use_the_gin_index():
    """The ``@@`` condition is answerable by members_profile_search_gin.

    On a handful of rows PostgreSQL rightly prefers a sequential scan, so the
    planner is told to avoid it (and plain index scans) here. On 10 000 members
    it picks the GIN index by itself for selective searches; a word that
    matches most profiles is read faster sequentially.
    """
    MemberFactory(profile__expertise=["praktijkonderzoek"])
    # The condition alone: on a handful of rows the planner would otherwise pick
    # the narrow listed-profiles index for the rest of the directory's filter.
    profiles = Profile.objects.filter(search_vector=build_query("onderzoek")).values("pk")
    sql, params = profiles.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Bitmap Index Scan on members_profile_search_gin" in plan
