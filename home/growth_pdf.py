"""The record of growth as a PDF a member hands to their school, made by WeasyPrint.

As the partner report's PDF (dashboard/report.py, which home does not import):
the HTML is rendered from a template, the fonts are the system's DejaVu Sans
(no web fonts), and WeasyPrint fetches nothing over the network: its one style
sheet is read from our static files in-process, and anything else is refused.
"""

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from home.growth import GrowthRecord

PDF_STATIC = frozenset({"css/growth-print.css"})  # all the PDF fetches


class GrowthFetcher:
    """WeasyPrint's fetcher for the record: our own print style sheet, nothing else.

    A title or an address in the data must never make the server call out,
    and a fetch of our own site would wait on a worker.
    """

    _fail_on_errors = False  # WeasyPrint asks; a refused fetch is logged, the PDF still made

    def __call__(self, url: str):
        return self.fetch(url)

    def fetch(self, url: str, headers=None):
        from weasyprint.urls import URLFetcherResponse  # noqa: PLC0415 -- loads cairo, pango

        path = urlsplit(url).path
        if path.startswith(settings.STATIC_URL):
            name = path.removeprefix(settings.STATIC_URL)
            found = finders.find(name) if name in PDF_STATIC else None
            if found:
                with open(found, "rb") as file:
                    body = file.read()
                kind = mimetypes.guess_type(found)[0] or "text/css"
                return URLFetcherResponse(url, body, {"Content-Type": kind})
        raise ValueError(f"The record of growth fetches nothing else: {url}")


def record_html(record: GrowthRecord) -> str:
    """The HTML the PDF is made from, in the active language."""
    return render_to_string("home/growth_pdf.html", {"record": record})


def record_pdf(record: GrowthRecord, *, base_url: str) -> bytes:
    """The record as PDF bytes, in the active language."""
    from weasyprint import HTML  # noqa: PLC0415 -- loads cairo and pango: only when asked

    return HTML(
        string=record_html(record), base_url=base_url, url_fetcher=GrowthFetcher()
    ).write_pdf()
