"""The words inside a result's file: read in a child process with limits, by a task.

The files are built here (a PDF by hand, Word and OpenDocument with zipfile);
the task runs on the immediate backend (lef.settings_test), and its child
process is real: the limits are shown by a child that is killed.
"""

import io
import logging
import zipfile
import zlib

import pytest

from knowledge import extraction
from knowledge.models import Result
from knowledge.tasks import extract_text
from tests.knowledge.factories_library import (
    ResultFactory,
    _pdf_file,
    docx_with_text,
    odt_with_text,
    pdf_with_text,
    store_file,
)


def test_pdf_text_is_read():
    text = extraction.extract(pdf_with_text("Het rekenkabinet van groep acht"), "pdf")

    assert text == "Het rekenkabinet van groep acht"


def test_docx_text_is_read_paragraph_by_paragraph():
    data = docx_with_text("Eerste alinea over taalbeleid.", "Tweede alinea.")

    assert extraction.extract(data, "docx") == "Eerste alinea over taalbeleid.\nTweede alinea."


def test_odt_text_is_read_by_its_media_type():
    data = odt_with_text("Brugklasmentoren vertellen.")

    assert extraction.extract(data, "application/vnd.oasis.opendocument.text") == (
        "Brugklasmentoren vertellen."
    )


def test_an_image_or_unknown_type_is_not_read():
    assert extraction.kind_of("png") == ""
    assert extraction.extract(b"\x89PNG....", "png") == ""


def test_text_is_capped(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_CHARS", 50)

    assert len(extraction.clean("woord " * 100)) == 50


def test_nul_characters_are_dropped():
    assert extraction.clean("a\x00b") == "ab"


def test_a_broken_file_gives_no_text_and_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="knowledge.extraction"):
        text = extraction.extract(b"%PDF-1.4 this is no pdf at all", "pdf")

    assert text == ""
    assert "failed" in caplog.text


def test_entities_are_refused(caplog):
    """A billion laughs in a Word document: defusedxml refuses the DTD, nothing is expanded."""
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", laughs)

    with caplog.at_level(logging.WARNING, logger="knowledge.extraction"):
        assert extraction.extract(out.getvalue(), "docx") == ""
    assert "DTDForbidden" in caplog.text or "Entities" in caplog.text


def test_a_zip_bomb_part_stops_at_the_limit(caplog):
    """A part that unpacks to more than MAX_PART_BYTES is not read on (in the child)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>")
    data = out.getvalue()
    assert len(data) < 200_000

    with caplog.at_level(logging.WARNING, logger="knowledge.extraction"):
        assert extraction.extract(data, "odt") == ""
    assert "more than the limit" in caplog.text


def _pdf_with_a_huge_stream() -> bytes:
    """A PDF whose one page's content unpacks to 400 MB of zeros: some 400 kB on disk."""
    stream = zlib.compress(b"0" * (400 * 1024 * 1024), 9)
    objects = [
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 1 0 R >> >> /Contents 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Catalog /Pages 4 0 R >>",
    ]
    return _pdf_file(objects, 5)


def test_a_pdf_that_unpacks_past_the_memory_limit_kills_only_the_child(caplog):
    data = _pdf_with_a_huge_stream()

    with caplog.at_level(logging.WARNING, logger="knowledge.extraction"):
        text = extraction.extract(data, "pdf", memory=256 * 1024 * 1024, seconds=20)

    assert text == ""
    assert "failed" in caplog.text


def test_a_child_over_its_time_is_stopped(caplog):
    data = pdf_with_text("Een gewone pdf", pages=200)

    with caplog.at_level(logging.WARNING, logger="knowledge.extraction"):
        text = extraction.extract(data, "pdf", seconds=0.05)

    assert text == ""
    assert "took over 0.05 s: stopped" in caplog.text


# The task -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_task_fills_the_text_and_the_search_vector():
    result = ResultFactory(title="Lessen", summary="Kort.", learned="Iets.")
    store_file(result, pdf_with_text("De doorstroomtoets in de praktijk"), file_type="pdf")

    extract_text.enqueue(result.pk)

    result.refresh_from_db()
    assert result.file_text == "De doorstroomtoets in de praktijk"
    assert Result.objects.filter(search_vector="doorstroomtoets").get() == result


@pytest.mark.django_db
def test_task_with_a_tiny_time_limit_leaves_the_text_empty_and_warns(settings, caplog):
    settings.KNOWLEDGE_EXTRACTION_SECONDS = 0.01
    result = ResultFactory()
    # 200 pages: more than a child forked from a warm fork server reads in 0.01 s.
    store_file(result, pdf_with_text("Nooit gelezen", pages=200), file_type="pdf")

    with caplog.at_level(logging.WARNING, logger="knowledge.extraction"):
        extract_text.enqueue(result.pk)

    result.refresh_from_db()
    assert result.file_text == ""
    assert f"result {result.pk} (pdf) took over 0.01 s" in caplog.text


@pytest.mark.django_db
def test_task_with_a_tiny_memory_limit_leaves_the_text_empty_and_warns(settings, caplog):
    settings.KNOWLEDGE_EXTRACTION_MEMORY = 64 * 1024 * 1024
    result = ResultFactory()
    store_file(result, _pdf_with_a_huge_stream(), file_type="pdf")

    with caplog.at_level(logging.WARNING, logger="knowledge.extraction"):
        extract_text.enqueue(result.pk)

    result.refresh_from_db()
    assert result.file_text == ""
    assert f"result {result.pk} (pdf) failed" in caplog.text


@pytest.mark.django_db
def test_task_for_a_result_without_a_file_does_nothing():
    result = ResultFactory()

    extract_text.enqueue(result.pk)

    result.refresh_from_db()
    assert result.file_text == ""


@pytest.mark.django_db
def test_task_for_a_missing_stored_file_warns(caplog):
    result = ResultFactory()
    Result.objects.filter(pk=result.pk).update(file="knowledge/gone.pdf", file_type="pdf")

    with caplog.at_level(logging.WARNING, logger="knowledge.tasks"):
        extract_text.enqueue(result.pk)

    assert "is missing" in caplog.text


def _zipped(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_pptx_slides_are_read_in_their_order():
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"

    def slide(text):
        return (
            f'<p:sld xmlns:p="urn:p" xmlns:a="{a}"><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>'
        )

    data = _zipped(
        {
            "ppt/slides/slide10.xml": slide("Tiende dia"),
            "ppt/slides/slide2.xml": slide("Tweede dia"),
            "ppt/slides/_rels/slide2.xml.rels": "<Relationships/>",
        }
    )

    assert extraction.extract(data, "pptx") == "Tweede dia\nTiende dia"


def test_xlsx_shared_strings_are_read():
    s = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    data = _zipped(
        {
            "xl/sharedStrings.xml": f'<sst xmlns="{s}"><si><t>Leerjaar</t></si>'
            "<si><r><t>Cijfer </t></r><r><t>gemiddeld</t></r></si></sst>"
        }
    )

    assert extraction.extract(data, "xlsx") == "Leerjaar\nCijfer gemiddeld"
