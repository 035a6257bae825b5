"""What the dashboard and the partner report show of the figures: cards with
their charts' addresses and tables, the summary in words, and the PDF.

The figures themselves (their SQL) are in dashboard/figures.py; this module
only arranges them for people. The PDF is WeasyPrint's rendering of the very
HTML of the report page: its charts and style sheet are fetched in-process
(:class:`ReportFetcher`), never over the network.
"""

import mimetypes
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dashboard.charts import MONTH, chart_svg, month_text
from dashboard.figures import KEYS, SMALL, SMALL_LABEL, Figure, dashboard_figures, figure
from dashboard.figures import suppress_small as hide_small
from dashboard.periods import Period, period_from_query

# The founding partners of 't LEF (DESIGN.md), named on the report; a setting
# LEF_PARTNERS (a list of names) replaces them.
NONE = "\u2013"  # an en dash: no value
PARTNERS = (
    "ICLON (Universiteit Leiden)",
    "Gemeente Leiden",
    "Leidse Aanpak",
    "Da Vinci College",
    "PROOLeiden",
    "SCOL",
    "Hogeschool Leiden",
)


@dataclass(frozen=True)
class Table:
    """A figure's numbers for one period, as an accessible table.

    ``head`` holds the column headers (the first one heads the row headers);
    each row of ``body`` is its row header and its cells, all as text.
    """

    caption: str
    head: tuple[str, ...]
    body: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    definition: str
    chart_url: str
    chart_alt: str
    previous_chart_url: str
    previous_alt: str
    csv_url: str | None
    table: Table
    previous_table: Table


def query_string(period: Period) -> str:
    return urlencode(period.query())


def cards(figures: list[Figure], period: Period, *, small_hidden: bool) -> list[Card]:
    """A card per figure: its charts (the period and a year earlier) and their tables."""
    before = period.previous_year()
    query = query_string(period)
    extra = "&small=hidden" if small_hidden else ""
    result = []
    for found in figures:
        shown = hide_small(found) if small_hidden else found
        chart = reverse("dashboard:chart", args=[found.key])
        result.append(
            Card(
                key=found.key,
                title=found.title,
                definition=found.definition,
                chart_url=f"{chart}?{query}{extra}",
                chart_alt=_chart_alt(found, period),
                previous_chart_url=f"{chart}?{query}&year=previous{extra}",
                previous_alt=_chart_alt(found, before),
                csv_url=_csv_url(found.key, query, small_hidden=small_hidden),
                table=_table(shown, shown.rows, period),
                previous_table=_table(shown, shown.previous, before),
            )
        )
    return result


def _chart_alt(found: Figure, period: Period) -> str:
    return _("Chart: %(title)s, %(period)s. Its numbers are in the table below.") % {
        "title": found.title,
        "period": period.label,
    }


def _csv_url(key: str, query: str, *, small_hidden: bool) -> str | None:
    name = "dashboard:report_csv" if small_hidden else "dashboard:csv"
    try:
        return f"{reverse(name, args=[key])}?{query}"
    except NoReverseMatch:  # the report's CSV is optional for a figure's download link
        return None


def _table(found: Figure, rows, period: Period) -> Table:
    """The rows as a table; a figure of one value per (label, label) is pivoted into a grid.

    A heatmap's rows become a matrix (its y labels down, its x labels across), a
    series over months a row per month and a column per series: as people read
    them, where the CSV keeps one line per value.
    """
    columns = list(found.columns)
    caption = _("%(title)s, %(period)s") % {"title": found.title, "period": period.label}
    text = _texts()
    if found.series and len(columns) == 3:
        if found.chart == "heatmap":
            down, across, value = found.y, found.x, found.series
        else:
            down, across, value = found.x, found.series, found.y
        d, a, v = columns.index(down), columns.index(across), columns.index(value)
        downs, acrosses, cells = {}, {}, {}
        for row in rows:
            name, other = text(row[d]), text(row[a])
            downs.setdefault(name, None)
            acrosses.setdefault(other, None)
            cells[name, other] = text(row[v])
        body = tuple(
            (name, tuple(cells.get((name, other), NONE) for other in acrosses)) for name in downs
        )
        return Table(caption, (down, *acrosses), body)
    body = tuple((text(row[0]), tuple(text(c) for c in row[1:])) for row in rows)
    return Table(caption, tuple(columns), body)


def _texts():
    """:func:`cell_text` for one table: each value is written once, however often it comes
    (months, sectors and small counts fill most cells; a school year's tables hold 2 500)."""
    written = {}

    def text(value) -> str:
        key = (type(value), value)
        if key not in written:
            written[key] = cell_text(value)
        return written[key]

    return text


