"""Factories for the library's tests: results written straight to the table, files to storage.

(The publishing flow's own factories are in tests/knowledge/factories.py.)
"""

import io
import zipfile

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from knowledge.demo_files import LINES_PER_PAGE, odt_bytes, pdf_bytes
from knowledge.models import Author, Result
from lef.choices import Sector
from tests.projects.factories import ProjectFactory


class ResultFactory(factory.django.DjangoModelFactory):
    """A public report of a public project, with a text of what was learned."""

    class Meta:
        model = Result

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Overstaplessen rekenen {n}")
    slug = factory.Sequence(lambda n: f"overstaplessen-rekenen-{n}")
    summary = "Drie lessen voor groep 8 en de brugklas."
    learned = "Leerlingen herkennen de sommen van de basisschool."
    kind = Result.Kind.REPORT
    sectors = factory.LazyFunction(lambda: [Sector.PO, Sector.VO])
    transitions = factory.LazyFunction(lambda: ["po-vo"])
    core_activities = factory.LazyFunction(lambda: ["teaching"])
    licence = Result.Licence.CC_BY
    visibility = Result.Visibility.PUBLIC


def add_author(result, member, *, agreed=True, position=0) -> Author:
    return Author.objects.create(
        result=result,
        member=member,
        position=position,
        agreed_at=timezone.now() if agreed else None,
    )


def store_file(result, data: bytes, *, file_type: str, name: str = "") -> str:
    """Write ``data`` to default storage for ``result`` and record it on the row."""
    name = name or f"knowledge/test/{result.slug}.{file_type}"
    stored = default_storage.save(name, ContentFile(data))
    Result.objects.filter(pk=result.pk).update(
        file=stored,
        file_name=f"{result.slug}.{file_type}",
        file_type=file_type,
        file_size=len(data),
    )
    result.refresh_from_db()
    return stored


# Files made in the tests ---------------------------------------------------------------------


def pdf_with_text(*lines: str, pages: int = 1) -> bytes:
    """A small valid PDF (knowledge.demo_files): the first line as its title, the others
    below it, and filler to run over ``pages`` pages."""
    filler = [" ".join(lines)] * (LINES_PER_PAGE // 2) * (pages - 1)
    return pdf_bytes(lines[0], [*lines[1:], *filler])


def _pdf_file(objects: list[bytes], root: int) -> bytes:
    """A PDF of the given object bodies (numbered from 1) with ``root`` as its catalogue."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def docx_with_text(*paragraphs: str) -> bytes:
    """A minimal Word document (the XML parts that matter for its words)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
    )
    types = "http://schemas.openxmlformats.org/package/2006/content-types"
    return _zip(
        {
            "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{types}"/>',
            "word/document.xml": document,
        }
    )


def odt_with_text(*paragraphs: str) -> bytes:
    """An OpenDocument text (knowledge.demo_files): the first paragraph as its heading."""
    return odt_bytes(paragraphs[0], list(paragraphs[1:]))


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()
