"""The dashboard's charts: a Vega-Lite specification per figure (written with
Altair), rendered to SVG on the server by vl-convert.

No script and nothing from elsewhere reaches the browser: the page shows each
chart as ``<img src="/dashboard/chart/<key>.svg?…">``. vl-convert's SVG has no
``<style>`` element and no ``style=""`` attribute (only presentation
attributes), so it would pass our CSP inline too; it is an ``<img>`` because
rendering costs ~30 ms a chart (and ~0.4 s for the first one in a process), and
twenty charts inline would keep the page waiting ~0.7 s, where separate images
load in parallel, lazily, after the page with its tables is on the screen. An
SVG shown as an image cannot run script either.

Colours are readable for colour-blind people: the sectors keep their Okabe-Ito
colour of DESIGN.md, other series take the rest of that palette, heatmaps the
viridis scale; points have a shape per series and heatmap cells carry their
number, so colour is never the only carrier.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import TYPE_CHECKING

import altair as alt
import vl_convert
from django.utils import formats, translation
from django.utils.translation import gettext as _

from lef.choices import Sector, sector_short

if TYPE_CHECKING:
    from dashboard.figures import Figure

SECTOR_COLOURS = {
    Sector.PO: "#E69F00",
    Sector.VO: "#56B4E9",
    Sector.MBO: "#009E73",
    Sector.HO: "#CC79A7",
    Sector.OTHER: "#999999",
}
# The rest of Okabe and Ito's palette, for series that are not sectors.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge"]
TEXT = "#212529"  # Bootstrap's body colour
WIDTH, HEIGHT = 320, 200  # the plot area; the <img> scales with the card
HORIZONTAL_AT = 8  # bars turn sideways with this many categories, or long labels
LONG_LABEL = 8
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_TEXT = re.compile(r"^\w{3,4}\.? \d{4}$")  # "sep 2025", "Sep 2025"

CONFIG = {
    "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    "background": "white",
    "view": {"stroke": None},
    "title": {
        "fontSize": 16,
        "subtitleFontSize": 13,
        "anchor": "start",
        "color": TEXT,
        "subtitleColor": "#495057",
    },
    "axis": {
        "labelFontSize": 13,
        "titleFontSize": 14,
        "labelColor": TEXT,
        "titleColor": TEXT,
        "labelLimit": 160,
        "titlePadding": 10,
        "gridColor": "#e9ecef",
    },
    "legend": {
        "labelFontSize": 13,
        "titleFontSize": 14,
        "labelColor": TEXT,
        "orient": "bottom",
        "columns": 5,
    },
}


def chart_svg(figure: Figure, *, subtitle: str, previous: bool = False) -> str:
    """The SVG of ``figure`` (its ``previous`` rows when asked), as a text."""
    locale = "nl-NL" if translation.get_language() == "nl" else "en-GB"
    return vl_convert.vegalite_to_svg(
        chart_spec(figure, subtitle=subtitle, previous=previous),
        format_locale=locale,
        time_format_locale=locale,
        allowed_base_urls=[],  # the data is in the specification: fetch nothing
    )


def chart_spec(figure: Figure, *, subtitle: str, previous: bool = False) -> dict:
    """The Vega-Lite specification of ``figure``'s chart, as a dict.

    Columns become fields ``c0``, ``c1``, … (headers are translated text, with
    characters Vega reads as field paths) titled with their headers. The value
    axis has the same domain for the period and the year before, so the two
    charts side by side compare at a glance. Values that are not numbers (a
    suppressed "< 5") are left out of the chart; the table says them.
    """
    columns = list(figure.columns)
    field = {name: f"c{index}" for index, name in enumerate(columns)}
    rows = figure.previous if previous else figure.rows
    numeric = {
        name: _is_numeric_column([*figure.rows, *figure.previous], index)
        for index, name in enumerate(columns)
    }
    values = [
        {
            field[name]: _value(row[index], numeric[name])
            for index, name in enumerate(columns)
            if index < len(row)
        }
        for row in rows
    ]
    x, y, series = figure.x, figure.y, figure.series
    # The value a chart draws: a heatmap's colour (its series), else its y; a
    # column without any value yet (no data) is taken at its word.
    value_column = series if figure.chart == "heatmap" else y
    if numeric.get(value_column) is False:
        value_column = _first_numeric(columns, numeric, exclude={x, y})
    top = _maximum(figure, columns.index(value_column)) if value_column else None
    base = alt.Chart(alt.Data(values=values)).properties(
        width=WIDTH,
        height=HEIGHT,
        description=f"{figure.title}: {subtitle}",
    )
    maker = {
        "heatmap": _heatmap,
        "lines": _lines,
        "bars": _bars,
        "stacked_bars": _bars,
        "grouped_bars": _bars,
    }[figure.chart]
    chart = maker(
        base,
        kind=figure.chart,
        x=(field[x], x),
        y=(field[y], y),
        value=(field[value_column], value_column) if value_column else None,
        series=(field[series], series) if series and figure.chart != "heatmap" else None,
        series_values=_distinct(figure, columns.index(series)) if series else [],
        categories=_distinct(figure, columns.index(x)),
        top=top,
        empty=not values,
    )
    subtitles = [subtitle] if values else [subtitle, _("No data in this period.")]
    spec = chart.properties(title=alt.TitleParams(text=str(figure.title), subtitle=subtitles))
    spec = spec.to_dict()
    spec["config"] = CONFIG
    return spec


def _heatmap(base, *, x, y, value, top, empty, categories, **_kwargs):
    # Rows in their own order (a weekday, a sector); the number on every cell,
    # white on viridis' dark end, dark on its light end.
    scale = alt.Scale(scheme="viridis", domain=[0, top or 1])
    encode = {
        "x": alt.X(f"{x[0]}:N", title=x[1], sort=None, axis=alt.Axis(labelAngle=0)),
        "y": alt.Y(f"{y[0]}:N", title=y[1], sort=None),
    }
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(f"{value[0]}:Q", title=value[1], scale=scale),
        **encode,
    )
    if len(categories) > 12:  # hours of the day: numbers on cells would crowd
        return rect
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text(f"{value[0]}:Q", format=","),
        color=alt.condition(
            f"datum['{value[0]}'] < {(top or 1) * 0.55}", alt.value("white"), alt.value("black")
        ),
        **encode,
    )
    return alt.layer(rect, text)


def _lines(base, *, x, value, series, series_values, top, **_kwargs):
    y_scale = alt.Scale(domain=[0, max(top, 1)], nice=True) if top is not None else alt.Undefined
    encode = {
        "x": alt.X(f"{x[0]}:N", title=x[1], sort=None, axis=alt.Axis(labelAngle=-40)),
        "y": alt.Y(f"{value[0]}:Q", title=value[1], scale=y_scale),
    }
    if series:
        colours = _colours(series_values)
        encode["color"] = alt.Color(
            f"{series[0]}:N",
            title=series[1],
            sort=series_values,
            scale=alt.Scale(domain=series_values, range=colours),
        )
        encode["shape"] = alt.Shape(
            f"{series[0]}:N",
            title=series[1],
            sort=series_values,
            scale=alt.Scale(domain=series_values, range=SHAPES[: len(series_values)] or SHAPES),
        )
    else:
        encode["color"] = alt.value(OKABE_ITO[0])
    return base.mark_line(point=alt.OverlayMarkDef(size=50, filled=True), strokeWidth=2).encode(
        **encode
    )


def _bars(base, *, kind, x, value, series, series_values, categories, top, **_kwargs):
    # Months run left to right; other long lists, or long names, read best sideways.
    months = all(MONTH_TEXT.match(c) for c in categories)
    sideways = not months and (
        len(categories) >= HORIZONTAL_AT or any(len(c) > LONG_LABEL for c in categories)
    )
    stacked = kind == "stacked_bars"
    scale = (
        alt.Scale(domain=[0, max(top, 1)], nice=True)
        if top is not None and not stacked
        else alt.Undefined
    )
    category = alt.X if not sideways else alt.Y
    amount = alt.Y if not sideways else alt.X
    encode = {
        ("y" if sideways else "x"): category(
            f"{x[0]}:N",
            title=x[1],
            sort=None,
            axis=alt.Axis(labelAngle=0 if sideways else -40, labelLimit=200),
        ),
        ("x" if sideways else "y"): amount(f"{value[0]}:Q", title=value[1], scale=scale),
    }
    if series:
        encode["color"] = alt.Color(
            f"{series[0]}:N",
            title=series[1],
            sort=series_values,
            scale=alt.Scale(domain=series_values, range=_colours(series_values)),
        )
        if kind == "grouped_bars":
            offset = alt.YOffset if sideways else alt.XOffset
            encode["yOffset" if sideways else "xOffset"] = offset(
                f"{series[0]}:N", sort=series_values
            )
    else:
        encode["color"] = alt.value(OKABE_ITO[0])
    chart = base.mark_bar().encode(**encode)
    if sideways:
        # One band per category, so long lists grow down instead of squeezing.
        rows = len(categories) * (max(len(series_values), 1) if kind == "grouped_bars" else 1)
        chart = chart.properties(height=max(HEIGHT, 22 * rows))
    return chart


def _colours(series_values: list[str]) -> list[str]:
    """A colour per series: a sector's own (by code or label), else Okabe-Ito in turn."""
    by_label = {}
    for code, colour in SECTOR_COLOURS.items():
        by_label[str(code)] = colour
        by_label[str(sector_short(code))] = colour
        by_label[str(Sector(code).label)] = colour
    spare = iter(c for c in OKABE_ITO if c not in set(SECTOR_COLOURS.values()))
    colours = []
    for value in series_values:
        colour = by_label.get(value)
        if colour is None:
            colour = next(spare, None) or OKABE_ITO[len(colours) % len(OKABE_ITO)]
        colours.append(colour)
    return colours


