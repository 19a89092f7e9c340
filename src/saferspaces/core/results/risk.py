"""The risk-matrix model: the risk of each instance (a scenario), its band, and how the bands
are spread over the instances of an enclosing group (the sites).

The risk is the value of ``result.risk``, usually a computed field (consequence x probability).
Facts: per instance, ``risk`` with its band as ``category``; then, for the whole unit and (with
``result.per``) per enclosing instance, ``count`` and ``share`` per band and ``coverage``
(instances with a risk / instances). The explanation lists the unit's own instances from the
highest risk down: ordering one authority's own scenarios is what a risk register is for; no
model ever orders authorities among themselves.
"""

from __future__ import annotations

from typing import Any

from saferspaces.core.framework.answerkey import instances_format
from saferspaces.core.framework.instances import AnswerIndex, answers_calculate, calculation_order
from saferspaces.core.framework.instrument import Band, RiskMatrixParams
from saferspaces.core.framework.model import Edition, ItemPlace

from .common import Node, Units, applicable, dimension_nodes, units_index
from .facts import EXPLANATION_FORMAT, Fact, ResultSet
from .tally import Counts, counts_facts


def band_of(bands: tuple[Band, ...], value: float) -> Band | None:
    """The highest band whose ``min`` the value reaches (None below the first)."""
    chosen = None
    for band in bands:
        if value >= band.min:
            chosen = band
    return chosen


def _risk_value(
    place: ItemPlace, index: AnswerIndex, computed: dict[str, float | None], key: str, inst: Any
) -> tuple[float | None, str | None, dict[str, Any]]:
    item = place.item
    scope = index.scope(inst)
    if not applicable(item, scope):
        return None, "not_applicable", {}
    if item.calculate is not None:
        inputs: dict[str, Any] = {}
        missing = []
        for ref in item.calculate.refs():
            state = scope.get(ref)
            if state is not None and state.answered:
                inputs[ref] = state.value
            else:
                missing.append(ref)
        value = computed.get(key)
        reason = None if value is not None else ("missing_input" if missing else "not_computable")
        return value, reason, {"inputs": inputs, "missing": missing}
    state = index.by_instance.get(inst, {}).get(item.code)
    if state is None or not state.answered:
        return None, state.status if state is not None else "unanswered", {}
    raw = state.value
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw), None, {}
    return None, "not_a_number", {}


def _unit(
    edition: Edition,
    unit: str,
    index: AnswerIndex,
    params: RiskMatrixParams,
    place: ItemPlace,
    order: list[ItemPlace],
    nodes: dict[str, Node],
) -> tuple[list[Fact], dict[str, Any]]:
    computed = answers_calculate(edition=edition, index=index, order=order)
    chain = place.repeat_codes
    group = chain[-1]
    dim = place.dimension.code
    base_depth = nodes[dim].depth
    bands = [b.code for b in params.bands]
    facts: list[Fact] = []
    rows: list[dict[str, Any]] = []
    overall = Counts()
    per_instance: dict[str, Counts] = {}
    per_depth = chain.index(params.per) + 1 if params.per in chain else None
    for inst in index.instances(chain):
        instance = instances_format(instances=inst)
        key = f"{instance}/{place.item.code}"
        value, reason, detail = _risk_value(place, index, computed, key, inst)
        band = band_of(params.bands, value) if value is not None else None
        if value is not None and band is None:
            reason = "below_the_bands"
        facts.append(
            Fact(
                unit,
                place.item.code,
                "risk",
                value,
                band.code if band else "",
                instance,
                group,
                base_depth + len(chain) + 1,
                n=1 if value is not None else 0,
                reason=reason,
            )
        )
        counts = Counts()
        if reason == "not_applicable":
            counts.not_applicable += 1
        elif band is None:
            counts.missing += 1
        else:
            counts.answered += 1
            counts.categories[band.code] = 1
        overall.add(counts)
        if per_depth is not None:
            per_key = instances_format(instances=inst[:per_depth])
            per_instance.setdefault(per_key, Counts()).add(counts)
        rows.append(
            {
                "instance": instance,
                "risk": value,
                "band": band.code if band else None,
                "reason": reason,
                **detail,
            }
        )
    facts += counts_facts(
        unit=unit,
        node=group,
        counts=overall,
        categories=bands,
        parent=dim,
        depth=base_depth + len(chain),
    )
    for per_key, counts in sorted(per_instance.items()):
        assert params.per is not None
        facts += counts_facts(
            unit=unit,
            node=params.per,
            counts=counts,
            categories=bands,
            parent=dim,
            depth=base_depth + (per_depth or 0),
            instance=per_key,
        )
    # the unit's own instances, highest risk first (missing ones last, in entry order)
    rows.sort(key=lambda r: (r["risk"] is None, -(r["risk"] or 0.0)))
    explanation = {
        "format": EXPLANATION_FORMAT,
        "model": "risk_matrix",
        "risk": place.item.code,
        "bands": [{"code": b.code, "min": b.min} for b in params.bands],
        "ordered_within_subject": "risk, highest first",
        "instances": rows,
        "distribution": overall.as_json(),
        "per": {k: c.as_json() for k, c in sorted(per_instance.items())},
    }
    return facts, explanation


def risk_matrix_compute(*, edition: Edition, units: Units) -> ResultSet:
    params = edition.instrument.result
    assert isinstance(params, RiskMatrixParams)
    indexes = units_index(edition=edition, units=units)
    place = next(p for p in edition.items() if p.item.code == params.risk)
    order = calculation_order(edition=edition)
    nodes = dimension_nodes(edition=edition)
    facts: list[Fact] = []
    explanations: dict[str, dict[str, Any]] = {}
    for unit, index in indexes.items():
        unit_facts, explanation = _unit(edition, unit, index, params, place, order, nodes)
        facts += unit_facts
        explanations[unit] = explanation
    return ResultSet(
        model="risk_matrix",
        edition_id=edition.id,
        family=edition.instrument.family,
        facts=tuple(facts),
        explanations=explanations,
        meta={
            "risk": params.risk,
            "per": params.per,
            "bands": [{"code": b.code, "min": b.min} for b in params.bands],
        },
    )
