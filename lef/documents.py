"""Turning an untrusted document upload into a stored file that is safe to hand out.

The sibling of :mod:`lef.images`, for files that are kept as they are (a
report, lesson material, slides) instead of re-encoded. Nothing is trusted but
the bytes: the file name and the browser's content type are never used to
decide what a file is. The checks, in order:

* the size, while reading: at most ``max_bytes + 1`` bytes are read, before
  anything else looks at them;
* the type, from the content, against an allow-list (:class:`DocumentType`):

  - PDF (``%PDF-``), whose pages are counted by pypdf in a child process with
    a memory and CPU limit and a timeout, so a crafted file cannot hang or
    exhaust the web process (lef.children: forked from a fork server);
    at most ``MAX_PDF_PAGES`` pages;
  - Office Open XML (docx, pptx, xlsx): a zip with ``[Content_Types].xml``
    naming the main part of the plain (macro-free) document type;
  - OpenDocument (odt, odp, ods): a zip whose first member, ``mimetype``, says so;
  - images (PNG, JPEG, WebP): re-encoded through :mod:`lef.images`, so EXIF,
    GPS positions and anything appended are left behind (stored as WebP);

* for a zip, only its central directory is read (never extracted): a cap on
  the members, on the total unpacked size and on each member's packing ratio
  (a zip bomb), no macros (``vbaProject.bin``, ODF ``Basic/`` and ``Scripts/``),
  no archive inside the archive except the embedded objects Office keeps in
  its ``embeddings/`` folders, which are checked the same way, one level deep;
* the name: a file called ``.pdf`` must be a PDF ("a file that lies about its
  type" is refused, whatever it is).

Everything else is refused: HTML, SVG, scripts, executables, legacy Office
(``.doc``, OLE), archives. Each refusal raises :class:`DocumentRejected` with a
translated message fit for a form; :meth:`DocumentKind.clean` turns it into a
``ValidationError``. A refusal stores nothing.

Storing follows :mod:`lef.images`: a :class:`DocumentKind` declared beside its
model field (:class:`StoredDocumentField`) says the folder; a stored file gets
a random name with the detected extension (``results/3f/3f9c….pdf``), new for
every upload; it is written only after the transaction that accepted it
commits and the row is pointed at it in a second, short transaction with the
row locked (:func:`store_after_commit`); the file a row stopped naming is
deleted after that commits (:func:`delete_after_commit`); what a crash leaves
behind, :func:`sweep_orphan_documents` (``manage.py sweep_documents``) deletes.
The original name is kept, cleaned (:func:`clean_file_name`), only for the
download's ``Content-Disposition``; it never becomes a path.
"""

import contextlib
import logging
import re
import secrets
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from io import BytesIO
from typing import IO

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lef import children as lef_children
from lef.images import ImageRejected, reencode_image

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 500
# Zips: what a real document needs, with room to spare. A 40-slide deck with
# photos has a few hundred members and unpacks to a few times its size; text
# XML packs 5-20x. A run of zeros packs about 1000x: that is a bomb.
MAX_ZIP_MEMBERS = 3000
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # small members may pack well; only big ones count
MAX_EMBEDDED_BYTES = 10 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# The page count runs in a child process with these limits.
PDF_TIMEOUT_SECONDS = 10
PDF_CPU_SECONDS = 8
PDF_MEMORY_BYTES = 768 * 1024 * 1024
# The largest side of a re-encoded image kept as a document.
IMAGE_SIZE = 2400


@dataclass(frozen=True, slots=True)
class DocumentType:
    """One type we accept: how it is stored, served and named."""

    code: str
    extension: str
    content_type: str
    label: str
    # Extensions a file of this type may be called by (the first is ours).
    names: tuple[str, ...]


