"""A chart, defined once: its rows, columns, title, summary and Vega-Lite spec, and one palette.

A chart's definition (e.g. ``dashboard/charts.py``) builds a :class:`Chart` (title,
plain-language summary, a Vega-Lite spec WITHOUT data, the table columns and the rows). The rows
are the single source of truth: :func:`chart_spec` puts them into the spec as ``data.values``;
the same spec is drawn in the browser (``{% load charts %}{% chart chart %}``, vega-embed in
``static/charts/charts.js``) and rendered to SVG for print (:mod:`saferspaces.charts.printing`);
the rows are also the HTML data table and the CSV/XLSX downloads (:mod:`saferspaces.charts.tables`),
so the picture, the print, the table and the files never differ.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.templatetags.static import static

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
WORLD_ATLAS = "vendor/world-atlas/countries-110m.json"

# Okabe & Ito (2008), the colour-blind-safe categorical palette; darkest first so that the first
# colours keep at least 3:1 against white (WCAG 1.4.11 non-text contrast). Yellow comes late.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'
INK = "#1b1f24"
MUTED = "#4a525c"
LINE = "#c9d0d8"
OUTLINE_FILL = "#eef1f4"
OUTLINE_STROKE = "#9aa4af"

COLUMN_KINDS = ("text", "number")
_SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Column:
    """One column of the data table and of the CSV/XLSX files."""

    key: str
    label: str  # translated label shown in the table head and in CSV/XLSX headers
    kind: str = "text"  # "text" | "number"
    digits: int = 1  # decimals for numbers in the HTML table

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(
                f"Column {self.key!r}: kind must be one of {', '.join(COLUMN_KINDS)}, not {self.kind!r}"
            )
        if self.digits < 0:
            raise ValueError(f"Column {self.key!r}: digits must be 0 or more, not {self.digits}")


@dataclass(frozen=True)
class Chart:
    """A chart with its summary and its data; ``spec`` is Vega-Lite without ``data``."""

    id: str  # unique on the page (slug)
    title: str
    summary: str  # plain-language text summary, always shown under the title
    spec: Mapping[str, Any]  # Vega-Lite spec WITHOUT data; chart_spec injects rows as data.values
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    data_url: str | None = None  # page-specific URL; "?format=csv" / "?format=xlsx" are appended
    height: int | None = None

    def __post_init__(self) -> None:
        if not _SLUG.match(self.id):
            raise ValueError(
                f"Chart id {self.id!r} must be a slug: lower-case letter first, then a-z, 0-9, - or _"
            )
        if "data" in self.spec:
            raise ValueError(f"Chart {self.id!r}: the spec must not carry data; pass rows instead")
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"Chart {self.id!r}: column keys must be unique, got {keys}")

    @property
    def csv_url(self) -> str | None:
        return _with_format(self.data_url, "csv")

    @property
    def xlsx_url(self) -> str | None:
        return _with_format(self.data_url, "xlsx")


def _with_format(url: str | None, fmt: str) -> str | None:
    if url is None:
        return None
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}format={fmt}"


def json_value(value: Any) -> Any:
    """Values Vega can read: Decimals become floats, None stays null (never zero), and a value
    that is not a finite number is missing (JSON has no NaN or Infinity)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):  # NaN, infinities: missing data
        return None
    return value