def cell_text(value) -> str:  # noqa: PLR0911 -- one return per kind of value
    """A cell as people read it: 1.234 / 1,234; 61,5; "2026-03" as "mrt 2026"; NONE for none."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, force_grouping=True)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, str) and MONTH.match(value):
        return month_text(value)
    return str(value)


# The period selector's links ---------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str
    query: str
    current: bool = False


def shortcuts(period: Period, today: date) -> list[Link]:
    """This month, this quarter, this school year: one click each."""
    result = []
    for kind, label in (
        ("month", _("This month")),
        ("quarter", _("This quarter")),
        ("school_year", _("This school year")),
    ):
        this = getattr(Period, kind)(today)
        result.append(Link(label, query_string(this), current=this == period))
    return result


def steps(period: Period) -> tuple[Link, Link] | None:
    """The period before and after this one (a month, a quarter, a school year), or None."""
    if period.kind == "custom":
        return None
    maker = getattr(Period, period.kind)
    earlier = maker(period.start - timedelta(days=1))
    later = maker(period.end)
    return Link(earlier.label, query_string(earlier)), Link(later.label, query_string(later))


# The partner report ------------------------------------------------------------------------


def partners() -> tuple[str, ...]:
    return tuple(getattr(settings, "LEF_PARTNERS", None) or PARTNERS)


def report_context(period: Period, *, for_pdf: bool = False) -> dict:
    """What the report page and its PDF show: the same context, so the same HTML."""
    figures = dashboard_figures(period)
    return {
        "period": period,
        "before": period.previous_year(),
        "partners": partners(),
        "summary": summary(figures, period),
        "figures": figures,
        "cards": cards(figures, period, small_hidden=True),
        "query": query_string(period),
        "for_pdf": for_pdf,
    }


def _shown(count: int) -> str:
    return SMALL_LABEL if 0 < count < SMALL else formats.number_format(count, force_grouping=True)


def _column_sum(found: Figure | None, rows, index: int, *, where=None) -> int:
    """The sum of a figure's count column (numbers only) over ``rows`` that pass ``where``."""
    if found is None:
        return 0
    return sum(
        row[index]
        for row in rows
        if index < len(row)
        and isinstance(row[index], int)
        and not isinstance(row[index], bool)
        and (where is None or where(row))
    )


def _cross_share(found: Figure | None, rows, kind: str) -> float | None:
    """The period's share (%) of meetups or projects that were cross-sector, from the months'."""
    if found is None:
        return None
    is_kind = lambda row: len(row) > 1 and row[1] == kind  # noqa: E731 -- a one-line filter
    cross = _column_sum(found, rows, 2, where=is_kind)
    total = _column_sum(found, rows, 3, where=is_kind)
    return 100 * cross / total if total else None


def _percent(share: float) -> str:
    return f"{formats.number_format(round(share), force_grouping=True)}\u00a0%"


def _trend(share: float, before: float | None, *, what: str) -> str:
    """ "61 % of meetups were cross-sector, up from 48 %" and its kin, for ``what``."""
    values = {"share": _percent(share), "what": what}
    if before is None:
        return _("%(share)s of %(what)s were cross-sector.") % values
    values["before"] = _percent(before)
    if round(share) > round(before):
        return (
            _("%(share)s of %(what)s were cross-sector, up from %(before)s a year earlier.")
            % values
        )
    if round(share) < round(before):
        return (
            _("%(share)s of %(what)s were cross-sector, down from %(before)s a year earlier.")
            % values
        )
    return _("%(share)s of %(what)s were cross-sector, as a year earlier.") % values