_TYPES = (
    DocumentType("pdf", "pdf", "application/pdf", "PDF", ("pdf",)),
    DocumentType(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
        ("docx",),
    ),
    DocumentType(
        "pptx",
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
        ("pptx",),
    ),
    DocumentType(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel",
        ("xlsx",),
    ),
    DocumentType("odt", "odt", "application/vnd.oasis.opendocument.text", "ODT", ("odt",)),
    DocumentType("odp", "odp", "application/vnd.oasis.opendocument.presentation", "ODP", ("odp",)),
    DocumentType("ods", "ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS", ("ods",)),
    # Images are re-encoded to WebP, whatever they came in as.
    DocumentType("webp", "webp", "image/webp", "WebP", ("webp", "png", "jpg", "jpeg")),
)
TYPES: Mapping[str, DocumentType] = {t.code: t for t in _TYPES}
# Every extension we accept, for the "lies about its type" check and <input accept>.
_KNOWN_EXTENSIONS = frozenset(name for t in _TYPES for name in t.names)
ACCEPT = ",".join(
    sorted({f".{name}" for name in _KNOWN_EXTENSIONS} | {t.content_type for t in _TYPES})
)

# OOXML: the main part's content type in [Content_Types].xml, per type. The
# macro-enabled variants (docm, pptm, xlsm) have other main types.
_OOXML_MAIN = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_OOXML_MACRO_MARKS = (b"macroenabled", b"vbaproject", b"application/vnd.ms-office.vba")
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class DocumentRejected(Exception):  # noqa: N818 -- named for what happened, like ImageRejected
    """An upload that is not a document we accept. ``message`` is shown to the user.

    ``code`` says why, for forms and tests: ``empty``, ``too_large``,
    ``unsupported_format``, ``legacy_office``, ``type_mismatch``, ``macros``,
    ``zip_bomb``, ``nested_archive``, ``too_many_pages`` or ``unreadable``.
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    """An upload that passed every check: its bytes (re-encoded for an image) and type."""

    data: bytes
    type: DocumentType
    original_name: str
    pages: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)


def check_document(
    file: IO[bytes], *, name: str = "", max_bytes: int = MAX_BYTES, max_pages: int = MAX_PDF_PAGES
) -> CheckedDocument:
    """Check an upload by its content; return it ready to store, else raise DocumentRejected.

    ``file`` is any binary file object (a Django ``UploadedFile`` included),
    ``name`` the name it came with (only compared with the content, and kept
    cleaned for the download). At most ``max_bytes + 1`` bytes are read.
    """
    data = _read_capped(file, max_bytes=max_bytes)
    claimed = _extension(name)
    detected = _detect(data)
    if detected is None:
        if claimed in _KNOWN_EXTENSIONS:
            raise _mismatch(claimed)
        raise _unsupported()
    pages = None
    if detected == "zip":
        detected = _check_zip(data)
    elif detected == "pdf":
        pages = _check_pdf(data, max_pages=max_pages)
    elif detected == "image":
        data = _reencoded_image(data, max_bytes=max_bytes)
        detected = "webp"
    document_type = TYPES[detected]
    if claimed and claimed not in document_type.names:
        raise _mismatch(claimed)
    return CheckedDocument(
        data=data,
        type=document_type,
        original_name=clean_file_name(name, extension=document_type.extension),
        pages=pages,
    )


def _read_capped(file: IO[bytes], *, max_bytes: int) -> bytes:
    too_large = DocumentRejected(
        _("The file is larger than %(limit)s. Please choose a smaller file.")
        % {"limit": filesizeformat(max_bytes)},
        code="too_large",
    )
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise too_large
    if hasattr(file, "seek"):
        with contextlib.suppress(OSError):  # a stream that cannot seek is read from here
            file.seek(0)
    data = file.read(max_bytes + 1)
    if not data:
        raise DocumentRejected(_("The file is empty. Please choose another one."), code="empty")
    if len(data) > max_bytes:
        raise too_large
    return data


def _detect(data: bytes) -> str | None:
    """ "pdf", "zip", "image", or None; legacy Office is refused with its own message."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        return "zip"
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    if data.startswith(_OLE_MAGIC):
        raise DocumentRejected(
            _(
                "This is an old Office file (.doc, .ppt or .xls), which can carry macros. "
                "Please save it as .docx, .pptx, .xlsx or PDF and upload that."
            ),
            code="legacy_office",
        )
    return None


