"""Charts for print: the web page's spec rendered to SVG with vl-convert; accessible (one image
with a title and a description), deterministic (same chart, same bytes, in a fresh process too),
well-formed whatever the texts, without the network, in the print font and the one palette."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser.chart_urls import bar_chart, map_chart  # type: ignore[import-not-found]
from conftest import require  # type: ignore[import-not-found]
from saferspaces.charts.printing import (
    FONT_DIRS,
    PRINT_FONT,
    PRINT_WIDTH,
    ChartPrintError,
    chart_print_spec,
    chart_svg,
)
from saferspaces.charts.spec import PALETTE, Chart, Column, chart_spec

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _fonts() -> None:
    require(Path(FONT_DIRS[0], "DejaVuSans.ttf").is_file(), "fonts-dejavu-core is not installed")


def _dots(names: list[str], scores: list[float | None]) -> Chart:
    """A chart of the dashboard's kind: one point per row, with nulls for missing scores."""
    return Chart(
        id="dots",
        title="Scores <by> dimension & kind",
        summary="Every dimension's score; a missing one is left out, never drawn as zero.",
        spec={
            "mark": {"type": "point", "filled": True},
            "encoding": {
                "y": {"field": "name", "type": "nominal", "sort": None},
                "x": {"field": "score", "type": "quantitative", "scale": {"domain": [0, 100]}},
                "color": {"field": "name", "type": "nominal"},
            },
        },
        columns=(Column("name", "Name"), Column("score", "Score", "number")),
        rows=tuple({"name": n, "score": s} for n, s in zip(names, scores, strict=True)),
    )


def _symbols(root: ET.Element) -> list[ET.Element]:
    return [
        path
        for group in root.iter(f"{NS}g")
        if "mark-symbol role-mark" in (group.get("class") or "")
        for path in group.iter(f"{NS}path")
    ]


def test_one_image_named_by_the_title_and_described_by_the_summary() -> None:
    chart = bar_chart()
    root = ET.fromstring(chart_svg(chart))  # noqa: S314
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    assert root.get("id") == f"chart-{chart.id}"
    assert root.get("aria-labelledby") == f"chart-{chart.id}-title chart-{chart.id}-desc"
    title, desc = list(root)[:2]
    assert title.tag == f"{NS}title" and title.get("id") == f"chart-{chart.id}-title"
    assert title.text == chart.title and desc.text == chart.summary
    # Vega's own roles are gone: the picture is one image whose text alternative is the title,
    # the summary and the data table printed after it
    inner = [e for e in root.iter() if e is not root]
    assert not [e for e in inner if e.get("role") or e.get("aria-roledescription")]
    assert float(root.get("width")) == PRINT_WIDTH


def test_the_same_spec_as_the_web_page() -> None:
    """Print changes the width, the font and nothing else of what the browser draws."""
    chart = bar_chart()
    web, paper = chart_spec(chart), chart_print_spec(chart)
    assert paper["data"] == web["data"] and paper["description"] == web["description"]
    assert paper["encoding"] == web["encoding"] and paper["mark"] == web["mark"]
    assert paper["config"]["range"]["category"] == list(PALETTE)
    assert paper["config"] | {"font": web["config"]["font"]} == web["config"]
    assert paper["width"] == PRINT_WIDTH and paper["config"]["font"] == PRINT_FONT


def test_the_palette_and_the_print_font_are_used() -> None:
    svg = chart_svg(_dots(["A", "B"], [20.0, 80.0]))
    assert PALETTE[0] in svg and PALETTE[1] in svg
    texts = [e for e in ET.fromstring(svg).iter(f"{NS}text")]  # noqa: S314
    assert texts and {t.get("font-family") for t in texts} == {PRINT_FONT}


def test_a_missing_value_is_not_drawn() -> None:
    root = ET.fromstring(chart_svg(_dots(["A", "B", "C"], [20.0, None, 80.0])))  # noqa: S314
    assert len(_symbols(root)) == 2
    labels = {t.text for t in root.iter(f"{NS}text")}
    assert {"A", "B", "C"} <= labels  # the dimension without a value stays on the axis


