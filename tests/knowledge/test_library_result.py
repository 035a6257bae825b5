"""/knowledge/<slug>/: a result's page, its citation, JSON-LD and who may open it."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from knowledge.models import Author, Result
from projects.models import Project
from tests.helpers import queries_of
from tests.knowledge.factories_library import ResultFactory, add_author, store_file
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import MemberFactory, ProjectFactory, add_member

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}


def page(client, result, **headers):
    return client.get(f"/knowledge/{result.slug}/", headers=headers or EN)


def json_ld(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert found is not None
    return json.loads(found.group(1))


@pytest.fixture
def result(settings):
    settings.LEF_SITE_URL = "https://lef.example.nl"
    project = ProjectFactory(title="Rekenen over de grens", slug="rekenen-grens")
    result = ResultFactory(
        project=project,
        title="Drie overstaplessen",
        slug="drie-overstaplessen",
        summary="Lessen voor groep 8 en de brugklas.",
        learned="We leerden **veel**.\n\n<script>alert(1)</script>",
        kind=Result.Kind.LESSON_MATERIAL,
        sectors=["po", "vo"],
        transitions=["po-vo"],
        core_activities=["teaching"],
        licence=Result.Licence.CC_BY_SA,
        created_at=datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC),
    )
    add_author(result, MemberFactory(name="Anna Jansen"), position=0)
    add_author(result, MemberFactory(name="Bert de Vries"), position=1)
    add_author(result, MemberFactory(name="Nog Niet"), position=2, agreed=False)
    return result


def test_page_shows_what_who_licence_and_project(client, result):
    html = page(client, result).content.decode()

    assert '<h1 id="result-title">Drie overstaplessen</h1>' in html
    assert '<a href="/projects/rekenen-grens/">Rekenen over de grens</a>' in html
    assert "Anna Jansen" in html
    assert "Bert de Vries" in html
    assert "Nog Niet" not in html  # asked, not agreed
    assert '<span class="badge lef-licence">CC BY-SA</span>' in html
    assert (
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/deed.en" rel="license noopener">'
        "CC BY-SA 4.0 (attribution, share alike)</a>"
    ) in html
    assert 'class="badge lef-sector lef-sector-po"' in html
    assert "Primary to secondary (po-vo)" in html
    assert "<strong>veel</strong>" in html
    assert "alert(1)" not in html


def test_dutch_page_links_the_dutch_deed(client, result):
    html = page(client, result, **{"Accept-Language": "nl"}).content.decode()

    assert "https://creativecommons.org/licenses/by-sa/4.0/deed.nl" in html


def test_citation_and_permanent_address(client, result):
    response = page(client, result)

    assert response.context["citation"] == (
        "Anna Jansen & Bert de Vries (2026). Drie overstaplessen. 't LEF. "
        "https://lef.example.nl/knowledge/drie-overstaplessen/"
    )
    html = response.content.decode()
    assert (
        '<textarea class="form-control lef-citation mb-2" id="citation" rows="4" readonly'
        ' aria-describedby="citation-copied">Anna Jansen &amp; Bert de Vries (2026).'
    ) in html
    assert 'data-lef-copy="citation"' in html
    assert '/static/js/copy.js"' in html
    assert (
        '<a href="https://lef.example.nl/knowledge/drie-overstaplessen/">'
        "https://lef.example.nl/knowledge/drie-overstaplessen/</a>"
    ) in html


def test_a_former_member_is_named_so(client, result):
    Author.objects.filter(member__name="Anna Jansen").update(member=None)

    response = page(client, result)

    assert "a former member" in response.content.decode()
    assert "Anna Jansen" not in response.content.decode()
    assert response.context["citation"].startswith("a former member & Bert de Vries (2026).")


def test_without_named_authors_the_project_is_cited(client, result):
    Author.objects.filter(result=result).delete()

    assert page(client, result).context["citation"].startswith("Rekenen over de grens (2026).")


def test_json_ld_describes_the_result(client, result):
    data = json_ld(page(client, result))

    assert data == {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": "https://lef.example.nl/knowledge/drie-overstaplessen/",
        "url": "https://lef.example.nl/knowledge/drie-overstaplessen/",
        "name": "Drie overstaplessen",
        "description": "Lessen voor groep 8 en de brugklas.",
        "dateCreated": "2026-03-03",
        "inLanguage": "nl",
        "publisher": {"@type": "Organization", "name": "'t LEF", "url": "https://lef.example.nl"},
        "isPartOf": {
            "@type": "CreativeWork",
            "name": "Rekenen over de grens",
            "url": "https://lef.example.nl/projects/rekenen-grens/",
        },
        "author": [
            {"@type": "Person", "name": "Anna Jansen"},
            {"@type": "Person", "name": "Bert de Vries"},
        ],
        "license": "https://creativecommons.org/licenses/by-sa/4.0/",
        "educationalLevel": ["Primary education (po)", "Secondary education (vo)"],
        "keywords": ["Primary to secondary (po-vo)", "Teaching"],
    }


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        (Result.Kind.RESEARCH, "ScholarlyArticle"),
        (Result.Kind.REPORT, "CreativeWork"),
        (Result.Kind.TOOL, "LearningResource"),
    ],
)
def test_json_ld_type_follows_the_kind(client, kind, schema_type):
    result = ResultFactory(kind=kind, licence=Result.Licence.ALL_RIGHTS_RESERVED)

    data = json_ld(page(client, result))

    assert data["@type"] == schema_type
    assert "license" not in data


def test_json_ld_cannot_close_its_script_element(client):
    result = ResultFactory(title="</script><script>alert(1)</script> & <!--")

    response = page(client, result)

    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    assert ">" not in block
    assert json_ld(response)["name"] == "</script><script>alert(1)</script> & <!--"
    # A data block is not code: the strict policy stays as it is.
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_file_name_type_size_and_download_link(client, result):
    store_file(result, b"%PDF-1.4 " + b"x" * 2000, file_type="pdf")

    html = page(client, result).content.decode()

    assert "drie-overstaplessen.pdf" in html
    assert "(PDF, 2.0\xa0KB)" in html
    assert 'href="/knowledge/drie-overstaplessen/download/"' in html


def test_an_unknown_result_is_a_404(client):
    assert client.get("/knowledge/bestaat-niet/").status_code == 404


def test_a_members_only_result_asks_a_visitor_to_log_in(client):
    result = ResultFactory(visibility=Result.Visibility.MEMBERS)

    response = page(client, result)

    assert response.status_code == 403
    assert "Log in" in response.content.decode()
    assert result.title not in response.content.decode()


def test_a_result_of_a_members_only_project_asks_a_visitor_to_log_in(client):
    result = ResultFactory(project=ProjectFactory(visibility=Project.Visibility.MEMBERS))

    assert page(client, result).status_code == 403


def test_a_member_opens_a_members_only_result(client):
    result = ResultFactory(visibility=Result.Visibility.MEMBERS)
    client.force_login(MemberFactory())

    response = page(client, result)

    assert response.status_code == 200
    assert "Members only" in response.content.decode()


@pytest.fixture
def hidden():
    return ResultFactory(
        title="Verborgen verslag", hidden_at=timezone.now(), hidden_reason="Bevat namen."
    )


def test_a_hidden_result_is_a_404_for_visitors_and_members(client, hidden):
    assert page(client, hidden).status_code == 404
    client.force_login(MemberFactory())
    assert page(client, hidden).status_code == 404


def test_the_team_sees_a_hidden_result_with_a_notice(client, hidden):
    member = MemberFactory()
    add_member(hidden.project, member)
    client.force_login(member)

    response = page(client, hidden)

    html = response.content.decode()
    assert response.status_code == 200
    assert "A coordinator has hidden this result: it is not in the library." in html
    assert "Bevat namen." in html
    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html


def test_a_coordinator_sees_a_hidden_result(client, hidden):
    client.force_login(CoordinatorFactory())

    assert page(client, hidden).status_code == 200


@pytest.mark.parametrize("authors", [0, 1, 4])
def test_query_count_is_the_same_for_any_number_of_authors(client, authors):
    result = ResultFactory()
    for position in range(authors):
        add_author(result, MemberFactory(), position=position)

    queries, response = queries_of(client, f"/knowledge/{result.slug}/")

    # The result with its project, and its agreed authors.
    assert (queries, response.status_code) == (2, 200)
    assert len(response.context["authors"]) == authors