# Zips: Office Open XML and OpenDocument ---------------------------------------------


def _check_zip(data: bytes) -> str:
    """The type of an OOXML or ODF document in ``data``, its central directory checked."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, struct.error) as exc:
        raise _unreadable() from exc
    with archive:
        _check_members(archive, members, depth=0)
        names = {member.filename for member in members}
        if members and members[0].filename == "mimetype":
            return _odf_type(archive, members[0])
        if "[Content_Types].xml" in names:
            return _ooxml_type(archive, names)
    raise _unsupported()


def _check_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], *, depth: int):
    """Refuse a zip bomb, macros and archives inside, from the central directory only."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise _zip_bomb()
    unpacked = 0
    for member in members:
        unpacked += member.file_size
        if unpacked > MAX_UNPACKED_BYTES:
            raise _zip_bomb()
        if member.file_size > RATIO_FROM_BYTES and (
            member.compress_size == 0 or member.file_size / member.compress_size > MAX_RATIO
        ):
            raise _zip_bomb()
        lowered = member.filename.lower()
        if (
            lowered.endswith("vbaproject.bin")
            or lowered.startswith(("basic/", "scripts/"))
            or lowered.endswith((".bas", ".vbs", ".js", ".exe", ".dll", ".jar"))
        ):
            raise _macros()
    for member in members:
        if member.is_dir() or member.file_size < len(_ZIP_MAGIC):
            continue
        with _opened(archive, member) as stream:
            head = stream.read(len(_ZIP_MAGIC))
        if head != _ZIP_MAGIC:
            continue
        # Office keeps embedded objects (a chart's sheet) as packages in
        # embeddings/; anything else that is an archive is refused, and an
        # embedded package is checked as one more level, never deeper.
        in_embeddings = "/embeddings/" in f"/{member.filename.lower()}"
        if depth > 0 or not in_embeddings or member.file_size > MAX_EMBEDDED_BYTES:
            raise _nested()
        with _opened(archive, member) as stream:
            inner_data = stream.read(MAX_EMBEDDED_BYTES + 1)
        try:
            inner = zipfile.ZipFile(BytesIO(inner_data))
            inner_members = inner.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
            raise _unreadable() from exc
        with inner:
            _check_members(inner, inner_members, depth=depth + 1)


@contextlib.contextmanager
def _opened(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator["_SafeReader"]:
    """``archive.open(member)``, its errors (bad CRC, bad compression) as "unreadable".

    A member's stream never gives more than the size the central directory
    declares for it, which the caller has already capped.
    """
    try:
        stream = archive.open(member)
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as exc:
        raise _unreadable() from exc
    try:
        yield _SafeReader(stream)
    finally:
        stream.close()


@dataclass
class _SafeReader:
    stream: IO[bytes]

    def read(self, size: int) -> bytes:
        try:
            return self.stream.read(size)
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError) as exc:
            raise _unreadable() from exc


def _odf_type(archive: zipfile.ZipFile, first: zipfile.ZipInfo) -> str:
    if first.file_size > 100:
        raise _unsupported()
    with _opened(archive, first) as stream:
        mimetype = stream.read(101).strip()
    code = _ODF_MIMETYPES.get(mimetype)
    if code is None:
        raise _unsupported()
    return code


def _ooxml_type(archive: zipfile.ZipFile, names: set[str]) -> str:
    member = archive.getinfo("[Content_Types].xml")
    if member.file_size > MAX_CONTENT_TYPES_BYTES:
        raise _unreadable()
    with _opened(archive, member) as stream:
        # A plain search, never an XML parser (no entity expansion to worry about).
        content_types = stream.read(MAX_CONTENT_TYPES_BYTES + 1).lower()
    if any(mark in content_types for mark in _OOXML_MACRO_MARKS):
        raise _macros()
    for code, main in _OOXML_MAIN.items():
        if main in content_types:
            return code
    raise _unsupported()


