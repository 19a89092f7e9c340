"""Charts of printed reports as plain SVG (pure Python, deterministic, no JavaScript).

Reports are read on paper and in PDF viewers, where the interactive Vega-Lite charts of the
web pages cannot run. :func:`svg_dot_rows` draws the one chart family the authority report
needs: one row per dimension on a 0-100 axis, with marks (a value and its interval) of one or
more series, and optionally a band (first quartile to third quartile, with the median). It
serves the profile (perception and status side by side), the peer band and the progress over
rounds.

Every label is given by the caller (already translated); the chart carries a ``<title>`` and a
``<desc>`` for assistive technology and is always printed next to a data table. Colours are the
Okabe-Ito palette (safe for colour-blind readers) and every series also differs by shape, so
the chart reads in black and white. The same input gives the same bytes: ids derive from the
chart id, numbers are rounded to 0.1 px.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

SHAPES = ("circle", "square", "triangle", "diamond")
#: Okabe-Ito colours (blue, vermillion, bluish green, reddish purple, black)
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000")
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
INK = "#1b1f24"
GRID = "#c8ccd2"
BAND = "#d9dde3"

WIDTH = 640
LABEL_W = 210  # the dimension labels column
RIGHT_PAD = 16
ROW_H = 26
TOP = 44  # legend and axis title above the rows
BOTTOM = 30  # ticks below the rows
CHAR_W = 6.1  # average advance of an 11 px sans-serif glyph, to shorten long labels


@dataclass(frozen=True)
class Series:
    """One kind of mark: its legend label, colour and shape (filled or hollow)."""

    label: str
    colour: str = COLOURS[0]
    shape: str = "circle"
    filled: bool = True


@dataclass(frozen=True)
class Mark:
    """A value of one series on a row, with its interval when known (``None`` = missing)."""

    series: int
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Band:
    """The middle half of a group (first to third quartile) and its median."""

    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class Row:
    label: str
    marks: tuple[Mark, ...] = ()
    band: Band | None = None


@dataclass(frozen=True)
class DotChart:
    chart_id: str
    title: str
    description: str
    rows: tuple[Row, ...]
    series: tuple[Series, ...]
    band_label: str | None = None  # legend entry of the band, when rows have bands
    missing_label: str = "no score"
    ticks: tuple[float, ...] = field(default=(0, 25, 50, 75, 100))


# characters XML 1.0 does not allow (control characters pasted from spreadsheets, lone surrogates)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    """Text for an SVG element: XML-escaped, characters XML cannot hold removed."""
    return _escape(_NOT_XML.sub("", text))


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _x(value: float) -> float:
    plot = WIDTH - LABEL_W - RIGHT_PAD
    return LABEL_W + plot * min(max(value, 0.0), 100.0) / 100.0


def _shorten(text: str, width: float) -> str:
    limit = max(int(width / CHAR_W), 4)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _shape(series: Series, x: float, y: float, size: float = 5.0) -> str:
    fill = series.colour if series.filled else "#ffffff"
    paint = f'fill="{fill}" stroke="{series.colour}" stroke-width="1.6"'
    if series.shape == "square":
        s = size * 0.9
        return f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}" {paint}/>'
    if series.shape == "triangle":
        s = size * 1.15
        points = f"{_n(x)},{_n(y - s)} {_n(x + s)},{_n(y + s * 0.8)} {_n(x - s)},{_n(y + s * 0.8)}"
        return f'<polygon points="{points}" {paint}/>'
    if series.shape == "diamond":
        s = size * 1.2
        points = f"{_n(x)},{_n(y - s)} {_n(x + s)},{_n(y)} {_n(x)},{_n(y + s)} {_n(x - s)},{_n(y)}"
        return f'<polygon points="{points}" {paint}/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" {paint}/>'


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{INK}">{escape(text)}</text>'
    )


LEGEND_LINE = 16.0  # height of a legend line; long legends (French) wrap onto more lines


def _legend(chart: DotChart) -> tuple[list[str], int]:
    """The legend's elements and its number of lines: an entry that would pass the right edge
    starts a new line, so that no label runs out of the chart (or off a printed page)."""
    entries: list[tuple[float, Series | None, str]] = [
        (24 + len(series.label) * CHAR_W, series, series.label) for series in chart.series
    ]
    if chart.band_label:
        entries.append((24 + len(chart.band_label) * CHAR_W, None, chart.band_label))
    out: list[str] = []
    x = float(LABEL_W)
    y = 14.0
    lines = 1
    for width, series, label in entries:
        if x > LABEL_W and x + width > WIDTH - RIGHT_PAD:
            x = float(LABEL_W)
            y += LEGEND_LINE
            lines += 1
        if series is not None:
            out.append(_shape(series, x + 5, y - 4))
            out.append(_text(x + 14, y, label))
        else:
            out.append(
                f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="18" height="10" fill="{BAND}" '
                f'stroke="{GRID}"/>'
            )
            out.append(
                f'<line x1="{_n(x + 9)}" y1="{_n(y - 10)}" x2="{_n(x + 9)}" y2="{_n(y + 2)}" stroke="{INK}" stroke-width="1.5"/>'
            )
            out.append(_text(x + 24, y, label))
        x += width
    return out, lines


def _row(chart: DotChart, row: Row, top: float) -> list[str]:
    mid = top + ROW_H / 2
    out = [_text(LABEL_W - 8, mid + 4, _shorten(row.label, LABEL_W - 12), anchor="end")]
    if row.band is not None:
        b = row.band
        out.append(
            f'<rect x="{_n(_x(b.q1))}" y="{_n(mid - 7)}" width="{_n(max(_x(b.q3) - _x(b.q1), 1.0))}" '
            f'height="14" fill="{BAND}" stroke="{GRID}"/>'
        )
        out.append(
            f'<line x1="{_n(_x(b.median))}" y1="{_n(mid - 9)}" x2="{_n(_x(b.median))}" '
            f'y2="{_n(mid + 9)}" stroke="{INK}" stroke-width="1.5"/>'
        )
    offsets = _offsets(len(chart.series))
    missing = []
    for mark in row.marks:
        series = chart.series[mark.series]
        y = mid + offsets[mark.series]
        if mark.value is None:
            missing.append(series.label)
            continue
        if mark.low is not None and mark.high is not None and mark.high > mark.low:
            out.append(
                f'<line x1="{_n(_x(mark.low))}" y1="{_n(y)}" x2="{_n(_x(mark.high))}" '
                f'y2="{_n(y)}" stroke="{series.colour}" stroke-width="1.4"/>'
            )
        out.append(_shape(series, _x(mark.value), y))
    if missing and len(missing) == len(row.marks):
        out.append(_text(_x(50), mid + 4, chart.missing_label, anchor="middle", size=10))
    return out


def _offsets(count: int) -> list[float]:
    """Series of one row sit on slightly different lines so that equal values stay visible."""
    if count <= 1:
        return [0.0]
    step = min(8.0, 16.0 / (count - 1))
    return [-step * (count - 1) / 2 + i * step for i in range(count)]


def svg_dot_rows(chart: DotChart) -> str:
    """The chart as an SVG document fragment (an ``<svg>`` element for inline use)."""
    legend, lines = _legend(chart)
    top = TOP + LEGEND_LINE * (lines - 1)
    height = top + ROW_H * max(len(chart.rows), 1) + BOTTOM
    title_id = f"{chart.chart_id}-title"
    desc_id = f"{chart.chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id={quoteattr(chart.chart_id)} '
        f'class="report-chart" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-family="{FONT}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    bottom = top + ROW_H * max(len(chart.rows), 1)
    for tick in chart.ticks:
        x = _x(tick)
        out.append(
            f'<line x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" y2="{_n(bottom)}" '
            f'stroke="{GRID}" stroke-width="0.8"/>'
        )
        out.append(_text(x, bottom + 16, _n(tick), anchor="middle", size=10))
    out += legend
    for index, row in enumerate(chart.rows):
        out += _row(chart, row, top + index * ROW_H)
    out.append("</svg>")
    return "".join(out)
