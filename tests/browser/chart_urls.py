"""A test-only URLconf: the site's URLs plus a page with two charts (a bar chart with a gap, a map).

Used by ``tests/browser/test_charts.py`` (through pytest-django's ``settings.ROOT_URLCONF``) and by
``tests/charts/`` for the sample charts.
"""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import engines
from django.urls import path

from saferspaces.charts.spec import Chart, Column, map_spec
from saferspaces.charts.tables import chart_table_response
from saferspaces.urls import urlpatterns as site_urlpatterns

TEMPLATES = Path(__file__).parent / "templates"


def bar_chart(data_url: str | None = "/chart-test/data/") -> Chart:
    return Chart(
        id="scores",
        title="Scores per dimension",
        summary="Prevention scores highest (72.5); Response has no score yet because too few indicators were answered.",
        spec={
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {"field": "dimension", "type": "nominal", "title": "Dimension", "sort": None},
                "x": {
                    "field": "score",
                    "type": "quantitative",
                    "title": "Score (0-100)",
                    "scale": {"domain": [0, 100]},
                },
                "color": {"field": "dimension", "type": "nominal", "legend": None},
            },
        },
        columns=(
            Column(key="dimension", label="Dimension"),
            Column(key="score", label="Score", kind="number", digits=1),
            Column(key="coverage", label="Coverage (%)", kind="number", digits=0),
        ),
        rows=(
            {"dimension": "Prevention", "score": 72.5, "coverage": 90},
            {"dimension": "Protection", "score": 55.25, "coverage": 75},
            {"dimension": "Response", "score": None, "coverage": 20},
            {"dimension": "Perception", "score": 61.0, "coverage": 100},
        ),
        data_url=data_url,
    )


def map_chart() -> Chart:
    return Chart(
        id="where",
        title="Participating authorities",
        summary="Four authorities take part: in Portugal, Italy, Germany and Sweden.",
        spec=map_spec(color_field="kind", color_title="Kind", name_title="Authority"),
        columns=(
            Column(key="name", label="Authority"),
            Column(key="kind", label="Kind"),
            Column(key="latitude", label="Latitude", kind="number", digits=2),
            Column(key="longitude", label="Longitude", kind="number", digits=2),
        ),
        rows=(
            {"name": "Lisboa", "kind": "City", "latitude": 38.72, "longitude": -9.14},
            {"name": "Bologna", "kind": "City", "latitude": 44.49, "longitude": 11.34},
            {"name": "Region Hannover", "kind": "Region", "latitude": 52.37, "longitude": 9.73},
            {"name": "Malmö", "kind": "City", "latitude": 55.6, "longitude": 13.0},
            {"name": "Nowhere yet", "kind": "City", "latitude": None, "longitude": None},
        ),
    )


def chart_page(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(
        (TEMPLATES / "charts_demo.html").read_text(encoding="utf-8")
    )
    return HttpResponse(template.render({"charts": [bar_chart(), map_chart()]}, request))


def chart_data(request: HttpRequest) -> HttpResponse:
    try:
        return chart_table_response(
            chart=bar_chart(), fmt=request.GET.get("format", ""), filename="scores"
        )
    except ValueError as error:
        return HttpResponseBadRequest(str(error))


urlpatterns = [
    path("chart-test/", chart_page),
    path("chart-test/data/", chart_data),
    *site_urlpatterns,
]
