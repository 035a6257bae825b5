"""OAI-PMH at /knowledge/oai: the verbs, Dublin Core, paging and errors; a real harvester.

The harvest test runs oaipmh-scythe against a live server with two records a
page, so it follows resumption tokens; the others read the XML with
ElementTree and check its structure against what the OAI-PMH 2.0 schema asks.
"""

import datetime
from xml.etree import ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring
from django.utils import timezone, translation
from django.utils.translation import gettext
from oaipmh_scythe import Scythe
from oaipmh_scythe.iterator import OAIResponseIterator

from knowledge.models import Result
from projects.models import Project
from tests.knowledge.factories_library import ResultFactory, add_author, store_file
from tests.projects.factories import MemberFactory, ProjectFactory

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
URL = "/knowledge/oai"


def oai(client, **params) -> ET.Element:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = fromstring(response.content)
    assert root.tag == f"{OAI}OAI-PMH"
    # responseDate, request, then the answer or errors, as the schema orders them.
    assert [child.tag for child in root][:2] == [f"{OAI}responseDate", f"{OAI}request"]
    return root


def dutch(*texts: str) -> list[str]:
    with translation.override("nl"):
        return [gettext(text) for text in texts]


def error_codes(root) -> list[str]:
    return [error.get("code") for error in root.iter(f"{OAI}error")]


def identifiers(root) -> list[str]:
    return [element.text for element in root.iter(f"{OAI}identifier")]


def slug_of(identifier: str) -> str:
    return identifier.rsplit("/", 1)[1]


@pytest.fixture
def site(settings):
    settings.LEF_SITE_URL = "https://lef.example.nl"
    settings.KNOWLEDGE_OAI_PAGE_SIZE = 2


@pytest.fixture
def world(site):
    """Five public results, and the three kinds that must never be harvested."""
    public = [ResultFactory(slug=f"open-{number}") for number in range(5)]
    ResultFactory(slug="voor-leden", visibility=Result.Visibility.MEMBERS)
    ResultFactory(
        slug="van-ledenproject", project=ProjectFactory(visibility=Project.Visibility.MEMBERS)
    )
    ResultFactory(slug="verborgen", hidden_at=timezone.now())
    return public


# A real harvester ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_harvester_finds_every_public_result_and_nothing_else(live_server, world):
    with Scythe(f"{live_server.url}{URL}") as scythe:
        records = list(scythe.list_records(metadata_prefix="oai_dc"))
        headers = list(scythe.list_identifiers(metadata_prefix="oai_dc"))
        identify = scythe.identify()
    with Scythe(f"{live_server.url}{URL}", iterator=OAIResponseIterator) as scythe:
        pages = list(scythe.list_records(metadata_prefix="oai_dc"))

    expected = sorted(result.slug for result in world)
    assert sorted(slug_of(record.header.identifier) for record in records) == expected
    assert sorted(slug_of(header.identifier) for header in headers) == expected
    assert len(pages) == 3  # 2 + 2 + 1: two resumption tokens followed
    assert identify.repositoryName == "'t LEF Kennisbank"
    assert records[0].metadata["publisher"] == ["'t LEF"]


# Identify, formats, sets --------------------------------------------------------------------


@pytest.mark.django_db
def test_identify(client, site):
    root = oai(client, verb="Identify")

    identify = root.find(f"{OAI}Identify")
    values = {child.tag.removeprefix(OAI): child.text for child in identify}
    assert values["repositoryName"] == "'t LEF Kennisbank"
    assert values["baseURL"] == "https://lef.example.nl/knowledge/oai"
    assert values["protocolVersion"] == "2.0"
    assert values["deletedRecord"] == "no"
    assert values["granularity"] == "YYYY-MM-DDThh:mm:ssZ"
    assert values["earliestDatestamp"] == "2018-01-01T00:00:00Z"
    assert root.find(f"{OAI}request").attrib == {"verb": "Identify"}
    assert root.find(f"{OAI}request").text == "https://lef.example.nl/knowledge/oai"