def test_same_chart_same_bytes_in_this_process_and_in_a_fresh_one(tmp_path: Path) -> None:
    first = chart_svg(bar_chart())
    assert chart_svg(bar_chart()) == first
    script = (
        "import django, sys; django.setup();"
        "sys.path.insert(0, 'tests');"
        "from browser.chart_urls import bar_chart;"
        "from saferspaces.charts.printing import chart_svg;"
        "sys.stdout.write(chart_svg(bar_chart()))"
    )
    root = Path(__file__).resolve().parents[2]
    fresh = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=root,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        | {"DJANGO_SETTINGS_MODULE": "saferspaces.settings", "SAFERSPACES_DEBUG": "1"},
        timeout=120,
        check=True,
    ).stdout
    assert fresh == first


def test_the_map_is_drawn_from_the_vendored_outlines_without_the_network() -> None:
    root = ET.fromstring(chart_svg(map_chart()))  # noqa: S314
    shapes = [
        g for g in root.iter(f"{NS}g") if "mark-shape" in (g.get("class") or "")
    ]  # the country outlines
    assert shapes and sum(1 for _ in shapes[0].iter(f"{NS}path")) > 100


def test_an_external_url_is_refused_naming_the_chart() -> None:
    chart = Chart(
        id="remote",
        title="t",
        summary="s",
        spec={
            "layer": [
                {"data": {"url": "https://example.org/data.json"}, "mark": "point"},
            ]
        },
        columns=(),
        rows=(),
    )
    with pytest.raises(ChartPrintError, match=r"(?s)'remote'.*not allowed"):
        chart_svg(chart)


HOSTILE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=60
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(HOSTILE, min_size=1, max_size=4, unique=True), title=HOSTILE)
def test_any_text_gives_a_well_formed_image(names: list[str], title: str) -> None:
    chart = _dots(names, [50.0] * len(names))
    chart = Chart(
        id=chart.id,
        title=title,
        summary=title + "\x00\x01<&>",
        spec=chart.spec,
        columns=chart.columns,
        rows=chart.rows,
    )
    svg = chart_svg(chart)
    root = ET.fromstring(svg)  # noqa: S314 - well-formed XML, whatever the texts
    assert root.get("role") == "img"
    assert "<script" not in svg and "\x00" not in svg


def test_a_long_label_with_characters_beyond_the_bmp_is_printed() -> None:
    """Vega cuts a long label by UTF-16 code units; a character beyond the Basic Multilingual
    Plane cut in two made vl-convert fail the whole chart (found by the test above)."""
    root = ET.fromstring(chart_svg(_dots(["0000000000000000000Æ𝒘Æ"], [50.0])))  # noqa: S314
    assert root.get("role") == "img"


def test_texts_that_look_like_markup_stay_text() -> None:
    names = ["<script>alert(1)</script>", "Quartier \x07 « nord » & sud", "مركز المدينة"]
    root = ET.fromstring(chart_svg(_dots(names, [10.0, 50.0, 90.0])))  # noqa: S314
    labels: set[Any] = {t.text for t in root.iter(f"{NS}text")}
    assert "<script>alert(1)</script>" in labels and "مركز المدينة" in labels
    assert "Quartier  « nord » & sud" in labels  # the bell character is dropped
    assert not list(root.iter(f"{NS}script"))


def test_the_bytes_do_not_depend_on_elementtrees_global_prefixes() -> None:
    """WeasyPrint registers XML prefixes in ElementTree's process-wide registry; an SVG
    serialised through it came out as ``<ns0:svg>`` after the first PDF, and the next PDFs
    had no charts. The print SVG is written with the SVG namespace as the default one."""
    first = chart_svg(bar_chart())
    ET.register_namespace("svgx", "http://www.w3.org/2000/svg")
    try:
        again = chart_svg(bar_chart())
    finally:
        ET._namespace_map.pop("http://www.w3.org/2000/svg", None)  # type: ignore[attr-defined]
    assert again == first and again.startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_numbers_that_are_not_finite_are_missing_not_a_crash() -> None:
    chart = _dots(["A", "B", "C"], [float("inf"), float("nan"), 40.0])
    assert chart_spec(chart)["data"]["values"][0]["score"] is None
    root = ET.fromstring(chart_svg(chart))  # noqa: S314
    assert len(_symbols(root)) == 1
