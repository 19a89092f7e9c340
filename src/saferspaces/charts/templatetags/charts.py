"""``{% load charts %}``: ``{% chart_assets %}`` for the page head, ``{% chart chart %}`` per figure."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from saferspaces.charts.spec import Chart, chart_spec
from saferspaces.charts.tables import Cell, chart_table

register = template.Library()

SCRIPTS = (
    "vendor/vega/vega.min.js",
    "vendor/vega/vega-lite.min.js",
    "vendor/vega/vega-embed.min.js",
    "charts/charts.js",
)
STYLESHEET = "charts/charts.css"


@register.simple_tag
def chart_assets() -> SafeString:
    """The chart stylesheet and the deferred scripts (Vega, Vega-Lite, vega-embed, charts.js)."""
    link = format_html('<link rel="stylesheet" href="{}">', static(STYLESHEET))
    scripts = format_html_join(
        "\n", '<script src="{}" defer></script>', ((static(path),) for path in SCRIPTS)
    )
    return format_html("{}\n{}", link, scripts)


@register.inclusion_tag("charts/_chart.html")
def chart(chart: Chart, heading_level: int = 3) -> dict[str, Any]:
    """A figure: heading and summary, the chart (drawn by charts.js), downloads and the data table."""
    return {
        "chart": chart,
        "level": min(6, max(2, int(heading_level))),
        "spec": chart_spec(chart),
        "spec_id": f"{chart.id}-spec",
        "table": chart_table(chart),
    }


@register.simple_tag
def chart_svg(chart: Chart | None) -> SafeString:
    """The chart rendered to an accessible SVG for print (PDF reports, printed pages); nothing
    for ``None``. The same spec and rows as ``{% chart %}``, without JavaScript."""
    if chart is None:
        return SafeString("")
    from saferspaces.charts.printing import chart_svg as render

    # vl-convert escapes every text it writes, and the title and summary go through ElementTree
    return mark_safe(render(chart))  # noqa: S308


@register.simple_tag
def chart_table_rows(chart: Chart, table: list[list[Cell]]) -> SafeString:
    """The body rows of a chart's data table (a row header, then one cell per column; a missing
    value as a dash read out as "missing"), or one "No data." row. Written in Python: a chart's
    table has up to a few hundred cells, and the template engine resolved several variables for
    each."""
    if not table:
        return format_html(
            '<tr><td colspan="{}">{}</td></tr>\n        ', len(chart.columns), _("No data.")
        )
    missing = format_html(
        '<span aria-hidden="true">—</span><span class="visually-hidden">{}</span>', _("missing")
    )
    out = []
    for row in table:
        out.append("<tr>")
        for i, cell in enumerate(row):
            tag = "td" if i else "th"
            opening = '<th scope="row"' if i == 0 else "<td"
            number = ' class="chart-number"' if cell.number else ""
            text = missing if cell.missing else conditional_escape(cell.text)
            out.append(f"{opening}{number}>{text}</{tag}>")
        out.append("</tr>\n        ")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