def summary(figures: list[Figure], period: Period) -> list[str]:
    """The report's summary in words ("in this school year people from 4 sectors met at
    18 meetups; 61 % of meetups were cross-sector, up from 48 %"), from the figures' rows.

    Counts under 5 are said as "< 5", as in the report's tables.
    """
    by_key = {found.key: found for found in figures}
    sentences = []
    attendance = by_key.get("event_attendance")
    participants = by_key.get("participants_per_sector")
    meetups = _column_sum(attendance, attendance.rows, 1) if attendance else 0
    if attendance is not None and meetups == 0:
        sentences.append(_("No meetups were held in %(period)s.") % {"period": period.label})
    elif attendance is not None:
        sectors = 0
        if participants is not None:
            index = participants.columns.index(participants.y)
            sectors = len({row[1] for row in participants.rows if row[index : index + 1] != (0,)})
        sentences.append(
            _("In %(period)s people from %(sectors)s met at %(meetups)s.")
            % {
                "period": period.label,
                "sectors": ngettext("%(count)s sector", "%(count)s sectors", sectors)
                % {"count": sectors},
                "meetups": ngettext("%(count)s meetup", "%(count)s meetups", meetups)
                % {"count": _shown(meetups)},
            }
        )
    cross = by_key.get("cross_sector_share")
    for kind, what in ((_("Meetups"), _("meetups")), (_("Projects"), _("projects with a team"))):
        share = _cross_share(cross, cross.rows, kind) if cross else None
        if share is not None:
            before = _cross_share(cross, cross.previous, kind)
            sentences.append(_trend(share, before, what=what))
    members = by_key.get("new_members")
    if members is not None:
        index = members.columns.index(members.y)
        now = _column_sum(members, members.rows, index)
        then = _column_sum(members, members.previous, index)
        sentences.append(
            ngettext(
                "%(shown)s new member joined 't LEF (%(before)s in the same period a year "
                "earlier).",
                "%(shown)s new members joined 't LEF (%(before)s in the same period a year "
                "earlier).",
                now,
            )
            % {"shown": _shown(now), "before": _shown(then)}
        )
    return sentences


# The PDF -----------------------------------------------------------------------------------


def chart_for(key: str, params: QueryDict, *, today: date, known=None) -> str:
    """The SVG at /dashboard/chart/<key>.svg?<params>, for the page and for the PDF.

    ``year=previous`` draws the same period a year earlier; ``small=hidden``
    the partner report's version, where counts under 5 are left out. ``known``
    maps periods to figures already counted (the PDF's), to count them once.
    """
    period = period_from_query(params, today)
    found = (known or {}).get((period, key)) or figure(key, period)
    if params.get("small") == "hidden":
        found = hide_small(found)
    if params.get("year") == "previous":
        subtitle = _("%(period)s (a year earlier)") % {"period": period.previous_year().label}
        return chart_svg(found, subtitle=subtitle, previous=True)
    return chart_svg(found, subtitle=period.label)


PDF_STATIC = {"css/dashboard.css"}  # what the PDF takes of the page's static files


class ReportFetcher:
    """WeasyPrint's fetcher for the report: our own charts and static files, in-process.

    Nothing is fetched over the network (the PDF is made inside a request: a
    fetch of our own site would wait on a worker, and an address from data
    must never make the server call out). Anything else is refused.
    """

    _fail_on_errors = False  # WeasyPrint asks; a missing chart is logged, the PDF still made

    def __init__(self, period: Period, figures: list[Figure] = ()):
        self.period = period
        self.known = {(period, found.key): found for found in figures}
        self.chart_prefix = reverse("dashboard:chart", args=["KEY"]).removesuffix("KEY.svg")

    def __call__(self, url: str):
        return self.fetch(url)

    def fetch(self, url: str, headers=None):
        from weasyprint.urls import URLFetcherResponse  # noqa: PLC0415 -- loads cairo, pango

        parts = urlsplit(url)
        path = parts.path
        if path.startswith(self.chart_prefix) and path.endswith(".svg"):
            key = path.removeprefix(self.chart_prefix).removesuffix(".svg")
            if key not in KEYS:
                raise ValueError(f"No such chart: {url}")
            svg = chart_for(key, QueryDict(parts.query), today=self.period.start, known=self.known)
            return URLFetcherResponse(url, svg.encode(), {"Content-Type": "image/svg+xml"})
        if path.startswith(settings.STATIC_URL):
            name = path.removeprefix(settings.STATIC_URL)
            if name not in PDF_STATIC:
                # The site's other style sheets (Bootstrap's 230 kB above all) would
                # double the time WeasyPrint takes; the report's own print rules
                # style the PDF on their own.
                return URLFetcherResponse(url, b"", {"Content-Type": "text/css"})
            found_path = finders.find(name)
            if found_path:
                with open(found_path, "rb") as file:
                    body = file.read()
                kind = mimetypes.guess_type(found_path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": kind})
        raise ValueError(f"The report fetches nothing else: {url}")


def report_document(request, period: Period):
    """The report laid out by WeasyPrint from the report page's own HTML (a ``Document``)."""
    from weasyprint import HTML  # noqa: PLC0415 -- loads cairo and pango: only when asked

    context = report_context(period, for_pdf=True)
    html = render_to_string("dashboard/report.html", context, request=request)
    fetcher = ReportFetcher(period, context["figures"])  # counted once, for text and charts
    return HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=fetcher
    ).render()


def report_pdf(request, period: Period) -> bytes:
    """The report as a PDF."""
    return report_document(request, period).write_pdf()