# PDF ---------------------------------------------------------------------------------

# The page count runs in a child process with limits (lef.children, forked from
# a fork server that has pypdf imported). The child runs _PDF_CHILD: it sets its
# memory and CPU limits before it reads the PDF, answers on ``conn``, and is
# killed when PDF_TIMEOUT_SECONDS pass.
_PDF_CHILD = """
import resource, sys, os
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
resource.setrlimit(resource.RLIMIT_CPU, ({cpu}, {cpu}))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
sys.stderr = open(os.devnull, "w")  # a crash is reported by its exit code
import io, logging
logging.disable(logging.CRITICAL)
from pypdf import PdfReader
try:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    root_count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    if int(root_count) > {max_pages}:
        conn.send(("pages", int(root_count)))
    else:
        conn.send(("pages", len(reader.pages)))
except Exception as exc:
    conn.send(("error", type(exc).__name__))
"""


lef_children.preload("pypdf")


def _pdf_child(script: str, data: bytes, conn) -> None:
    """The child: runs ``script`` with ``data`` and ``conn`` (a script, so a test can swap it)."""
    exec(script, {"data": data, "conn": conn})  # noqa: S102 -- our own constant script


def _check_pdf(data: bytes, *, max_pages: int) -> int:
    """The PDF's page count, read by pypdf in a child process with limits (<= max_pages)."""
    script = _PDF_CHILD.format(
        memory=PDF_MEMORY_BYTES, cpu=PDF_CPU_SECONDS, max_pages=int(max_pages)
    )
    outcome, answer = lef_children.run(_pdf_child, (script, data), timeout=PDF_TIMEOUT_SECONDS)
    if outcome == "timeout":
        logger.info("PDF upload: page count timed out")
        raise _unreadable()
    if outcome != "answer" or answer[0] != "pages":
        logger.info("PDF upload could not be read: %s %s", outcome, answer)
        raise _unreadable()
    pages = answer[1]
    if not isinstance(pages, int) or pages < 1:
        raise _unreadable()
    if pages > max_pages:
        raise DocumentRejected(
            _("This PDF has %(pages)s pages; at most %(max)s are allowed.")
            % {"pages": pages, "max": max_pages},
            code="too_many_pages",
        )
    return pages


# Images ------------------------------------------------------------------------------


def _reencoded_image(data: bytes, *, max_bytes: int) -> bytes:
    try:
        image = reencode_image(
            BytesIO(data), max_bytes=max_bytes, sizes=(IMAGE_SIZE,), square=False
        )
    except ImageRejected as exc:
        raise DocumentRejected(exc.message, code=exc.code) from exc
    return image.renditions[IMAGE_SIZE].data


# Names and messages -------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r"[^\w .()+,-]+")


def _extension(name: str) -> str:
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower().strip() if "." in base else ""


