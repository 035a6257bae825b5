"""The dashboard's pages: who may open them, what they show, the charts' SVG and the PDF."""

import xml.etree.ElementTree as ET
from datetime import date
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from dashboard import report
from dashboard.charts import chart_spec, chart_svg
from dashboard.figures import KEYS, Figure
from dashboard.periods import Period
from tests.factories import MemberFactory, UserFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.second_factor import record_second_factor_passed

pytestmark = pytest.mark.django_db

DASH = "\u2013"  # an en dash, as periods are written
SCHOOL_YEAR = "?period=school_year&start=2025-09-01"
PAGES = [
    reverse("dashboard:index"),
    reverse("dashboard:report"),
    reverse("dashboard:report_pdf"),
    reverse("dashboard:chart", args=["new_members"]),
]


@pytest.fixture
def coordinator(client):
    user = CoordinatorFactory()
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = (
        "en"  # the strings as written, whatever the catalogue
    )
    return user


def _matrix(**kwargs) -> Figure:
    sectors = ["po", "vo", "mbo", "ho", "other"]
    values = {
        "key": "sector_matrix",
        "title": "Sectors meeting",
        "definition": "Pairs of people.",
        "columns": ("Sector", "With sector", "Pairs"),
        "rows": tuple(
            (a, b, 3 * i + j) for i, a in enumerate(sectors) for j, b in enumerate(sectors)
        ),
        "previous": tuple((a, b, 1) for a in sectors for b in sectors),
        "chart": "heatmap",
        "x": "Sector",
        "y": "With sector",
        "series": "Pairs",
    }
    return Figure(**{**values, **kwargs})


def _monthly(chart: str) -> Figure:
    return Figure(
        key="participants_per_sector",
        title="Participants per sector",
        definition="People who took part.",
        columns=("Month", "Sector", "Participants"),
        rows=(
            ("2025-09", "po", 7),
            ("2025-09", "vo", 2),
            ("2025-10", "po", 9),
            ("2025-10", "vo", 12),
        ),
        previous=(("2024-09", "po", 3), ("2024-10", "po", "< 5")),
        chart=chart,
        x="Month",
        y="Participants",
        series="Sector",
    )


def _svg(text):
    return ET.fromstring(text)  # noqa: S314 -- our own chart, made in this test


# Who may open them ---------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_is_asked_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url", PAGES)
def test_a_member_gets_403(client, url):
    client.force_login(MemberFactory())

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_staff_who_are_not_coordinators_get_403(client, url):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(url).status_code == 403


