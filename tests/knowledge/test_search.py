"""The library's search: words in titles, texts and files; compounds; the vector's upkeep."""

import pytest

from knowledge.models import Result
from knowledge.tasks import extract_text
from projects.models import Project
from tests.knowledge.factories_library import (
    ResultFactory,
    docx_with_text,
    odt_with_text,
    pdf_with_text,
    store_file,
)
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

URL = "/knowledge/"


def found(client, q: str, **params) -> list[str]:
    response = client.get(URL, {"q": q, **params})
    return [result.title for result in response.context["page_obj"]]


def plain(title: str, **fields) -> Result:
    """A result whose texts say nothing the searches below look for."""
    return ResultFactory(
        title=title,
        summary=fields.pop("summary", "Kort verslag."),
        learned=fields.pop("learned", "Veel."),
        project=fields.pop("project", None) or ProjectFactory(title="Plan"),
        **fields,
    )


def test_a_word_inside_a_pdf_finds_the_result(client):
    result = plain("Verslag")
    plain("Ander verslag")
    store_file(result, pdf_with_text("Het rekenkabinet van groep acht"), file_type="pdf")
    extract_text.enqueue(result.pk)

    assert found(client, "rekenkabinet") == ["Verslag"]


def test_a_word_inside_a_docx_finds_the_result(client):
    result = plain("Lesbrief")
    store_file(result, docx_with_text("Over de taalladder in de brugklas."), file_type="docx")
    extract_text.enqueue(result.pk)

    assert found(client, "taalladder") == ["Lesbrief"]


def test_a_word_inside_an_odt_finds_the_result(client):
    result = plain("Handreiking")
    store_file(result, odt_with_text("Een kijkwijzer voor stagebezoeken."), file_type="odt")
    extract_text.enqueue(result.pk)

    assert found(client, "kijkwijzer") == ["Handreiking"]


def test_part_of_a_compound_finds_it_as_in_the_directory(client):
    plain("Onderzoeksverslag", summary="Praktijkonderzoek naar rekenvaardigheid.")
    plain("Iets anders")

    assert found(client, "onderzoek") == ["Onderzoeksverslag"]
    assert found(client, "vaardigheid") == ["Onderzoeksverslag"]
    # A prefix finds it too.
    assert found(client, "praktijk") == ["Onderzoeksverslag"]


def test_english_and_dutch_stemming(client):
    plain("Lessons", learned="Students compared their teachers' feedback.")
    plain("Lessen", learned="De leerlingen vergeleken de toetsen.")

    assert found(client, "teacher") == ["Lessons"]
    assert found(client, "leerling") == ["Lessen"]


def test_the_title_weighs_more_than_the_file(client):
    in_file = plain("Verslag")
    store_file(in_file, pdf_with_text("Over de doorstroomtoets."), file_type="pdf")
    extract_text.enqueue(in_file.pk)
    plain("Doorstroomtoets in de klas")

    assert found(client, "doorstroomtoets") == ["Doorstroomtoets in de klas", "Verslag"]


def test_several_words_find_either_with_both_first(client):
    plain("Beide", summary="Wiskunde in de brugklas.")
    plain("Alleen wiskunde", summary="Wiskunde.")
    plain("Alleen brugklas", summary="De brugklas.")

    titles = found(client, "wiskunde brugklas")

    assert titles[0] == "Beide"
    assert sorted(titles) == ["Alleen brugklas", "Alleen wiskunde", "Beide"]


def test_search_and_filter_combine(client):
    plain("Po", summary="Rekenen.", sectors=["po"])
    plain("Mbo", summary="Rekenen.", sectors=["mbo"])

    assert found(client, "rekenen", sector="mbo") == ["Mbo"]


def test_search_respects_visibility(client):
    plain("Open", summary="Burgerschap.")
    plain("Leden", summary="Burgerschap.", visibility=Result.Visibility.MEMBERS)

    assert found(client, "burgerschap") == ["Open"]


def test_the_project_title_is_searched_and_follows_a_rename(client):
    result = plain("Verslag")
    project = result.project

    assert found(client, "Zomerschool") == []
    Project.objects.filter(pk=project.pk).update(title="Zomerschool Leiden")

    assert found(client, "zomerschool") == ["Verslag"]


def test_the_vector_follows_any_write_and_ignores_others(client):
    result = plain("Verslag")
    Result.objects.filter(pk=result.pk).update(learned="Kringgesprekken werken.")

    assert found(client, "kringgesprek") == ["Verslag"]

    # A write that does not change the text keeps the vector, even one that overwrites it;
    # setting it to NULL computes it again.
    Result.objects.filter(pk=result.pk).update(downloads=3, search_vector="x")

    assert found(client, "kringgesprek") == ["Verslag"]

    Result.objects.filter(pk=result.pk).update(search_vector=None)

    assert found(client, "kringgesprek") == ["Verslag"]


def test_a_query_of_symbols_only_lists_everything(client):
    plain("Verslag")

    assert found(client, "&|!:*()") == ["Verslag"]
