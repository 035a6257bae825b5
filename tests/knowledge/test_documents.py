"""lef.documents: uploads checked by their content, stored after commit, orphans swept."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from knowledge.models import Result
from lef import documents
from lef.documents import DocumentRejected, check_document
from tests.knowledge.factories import (
    HTML,
    SVG,
    huge_pdf_bytes,
    odf_bytes,
    ooxml_bytes,
    pdf_bytes,
    png_bytes,
    publish,
    zip_bomb_docx,
)
from tests.projects.factories import ProjectFactory


def _check(data: bytes, name: str):
    return check_document(io.BytesIO(data), name=name)


def _refusal(data: bytes, name: str, **kwargs) -> str:
    with pytest.raises(DocumentRejected) as refused:
        check_document(io.BytesIO(data), name=name, **kwargs)
    return refused.value.code


# Accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (ooxml_bytes("docx"), "Verslag.docx", "docx"),
        (ooxml_bytes("pptx"), "Slides.pptx", "pptx"),
        (ooxml_bytes("xlsx"), "Cijfers.xlsx", "xlsx"),
        (odf_bytes(), "Verslag.odt", "odt"),
        (odf_bytes("application/vnd.oasis.opendocument.presentation"), "s.odp", "odp"),
        (odf_bytes("application/vnd.oasis.opendocument.spreadsheet"), "c.ods", "ods"),
    ],
)
def test_office_and_opendocument_files_are_recognised_by_their_content(data, name, code):
    checked = _check(data, name)

    assert (checked.type.code, checked.data, checked.original_name) == (code, data, name)


def test_a_pdf_is_accepted_with_its_pages_counted():
    checked = _check(pdf_bytes(3), "Onderzoek.pdf")

    assert (checked.type.code, checked.pages, checked.type.content_type) == (
        "pdf",
        3,
        "application/pdf",
    )


def test_an_image_is_re_encoded_to_webp_without_its_metadata():
    checked = _check(png_bytes(), "foto.png")

    assert (checked.type.code, checked.data[8:12], checked.original_name) == (
        "webp",
        b"WEBP",
        "foto.webp",
    )


def test_a_file_without_an_extension_gets_the_detected_one():
    assert _check(pdf_bytes(), "verslag").original_name == "verslag.pdf"


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ('C:\\Users\\jan\\"rapport"\r\n.pdf', "rapport.pdf"),
        ("überblick: één?.pdf", "überblick_ één.pdf"),
        ("\u202egnp.pdf", "gnp.pdf"),
        ("", "document.pdf"),
    ],
)
def test_the_original_name_is_cleaned_for_the_download(name, clean):
    assert documents.clean_file_name(name, extension="pdf") == clean


# Refused ----------------------------------------------------------------------------------


def test_a_pdf_renamed_docx_is_refused_as_lying_about_its_type():
    assert _refusal(pdf_bytes(), "Verslag.docx") == "type_mismatch"


def test_an_html_file_named_pdf_is_refused():
    assert _refusal(HTML, "Verslag.pdf") == "type_mismatch"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SVG, "logo.svg"),
        (HTML, "page.html"),
        (b"#!/bin/sh\nrm -rf /\n", "run.sh"),
        (b"MZ\x90\x00" + bytes(100), "setup.exe"),
        (b"plain text", "notes.txt"),
    ],
)
def test_other_types_are_refused(data, name):
    assert _refusal(data, name) == "unsupported_format"


def test_an_svg_with_a_script_named_png_is_refused():
    assert _refusal(SVG, "logo.png") == "type_mismatch"


def test_a_legacy_office_file_is_refused_with_its_own_message():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)

    with pytest.raises(DocumentRejected) as refused:
        check_document(io.BytesIO(ole), name="oud.doc")

    assert refused.value.code == "legacy_office"
    assert ".docx" in refused.value.message


def test_a_zip_bomb_disguised_as_docx_is_refused_from_its_directory_in_a_moment():
    bomb = zip_bomb_docx()
    started = time.monotonic()

    code = _refusal(bomb, "Verslag.docx")

    assert code == "zip_bomb"
    assert time.monotonic() - started < 2  # nothing was unpacked


def test_a_member_packed_far_better_than_a_document_is_refused():
    bomb = ooxml_bytes("docx", extra={"word/media/zeros.bin": bytes(5 * 1024 * 1024)})

    assert _refusal(bomb, "Verslag.docx") == "zip_bomb"


def test_too_many_members_are_refused(monkeypatch):
    monkeypatch.setattr(documents, "MAX_ZIP_MEMBERS", 5)
    many = ooxml_bytes("docx", extra={f"word/media/{n}.xml": b"<x/>" for n in range(5)})

    assert _refusal(many, "Verslag.docx") == "zip_bomb"


@pytest.mark.parametrize(
    "extra",
    [
        {"word/vbaProject.bin": b"\x00macro"},
        {"word/vbaproject.BIN": b"\x00macro"},
    ],
)
def test_a_docx_with_macros_is_refused(extra):
    assert _refusal(ooxml_bytes("docx", extra=extra), "Verslag.docx") == "macros"


def test_a_macro_enabled_main_part_is_refused():
    docm = ooxml_bytes("docx", main="application/vnd.ms-word.document.macroEnabled.main+xml")

    assert _refusal(docm, "Verslag.docx") == "macros"


def test_an_opendocument_file_with_basic_macros_is_refused():
    odt = odf_bytes(extra={"Basic/Standard/Module1.xml": b"<script/>"})

    assert _refusal(odt, "Verslag.odt") == "macros"


def test_an_archive_inside_a_document_is_refused():
    inner = ooxml_bytes("docx")
    nested = ooxml_bytes("docx", extra={"word/media/other.zip": inner})

    assert _refusal(nested, "Verslag.docx") == "nested_archive"


def test_an_embedded_office_object_is_checked_one_level_deep():
    chart = ooxml_bytes("xlsx")
    with_chart = ooxml_bytes("docx", extra={"word/embeddings/Werkblad.xlsx": chart})
    bomb_inside = ooxml_bytes("docx", extra={"word/embeddings/Werkblad.xlsx": zip_bomb_docx()})

    assert _check(with_chart, "Verslag.docx").type.code == "docx"
    assert _refusal(bomb_inside, "Verslag.docx") == "zip_bomb"


def test_a_plain_zip_is_refused():
    buffer = io.BytesIO()
    import zipfile  # noqa: PLC0415

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hallo")

    assert _refusal(buffer.getvalue(), "bestanden.zip") == "unsupported_format"


def test_a_10000_page_pdf_is_refused():
    with pytest.raises(DocumentRejected) as refused:
        check_document(io.BytesIO(huge_pdf_bytes()), name="Alles.pdf")

    assert refused.value.code == "too_many_pages"
    assert "10000" in refused.value.message


def test_a_broken_pdf_is_refused_as_unreadable():
    assert _refusal(b"%PDF-1.7\n" + b"garbage " * 100, "kapot.pdf") == "unreadable"


def test_a_pdf_that_would_hang_the_parser_is_stopped(monkeypatch):
    # A child that never answers stands in for a parser caught in a crafted loop.
    monkeypatch.setattr(documents, "PDF_TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(documents, "_PDF_CHILD", "import time\ntime.sleep(30)\n")
    started = time.monotonic()

    assert _refusal(pdf_bytes(), "traag.pdf") == "unreadable"
    assert time.monotonic() - started < 5


def test_too_large_a_file_is_refused_before_it_is_read_whole():
    class Endless(io.RawIOBase):
        read_count = 0

        def readable(self):
            return True

        def read(self, size=-1):
            Endless.read_count += size
            return b"%PDF-" + bytes(max(size - 5, 0))

    with pytest.raises(DocumentRejected) as refused:
        check_document(Endless(), name="groot.pdf", max_bytes=1000)

    assert refused.value.code == "too_large"
    assert Endless.read_count == 1001


def test_an_empty_file_is_refused():
    assert _refusal(b"", "leeg.pdf") == "empty"


# Stored after commit ------------------------------------------------------------------------


def _files(folder="results"):
    found = []
    root = default_storage.path(folder)
    for dirpath, _dirs, files in os.walk(root):
        found.extend(os.path.join(dirpath, name) for name in files)
    return found


@pytest.mark.django_db
def test_a_file_is_written_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = publish(project, project.created_by, data=pdf_bytes(), name="Verslag.pdf")

    assert (_files(), Result.objects.get(pk=result.pk).file) == ([], "")
    for callback in callbacks:
        callback()
    result.refresh_from_db()
    assert (result.file[:8], result.file[-4:]) == ("results/", ".pdf")
    assert (result.file_name, result.file_type, result.file_size) == (
        "Verslag.pdf",
        "pdf",
        len(pdf_bytes()),
    )
    assert _files() == [default_storage.path(result.file)]


@pytest.mark.django_db
def test_a_row_deleted_before_its_file_arrives_leaves_no_file(django_capture_on_commit_callbacks):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = publish(project, project.created_by, data=pdf_bytes(), name="Verslag.pdf")
    Result.objects.filter(pk=result.pk).delete()

    for callback in callbacks:
        callback()

    assert _files() == []


@pytest.mark.django_db
def test_sweeping_deletes_only_old_files_no_row_names(django_capture_on_commit_callbacks):
    project = ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True):
        result = publish(project, project.created_by, data=pdf_bytes(), name="Verslag.pdf")
    result.refresh_from_db()
    orphan = default_storage.save(f"results/ab/{'ab' * 16}.pdf", ContentFile(b"%PDF-"))
    young = default_storage.save(f"results/cd/{'cd' * 16}.pdf", ContentFile(b"%PDF-"))
    old = time.time() - 7200
    os.utime(default_storage.path(orphan), (old, old))
    os.utime(default_storage.path(result.file), (old, old))

    deleted = documents.sweep_orphan_documents(older_than=timedelta(hours=1))

    assert deleted == 1
    assert sorted(_files()) == sorted(
        [default_storage.path(result.file), default_storage.path(young)]
    )
