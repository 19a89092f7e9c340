"""The composite model: today's scoring engine (``assessments_score``), its scores as facts.

Measures come from the instrument's declarations: ``score`` (all kinds together), each declared
measure (``perception``, ``status``), each contrast (``gap`` = perception - status), and
``coverage`` (the share of applicable indicators with a score). Indicators get a ``score`` fact
below the dimension that holds them. The engine itself is untouched: this only reads its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saferspaces.core.assessment import (
    OVERALL_CODE,
    EditionPipeline,
    NodeScores,
    RoundSpread,
    UnitScores,
    assessments_score,
    edition_pipeline_default,
    score_result_to_json,
    unit_scores_from_json,
)
from saferspaces.core.assessment.answers import Spread
from saferspaces.core.assessment.result import TOO_FEW_UNITS, ZERO_RANGE
from saferspaces.core.assessment.serialise import unit_scores_to_json
from saferspaces.core.framework.instrument import Contrast
from saferspaces.core.framework.model import Edition
from saferspaces.core.scoring.errors import StepWarning

from .common import Units, units_index
from .facts import EXPLANATION_FORMAT, Fact, LazyExplanations, ResultSet, ResultWarning

ROUND_REASONS = {
    TOO_FEW_UNITS: "too few assessments in the round give a value to normalise it",
    ZERO_RANGE: "every assessment in the round gives the same value",
}


def _depths(nodes: Mapping[str, NodeScores]) -> dict[str, int]:
    """0 for the optional overall composite, 1 for top-level dimensions, +1 per level below."""
    out: dict[str, int] = {}
    for code in nodes:
        depth = 0
        current_code: str | None = code
        while current_code is not None and current_code != OVERALL_CODE:
            depth += 1
            current_code = nodes[current_code].parent
        out[code] = depth
    return out


def _contrast(node: NodeScores, contrast: Contrast) -> tuple[float | None, str | None]:
    """The engine's gap is perception - status; a contrast may read it the other way."""
    gap = node.gap
    if gap.value is None:
        return None, gap.reason
    sign = 1.0 if contrast.difference == ("perception", "status") else -1.0
    return sign * gap.value, None


def _unit_facts(
    unit: str,
    us: UnitScores,
    depths: Mapping[str, int],
    measures: list[str],
    contrasts: tuple[Contrast, ...],
) -> list[Fact]:
    """The facts of one unit (positional arguments: this runs for every unit of a round)."""
    out: list[Fact] = []
    add = out.append
    for code, node in us.nodes.items():
        parent = node.parent
        d = depths[code]
        kinds = (("score", node.all_kinds), *((m, node.kind(m)) for m in measures))
        for measure, ks in kinds:
            a = ks.availability
            add(
                Fact(
                    unit, code, measure, ks.score, "", "", parent, d, a.share, a.answered, ks.reason
                )
            )
        a = node.all_kinds.availability
        add(Fact(unit, code, "coverage", a.share, "", "", parent, d, None, a.applicable, None))
        for c in contrasts:
            value, reason = _contrast(node, c)
            add(Fact(unit, code, c.code, value, "", "", parent, d, None, None, reason))
    for code, ind in us.indicators.items():
        score = ind.score
        reason = ind.reason or (ind.status if score is None else None)
        d = depths.get(ind.holder, 0) + 1
        add(
            Fact(
                unit,
                code,
                "score",
                score,
                "",
                "",
                ind.holder,
                d,
                None,
                int(score is not None),
                reason,
            )
        )
    return out


def composite_compute(
    *,
    edition: Edition,
    units: Units,
    pipeline: EditionPipeline | None = None,
    spreads: Mapping[str, Mapping[str, Spread]] | None = None,
    overall: bool | None = None,
    round_spread: RoundSpread | None = None,
) -> ResultSet:
    """Score the round with the engine and turn every score into facts.

    ``overall`` overrides the pipeline's ``platform.overall`` (a round that asks for the
    overall composite). With ``round_spread`` (``round_spread_read`` of the whole round),
    ``units`` are some of the round's units, with exactly the results the whole round's
    computation gives them (a round computed chunk by chunk; one submission alone). The meta
    keeps the engine's warnings with the units they concern; :func:`composite_unit_meta` keeps
    those of one unit for storing with its explanation.
    """
    pipe = pipeline if pipeline is not None else edition_pipeline_default(edition=edition)
    # answers inside repeat groups are checked, then left out: the engine scores the rest
    repeated = {u: {k: s for k, s in states.items() if "/" in k} for u, states in units.items()}
    if any(repeated.values()):
        units_index(edition=edition, units=repeated)
    scored = {u: {k: s for k, s in states.items() if "/" not in k} for u, states in units.items()}
    result = assessments_score(
        edition=edition,
        pipeline=pipe,
        units=scored,
        spreads=spreads,
        overall=overall,
        round_spread=round_spread,
    )
    inst = edition.instrument
    measures = [m for m in inst.measure_codes() if m in ("perception", "status")]
    facts: list[Fact] = []
    depths: dict[str, int] | None = None
    for unit, us in result.units.items():
        if depths is None:
            depths = _depths(us.nodes)
        facts += _unit_facts(unit, us, depths, measures, inst.contrasts)
    # what the round could not normalise, counted over the whole round
    assert result.round_spread is not None
    warnings = tuple(
        ResultWarning(
            code=reason, message=f"{code}: {ROUND_REASONS[reason]} ({n} assessments)", node=code
        )
        for code, reason, n in result.round_spread.reasons(pipe)
    )
    meta = score_result_to_json(result, units=[])
    meta.pop("units")
    meta.pop("warnings", None)
    if result.warnings:  # with the units they concern (composite_unit_meta restricts them)
        meta["warnings"] = [w.as_json() for w in result.warnings]

    def explain(unit: str) -> Mapping[str, Any]:
        body = unit_scores_to_json(result.units[unit])
        return {"format": EXPLANATION_FORMAT, "model": "composite", **body}

    explanations = LazyExplanations(list(result.units), explain)
    return ResultSet(
        model="composite",
        edition_id=edition.id,
        family=inst.family,
        facts=tuple(facts),
        explanations=explanations,
        warnings=warnings,
        meta=meta,
    )


def composite_unit_meta(meta: Mapping[str, Any], unit: str) -> dict[str, Any]:
    """The meta of a computation as stored with one unit's explanation: the engine's warnings
    that concern this unit (or no unit in particular) only."""
    out = dict(meta)
    notes = [StepWarning.from_json(w).for_units([unit]) for w in meta.get("warnings", ())]
    kept = [w.as_json() for w in notes if w is not None]
    out.pop("warnings", None)
    if kept:
        out["warnings"] = kept
    return out


def composite_unit_read(
    *, explanation: Mapping[str, Any], meta: Mapping[str, Any], unit: str
) -> UnitScores:
    """One unit's scores read back from its stored explanation and meta (for display and
    explanation). Raises ``ValueError`` when they are not a composite unit's."""
    if explanation.get("model") != "composite" or explanation.get("format") != EXPLANATION_FORMAT:
        raise ValueError("not the explanation of a composite unit")
    body = {k: v for k, v in explanation.items() if k not in ("format", "model")}
    return unit_scores_from_json({**meta, "units": {unit: body}}, unit)
