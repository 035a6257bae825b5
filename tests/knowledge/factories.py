"""Files and results for the publishing tests: real small documents, and bad ones.

Every file is built here, small, with the standard library and pypdf: a PDF,
Office Open XML (docx, pptx, xlsx) and OpenDocument (odt) files that the
checks accept, and the ones they must refuse (a zip bomb, macros, a
10 000-page PDF, HTML and SVG under another name).
"""

import io
import zipfile
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from knowledge import services
from knowledge.models import RESULT_FILES, Result
from knowledge.services import ResultDetails

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{main}"/>'
    "</Types>"
)
OOXML = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@cache
def huge_pdf_bytes() -> bytes:
    """A 10 000-page PDF (about 1 MB: the pages are blank)."""
    return pdf_bytes(10_000)


def ooxml_bytes(kind: str = "docx", *, extra: dict[str, bytes] | None = None, main=None) -> bytes:
    part, main_type = OOXML[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.format(part=part, main=main or main_type)
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document><body>Overstaplessen rekenen</body></document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odf_bytes(mimetype: str = "application/vnd.oasis.opendocument.text", extra=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml", "<office:document-content>Rekenen</office:document-content>"
        )
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@cache
def zip_bomb_docx() -> bytes:
    """A docx with one member of 200 MB of zeros (about 200 KB packed), written in chunks."""
    part, main_type = OOXML["docx"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(part=part, main=main_type))
        archive.writestr(part, "<document/>")
        chunk = bytes(1024 * 1024)
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(chunk)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (230, 159, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def details(**overrides) -> ResultDetails:
    values = {
        "title": "Overstaplessen rekenen",
        "summary": "Drie lessen voor groep 8 en de brugklas.",
        "kind": Result.Kind.LESSON_MATERIAL,
        "licence": Result.Licence.CC_BY,
        "visibility": Result.Visibility.PUBLIC,
        "learned": "Leerlingen herkennen de sommen van de basisschool.",
        "sectors": ["po", "vo"],
        "transitions": ["po-vo"],
        "core_activities": ["teaching"],
    }
    return ResultDetails(**values | overrides)


def publish(project, by, *, data: bytes | None = None, name: str = "", authors=(), **overrides):
    """A result published through the service (its file stored on commit, as on the site)."""
    document = RESULT_FILES.clean(upload(data, name)) if data is not None else None
    return services.publish_result(
        project=project, by=by, details=details(**overrides), document=document, authors=authors
    )
