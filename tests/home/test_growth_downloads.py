"""The record of growth as CSV and PDF, in Dutch or English (home.views_growth, growth_pdf)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from home import growth_pdf
from home.growth import Span, growth_record
from tests.factories import MemberFactory
from tests.home.growth_data import PERIOD, attended, make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return make_dataset()


def csv_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # a BOM: Excel opens it as UTF-8
    text = body.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_csv_in_dutch_is_one_table_with_a_kind_column(client, data):
    client.force_login(data.member)

    response = client.get(reverse("growth_csv"), {**PERIOD, "language": "nl"})
    rows = csv_of(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lef-')
    # In the catalogue already (the other headers' Dutch comes with this change's msgids).
    assert [rows[0][i] for i in (0, 3, 5, 7)] == ["soort", "titel", "project", "adres"]
    assert [row[0] for row in rows[1:4]] == ["meetup"] * 3
    assert [row[0] for row in rows[4:6]] == ["project"] * 2
    assert len(rows) == 7
    assert rows[1][1:4] == ["2025-10-01", "2025-10-01", "Rekenen po-vo"]
    assert rows[1][6] == "2,5"  # a Dutch spreadsheet reads 2,5 as a number (";" between)
    assert rows[2][6] == ""  # no hours set
    assert rows[4][1:5] == ["2024-01-10", "2025-09-15", "Lezen over de grens", "Teamlid"]
    assert rows[5][2] == ""  # still on the team
    assert rows[6][3] == "Overstaples breuken"
    assert rows[6][5] == "Overstaplessen rekenen"
    assert rows[1][7].startswith("http://testserver/events/")


def test_csv_in_english_has_english_headers_and_dots(client, data):
    client.force_login(data.member)

    rows = csv_of(client.get(reverse("growth_csv"), {**PERIOD, "language": "en"}))

    assert rows[0] == ["kind", "from", "until", "title", "role or type", "project", "hours",
                       "address"]  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["meetup"] * 3 + ["project"] * 2 + ["result"]
    assert rows[1][6] == "2.5"
    assert rows[4][4] == "Team member"
    assert rows[5][4] == "Lead"
    assert rows[6][3:6] == ["Overstaples breuken", "Lesson material", "Overstaplessen rekenen"]


def test_csv_defuses_a_title_that_looks_like_a_formula(client):
    member = MemberFactory()
    attended(member, day=date(2026, 1, 10), hours=Decimal(1), title="=HYPERLINK(1)")
    client.force_login(member)

    rows = csv_of(client.get(reverse("growth_csv"), {**PERIOD, "language": "en"}))

    assert rows[1][3] == "'=HYPERLINK(1)"


def test_pdf_html_has_the_name_period_totals_tables_and_who_issued_it(data):
    record = growth_record(user=data.member, span=Span(date(2025, 8, 1), date(2026, 7, 31)))

    with translation.override("en"):
        html = growth_pdf.record_html(record)

    assert '<p class="who">Sanne de Vries</p>' in html
    assert "Period: 1 August 2025 to 31 July 2026" in html
    assert "<strong>4.0</strong> hours of professional development" in html
    assert "<td>Overstaplessen rekenen</td><td>Lead</td>" in html
    assert "Issued by 't Leids Education Fieldlab ('t LEF), Leiden, on" in html


@pytest.mark.xdist_group("growth-pdf")
def test_pdf_is_a_pdf_with_the_members_name_in_the_chosen_language(client, data):
    client.force_login(data.member)

    response = client.get(reverse("growth_pdf"), {**PERIOD, "language": "nl"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="lef-')
    assert response["Content-Disposition"].endswith('-2025-08-01-2026-07-31.pdf"')
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Sanne de Vries" in text
    assert "Rekenen po-vo" in text
    assert "1 augustus 2025 tot en met 31 juli 2026" in text


def test_pdf_fetches_our_print_style_sheet_and_nothing_else():
    fetcher = growth_pdf.GrowthFetcher()

    sheet = fetcher("http://testserver/static/css/growth-print.css")
    body = sheet.read()
    sheet.close()

    assert sheet.content_type == "text/css"
    assert b"@page" in body
    for url in (
        "http://testserver/static/css/bootstrap.min.css",
        "http://evil.example/track.png",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="fetches nothing else"):
            fetcher(url)
