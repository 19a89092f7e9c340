"""The risk-matrix presenter: the risk of each of the subject's own instances (its scenarios),
highest first, in its band; and how the bands are spread. Ordering a subject's own scenarios is
what a risk register is for (``orders_within_subject``); subjects are never ordered."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from saferspaces.charts.spec import PALETTE, Chart, Column
from saferspaces.core.framework.instrument import RiskMatrixParams
from saferspaces.core.framework.model import text_get

from .base import (
    Audience,
    Presentation,
    Presenter,
    Section,
    UnitResults,
    data_url_for,
    node_titles,
)
from .tally import counts_chart, counts_rows, instance_label


def _risk_chart(rows: list[dict[str, Any]], bands: list[str], data_url: str | None) -> Chart:
    y = {"field": "instance", "type": "nominal", "sort": None, "title": None}
    colours = [PALETTE[2], PALETTE[4], PALETTE[1], PALETTE[6]]
    return Chart(
        id="risks",
        title=_("Risk of each scenario"),
        summary=_(
            "The risk of each of your own scenarios, highest first, coloured by its band. Only "
            "your own scenarios are put in order."
        ),
        spec={
            "width": "container",
            "mark": {"type": "bar", "height": 14},
            "encoding": {
                "y": y,
                "x": {"field": "risk", "type": "quantitative", "title": _("Risk")},
                "color": {
                    "field": "band",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": bands, "range": colours[: len(bands)] or [PALETTE[0]]},
                },
            },
        },
        columns=(
            Column("instance", _("Scenario")),
            Column("risk", _("Risk"), "number", 1),
            Column("band", _("Band")),
        ),
        rows=tuple(rows),
        data_url=data_url,
    )


def risk_present(
    *,
    results: UnitResults,
    language: str,
    audience: Audience | None = None,
    data_url: str | None = None,
) -> Presentation:
    params = results.edition.instrument.result
    assert isinstance(params, RiskMatrixParams)
    titles = node_titles(results.edition, language)
    band_labels = {b.code: text_get(b.label, language) for b in params.bands}
    # the explanation lists the unit's own instances from the highest risk down
    rows = [
        {
            "instance": instance_label(str(r["instance"]), titles),
            "risk": r.get("risk"),
            "band": band_labels.get(r.get("band") or "", "") or None,
        }
        for r in results.explanation.get("instances", [])
    ]
    labels = dict(band_labels)
    distribution = counts_rows(results, instance=False, labels=labels, titles=titles)
    bands = list(band_labels.values())
    sections = (
        Section(
            "risks",
            _("Risk of each scenario"),
            chart=_risk_chart(rows, bands, data_url_for(data_url, "risks")),
        ),
        Section(
            "bands",
            _("Scenarios by band"),
            chart=counts_chart(
                chart_id="bands",
                title=_("Scenarios by band"),
                summary=_("How many of your scenarios fall in each band."),
                rows=distribution,
                categories=bands,
                data_url=data_url_for(data_url, "bands"),
            ),
        ),
    )
    return Presentation("risk_matrix", sections)


RISK_MATRIX = Presenter("risk_matrix", risk_present)