@pytest.mark.django_db
def test_list_metadata_formats_offers_oai_dc(client, site):
    root = oai(client, verb="ListMetadataFormats")

    prefixes = [element.text for element in root.iter(f"{OAI}metadataPrefix")]
    assert prefixes == ["oai_dc"]


@pytest.mark.django_db
def test_list_metadata_formats_of_an_unknown_identifier(client, site):
    root = oai(client, verb="ListMetadataFormats", identifier="oai:lef.example.nl:result/nee")

    assert error_codes(root) == ["idDoesNotExist"]


@pytest.mark.django_db
def test_list_sets_per_type_and_sector(client, site):
    root = oai(client, verb="ListSets")

    specs = [element.text for element in root.iter(f"{OAI}setSpec")]
    assert specs == [
        "type:report",
        "type:lesson_material",
        "type:research",
        "type:tool",
        "sector:po",
        "sector:vo",
        "sector:mbo",
        "sector:ho",
        "sector:other",
    ]


# Records ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_get_record_in_dublin_core(client, site):
    result = ResultFactory(
        slug="overstaplessen",
        title="Overstaplessen",
        summary="Drie lessen.",
        project=ProjectFactory(title="Rekenen", slug="rekenen", tags=["rekenen"]),
        kind=Result.Kind.LESSON_MATERIAL,
        sectors=["po", "vo"],
        transitions=["po-vo"],
        core_activities=["teaching"],
        licence=Result.Licence.CC_BY,
        created_at=datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC),
    )
    add_author(result, MemberFactory(name="Anna Jansen"))
    add_author(result, MemberFactory(name="Nog Niet"), agreed=False)
    store_file(result, b"%PDF-1.4", file_type="pdf")

    root = oai(
        client,
        verb="GetRecord",
        identifier="oai:lef.example.nl:result/overstaplessen",
        metadataPrefix="oai_dc",
    )

    dc = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata/{OAI_DC}dc")
    values = {}
    for element in dc:
        values.setdefault(element.tag.removeprefix(DC), []).append(element.text)
    assert values == {
        "title": ["Overstaplessen"],
        "creator": ["Anna Jansen"],
        # In the site's language (Dutch): the catalogue's words.
        "subject": [
            *dutch(
                "Primary education (po)",
                "Secondary education (vo)",
                "Primary to secondary (po-vo)",
                "Teaching",
            ),
            "rekenen",
        ],
        "description": ["Drie lessen."],
        "publisher": ["'t LEF"],
        "date": ["2026-03-03"],
        "type": ["InteractiveResource", *dutch("Lesson material")],
        "format": ["application/pdf"],
        "identifier": ["https://lef.example.nl/knowledge/overstaplessen/"],
        "relation": ["https://lef.example.nl/projects/rekenen/"],
        "language": ["nl"],
        "rights": ["https://creativecommons.org/licenses/by/4.0/"],
    }
    header = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}header")
    assert [element.text for element in header.iter(f"{OAI}setSpec")] == [
        "type:lesson_material",
        "sector:po",
        "sector:vo",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["voor-leden", "van-ledenproject", "verborgen"])
def test_get_record_of_what_is_not_public_does_not_exist(client, world, slug):
    root = oai(
        client,
        verb="GetRecord",
        identifier=f"oai:lef.example.nl:result/{slug}",
        metadataPrefix="oai_dc",
    )

    assert error_codes(root) == ["idDoesNotExist"]


@pytest.mark.django_db
def test_a_result_made_members_only_drops_out(client, world):
    Result.objects.filter(pk=world[0].pk).update(visibility=Result.Visibility.MEMBERS)

    found = []
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    while True:
        found += identifiers(root)
        token = root.find(f".//{OAI}resumptionToken")
        if token is None or not token.text:
            break
        root = oai(client, verb="ListIdentifiers", resumptionToken=token.text)

    assert sorted(slug_of(found_id) for found_id in found) == [f"open-{n}" for n in range(1, 5)]


