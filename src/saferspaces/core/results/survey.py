"""The ``none`` model: a descriptive survey. Its answers are what it gives; where the edition
declares ``result.count``, the answers of those choice items are counted by choice (``count``,
``share``, ``coverage`` per item, as in the tally model). Otherwise it has no facts."""

from __future__ import annotations

from typing import Any

from saferspaces.core.framework.instrument import SurveyParams
from saferspaces.core.framework.model import Edition

from .common import Units, dimension_nodes, units_index
from .facts import EXPLANATION_FORMAT, Fact, ResultSet
from .tally import Counts, count_item, counts_facts, item_categories


def survey_compute(*, edition: Edition, units: Units) -> ResultSet:
    params = edition.instrument.result
    counted = params.count if isinstance(params, SurveyParams) else ()
    indexes = units_index(edition=edition, units=units)
    by_code = {p.item.code: p for p in edition.items()}
    places = [by_code[c] for c in counted]
    nodes = dimension_nodes(edition=edition)
    facts: list[Fact] = []
    explanations: dict[str, dict[str, Any]] = {}
    for unit, index in indexes.items():
        items: dict[str, Any] = {}
        for place in places:
            total = Counts()
            for counts in count_item(index, place).values():
                total.add(counts)
            dim = place.dimension.code
            facts += counts_facts(
                unit=unit,
                node=place.item.code,
                counts=total,
                categories=item_categories(place),
                parent=dim,
                depth=nodes[dim].depth + 1,
            )
            items[place.item.code] = total.as_json()
        explanations[unit] = {
            "format": EXPLANATION_FORMAT,
            "model": "none",
            "counted": list(counted),
            "items": items,
        }
    return ResultSet(
        model="none",
        edition_id=edition.id,
        family=edition.instrument.family,
        facts=tuple(facts),
        explanations=explanations,
        meta={"count": list(counted)},
    )
