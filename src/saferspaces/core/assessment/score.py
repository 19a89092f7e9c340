"""Scoring a round of assessments: ``assessments_score``.

Per unit: skip logic, statuses, rule scores (:mod:`.answers`); then one engine run for the round
(``pipeline_run``: data_driven indicators normalised across the units, weights), then the
platform's hierarchical aggregation per kind with its availability rule (:mod:`.aggregate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from saferspaces.core.framework.answers import AnswerState
from saferspaces.core.framework.model import Edition, Indicator
from saferspaces.core.scoring.data import FloatArray, dataset_build
from saferspaces.core.scoring.errors import Problem, StepWarning
from saferspaces.core.scoring.normalise import normalise_goalposts
from saferspaces.core.scoring.pipeline import PipelineSpec, pipeline_run

from .aggregate import KindBlock, TreeNode, tree_aggregate
from .answers import (
    S_ANSWERED,
    S_UNSCORABLE,
    STATUS_NAME,
    Spread,
    UnitAnswers,
    relevance_conditions,
    rule_describe,
    unit_answers_read,
)
from .answers import (
    S_NOT_APPLICABLE as STATUS_CODE_NOT_APPLICABLE,
)
from .errors import AnswersError, AssessmentError
from .hierarchy import OVERALL_CODE, edition_scored_dimensions, indicator_direction
from .pipeline import EditionPipeline
from .result import (
    KIND_KEYS,
    PERCEPTION_MISSING,
    STATUS_MISSING,
    TOO_FEW_UNITS,
    ZERO_RANGE,
    Availability,
    Gap,
    IndicatorRule,
    IndicatorScore,
    KindScore,
    NodeScores,
    RoundSpread,
    ScoreResult,
    StepInfo,
    UnitScores,
)


def _tree(
    edition: Edition, columns: Mapping[str, int], weights: Mapping[str, float], overall: bool
) -> list[TreeNode]:
    dims = edition_scored_dimensions(edition=edition)
    out: list[TreeNode] = []
    member: dict[str, tuple[int, ...]] = {}
    for d in dims:
        cols = tuple(columns[i.code] for i in d.indicators)
        below = cols + tuple(c for ch in d.children for c in member[ch])
        member[d.code] = below
        out.append(
            TreeNode(d.code, d.parent, weights.get(d.code, d.weight), d.children, cols, below)
        )
    if overall:
        top = tuple(d.code for d in dims if d.parent is None)
        out.append(
            TreeNode(OVERALL_CODE, None, 1.0, top, (), tuple(c for t in top for c in member[t]))
        )
        out = [
            TreeNode(n.code, OVERALL_CODE, n.weight, n.children, n.columns, n.member)
            if n.parent is None and n.code != OVERALL_CODE
            else n
            for n in out
        ]
    return out


def _dd_scores(x: FloatArray, spec: Mapping[str, Any], d: int, lo: float, hi: float) -> FloatArray:
    """Normalise raw data_driven values with the round's parameters (spread ends), 0-100."""
    method = spec["method"]
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            a, b = spec["range"]
            y = (x - lo) / (hi - lo) if d == 1 else (hi - x) / (hi - lo)
            return np.asarray(np.clip(y * (b - a) + a, a, b), dtype=np.float64)
        if method == "goalposts":
            return normalise_goalposts(
                x,
                spec["lower"],
                spec["upper"],
                scale=spec["scale"],
                truncate=spec["truncate"],
                direction=d,
            )
        return np.asarray((d * x - spec["lower"]) / (spec["upper"] - spec["lower"]) * 100.0)


#: the two reference rows that carry a round's spread ends into the engine (never a unit code:
#: unit codes are the callers' own strings, these start with a NUL)
_REFERENCE_ROWS = ("\x00round-lowest", "\x00round-highest")


def _dd_rule(
    ind: Indicator,
    spec: Mapping[str, Any],
    ends: tuple[float, float] | None,
    n_units: int,
    min_units: int,
) -> IndicatorRule:
    """``n_units`` = units with a value; min and max only when there were enough of them."""
    params: dict[str, Any] = {
        "normalisation": spec["method"],
        "direction": ind.direction or "higher_is_better",
        "n_units": n_units,
        "min_units": min_units,
    }
    if spec["method"] == "minmax":
        params["range"] = list(spec["range"])
        if ends is not None:
            params["min"] = float(ends[0])
            params["max"] = float(ends[1])
    else:
        params["lower"] = spec["lower"]
        params["upper"] = spec["upper"]
    return IndicatorRule(code=ind.code, method="data_driven", params=params)


