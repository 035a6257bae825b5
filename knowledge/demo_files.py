"""Small, real documents for the demo data: a PDF and an OpenDocument text, made in memory.

The demo's results carry files that open in any reader and whose words the
library's search finds (knowledge.extraction reads them like any upload). They
are written here without a rendering engine, so seeding stays instant: a PDF
of text lines in Helvetica (WinAnsi, which has every Dutch letter), and an
ODT, a zip whose first member says what it is.
"""

import textwrap
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

LINE_WIDTH = 88  # characters per line at 11 pt Helvetica on A4 with 2 cm margins
LINES_PER_PAGE = 52


def pdf_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A PDF with ``title`` in bold and the paragraphs wrapped, on as many A4 pages as needed."""
    lines: list[tuple[str, str]] = [("F2", title), ("F1", "")]
    for paragraph in paragraphs:
        lines += [("F1", line) for line in textwrap.wrap(paragraph, LINE_WIDTH)] + [("F1", "")]
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]

    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    tree = add(b"")
    regular = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for page in pages:
        stream = (
            b"BT 14 TL 57 785 Td "
            + b"".join(
                b"/%s %d Tf (%s) Tj T* "
                % (font.encode(), 14 if font == "F2" else 11, _pdf_text(text))
                for font, text in page
            )
            + b"ET"
        )
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                % (tree, content, regular, bold)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )

    out = BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, xref)
    )
    return out.getvalue()


def _pdf_text(text: str) -> bytes:
    """A PDF literal string's inside: WinAnsi bytes, with \\, ( and ) escaped."""
    data = text.encode("cp1252", errors="replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
 <office:body><office:text>
  <text:h text:outline-level="1">{title}</text:h>
{paragraphs}
 </office:text></office:body>
</office:document-content>
"""


def odt_bytes(title: str, paragraphs: list[str]) -> bytes:
    """An OpenDocument text with ``title`` as its heading and the paragraphs below it."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as odt:
        # The first member, uncompressed: how readers (and lef.documents) know what it is.
        odt.writestr("mimetype", ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        content = _CONTENT.format(
            title=escape(title),
            paragraphs="\n".join(f"  <text:p>{escape(text)}</text:p>" for text in paragraphs),
        )
        odt.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        odt.writestr(
            "META-INF/manifest.xml",
            _MANIFEST.format(mimetype=ODT_MIMETYPE),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()