def _base_config() -> dict[str, Any]:
    return {
        "font": FONT,
        # The chart container is role="img", named by the title and described by the summary, and
        # the data table is the text alternative: marks need no ARIA roles of their own (charts.js
        # hides the drawn SVG from assistive technology).
        "aria": False,
        "background": "#ffffff",
        "range": {"category": list(PALETTE)},
        "mark": {"invalid": "break-paths-show-domains", "color": PALETTE[0]},
        "view": {"stroke": None},
        "axis": {
            "labelColor": INK,
            "titleColor": INK,
            "labelFontSize": 12,
            "titleFontSize": 13,
            "gridColor": LINE,
            "domainColor": MUTED,
            "tickColor": MUTED,
        },
        # below the plot, one entry per line, labels never cut: the plot keeps the width, and a
        # long translated label ("Moitié centrale des collectivités comparables") stays whole
        "legend": {
            "labelColor": INK,
            "titleColor": INK,
            "labelFontSize": 12,
            "titleFontSize": 13,
            "labelLimit": 0,
            "orient": "bottom",
            "direction": "vertical",
        },
        "title": {"color": INK, "fontSize": 15},
    }


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def chart_spec(chart: Chart) -> dict[str, Any]:
    """The full Vega-Lite spec: the chart's spec plus its rows, the site config and the summary.

    Nulls stay nulls and are filtered from marks (``mark.invalid: filter``), never drawn as zero.
    A spec's own ``config`` wins over the site config, key by key.
    """
    spec: dict[str, Any] = {"$schema": VEGA_LITE_SCHEMA}
    spec.update(chart.spec)
    spec["description"] = chart.summary
    spec["data"] = {"values": [{k: json_value(v) for k, v in row.items()} for row in chart.rows]}
    spec["config"] = _merge(_base_config(), chart.spec.get("config", {}))
    spec.setdefault("width", "container")
    if chart.height is not None:
        spec["height"] = chart.height
    spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    return spec


# Europe, west of the Urals: the map's projection is fitted on these points (points, not a polygon:
# a polygon's winding order would decide whether it means the box or the rest of the globe).
EUROPE_BOUNDS: dict[str, Any] = {
    "type": "Feature",
    "properties": {},
    "geometry": {
        "type": "MultiPoint",
        "coordinates": [
            [-24.0, 35.0],
            [10.0, 34.0],
            [40.0, 35.0],
            [-24.0, 66.0],
            [10.0, 71.0],
            [40.0, 68.0],
        ],
    },
}


def map_spec(
    *,
    points_field_lat: str = "latitude",
    points_field_lon: str = "longitude",
    points_field_name: str = "name",
    color_field: str | None = None,
    color_title: str | None = None,
    tooltip_fields: Sequence[tuple[str, str]] = (),
    name_title: str = "Name",
    height: int = 420,
) -> dict[str, Any]:
    """A Vega-Lite map of Europe: country outlines from the vendored world-atlas plus one circle per row.

    The outlines layer loads ``countries-110m.json`` (TopoJSON, object ``countries``) from the site's
    own static files; the points layer reads the chart's rows (``chart_spec`` adds them as the
    top-level data). Rows with a missing latitude or longitude are left out, never drawn at 0,0.
    ``tooltip_fields`` are extra (field, title) pairs shown on hover besides the name.
    """
    tooltip: list[dict[str, Any]] = [
        {"field": points_field_name, "type": "nominal", "title": name_title}
    ]
    tooltip += [{"field": field, "title": title} for field, title in tooltip_fields]
    points_encoding: dict[str, Any] = {
        "latitude": {"field": points_field_lat, "type": "quantitative"},
        "longitude": {"field": points_field_lon, "type": "quantitative"},
        "tooltip": tooltip,
    }
    if color_field is not None:
        points_encoding["color"] = {
            "field": color_field,
            "type": "nominal",
            "title": color_title or color_field,
        }
    return {
        "height": height,
        "projection": {
            "type": "azimuthalEqualArea",
            "rotate": [-10, -52, 0],
            "fit": EUROPE_BOUNDS,
        },
        "layer": [
            {
                "data": {
                    "url": static(WORLD_ATLAS),
                    "format": {"type": "topojson", "feature": "countries"},
                },
                "mark": {
                    "type": "geoshape",
                    "fill": OUTLINE_FILL,
                    "stroke": OUTLINE_STROKE,
                    "strokeWidth": 0.5,
                    "clip": True,
                    "tooltip": None,
                },
            },
            {
                "transform": [
                    {"filter": f"isValid(datum[{_quoted(points_field_lat)}])"},
                    {"filter": f"isValid(datum[{_quoted(points_field_lon)}])"},
                ],
                "mark": {
                    "type": "circle",
                    "size": 70,
                    "opacity": 0.9,
                    "stroke": "#ffffff",
                    "strokeWidth": 1,
                    "clip": True,
                },
                "encoding": points_encoding,
            },
        ],
    }


def _quoted(name: str) -> str:
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"
