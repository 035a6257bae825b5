"""The words inside a result's file, for the library's search, read in a child process.

A file is a member's upload: a PDF built to be slow, a zip that unpacks to
gigabytes, XML with a billion laughs. So the parsing never runs in a web or
worker process. :func:`extract` runs it in a child process forked from a
fork server (``lef.children``), hands it the file's bytes and reads the text
back over a pipe; the child limits itself
(``resource.setrlimit``: address space and CPU seconds) before it reads a
byte, and the parent kills it when the wall-clock limit passes. Whatever goes
wrong (killed, out of memory, a broken file) the answer is "" and the reason
is logged; the caller keeps the result without words from its file.

What is read:

* PDF: pypdf (pure Python, well kept), page by page;
* Office Open XML (docx, pptx, xlsx) and OpenDocument (odt, odp, ods): these
  are zips of XML, read with the standard library's ``zipfile`` and
  ``defusedxml`` (no DTDs, no entities, no external references), streamed with
  ``iterparse`` one paragraph at a time, each part cut off at
  MAX_PART_BYTES unpacked. Three format libraries (python-docx, python-pptx,
  odfpy) would each build the whole document in memory to give the same
  words, and none guards against entities itself.

At most MAX_CHARS characters come back. This module imports nothing of
Django but ``lef.children`` (which imports nothing either), so the fork server
that preloads it stays small.
"""

import io
import logging
import os
import resource
import sys
import zipfile

from lef import children as lef_children

MAX_CHARS = 200_000
# An XML part is read only this far once unpacked: a zip bomb stops here.
MAX_PART_BYTES = 50 * 1024 * 1024
DEFAULT_SECONDS = 20
DEFAULT_MEMORY = 512 * 1024 * 1024

logger = logging.getLogger(__name__)

# The fork server has the parsers (and this module, the children's code) imported.
lef_children.preload("pypdf", "defusedxml.ElementTree", __name__)

# The checked types (lef.documents) by their short name, and by media type.
_ALIASES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODF = ("content.xml",), (f"{_TEXT}p", f"{_TEXT}h"), None
# Per type: which parts of the zip (names, or a prefix ending in "/"), which
# element ends a paragraph, and which elements hold its text (None: all of it).
_ZIPPED = {
    "docx": (("word/document.xml",), (f"{_W}p",), f"{_W}t"),
    "pptx": (("ppt/slides/",), (f"{_A}p",), f"{_A}t"),
    "xlsx": (("xl/sharedStrings.xml",), (f"{_S}si",), None),
    "odt": _ODF,
    "odp": _ODF,
    "ods": _ODF,
}
KINDS = frozenset({"pdf", *_ZIPPED})


def kind_of(file_type: str) -> str:
    """The short name of a file type this module reads ("" when it reads none)."""
    kind = _ALIASES.get(file_type, (file_type or "").lower())
    return kind if kind in KINDS else ""


# The parent ---------------------------------------------------------------------------------


def extract(
    data: bytes,
    file_type: str,
    *,
    seconds: float = DEFAULT_SECONDS,
    memory: int = DEFAULT_MEMORY,
    label: str = "",
) -> str:
    """The text of a file of ``file_type``, read in a child process with limits; "" on failure.

    ``seconds``: wall-clock time before the child is killed (also its CPU
    limit); ``memory``: its address space in bytes. ``label`` names the file
    in the log.
    """
    kind = kind_of(file_type)
    if not kind or not data:
        return ""
    outcome, answer = lef_children.run(
        _forked, (data, kind, int(memory), seconds), timeout=seconds
    )
    if outcome == "timeout":
        logger.warning("Text extraction of %s (%s) took over %s s: stopped.", label, kind, seconds)
        return ""
    ok, words = answer if outcome == "answer" else (False, f"no answer (exit {answer})")
    if not ok:
        logger.warning("Text extraction of %s (%s) failed: %s", label, kind, words[:300])
        return ""
    return clean(words)


def clean(text: str) -> str:
    """``text`` without NUL characters (PostgreSQL's text refuses them), at most MAX_CHARS."""
    return text.replace("\x00", "")[:MAX_CHARS].strip()


# The child ----------------------------------------------------------------------------------


def text_of(data: bytes, kind: str) -> str:
    """The words of a file's ``data``: pure parsing, no limits of its own (see :func:`extract`)."""
    if kind == "pdf":
        return _pdf_text(data)
    return _zipped_text(data, *_ZIPPED[kind])


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # noqa: PLC0415 -- only the child needs it

    reader = PdfReader(io.BytesIO(data))
    parts, length = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length >= MAX_CHARS:
            break
    return "\n".join(parts)


class _Capped(io.RawIOBase):
    """A file that reads ``source`` up to ``limit`` bytes and then raises."""

    def __init__(self, source, limit: int):
        self.source, self.left = source, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.source.read(min(len(buffer), self.left + 1))
        if len(chunk) > self.left:
            raise ValueError("an XML part unpacks to more than the limit")
        self.left -= len(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _zipped_text(data: bytes, parts, paragraph_tags, text_tag) -> str:
    from defusedxml.ElementTree import iterparse  # noqa: PLC0415 -- only the child needs it

    paragraphs, length = [], 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(
            (
                name
                for name in archive.namelist()
                if name in parts
                or any(
                    p.endswith("/") and name.startswith(p) and name.endswith(".xml") for p in parts
                )
            ),
            key=_natural,
        )
        for name in names:
            with archive.open(name) as member:
                source = io.BufferedReader(_Capped(member, MAX_PART_BYTES))
                for _event, element in iterparse(source, events=("end",)):
                    if element.tag not in paragraph_tags:
                        continue
                    if text_tag is None:
                        text = "".join(element.itertext())
                    else:
                        text = "".join(t.text or "" for t in element.iter(text_tag))
                    element.clear()
                    if text.strip():
                        paragraphs.append(text)
                        length += len(text)
                        if length >= MAX_CHARS:
                            return "\n".join(paragraphs)
    return "\n".join(paragraphs)


def _natural(name: str):
    """slide2.xml before slide10.xml."""
    stem = name.rsplit("/", 1)[-1]
    digits = "".join(c for c in stem if c.isdigit())
    return (name.rsplit("/", 1)[0], int(digits) if digits else 0, name)


def _limit_myself(memory: int, seconds: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, int(seconds) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _forked(data: bytes, kind: str, memory: int, seconds: float, conn) -> None:
    """The child: limits first, then the words of ``data``, sent on ``conn`` as
    (True, text), or (False, why) when the file could not be read."""
    _limit_myself(memory, seconds)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 -- a crash is reported by its exit code
    try:
        answer = True, clean(text_of(data, kind))
    except Exception as exc:  # any failure to read is "no words"
        answer = False, f"{type(exc).__name__}: {exc}"
    conn.send(answer)
