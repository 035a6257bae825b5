"""Background work for the knowledge library, run by Django's Tasks framework.

``extract_text`` reads the words out of a result's file for the search. The
publishing services enqueue it once the file is stored (after commit).
"""

from django.tasks import task


@task
def extract_text(result_id: int) -> None:
    """Fill ``Result.file_text`` from the stored file (knowledge.extraction)."""
    # Filled in by the extraction (a subprocess with time and memory limits).
