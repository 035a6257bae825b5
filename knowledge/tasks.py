"""Background work for the knowledge library, run by Django's Tasks framework.

``extract_text`` reads the words out of a result's file for the search. The
publishing services enqueue it once the file is stored (after commit).
"""

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.tasks import task

from knowledge import extraction
from knowledge.models import Result

logger = logging.getLogger(__name__)


@task
def extract_text(result_id: int) -> None:
    """Fill ``Result.file_text`` from the stored file (knowledge.extraction).

    The parsing runs in a child process with a time limit
    (``KNOWLEDGE_EXTRACTION_SECONDS``, 20 s) and a memory limit
    (``KNOWLEDGE_EXTRACTION_MEMORY``, 512 MB); a file it cannot read leaves
    the text empty and logs a warning. The text is written only if the result
    still has the same file, with ``update()``: the search vector follows
    through the database's trigger, and nothing else of the row is touched.
    Rerun-safe: a second run writes the same text.
    """
    row = Result.objects.filter(pk=result_id).values("file", "file_type").first()
    if row is None or not row["file"]:
        return
    name = row["file"]
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except OSError:
        logger.warning("Text extraction: the file %s of result %s is missing.", name, result_id)
        return
    text = extraction.extract(
        data,
        row["file_type"],
        seconds=getattr(settings, "KNOWLEDGE_EXTRACTION_SECONDS", extraction.DEFAULT_SECONDS),
        memory=getattr(settings, "KNOWLEDGE_EXTRACTION_MEMORY", extraction.DEFAULT_MEMORY),
        label=f"result {result_id}",
    )
    Result.objects.filter(pk=result_id, file=name).update(file_text=text)