def _is_numeric_column(rows, index: int) -> bool | None:
    """True for numbers (with "< 5" among them), False for labels, None with no value."""
    seen = None
    for row in rows:
        if index >= len(row) or row[index] is None:
            continue
        value = row[index]
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            seen = True
        elif not (isinstance(value, str) and value.startswith("<")):
            return False  # a label; a suppressed "< 5" does not make a column a label
    return seen


def _value(value, numeric: bool | None):
    if numeric:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None if isinstance(value, float) and math.isnan(value) else value
        return None
    return _label(value)


def _label(value) -> str:
    if isinstance(value, date) or (isinstance(value, str) and MONTH.match(value)):
        return month_text(value)
    text = "" if value is None else str(value)
    # A sector by its short name (po, vo, mbo, ho, other), as on the site's badges:
    # the full names would crowd the axes and legends. The table has them in full.
    for code in Sector.values:
        if text == str(Sector(code).label):
            return str(sector_short(code))
    return text


def month_text(value: date | str) -> str:
    """A month (its first day, or "2025-09" as figures write it) as people say it:
    "sep 2025" / "Sep 2025"."""
    if isinstance(value, str):
        found = MONTH.match(value)
        value = date(int(found[1]), int(found[2]), 1)
    month = "b Y" if translation.get_language() == "nl" else "M Y"
    return formats.date_format(value, month)


def _distinct(figure: Figure, index: int) -> list[str]:
    seen = {}
    for row in [*figure.rows, *figure.previous]:
        if index < len(row):
            seen.setdefault(_label(row[index]), None)
    return list(seen)


def _maximum(figure: Figure, index: int):
    numbers = [
        row[index]
        for row in [*figure.rows, *figure.previous]
        if index < len(row)
        and isinstance(row[index], int | float)
        and not isinstance(row[index], bool)
    ]
    if not numbers:
        return None
    if figure.chart == "stacked_bars":
        return None  # stacks add up: let Vega find the top
    return max(numbers)


def _first_numeric(columns, numeric, exclude) -> str | None:
    return next((name for name in columns if numeric[name] and name not in exclude), None)
