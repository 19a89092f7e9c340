"""The chart layer: specs carry the rows, downloads read back equal, the figure is accessible HTML."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from browser.chart_urls import bar_chart, map_chart  # type: ignore[import-not-found]
from saferspaces.charts.spec import PALETTE, WORLD_ATLAS, Chart, Column, chart_spec, map_spec
from saferspaces.charts.tables import chart_table_response
from saferspaces.core.spreadsheets import text_formula_risk


def _csv_rows(chart: Chart) -> list[list[str]]:
    response = chart_table_response(chart=chart, fmt="csv", filename=chart.id)
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _render(template: str, **context: Any) -> str:
    return Template("{% load charts %}" + template).render(Context(context))


def test_chart_spec_injects_rows_palette_and_summary() -> None:
    chart = bar_chart()
    spec = chart_spec(chart)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert spec["data"] == {"values": [dict(row) for row in chart.rows]}
    assert spec["description"] == chart.summary
    assert spec["config"]["range"]["category"] == list(PALETTE)
    assert spec["mark"] == chart.spec["mark"] and spec["encoding"] == chart.spec["encoding"]
    assert "data" not in chart.spec  # the chart's own spec is not changed
    json.dumps(spec)  # serialisable as is


def test_okabe_ito_palette() -> None:
    assert len(PALETTE) == 8
    assert {colour.upper() for colour in PALETTE} == {
        "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    }  # fmt: skip
    assert PALETTE[-1].upper() == "#F0E442"  # the low-contrast yellow comes last


def test_nulls_stay_missing_and_are_never_drawn_as_zero() -> None:
    spec = chart_spec(bar_chart())
    response_row = next(row for row in spec["data"]["values"] if row["dimension"] == "Response")
    assert response_row["score"] is None
    assert spec["config"]["mark"]["invalid"] in ("filter", "break-paths-show-domains")


def test_decimals_and_nan_become_json_values_and_own_config_wins() -> None:
    chart = Chart(
        id="d",
        title="T",
        summary="S",
        spec={"mark": "point", "config": {"mark": {"color": "#000000"}, "axis": {"grid": False}}},
        columns=(Column(key="v", label="V", kind="number"),),
        rows=({"v": Decimal("1.5")}, {"v": float("nan")}),
        height=120,
    )
    spec = chart_spec(chart)
    assert spec["data"]["values"] == [{"v": 1.5}, {"v": None}]
    assert spec["config"]["mark"]["color"] == "#000000"
    assert spec["config"]["mark"]["invalid"]  # the site default survives the merge
    assert spec["config"]["axis"]["grid"] is False and "labelColor" in spec["config"]["axis"]
    assert spec["height"] == 120


def test_bad_charts_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="slug"):
        Chart(id="Not a slug", title="T", summary="S", spec={}, columns=(), rows=())
    with pytest.raises(ValueError, match="must not carry data"):
        Chart(id="a", title="T", summary="S", spec={"data": {"values": []}}, columns=(), rows=())
    with pytest.raises(ValueError, match="unique"):
        Chart(
            id="a", title="T", summary="S", spec={},
            columns=(Column(key="x", label="X"), Column(key="x", label="Y")), rows=(),
        )  # fmt: skip
    with pytest.raises(ValueError, match="kind must be one of text, number"):
        Column(key="x", label="X", kind="date")


def test_csv_reads_back_equal_to_the_rows() -> None:
    chart = bar_chart()
    rows = _csv_rows(chart)
    assert rows[0] == ["Dimension", "Score", "Coverage (%)"]
    expected = [
        [
            str(row["dimension"]),
            "" if row["score"] is None else repr(row["score"]),
            str(row["coverage"]),
        ]
        for row in chart.rows
    ]
    assert rows[1:] == expected
    response = chart_table_response(chart=chart, fmt="csv", filename="scores")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="scores.csv"'


def test_xlsx_reads_back_equal_to_the_rows_with_numbers_as_numbers() -> None:
    chart = map_chart()
    response = chart_table_response(chart=chart, fmt="xlsx", filename="where.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="where.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Authority", "Kind", "Latitude", "Longitude")
    assert all(cell.font.bold for cell in sheet[1])
    assert values[1:] == [
        (row["name"], row["kind"], row["latitude"], row["longitude"]) for row in chart.rows
    ]
    assert isinstance(sheet["C2"].value, float) and sheet["C2"].number_format == "0.00"


def test_text_that_looks_like_a_formula_is_never_a_formula() -> None:
    chart = Chart(
        id="f",
        title="Formulas?",
        summary="S",
        spec={},
        columns=(Column(key="name", label="Name"), Column(key="n", label="N", kind="number")),
        rows=({"name": '=HYPERLINK("http://evil")', "n": -3}, {"name": "-x", "n": None}),
    )
    assert _csv_rows(chart)[1:] == [['\'=HYPERLINK("http://evil")', "-3"], ["'-x", ""]]
    response = chart_table_response(chart=chart, fmt="xlsx", filename="f")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    # the text as typed, in a text cell with the quote prefix (never a formula, even when edited)
    assert sheet["A2"].value == '=HYPERLINK("http://evil")'
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert sheet["A3"].value == "-x" and sheet["A3"].quotePrefix
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n" and not sheet["B2"].quotePrefix
    assert sheet["B3"].value is None


def test_unknown_format_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"Unknown data format 'pdf' for chart 'scores': use one of csv, xlsx"
    ):
        chart_table_response(chart=bar_chart(), fmt="pdf", filename="scores")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
            st.one_of(st.none(), st.integers(-(10**6), 10**6)),
        ),
        max_size=8,
    )
)
def test_csv_round_trip_property(pairs: list[tuple[str, int | None]]) -> None:
    chart = Chart(
        id="p",
        title="P",
        summary="S",
        spec={},
        columns=(Column(key="t", label="Text"), Column(key="n", label="Number", kind="number")),
        rows=tuple({"t": text, "n": number} for text, number in pairs),
    )
    rows = _csv_rows(chart)[1:]
    assert len(rows) == len(pairs)
    for (text, number), (text_cell, number_cell) in zip(pairs, rows, strict=True):
        unescaped = text_cell[1:] if text_formula_risk(text=text) else text_cell
        assert unescaped == text
        assert number_cell == ("" if number is None else str(number))


def test_data_urls_get_the_format_appended() -> None:
    assert bar_chart("/dashboard/a/").csv_url == "/dashboard/a/?format=csv"
    assert bar_chart("/dashboard/a/?round=2").xlsx_url == "/dashboard/a/?round=2&format=xlsx"
    assert bar_chart(None).csv_url is None


def test_map_spec_uses_the_vendored_world_atlas_and_fits_europe() -> None:
    spec = map_spec(color_field="kind", tooltip_fields=(("kind", "Kind"),))
    outlines, points = spec["layer"]
    assert outlines["data"]["url"].endswith(WORLD_ATLAS)
    assert outlines["data"]["format"] == {"type": "topojson", "feature": "countries"}
    assert finders.find(WORLD_ATLAS) is not None
    atlas = finders.find(WORLD_ATLAS)
    assert isinstance(atlas, str)
    assert json.loads(Path(atlas).read_text(encoding="utf-8"))["objects"]["countries"]
    assert spec["projection"]["type"] == "azimuthalEqualArea"
    lons = [lon for lon, _ in spec["projection"]["fit"]["geometry"]["coordinates"]]
    assert min(lons) < -9 and max(lons) > 30  # Lisbon to Helsinki and beyond
    assert points["encoding"]["latitude"]["field"] == "latitude"
    assert points["encoding"]["color"]["field"] == "kind"
    assert [item["field"] for item in points["encoding"]["tooltip"]] == ["name", "kind"]
    assert all("isValid" in step["filter"] for step in points["transform"])
    # The map is an ordinary chart spec: the rows become the points layer's data.
    assert chart_spec(map_chart())["data"]["values"][0]["name"] == "Lisboa"


def test_vendored_scripts_are_there() -> None:
    for path in (
        "vendor/vega/vega.min.js",
        "vendor/vega/vega-lite.min.js",
        "vendor/vega/vega-embed.min.js",
        "charts/charts.js",
        "charts/charts.css",
    ):
        assert finders.find(path) is not None, path


def test_chart_assets_tag() -> None:
    html = _render("{% chart_assets %}")
    assert '<link rel="stylesheet" href="/static/charts/charts.css">' in html
    scripts = re.findall(r'<script src="([^"]+)" defer></script>', html)
    assert scripts == [
        "/static/vendor/vega/vega.min.js",
        "/static/vendor/vega/vega-lite.min.js",
        "/static/vendor/vega/vega-embed.min.js",
        "/static/charts/charts.js",
    ]


def test_the_figure_has_caption_table_data_block_and_hidden_buttons() -> None:
    chart = bar_chart()
    html = _render("{% chart chart heading_level=2 %}", chart=chart)
    assert '<figure class="chart" id="scores"' in html
    assert '<h2 class="chart-title" id="scores-title">Scores per dimension</h2>' in html
    assert chart.summary in html
    assert re.search(
        r'<div class="chart-view"[^>]*tabindex="0"[^>]*aria-labelledby="scores-title"', html
    )
    assert re.search(r'<caption id="scores-caption">Data: Scores per dimension</caption>', html)
    assert html.count('<th scope="col"') == 3 and html.count('<th scope="row"') == 4
    # The missing score: an em dash for the eye, "missing" for screen readers.
    assert '<span aria-hidden="true">—</span><span class="visually-hidden">missing</span>' in html
    assert re.search(
        r'<button type="button" class="chart-button" data-chart-download="svg" hidden>Download SVG',
        html,
    )
    assert re.search(
        r'<button type="button" class="chart-button" data-chart-download="png" hidden>Download PNG',
        html,
    )
    assert (
        'href="/chart-test/data/?format=csv"' in html
        and 'href="/chart-test/data/?format=xlsx"' in html
    )
    block = re.search(
        r'<script id="scores-spec" type="application/json">(.*?)</script>', html, re.S
    )
    assert block is not None
    assert json.loads(block.group(1)) == chart_spec(chart)
    # Strict CSP: no script but the JSON data block, no style attribute.
    assert re.findall(r"<script\b(?![^>]*type=\"application/json\")", html) == []
    assert "style=" not in html


def test_table_numbers_round_like_a_spreadsheet() -> None:
    html = _render("{% chart chart %}", chart=bar_chart())
    assert ">55.3<" in html and ">72.5<" in html and ">61.0<" in html and ">90<" in html


def test_heading_level_is_clamped_and_links_need_a_data_url() -> None:
    html = _render("{% chart chart heading_level=9 %}", chart=bar_chart(None))
    assert '<h6 class="chart-title"' in html and "format=csv" not in html
    assert '<h2 class="chart-title"' in _render(
        "{% chart chart heading_level=1 %}", chart=map_chart()
    )


def test_hostile_text_cannot_break_out_of_the_data_block() -> None:
    chart = Chart(
        id="x",
        title="</script><script>alert(1)</script>",
        summary="<b>S</b>",
        spec={"mark": "bar"},
        columns=(Column(key="name", label="Name"),),
        rows=({"name": "</script><script>alert(2)</script>"},),
    )
    html = _render("{% chart chart %}", chart=chart)
    assert "<script>alert" not in html and "<b>S</b>" not in html


@pytest.mark.django_db
def test_the_test_page_and_its_downloads(client: Client, settings: Any) -> None:
    settings.ROOT_URLCONF = "browser.chart_urls"
    page = client.get("/chart-test/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<figure class="chart"') == 2
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    assert " style=" not in html
    assert client.get("/chart-test/data/?format=xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    refused = client.get("/chart-test/data/?format=pdf")
    assert refused.status_code == 400 and b"use one of csv, xlsx" in refused.content