def assessments_score(
    *,
    edition: Edition,
    pipeline: EditionPipeline,
    units: Mapping[str, Mapping[str, AnswerState]],
    spreads: Mapping[str, Mapping[str, Spread]] | None = None,
    overall: bool | None = None,
    round_spread: RoundSpread | None = None,
) -> ScoreResult:
    """Score a round: ``units`` maps each assessment to its answers by question code.

    ``spreads`` optionally gives, per unit and indicator, the (low, high) individual answers
    behind an agreed answer; each score then gets an interval. ``overall`` overrides the
    pipeline's ``platform.overall``. With ``round_spread`` (:func:`round_spread_read` of the
    whole round), ``units`` are some units of that round, scored exactly as the whole round's
    computation scores them. Raises :class:`AnswersError` listing every bad answer.
    """
    if pipeline.edition_id != edition.id:
        raise AssessmentError(
            [
                Problem(
                    f"the pipeline is for edition {pipeline.edition_id!r}, not {edition.id!r}",
                    file=pipeline.source,
                )
            ]
        )
    opts = pipeline.options
    with_overall = opts.overall if overall is None else overall
    fw = pipeline.framework
    codes = fw.indicators
    ind_map = edition.indicator_map()
    inds = [ind_map[c] for c in codes]
    col = {c: j for j, c in enumerate(codes)}
    questions: dict[str, object] = dict(edition.questions())
    conditions = relevance_conditions(edition)
    unit_codes = list(units)
    problems: list[Problem] = []
    rows: list[UnitAnswers] = []
    memo: dict[tuple[str, object], float | None] = {}
    referenced = frozenset(q for _, cond in conditions for q in cond.questions())
    for u in unit_codes:
        rows.append(
            unit_answers_read(
                unit=u,
                indicators=inds,
                questions=questions,
                conditions=conditions,
                states=units[u],
                spreads=(spreads or {}).get(u),
                problems=problems,
                memo=memo,
                referenced=referenced,
            )
        )
    for u in spreads or {}:
        if u not in units:
            problems.append(Problem("spreads given for a unit that is not scored", unit=u))
    if problems:
        raise AnswersError(problems)
    n, m = len(unit_codes), len(codes)
    status = np.array([r.status for r in rows], dtype=np.int8).reshape(n, m)
    x = np.array([r.x for r in rows], dtype=np.float64).reshape(n, m)
    lows = np.array([r.lo for r in rows], dtype=np.float64).reshape(n, m)
    highs = np.array([r.hi for r in rows], dtype=np.float64).reshape(n, m)
    reasons = [list(r.reason) for r in rows]
    dd = [j for j, ind in enumerate(inds) if ind.scoring.method == "data_driven"]
    if round_spread is None:
        n_with_value = {j: int(np.count_nonzero(~np.isnan(x[:, j]))) for j in dd}
    else:
        n_with_value = {j: round_spread.columns.get(codes[j], (0, None, None))[0] for j in dd}
    for j in dd:
        if n_with_value[j] < opts.min_units_data_driven:
            for uu in np.flatnonzero(~np.isnan(x[:, j])):
                status[uu, j] = S_UNSCORABLE
                reasons[int(uu)][j] = TOO_FEW_UNITS
            x[:, j] = np.nan
    # the engine: normalise (data_driven across the round), weights
    spec = pipeline.spec
    run_spec = PipelineSpec(
        name=spec.name,
        steps=tuple(s for s in spec.steps if s.kind != "aggregate"),
        source=spec.source,
    )
    weights: dict[str, float] = fw.weights()
    ends: dict[int, tuple[float, float] | None] = {}
    for j in dd:
        if round_spread is not None:
            ends[j] = round_spread.ends(codes[j])
        else:
            present_j = x[:, j][~np.isnan(x[:, j])]
            ends[j] = (float(present_j.min()), float(present_j.max())) if present_j.size else None
    y = x.copy()
    warnings: tuple[StepWarning, ...] = ()
    if n:
        engine_units, engine_x = unit_codes, x
        if round_spread is not None and dd:
            # the round's spread ends enter as two reference rows, dropped afterwards: the
            # engine normalises the columns with the round's minimum and maximum
            reference = np.full((2, m), np.nan)
            for j in dd:
                if ends[j] is not None:
                    reference[:, j] = ends[j]
            engine_units, engine_x = [*unit_codes, *_REFERENCE_ROWS], np.vstack([x, reference])
        data = dataset_build(
            units=engine_units, codes=codes, values=engine_x, source=pipeline.source
        )
        run = pipeline_run(data=data, framework=fw, spec=run_spec, keep_intermediate=False)
        y = run.results.matrix(codes)[:n]
        weights = dict(run.weights)
        warnings = tuple(
            w for w in (note.for_units(unit_codes) for note in run.warnings) if w is not None
        )
    weights.update(pipeline.aggregate_weights())
    rules: dict[str, IndicatorRule] = {}
    for j, ind in enumerate(inds):
        if ind.scoring.method != "data_driven":
            rules[ind.code] = rule_describe(ind)
            continue
        nspec = pipeline.normalisation(ind.code)
        rule = _dd_rule(ind, nspec, ends[j], n_with_value[j], opts.min_units_data_driven)
        rules[ind.code] = rule
        for uu in np.flatnonzero(~np.isnan(x[:, j]) & np.isnan(y[:, j])):
            status[uu, j] = S_UNSCORABLE
            reasons[int(uu)][j] = ZERO_RANGE
        has_spread = ~np.isnan(lows[:, j])
        if has_spread.any() and ("min" in rule.params or nspec["method"] != "minmax"):
            p = rule.params
            lo_r, hi_r = float(p.get("min", 0.0)), float(p.get("max", 0.0))
            d = indicator_direction(ind)
            a = _dd_scores(lows[:, j], nspec, d, lo_r, hi_r)
            b = _dd_scores(highs[:, j], nspec, d, lo_r, hi_r)
            lows[:, j] = np.fmin(np.fmin(a, b), y[:, j])
            highs[:, j] = np.fmax(np.fmax(a, b), y[:, j])
    present = (status == S_ANSWERED) & ~np.isnan(y)
    status[(status == S_ANSWERED) & ~present] = S_UNSCORABLE
    points = np.where(present, y, 0.0)
    with_spreads = spreads is not None
    lo_m = np.where(present, np.where(np.isnan(lows), points, lows), 0.0) if with_spreads else None
    hi_m = (
        np.where(present, np.where(np.isnan(highs), points, highs), 0.0) if with_spreads else None
    )
    tree = _tree(edition, col, weights, with_overall)
    col_weights = np.array([weights.get(c, 1.0) for c in codes], dtype=np.float64)
    onehot = np.stack([(status == s).astype(np.float64) for s in range(6)])
    kinds = np.array([ind.kind for ind in inds])
    includes = {
        "all": np.ones(m, dtype=bool),
        "perception": kinds == "perception",
        "status": kinds == "status",
    }
    blocks = {
        key: tree_aggregate(
            nodes=tree,
            status=status,
            present=present,
            points=points,
            lows=lo_m,
            highs=hi_m,
            include=includes[key],
            col_weights=col_weights,
            threshold=opts.availability_threshold,
            onehot=onehot,
        )
        for key in KIND_KEYS
    }
    holder = {
        i.code: d.code for d in edition_scored_dimensions(edition=edition) for i in d.indicators
    }
    node_pos = {t.code: k for k, t in enumerate(tree)}
    kind_scores = {
        key: [
            _kind_scores(blocks[key], k, t, codes, y, status, reasons, includes[key])
            for k, t in enumerate(tree)
        ]
        for key in KIND_KEYS
    }
    out_units: dict[str, UnitScores] = {}
    # per indicator, what every unit shares; per unit, plain lists (not NumPy scalars)
    holder_eff = blocks["all"].eff
    fixed = [
        (ind.code, ind.kind, holder[ind.code], float(col_weights[j])) for j, ind in enumerate(inds)
    ]
    eff_rows = (
        np.stack(
            [holder_eff[node_pos[holder[ind.code]]][:, j] for j, ind in enumerate(inds)], axis=1
        ).tolist()
        if m
        else [[] for _ in unit_codes]
    )
    status_rows, present_rows, y_rows = status.tolist(), present.tolist(), y.tolist()
    lows_rows, highs_rows = lows.tolist(), highs.tolist()
    node_indicators = [tuple(codes[c] for c in t.columns) for t in tree]
    for ui, u in enumerate(unit_codes):
        row = rows[ui]
        ind_scores: dict[str, IndicatorScore] = {}
        st_u, ok_u, y_u, eff_u = status_rows[ui], present_rows[ui], y_rows[ui], eff_rows[ui]
        reasons_u, spread_u, value_u = reasons[ui], row.spread, row.value
        for j, (code, kind, h, weight) in enumerate(fixed):
            ok = ok_u[j]
            eff = eff_u[j]
            ind_scores[code] = IndicatorScore(
                code=code,
                kind=kind,
                holder=h,
                status=STATUS_NAME[st_u[j]],
                reason=reasons_u[j],
                value=value_u[j],
                score=y_u[j] if ok else None,
                weight=weight,
                effective_weight=eff if ok and eff > 0 else None,
                interval=(
                    (lows_rows[ui][j], highs_rows[ui][j])
                    if ok and with_spreads and spread_u[j] is not None
                    else None
                ),
                spread=spread_u[j],
            )
        nodes_out: dict[str, NodeScores] = {}
        for k, t in enumerate(tree):
            per_kind = {key: kind_scores[key][k][ui] for key in KIND_KEYS}
            nodes_out[t.code] = NodeScores(
                code=t.code,
                parent=t.parent,
                children=t.children,
                indicators=node_indicators[k],
                all_kinds=per_kind["all"],
                perception=per_kind["perception"],
                status=per_kind["status"],
                gap=_gap(per_kind["perception"], per_kind["status"]),
            )
        out_units[u] = UnitScores(
            unit=u,
            edition_id=edition.id,
            pipeline_name=pipeline.name,
            pipeline_sha256=pipeline.sha256,
            rules=rules,
            indicators=ind_scores,
            nodes=nodes_out,
            warnings=tuple(w for w in (note.for_units([u]) for note in warnings) if w is not None),
        )
    return ScoreResult(
        edition_id=edition.id,
        pipeline_name=pipeline.name,
        pipeline_sha256=pipeline.sha256,
        pipeline_source=pipeline.source,
        steps=tuple(StepInfo(kind=s.kind, id=s.id, params=s.params) for s in spec.steps),
        options={
            "overall": with_overall,
            "availability_threshold": opts.availability_threshold,
            "min_units_data_driven": opts.min_units_data_driven,
        },
        n_units=n if round_spread is None else round_spread.n_units,
        rules=rules,
        units=out_units,
        warnings=warnings,
        round_spread=round_spread
        or RoundSpread(
            n_units=n,
            columns={
                codes[j]: (n_with_value[j], *(ends[j] or (None, None)))
                if n_with_value[j] >= opts.min_units_data_driven
                else (n_with_value[j], None, None)
                for j in dd
            },
            min_units=opts.min_units_data_driven,
        ),
    )


