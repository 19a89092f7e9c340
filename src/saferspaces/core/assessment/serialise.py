"""JSON form of a :class:`ScoreResult` (stored per assessment) and reading one unit back.

Shape (``format: saferspaces-assessment-scores/1``)::

    {"format", "edition", "pipeline": {"name", "sha256", "source"}, "steps": [{kind, id, params}],
     "options": {overall, availability_threshold, min_units_data_driven}, "n_units",
     "rules": {indicator: {"method", "params"}},
     "units": {unit: {
        "indicators": {code: {"kind", "holder", "status", "weight", "reason"?, "value"?,
                              "score"?, "effective_weight"?, "interval"?, "spread"?}},
        "nodes": {code: {"parent", "children", "indicators",
                         "all"|"perception"|"status": {"score", "reason"?, "availability":
                              {answered, dont_know, not_collected, unanswered, not_applicable,
                               unscorable}, "weights": {indicator: effective weight},
                              "missing": {indicator: reason}, "interval"?},
                         "gap": {"value", "reason"?, "interval"?}}}}},
     "warnings"?: [{"kind", "message", "step", "indicator", "units"}]}

``warnings`` (only when there are any) are the engine's step warnings that concern the stored
units (``units`` lists those of them it names; empty = every unit).

Contributions are not stored: each is ``weights[i] * indicators[i].score``. Keys in a fixed
order; absent optional keys mean None. No ranks or ordinal positions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from saferspaces.core.scoring.errors import StepWarning

from .errors import AssessmentError, Problem
from .result import (
    AVAILABILITY_KEYS,
    Availability,
    Gap,
    IndicatorRule,
    IndicatorScore,
    KindScore,
    NodeScores,
    ScoreResult,
    UnitScores,
)

FORMAT = "saferspaces-assessment-scores/1"


def _plain(value: Any) -> Any:
    kind = value.__class__  # the common cases first (a round's explanations: 1.6 million)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _pair(p: tuple[Any, Any] | None) -> list[Any] | None:
    return None if p is None else [p[0], p[1]]


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def _kind_json(k: KindScore) -> dict[str, Any]:
    out: dict[str, Any] = {"score": k.score}
    _put(out, "reason", k.reason)
    out["availability"] = k.availability.as_dict()
    out["weights"] = dict(k.weights)
    out["missing"] = dict(k.missing)
    _put(out, "interval", _pair(k.interval))
    return out


def _indicator_json(i: IndicatorScore) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": i.kind,
        "holder": i.holder,
        "status": i.status,
        "weight": i.weight,
    }
    _put(out, "reason", i.reason)
    _put(out, "value", _plain(i.value))
    _put(out, "score", i.score)
    _put(out, "effective_weight", i.effective_weight)
    _put(out, "interval", _pair(i.interval))
    _put(out, "spread", _plain(_pair(i.spread)))
    return out


def _node_json(n: NodeScores) -> dict[str, Any]:
    gap: dict[str, Any] = {"value": n.gap.value}
    _put(gap, "reason", n.gap.reason)
    _put(gap, "interval", _pair(n.gap.interval))
    return {
        "parent": n.parent,
        "children": list(n.children),
        "indicators": list(n.indicators),
        "all": _kind_json(n.all_kinds),
        "perception": _kind_json(n.perception),
        "status": _kind_json(n.status),
        "gap": gap,
    }


def unit_scores_to_json(us: UnitScores) -> dict[str, Any]:
    """One unit's part of :func:`score_result_to_json` (its ``units[unit]``), alone."""
    return {
        "indicators": {c: _indicator_json(i) for c, i in us.indicators.items()},
        "nodes": {c: _node_json(n) for c, n in us.nodes.items()},
    }