@pytest.mark.django_db
def test_resumption_token_says_where_the_harvest_stands(client, world):
    first = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    token = first.find(f"{OAI}ListRecords/{OAI}resumptionToken")
    second = oai(client, verb="ListRecords", resumptionToken=token.text)
    token2 = second.find(f"{OAI}ListRecords/{OAI}resumptionToken")
    third = oai(client, verb="ListRecords", resumptionToken=token2.text)
    last = third.find(f"{OAI}ListRecords/{OAI}resumptionToken")

    assert (token.get("completeListSize"), token.get("cursor")) == ("5", "0")
    assert token2.get("cursor") == "2"
    assert (last.get("cursor"), last.text) == ("4", None)
    assert second.find(f"{OAI}request").attrib == {
        "verb": "ListRecords",
        "resumptionToken": token.text,
    }


@pytest.mark.django_db
def test_from_and_until_select_by_datestamp(client, site):
    old = ResultFactory(slug="oud")
    new = ResultFactory(slug="nieuw")
    Result.objects.filter(pk=old.pk).update(
        updated_at=datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC)
    )
    Project.objects.filter(pk__in=[old.project_id, new.project_id]).update(
        updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    Result.objects.filter(pk=new.pk).update(
        updated_at=datetime.datetime(2026, 2, 10, 12, tzinfo=datetime.UTC)
    )

    def slugs(**params):
        root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **params)
        return [slug_of(found) for found in identifiers(root)]

    assert slugs(**{"from": "2026-02-01"}) == ["nieuw"]
    assert slugs(until="2026-01-10") == ["oud"]
    assert slugs(until="2026-01-10T11:59:59Z") == []
    assert slugs(**{"from": "2026-01-10T12:00:00Z", "until": "2026-02-10T12:00:00Z"}) == [
        "oud",
        "nieuw",
    ]
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2025-12-31")
    assert error_codes(root) == ["noRecordsMatch"]


@pytest.mark.django_db
def test_a_set_selects_by_type_and_sector(client, site):
    ResultFactory(slug="po-les", kind=Result.Kind.LESSON_MATERIAL, sectors=["po"])
    ResultFactory(slug="ho-onderzoek", kind=Result.Kind.RESEARCH, sectors=["ho"])

    def slugs(spec):
        root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=spec)
        return [slug_of(found) for found in identifiers(root)]

    assert slugs("type:research") == ["ho-onderzoek"]
    assert slugs("sector:po") == ["po-les"]


@pytest.mark.django_db
def test_post_is_answered_as_get(client, world):
    response = client.post(URL, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})

    assert len(identifiers(fromstring(response.content))) == 2


# Errors -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "gisteren"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-01-01",
                "until": "2026-02-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-02-01",
                "until": "2026-01-01",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "kleur:rood"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": "oai:x:result/open-0"},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "open-0"},
            "idDoesNotExist",
        ),
        ({"verb": "ListRecords", "resumptionToken": "vervalst"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
    ],
)
def test_errors(client, world, params, code):
    root = oai(client, **params)

    assert error_codes(root) == [code]
    if code in {"badVerb", "badArgument"}:
        assert root.find(f"{OAI}request").attrib == {}


@pytest.mark.django_db
def test_a_repeated_argument_is_a_bad_argument(client, world):
    response = client.get(f"{URL}?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc")

    assert error_codes(fromstring(response.content)) == ["badArgument"]


@pytest.mark.django_db
def test_query_count_is_the_same_for_any_page(client, world, django_assert_num_queries):
    for result in world:
        add_author(result, MemberFactory())

    # The count, the page, its authors.
    with django_assert_num_queries(3):
        client.get(URL, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