def clean_file_name(name: str, *, extension: str) -> str:
    """``name`` fit for a download's Content-Disposition: no path, no control or odd
    characters, at most 120 characters, ending in ``extension``."""
    base = unicodedata.normalize("NFC", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    stem = _UNSAFE_NAME.sub("_", stem).strip(" ._") or "document"
    return f"{stem[:110]}.{extension}"


def _unsupported() -> DocumentRejected:
    return DocumentRejected(
        _(
            "This type of file cannot be added. Please upload a PDF, a Word, PowerPoint or "
            "Excel file (.docx, .pptx, .xlsx), an OpenDocument file (.odt, .odp, .ods), "
            "or a JPEG, PNG or WebP image."
        ),
        code="unsupported_format",
    )


def _mismatch(claimed: str) -> DocumentRejected:
    return DocumentRejected(
        _(
            "The file's name ends in .%(extension)s, but its content is something else. "
            "Please upload the file as it was saved, with its own name."
        )
        % {"extension": claimed},
        code="type_mismatch",
    )


def _macros() -> DocumentRejected:
    return DocumentRejected(
        _(
            "This file contains macros or scripts, which we do not accept. "
            "Please save it without macros (as .docx, .pptx or .xlsx) or as PDF."
        ),
        code="macros",
    )


def _zip_bomb() -> DocumentRejected:
    return DocumentRejected(
        _(
            "This file unpacks to far more than its size, which documents do not do. "
            "Please save it again, or upload it as PDF."
        ),
        code="zip_bomb",
    )


def _nested() -> DocumentRejected:
    return DocumentRejected(
        _("This file contains another archive. Please upload the document itself, or a PDF."),
        code="nested_archive",
    )


def _unreadable() -> DocumentRejected:
    return DocumentRejected(
        _(
            "This file could not be read; it may be damaged or incomplete. "
            "Please try another one, or save it as PDF."
        ),
        code="unreadable",
    )


# Kinds and storing ------------------------------------------------------------------

_FOLDER = re.compile(r"\A[a-z][a-z0-9_]*\Z")
# "<folder>/<2 hex>/<32 hex>.<extension>"
_NAME = re.compile(r"\A(?P<folder>[a-z][a-z0-9_]*)/[0-9a-f]{2}/[0-9a-f]{32}\.[a-z]{3,4}\Z")
_KINDS: dict[str, "DocumentKind"] = {}


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """One kind of stored document: its folder and limits; declared beside its model field."""

    folder: str
    max_bytes: int = MAX_BYTES
    max_pages: int = MAX_PDF_PAGES

    def __post_init__(self):
        if not _FOLDER.match(self.folder):
            raise ImproperlyConfigured(f"document folder {self.folder!r} is not a plain name")
        if _KINDS.setdefault(self.folder, self) != self:
            raise ImproperlyConfigured(f"two kinds of document share the folder {self.folder!r}")

    def clean(self, uploaded_file) -> "CleanDocument":
        """Check an upload; for a form's ``clean``. Raises ``ValidationError`` (with the
        rejection's code); nothing is stored."""
        try:
            checked = check_document(
                uploaded_file,
                name=getattr(uploaded_file, "name", "") or "",
                max_bytes=self.max_bytes,
                max_pages=self.max_pages,
            )
        except DocumentRejected as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
        return CleanDocument(kind=self, checked=checked)


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """An upload that passed every check for ``kind``; not stored yet."""

    kind: DocumentKind
    checked: CheckedDocument = field(repr=False)

    @property
    def type(self) -> DocumentType:
        return self.checked.type

    @property
    def original_name(self) -> str:
        return self.checked.original_name

    @property
    def size(self) -> int:
        return self.checked.size


class StoredDocumentField(models.CharField):
    """The storage name of a document stored through this module (empty: none).

    Changes through :func:`store_after_commit` and :func:`delete_after_commit`
    only; never edited by a form. The row's other columns about the file
    (original name, type, size) are named by ``store_after_commit``'s ``columns``.
    """

    description = gettext_lazy("Stored document")

    def __init__(self, *args, kind: DocumentKind | None = None, **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 200:
            del kwargs["max_length"]
        kwargs.pop("blank", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs


# Which of the row's columns hold what about the file.
DEFAULT_COLUMNS = {
    "name": "file",
    "original_name": "file_name",
    "type": "file_type",
    "size": "file_size",
}


def store_after_commit(
    *,
    instance: models.Model,
    document: CleanDocument,
    columns: Mapping[str, str] = DEFAULT_COLUMNS,
    then: Callable[[], None] | None = None,
) -> None:
    """Make ``document`` the file of ``instance``'s row once the current transaction commits.

    Nothing is written now. After the commit the file is written under a new
    random name, then, in a short transaction with the row locked (``SELECT …
    FOR UPDATE``), the row's ``columns`` are set (name, original name, type
    code, size) and the file it named before is deleted once that commits;
    ``then`` runs after that commit too (e.g. enqueue text extraction). A
    rollback writes nothing; a row deleted meanwhile gets nothing, and the new
    file goes. ``instance`` holds the new values afterwards.
    """
    _document_field(instance, columns["name"])
    transaction.on_commit(partial(_store, instance, document, dict(columns), then), robust=True)


def delete_after_commit(name: str) -> None:
    """Delete stored document ``name`` once the current transaction commits (not on a rollback)."""
    if name:
        transaction.on_commit(partial(_delete_file, name), robust=True)


def keep_stored(instance: models.Model, column: str = "file") -> str:
    """Lock ``instance``'s row and return the document name stored there now ("" for none)."""
    _document_field(instance, column)
    if instance.pk is None:
        return ""
    rows = (
        _model(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list(column, flat=True)
    )
    return next(iter(rows), "") or ""


def stored_exists(name: str) -> bool:
    """Whether ``name`` is a document this module stored and its file is there."""
    return bool(_NAME.match(name or "")) and default_storage.exists(name)


def stream_stored(name: str, *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """The stored file ``name`` in chunks, for a streamed download.

    The file is opened when the first chunk is asked for and closed after the
    last (or when the response is closed early), so a HEAD request opens nothing.
    """
    if not _NAME.match(name or ""):
        raise FileNotFoundError(name)
    with default_storage.open(name, "rb") as stored:
        yield from stored.chunks(chunk_size)


def _store(instance, document: CleanDocument, columns: dict, then) -> None:
    if instance.pk is None:
        return
    model = _model(instance)
    name = _write(document)
    values = {
        columns["name"]: name,
        columns["original_name"]: document.original_name,
        columns["type"]: document.type.code,
        columns["size"]: document.size,
    }
    try:
        with transaction.atomic():
            rows = (
                model._base_manager.select_for_update()
                .filter(pk=instance.pk)
                .values_list(columns["name"], flat=True)
            )
            stored = next(iter(rows), None)
            if stored is not None:
                model._base_manager.filter(pk=instance.pk).update(**values)
                delete_after_commit(stored)
                if then is not None:
                    transaction.on_commit(then, robust=True)
    except BaseException:
        _delete_file(name)
        raise
    if stored is None:  # the row was deleted before its file arrived
        _delete_file(name)
        return
    for column, value in values.items():
        setattr(instance, column, value)


def _write(document: CleanDocument) -> str:
    token = secrets.token_hex(16)
    name = f"{document.kind.folder}/{token[:2]}/{token}.{document.type.extension}"
    saved = default_storage.save(name, ContentFile(document.checked.data))
    if saved != name:  # a 128-bit name taken by chance: never
        default_storage.delete(saved)
        raise RuntimeError(f"storage renamed {name} to {saved}")
    return name


def _delete_file(name: str) -> None:
    if _NAME.match(name or ""):
        default_storage.delete(name)


def _model(instance: models.Model) -> type[models.Model]:
    return instance._meta.concrete_model


def _document_field(instance: models.Model, column: str) -> StoredDocumentField:
    model_field = instance._meta.get_field(column)
    if not isinstance(model_field, StoredDocumentField) or model_field.kind is None:
        raise TypeError(f"{model_field} is not a StoredDocumentField with a kind")
    return model_field


# Sweeping ----------------------------------------------------------------------------


def sweep_orphan_documents(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete document files no row names; return how many (``manage.py sweep_documents``).

    Left only by a crash between writing an upload and pointing its row at it.
    Files younger than ``older_than`` are spared (their row may be about to
    name them); the rows are read before the files are listed.
    """
    cutoff = timezone.now() - older_than
    named: dict[str, set[str]] = {folder: set() for folder in _KINDS}
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, StoredDocumentField) and model_field.kind is not None:
                names = model._base_manager.exclude(**{model_field.attname: ""}).values_list(
                    model_field.attname, flat=True
                )
                named.setdefault(model_field.kind.folder, set()).update(names.iterator())
    deleted = 0
    for folder, names in named.items():
        for path in _files_under(folder):
            if path in names or default_storage.get_modified_time(path) > cutoff:
                continue
            default_storage.delete(path)
            deleted += 1
    return deleted


def _files_under(folder: str) -> Iterator[str]:
    try:
        dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in dirs:
        yield from _files_under(f"{folder}/{name}")