def test_a_coordinator_without_a_second_factor_is_sent_to_set_one_up(client):
    client.force_login(CoordinatorFactory(second_factor=False))

    response = client.get(reverse("dashboard:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_the_nav_links_the_dashboard_for_coordinators_only(client):
    member = MemberFactory()
    client.force_login(member)
    assert reverse("dashboard:index") not in client.get(reverse("home")).text

    client.force_login(CoordinatorFactory())
    assert f'href="{reverse("dashboard:index")}"' in client.get(reverse("home")).text


# The page ------------------------------------------------------------------------------


def test_the_page_shows_every_figure_with_its_definition_charts_and_tables(client, coordinator):
    response = client.get(reverse("dashboard:index") + SCHOOL_YEAR)

    assert response.status_code == 200
    page = response.text
    cards = response.context["cards"]
    assert [card.key for card in cards] == list(KEYS)
    for card in cards:
        assert escape(card.title) in page
        assert escape(card.definition) in page
        chart = reverse("dashboard:chart", args=[card.key])
        assert f'src="{chart}?period=school_year&amp;start=2025-08-01"' in page
        assert f'src="{chart}?period=school_year&amp;start=2025-08-01&amp;year=previous"' in page
    assert page.count("<caption>") == 2 * len(KEYS)
    assert f"school year 2025{DASH}2026, beside school year 2024{DASH}2025" in page


# The session, the user, the Coordinators group, the profile (the layout's reminders),
# then each figure's one statement, for the period and a year earlier together.
PAGE_QUERIES = 4 + len(KEYS)


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_data(
    client, coordinator, django_assert_num_queries
):
    url = reverse("dashboard:index") + SCHOOL_YEAR
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
    MemberFactory.create_batch(3)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_a_custom_range_is_shown_in_the_selector_and_the_links(client, coordinator):
    response = client.get(
        reverse("dashboard:index") + "?period=custom&start=2026-03-01&end=2026-02-01"
    )

    form = response.context["form"]
    assert form.initial == {"period": "custom", "start": "2026-02-01", "end": "2026-03-01"}
    assert response.context["steps"] is None
    assert "period=custom&amp;start=2026-02-01&amp;end=2026-03-01" in response.text


def test_the_period_steps_go_to_the_school_year_before_and_after(client, coordinator):
    response = client.get(reverse("dashboard:index") + SCHOOL_YEAR)

    earlier, later = response.context["steps"]
    assert (earlier.query, later.query) == (
        "period=school_year&start=2024-08-01",
        "period=school_year&start=2026-08-01",
    )


# The charts ----------------------------------------------------------------------------


def test_a_chart_is_an_svg_that_parses_and_may_run_nothing(client, coordinator):
    response = client.get(reverse("dashboard:chart", args=["new_members"]) + SCHOOL_YEAR)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    root = _svg(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(root.itertext())
    assert "New members per sector" in text
    assert f"school year 2025{DASH}2026" in text
    assert b"<script" not in response.content
    assert b"<style" not in response.content
    assert b"style=" not in response.content


def test_the_previous_years_chart_says_its_period(client, coordinator):
    url = reverse("dashboard:chart", args=["new_members"]) + SCHOOL_YEAR + "&year=previous"

    text = " ".join(_svg(client.get(url).content).itertext())

    assert f"school year 2024{DASH}2025" in text


def test_an_unknown_chart_is_404(client, coordinator):
    assert client.get(reverse("dashboard:chart", args=["nothing"])).status_code == 404


def test_a_heatmap_has_its_labels_numbers_and_a_colour_blind_safe_scale():
    svg = chart_svg(_matrix(), subtitle=f"school year 2025{DASH}2026")

    text = [t.strip() for t in _svg(svg).itertext() if t.strip()]
    assert {"Sectors meeting", "Sector", "With sector", "po", "vo", "mbo", "ho", "other"} <= set(
        text
    )
    assert "16" in text  # other and other, on its cell
    spec = chart_spec(_matrix(), subtitle="")
    assert spec["layer"][0]["encoding"]["color"]["scale"] == {
        "scheme": "viridis",
        "domain": [0, 16],
    }


def test_lines_give_each_sector_its_own_colour_and_shape_on_one_scale_for_both_years():
    with translation.override("en"):
        spec = chart_spec(_monthly("lines"), subtitle="")
        previous = chart_spec(_monthly("lines"), subtitle="", previous=True)

    encoding = spec["encoding"]
    assert encoding["color"]["scale"] == {"domain": ["po", "vo"], "range": ["#E69F00", "#56B4E9"]}
    assert encoding["shape"]["scale"]["range"] == ["circle", "square"]
    assert encoding["y"]["scale"]["domain"] == [0, 12]
    assert previous["encoding"]["y"]["scale"]["domain"] == [0, 12]
    # Months as people say them; a suppressed "< 5" is left out of the chart.
    assert [v["c0"] for v in spec["data"]["values"]] == [
        "Sep 2025",
        "Sep 2025",
        "Oct 2025",
        "Oct 2025",
    ]
    assert [v["c2"] for v in previous["data"]["values"]] == [3, None]


@pytest.mark.parametrize("chart", ["bars", "stacked_bars", "grouped_bars", "lines"])
def test_every_kind_of_chart_renders_with_its_axis_titles(chart):
    svg = chart_svg(_monthly(chart), subtitle=f"school year 2025{DASH}2026")

    text = set(_svg(svg).itertext())
    assert {"Participants per sector", "Month", "Participants", "Sector"} <= text


def test_a_chart_without_data_says_so():
    svg = chart_svg(_matrix(rows=(), previous=()), subtitle="March 2026")

    assert "No data in this period." in set(_svg(svg).itertext())


# Tables --------------------------------------------------------------------------------


def test_a_heatmaps_table_is_a_matrix_and_a_series_a_row_per_month():
    with translation.override("en"):
        matrix = report._table(_matrix(), _matrix().rows, Period.school_year(date(2025, 9, 1)))
        monthly = report._table(
            _monthly("lines"), _monthly("lines").rows, Period.school_year(date(2025, 9, 1))
        )

    assert matrix.head == ("With sector", "po", "vo", "mbo", "ho", "other")
    assert matrix.body[1] == ("vo", ("1", "4", "7", "10", "13"))
    assert matrix.caption == f"Sectors meeting, school year 2025{DASH}2026"
    assert monthly.head == ("Month", "po", "vo")
    assert monthly.body == (("Sep 2025", ("7", "2")), ("Oct 2025", ("9", "12")))


# The partner report --------------------------------------------------------------------


def test_the_report_names_the_partners_and_hides_small_counts(client, coordinator, settings):
    settings.LEF_PARTNERS = ["Gemeente Leiden", "Hogeschool Leiden"]

    response = client.get(reverse("dashboard:report") + SCHOOL_YEAR)

    assert response.status_code == 200
    assert "Gemeente Leiden" in response.text
    assert "Hogeschool Leiden" in response.text
    for card in response.context["cards"]:
        assert card.chart_url.endswith("&small=hidden")
    assert "Download as PDF" in response.text


_MARCH_PDF = []  # made once a worker: pytest-xdist may tear a module's fixtures down early


@pytest.fixture(scope="module")
def march_pdf(django_db_setup, django_db_blocker):
    """The PDF of March 2026 as a coordinator downloads it, and the WeasyPrint document it
    was written from: made once for the tests below (it takes seconds), in a transaction
    that is rolled back."""
    if not _MARCH_PDF:
        _MARCH_PDF.append(_make_march_pdf(django_db_blocker))
    return _MARCH_PDF[0]


def _make_march_pdf(django_db_blocker):
    documents = []
    made = report.report_document

    def spy(request, period):
        documents.append(made(request, period))
        return documents[-1]

    with django_db_blocker.unblock(), transaction.atomic():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        user = CoordinatorFactory()
        client.force_login(user)
        record_second_factor_passed(client, user)  # the autouse fixture's, per test
        with mock.patch.object(report, "report_document", spy):
            response = client.get(
                reverse("dashboard:report_pdf") + "?period=month&start=2026-03-10"
            )
        with translation.override("en"):
            summary = report.report_context(Period.month(date(2026, 3, 1)))["summary"]
        transaction.set_rollback(True)
    return response, documents, summary


@pytest.mark.xdist_group("dashboard-pdf")  # one worker, so one PDF for both
def test_the_pdf_is_made_from_the_report_page(march_pdf):
    response, documents, _summary = march_pdf

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="lef-2026-03-01-2026-03-31.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert len(documents) == 1  # the document the next test reads is this PDF's


@pytest.mark.xdist_group("dashboard-pdf")  # one worker, so one PDF for both
def test_the_pdfs_first_page_says_the_summary_and_its_charts_are_drawn(march_pdf):
    _response, [document], summary = march_pdf

    first_page = " ".join(_texts(document.pages[0]._page_box))
    assert summary == ["No meetups were held in March 2026.", _members_sentence(0)]
    for sentence in summary:
        assert sentence in first_page
    assert "Gemeente Leiden" in first_page
    charts = [
        box.replacement
        for page in document.pages
        for box in _boxes(page._page_box)
        if box.element_tag == "img" and hasattr(box, "replacement")
    ]
    # Every chart drawn as an SVG (a chart that failed would be its alt text).
    assert [type(chart).__name__ for chart in charts] == ["SVGImage"] * (2 * len(KEYS))


def _members_sentence(count):
    return f"{count} new members joined 't LEF (0 in the same period a year earlier)."


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _texts(box):
    # A text box's line is in pieces; a paragraph's are joined with spaces.
    words = [b.text for b in _boxes(box) if hasattr(b, "text") and isinstance(b.text, str)]
    return " ".join(words).split()


def test_the_dashboard_and_the_report_are_valid_html(client, coordinator, tmp_path):
    from tests.test_html_valid import check  # noqa: PLC0415 -- the Nu checker's one runner

    pages = {
        "dashboard": client.get(
            reverse("dashboard:index") + "?period=custom&start=2026-01-05"
        ).text,
        "report": client.get(reverse("dashboard:report") + SCHOOL_YEAR).text,
    }

    assert check(pages, tmp_path) == {}
