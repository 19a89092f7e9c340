"""The printed reports' SVG charts: valid, accessible, deterministic, escaped, missing shown."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.reports.svg import Band, DotChart, Mark, Row, Series, svg_dot_rows

NS = "{http://www.w3.org/2000/svg}"


def _chart(rows: tuple[Row, ...], **extra: object) -> DotChart:
    return DotChart(
        chart_id="chart-x",
        title="Perception & status <by dimension>",
        description="Scores from 0 to 100.",
        rows=rows,
        series=(Series("Perception"), Series("Status", "#D55E00", "square", False)),
        **extra,  # type: ignore[arg-type]
    )


def test_an_accessible_svg_with_one_row_per_dimension() -> None:
    rows = (
        Row("Quality of life", (Mark(0, 40.0, 35.0, 45.0), Mark(1, 60.0))),
        Row("Social cohesion", (Mark(0, None), Mark(1, None))),
    )
    svg = svg_dot_rows(_chart(rows, missing_label="no score"))
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert root.find(f"{NS}title").text == "Perception & status <by dimension>"  # escaped
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Quality of life" in texts and "Social cohesion" in texts
    assert "no score" in texts  # a row without any value says so instead of staying blank
    assert texts.count("no score") == 1
    # the legend names both series; the interval is drawn as a line in the series' colour
    assert "Perception" in texts and "Status" in texts
    lines = [e for e in root.iter(f"{NS}line") if e.get("stroke") == "#0072B2"]
    assert len(lines) == 1
    assert float(lines[0].get("x1")) < float(lines[0].get("x2"))


def test_a_band_with_its_median_and_the_authority_mark() -> None:
    chart = DotChart(
        chart_id="band",
        title="Band",
        description="d",
        rows=(Row("Urban security", (Mark(0, 30.0),), Band(40.0, 50.0, 60.0)),),
        series=(Series("Your score", "#000000", "diamond"),),
        band_label="Middle half",
    )
    root = ET.fromstring(svg_dot_rows(chart))  # noqa: S314
    boxes = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#d9dde3"]
    assert len(boxes) == 2  # the legend swatch and the band
    band = boxes[1]
    assert float(band.get("width")) > 0
    assert any(p.get("fill") == "#000000" for p in root.iter(f"{NS}polygon"))


def test_long_labels_are_shortened_and_values_clamped() -> None:
    label = "Maintenance, cleanliness and lighting of every public space " * 2
    svg = svg_dot_rows(_chart((Row(label, (Mark(0, 140.0), Mark(1, -5.0))),)))
    root = ET.fromstring(svg)  # noqa: S314
    shown = [t.text for t in root.iter(f"{NS}text") if t.text and t.text.startswith("Maint")]
    assert shown and shown[0].endswith("…") and len(shown[0]) < len(label)
    width = float(root.get("width"))
    for circle in root.iter(f"{NS}circle"):
        assert 0 <= float(circle.get("cx")) <= width


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=40),
            st.one_of(st.none(), st.floats(0, 100)),
            st.one_of(st.none(), st.floats(0, 100)),
        ),
        max_size=8,
    )
)
def test_same_input_same_bytes_and_always_well_formed(values: list[tuple]) -> None:
    rows = tuple(Row(label, (Mark(0, a), Mark(1, b))) for label, a, b in values)
    first = svg_dot_rows(_chart(rows))
    assert first == svg_dot_rows(_chart(rows))
    ET.fromstring(first)  # noqa: S314


def test_a_long_legend_wraps_inside_the_chart() -> None:
    """A French band label longer than the room after the series: the legend takes a second
    line, every text starts inside the chart, and the rows move down to make room."""
    import re

    from saferspaces.core.reports.svg import WIDTH, Band, DotChart, Mark, Row, Series, svg_dot_rows

    label = "Moitié centrale des collectivités comparables, avec la médiane"
    rows = (Row("Qualité de vie", (Mark(0, 40.0),), Band(30.0, 50.0, 70.0)),)
    short = svg_dot_rows(
        DotChart("c", "t", "d", rows, (Series("Votre score"),), band_label="Pairs")
    )
    long = svg_dot_rows(DotChart("c", "t", "d", rows, (Series("Votre score"),), band_label=label))
    height = lambda svg: float(re.search(r'height="([\d.]+)"', svg).group(1))  # noqa: E731
    assert height(long) > height(short)
    x_of_label = float(re.search(rf'<text x="([\d.]+)"[^>]*>{label}<', long).group(1))
    assert x_of_label + len(label) * 6.1 <= WIDTH