def score_result_to_json(
    result: ScoreResult, *, units: Sequence[str] | None = None
) -> dict[str, Any]:
    """A JSON-serialisable dict of ``result`` (only the given ``units`` if any)."""
    chosen = list(result.units) if units is None else list(units)
    notes = [w for w in (note.for_units(chosen) for note in result.warnings) if w is not None]
    out: dict[str, Any] = {
        "format": FORMAT,
        "edition": result.edition_id,
        "pipeline": {
            "name": result.pipeline_name,
            "sha256": result.pipeline_sha256,
            "source": result.pipeline_source,
        },
        "steps": [{"kind": s.kind, "id": s.id, "params": _plain(s.params)} for s in result.steps],
        "options": _plain(result.options),
        "n_units": result.n_units,
        "rules": {
            c: {"method": r.method, "params": _plain(r.params)} for c, r in result.rules.items()
        },
        "units": {u: unit_scores_to_json(result.units[u]) for u in chosen},
    }
    if notes:
        out["warnings"] = [w.as_json() for w in notes]
    return out


def _tuple2(v: Any) -> tuple[Any, Any] | None:
    return None if v is None else (v[0], v[1])


def _kind_read(d: Mapping[str, Any], scores: Mapping[str, float | None]) -> KindScore:
    weights = {str(k): float(v) for k, v in d.get("weights", {}).items()}
    return KindScore(
        score=d.get("score"),
        reason=d.get("reason"),
        availability=Availability(
            **{k: int(d["availability"].get(k, 0)) for k in AVAILABILITY_KEYS}
        ),
        weights=weights,
        contributions={k: w * float(scores[k] or 0.0) for k, w in weights.items()},
        missing=dict(d.get("missing", {})),
        interval=_tuple2(d.get("interval")),
    )


def _value_read(v: Any) -> Any:
    return list(v) if isinstance(v, list) else v


def unit_scores_from_json(data: Mapping[str, Any], unit: str) -> UnitScores:
    """Read one unit of :func:`score_result_to_json` back (for display and explanation)."""
    try:
        if data.get("format") != FORMAT:
            raise KeyError("format")
        u = data["units"][unit]
        rules = {
            c: IndicatorRule(code=c, method=r["method"], params=r["params"])
            for c, r in data["rules"].items()
        }
        indicators: dict[str, IndicatorScore] = {}
        for c, i in u["indicators"].items():
            sp = i.get("spread")
            indicators[c] = IndicatorScore(
                code=c,
                kind=i["kind"],
                holder=i["holder"],
                status=i["status"],
                reason=i.get("reason"),
                value=_value_read(i.get("value")),
                score=i.get("score"),
                weight=float(i["weight"]),
                effective_weight=i.get("effective_weight"),
                interval=_tuple2(i.get("interval")),
                spread=None if sp is None else (_value_read(sp[0]), _value_read(sp[1])),
            )
        scores = {c: i.score for c, i in indicators.items()}
        notes = (StepWarning.from_json(w).for_units([unit]) for w in data.get("warnings", ()))
        warnings = tuple(w for w in notes if w is not None)
        nodes: dict[str, NodeScores] = {}
        for c, n in u["nodes"].items():
            g = n["gap"]
            nodes[c] = NodeScores(
                code=c,
                parent=n["parent"],
                children=tuple(n["children"]),
                indicators=tuple(n["indicators"]),
                all_kinds=_kind_read(n["all"], scores),
                perception=_kind_read(n["perception"], scores),
                status=_kind_read(n["status"], scores),
                gap=Gap(
                    value=g.get("value"),
                    reason=g.get("reason"),
                    interval=_tuple2(g.get("interval")),
                ),
            )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise AssessmentError(
            [Problem(f"stored scores cannot be read ({exc.__class__.__name__}: {exc})", unit=unit)]
        ) from None
    return UnitScores(
        unit=unit,
        edition_id=data["edition"],
        pipeline_name=data["pipeline"]["name"],
        pipeline_sha256=data["pipeline"]["sha256"],
        rules=rules,
        indicators=indicators,
        nodes=nodes,
        warnings=warnings,
    )
