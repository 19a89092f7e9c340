"""The tally presenter: answers counted by category (measures by level of prevention), for the
dimension and the items counted, and per instance of the enclosing repeat group."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saferspaces.charts.spec import Chart, Column

from .base import (
    Audience,
    Presentation,
    Presenter,
    Section,
    UnitResults,
    choice_labels,
    data_url_for,
    node_titles,
)

_INSTANCE = re.compile(r"([A-Za-z0-9_]+)\[(\d+)\]")


def instance_label(instance: str, titles: dict[str, str]) -> str:
    """``SITES[2]/SCENARIOS[1]`` -> "Site 2, Scenario 1" (the groups' titles)."""
    parts = [f"{titles.get(code, code)} {n}" for code, n in _INSTANCE.findall(instance)]
    return ", ".join(parts) or instance


def counts_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    rows: list[dict[str, Any]],
    categories: list[str],
    data_url: str | None,
) -> Chart:
    """Counts by category as stacked bars, one bar per row label (a dimension, an item, an
    instance), in the order given; categories in their declared order."""
    y = {"field": "label", "type": "nominal", "sort": None, "title": None}
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        spec={
            "width": "container",
            "mark": {"type": "bar", "height": 16},
            "encoding": {
                "y": y,
                "x": {
                    "field": "count",
                    "type": "quantitative",
                    "stack": "zero",
                    "title": _("Count"),
                },
                "color": {
                    "field": "category",
                    "type": "nominal",
                    "sort": categories,
                    "title": None,
                },
                "order": {"field": "position", "type": "quantitative"},
                "tooltip": [
                    {"field": "label"},
                    {"field": "category"},
                    {"field": "count"},
                    {"field": "share", "format": ".1f"},
                ],
            },
        },
        columns=(
            Column("label", _("Counted in")),
            Column("category", _("Category")),
            Column("count", _("Count"), "number", 0),
            Column("share", _("Share (%)"), "number", 1),
        ),
        rows=tuple(rows),
        data_url=data_url,
    )


def counts_rows(
    results: UnitResults, *, instance: bool, labels: dict[str, str], titles: dict[str, str]
) -> list[dict[str, Any]]:
    """One row per (node or instance, category) from the ``count`` and ``share`` facts; shares
    in percent."""
    shares = {(f.node, f.instance, f.category): f.value for f in results.values(measure="share")}
    position = {code: i for i, code in enumerate(labels)}
    rows = []
    # the dimension first, then what it holds (facts keep the edition's order within a depth)
    for f in sorted(results.values(measure="count"), key=lambda f: f.depth):
        if bool(f.instance) != instance:
            continue
        share = shares.get((f.node, f.instance, f.category))
        rows.append(
            {
                "label": instance_label(f.instance, titles)
                if instance
                else titles.get(f.node, f.node),
                "category": labels.get(f.category, f.category),
                "position": position.get(f.category, len(position)),
                "count": int(f.value or 0),
                "share": None if share is None else round(100 * share, 1),
            }
        )
    return rows


def _coverage_sentence(results: UnitResults, node: str) -> str:
    found = [f for f in results.values(measure="coverage", node=node) if not f.instance]
    if not found or found[0].n is None:
        return ""
    n = found[0].n
    answered = round((found[0].value or 0) * n)
    return ngettext(
        "%(answered)s of %(n)s applicable answer is counted; missing answers are shown as missing, never counted.",
        "%(answered)s of %(n)s applicable answers are counted; missing answers are shown as missing, never counted.",
        n,
    ) % {"answered": answered, "n": n}


def tally_present(
    *,
    results: UnitResults,
    language: str,
    audience: Audience | None = None,
    data_url: str | None = None,
) -> Presentation:
    """Counts by category for the items counted and the dimensions around them, then per
    instance of the repeat group named by ``result.per``. Nothing is ordered by count."""
    edition = results.edition
    by = tuple(getattr(edition.instrument.result, "by", ()))
    labels = choice_labels(edition, by, language)
    titles = node_titles(edition, language)
    rows = counts_rows(results, instance=False, labels=labels, titles=titles)
    categories = list(labels.values())
    top = next((f.node for f in results.facts if f.depth == 1), by[0] if by else "")
    sections = [
        Section(
            "tally",
            _("Answers by category"),
            sentences=tuple(s for s in (_coverage_sentence(results, top),) if s),
            chart=counts_chart(
                chart_id="tally",
                title=_("Answers by category"),
                summary=_(
                    "How many answers fall in each category, for each dimension and item counted."
                ),
                rows=rows,
                categories=categories,
                data_url=data_url_for(data_url, "tally"),
            ),
        )
    ]
    per_rows = counts_rows(results, instance=True, labels=labels, titles=titles)
    if per_rows:
        sections.append(
            Section(
                "tally-per",
                _("Answers by category in each instance"),
                chart=counts_chart(
                    chart_id="tally-per",
                    title=_("Answers by category in each instance"),
                    summary=_("How many answers fall in each category, instance by instance."),
                    rows=per_rows,
                    categories=categories,
                    data_url=data_url_for(data_url, "tally-per"),
                ),
            )
        )
    return Presentation("tally", tuple(sections))


TALLY = Presenter("tally", tally_present)