def _split_rows(mask: Any, n_units: int) -> tuple[Any, Any, list[int]]:
    """Row and column indices of ``mask`` and where each row's entries start."""
    rows, cols = np.nonzero(mask)
    bounds = np.searchsorted(rows, np.arange(n_units + 1)).tolist()
    return rows, cols, bounds


def _kind_scores(
    block: KindBlock,
    k: int,
    node: TreeNode,
    codes: tuple[str, ...],
    y: FloatArray,
    status: Any,
    reasons: list[list[str | None]],
    include: Any,
) -> list[KindScore]:
    """The :class:`KindScore` of every unit for one node and kind (vectorised)."""
    n_units = y.shape[0]
    eff = block.eff[k]
    rows, cols, bounds = _split_rows(eff != 0, n_units)
    names = [codes[j] for j in cols.tolist()]
    w = eff[rows, cols].tolist()
    contrib = (eff[rows, cols] * y[rows, cols]).tolist()
    member = np.zeros(len(codes), dtype=bool)
    member[list(node.member)] = True
    miss_mask = (
        (member & include)[None, :]
        & (status != S_ANSWERED)
        & (status != STATUS_CODE_NOT_APPLICABLE)
    )
    mrows, mcols, mbounds = _split_rows(miss_mask, n_units)
    mrows_l, mcols_l = mrows.tolist(), mcols.tolist()
    mstatus = status[mrows, mcols].tolist()
    counts = block.counts[:, :, k].T.astype(int).tolist()
    scores = block.score[:, k].tolist()
    lo = block.lo[:, k].tolist() if block.lo is not None else None
    hi = block.hi[:, k].tolist() if block.hi is not None else None
    out: list[KindScore] = []
    for u in range(n_units):
        a, b = bounds[u], bounds[u + 1]
        ma, mb = mbounds[u], mbounds[u + 1]
        score = scores[u]
        ok = score == score
        out.append(
            KindScore(
                score=score if ok else None,
                reason=block.reason[k][u],
                availability=Availability(*counts[u]),
                weights=dict(zip(names[a:b], w[a:b], strict=True)),
                contributions=dict(zip(names[a:b], contrib[a:b], strict=True)),
                missing={
                    codes[mcols_l[i]]: reasons[mrows_l[i]][mcols_l[i]] or STATUS_NAME[mstatus[i]]
                    for i in range(ma, mb)
                },
                interval=(lo[u], hi[u]) if ok and lo is not None and hi is not None else None,
            )
        )
    return out


def _gap(p: KindScore, s: KindScore) -> Gap:
    if p.score is None:
        return Gap(value=None, reason=PERCEPTION_MISSING)
    if s.score is None:
        return Gap(value=None, reason=STATUS_MISSING)
    interval = None
    if p.interval is not None and s.interval is not None:
        interval = (p.interval[0] - s.interval[1], p.interval[1] - s.interval[0])
    return Gap(value=p.score - s.score, reason=None, interval=interval)
