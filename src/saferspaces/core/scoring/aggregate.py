"""Aggregation up the framework hierarchy.

For an aggregate with children ``x_1..x_k`` (present values only) and weights ``w_i``:

* arithmetic ``sum(w x)/sum(w)``; geometric ``exp(sum(w ln x)/sum(w))`` (x > 0);
  harmonic ``sum(w)/sum(w/x)`` (x != 0); generalised ``(sum(w x^p)/sum(w))^(1/p)`` (p != 0);
* copeland: COINr's outranking scores ``sum_j (sum_i w_i [x_ui > x_vi] + 1/2 sum_i w_i [x_ui = x_vi])``
  with weights rescaled to sum to 1.

Missing values are skipped (COINr ``a_amean``); an aggregate whose share of present children is
below ``availability_threshold`` is missing; one with no present child is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem
from .params import ParamReader, RunState, StepOutput

METHODS = ("arithmetic", "geometric", "harmonic", "generalised", "copeland")


def aggregate_means(
    x: FloatArray,
    weights: FloatArray,
    *,
    method: str = "arithmetic",
    p: float | None = None,
) -> FloatArray:
    """Weighted mean of the columns of ``x`` (units x children) per unit, skipping NaN."""
    w = np.asarray(weights, dtype=np.float64).reshape(-1, 1)
    return aggregate_blocks(x, w, method=method, p=p)[:, 0]


def aggregate_blocks(
    x: FloatArray, wmat: FloatArray, *, method: str = "arithmetic", p: float | None = None
) -> FloatArray:
    """Aggregate several groups at once: ``wmat`` is children x groups (0 = not a member)."""
    if method == "arithmetic" and not np.isnan(x).any():  # fast path: nothing missing
        tot = wmat.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            y = (x @ wmat) / tot
        return np.asarray(np.where(tot > 0, y, np.nan), dtype=np.float64)
    present = ~np.isnan(x)
    pf = present.astype(np.float64)
    wsum = pf @ wmat
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if method == "arithmetic":
            y = np.where(present, x, 0.0) @ wmat / wsum
        elif method == "geometric":
            y = np.exp(np.where(present, np.log(np.where(present, x, 1.0)), 0.0) @ wmat / wsum)
        elif method == "harmonic":
            y = wsum / (np.where(present, 1.0 / np.where(present, x, 1.0), 0.0) @ wmat)
        elif method == "generalised":
            assert p is not None
            y = (np.where(present, np.where(present, x, 1.0) ** p, 0.0) @ wmat / wsum) ** (1.0 / p)
        else:
            raise ValueError(f"unknown aggregation method {method!r}")
    y = np.where(wsum > 0, y, np.nan)
    return np.asarray(y, dtype=np.float64)


def aggregate_copeland(x: FloatArray, weights: FloatArray, *, block: int = 256) -> FloatArray:
    """COINr ``a_copeland``: row sums of the weighted outranking matrix."""
    n = x.shape[0]
    w = np.asarray(weights, dtype=np.float64)
    w = w / np.nansum(w)
    upper = np.zeros((n, n))
    for s in range(0, n, block):
        xs = x[s : s + block, None, :]
        gt = (xs > x[None, :, :]).astype(np.float64) @ w
        eq = (xs == x[None, :, :]).astype(np.float64) @ w
        upper[s : s + block] = gt + eq / 2.0
    orm = np.triu(upper, 1) + np.tril(1.0 - upper.T, -1)
    return np.asarray(orm.sum(axis=1), dtype=np.float64)


def _per_level(r: ParamReader, key: str, default: Any, levels: Sequence[int]) -> dict[int, Any]:
    raw = r.raw_value(key, default)
    if isinstance(raw, Mapping):
        out = {}
        for lev in levels:
            out[lev] = raw.get(lev, raw.get(str(lev), default))
        extra = (
            [k for k in raw if int(str(k)) not in levels]
            if all(str(k).isdigit() for k in raw)
            else list(raw)
        )
        for k in extra:
            r.error(
                f"parameter {key!r}: {k!r} is not an aggregation level ({', '.join(map(str, levels))})"
            )
        return out
    return dict.fromkeys(levels, raw)


def aggregate_validate(
    params: Mapping[str, Any] | None, *, step: str, framework: Framework
) -> dict[str, Any]:
    r = ParamReader(params, step)
    levels = list(range(2, framework.n_levels + 1))
    methods = _per_level(r, "method", "arithmetic", levels)
    for lev, m in methods.items():
        if m not in METHODS:
            r.error(f"unknown method {m!r} for level {lev}; expected one of: {', '.join(METHODS)}")
    ps = _per_level(r, "p", None, levels)
    for lev, m in methods.items():
        if m == "generalised":
            pv = ps[lev]
            if not isinstance(pv, int | float) or isinstance(pv, bool) or pv == 0:
                r.error(
                    f"method 'generalised' at level {lev} needs a non-zero number 'p', got {pv!r}"
                )
    thr = _per_level(r, "availability_threshold", 0.0, levels)
    for lev, t in thr.items():
        if isinstance(t, bool) or not isinstance(t, int | float) or not 0 <= t <= 1:
            r.error(f"availability_threshold for level {lev} must be between 0 and 1, got {t!r}")
    w = r.mapping("weights")
    weights: dict[str, float] | None = None
    if w is not None:
        weights = {}
        for code, v in w.items():
            if not framework.has(code):
                r.error("weight given for a code not in the framework", indicator=code)
            elif isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0:
                r.error(f"weight must be a number >= 0, got {v!r}", indicator=code)
            else:
                weights[code] = float(v)
    r.finish()
    return {"method": methods, "p": ps, "availability_threshold": thr, "weights": weights}


def data_aggregate(
    *, data: Dataset, state: RunState, params: Mapping[str, Any], step: str, owned: bool = False
) -> StepOutput:
    fw = state.framework
    weights = dict(state.weights)
    if params.get("weights"):
        weights.update(params["weights"])
    base_codes = [c for c in data.codes if not (fw.has(c) and fw.node(c).level > 1)]
    cols: dict[str, FloatArray] = {}
    current_codes = [c for c in base_codes if fw.has(c) and fw.node(c).level == 1]
    current = data.matrix(current_codes)
    new_blocks: list[FloatArray] = []
    new_codes: list[str] = []
    problems: list[Problem] = []
    for lev in range(2, fw.n_levels + 1):
        parents_t, rows, colsx, kids = fw.level_structure(lev, tuple(current_codes))
        parents = list(parents_t)
        wmat = np.zeros((len(current_codes), len(parents)))
        bmat = np.zeros_like(wmat)
        wmat[rows, colsx] = [weights.get(ch, 1.0) for ch in kids]
        bmat[rows, colsx] = 1.0
        method = params["method"][lev]
        if method == "geometric":
            bad = (current <= 0) & (bmat.sum(axis=1) > 0)[None, :]
            for k in np.flatnonzero(bad.any(axis=0)):
                parent = [parents[j] for j in np.flatnonzero(bmat[k])]
                problems.append(
                    Problem(
                        f"geometric mean needs positive values: {int(bad[:, k].sum())} unit(s) have "
                        f"values <= 0 (e.g. {data.units[int(np.flatnonzero(bad[:, k])[0])]}) in the "
                        f"aggregate {', '.join(parent)}; normalise to a positive range first",
                        step=step,
                        indicator=current_codes[k],
                    )
                )
        if method == "harmonic":
            bad = (current == 0) & (bmat.sum(axis=1) > 0)[None, :]
            for k in np.flatnonzero(bad.any(axis=0)):
                problems.append(
                    Problem(
                        "harmonic mean needs non-zero values", step=step, indicator=current_codes[k]
                    )
                )
        if problems:
            raise PipelineError(problems)
        if method == "copeland":
            agg = np.full((current.shape[0], len(parents)), np.nan)
            for j in range(len(parents)):
                members = np.flatnonzero(bmat[:, j])
                agg[:, j] = aggregate_copeland(current[:, members], wmat[members, j])
        else:
            p = params["p"][lev]
            agg = aggregate_blocks(
                current, wmat, method=method, p=float(p) if p is not None else None
            )
        thr = float(params["availability_threshold"][lev])
        if thr > 0:
            counts = bmat.sum(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                avail = (~np.isnan(current)).astype(np.float64) @ bmat / counts
            agg = np.where(avail < thr, np.nan, agg)
        empty = np.flatnonzero(bmat.sum(axis=0) == 0)
        for e in empty:
            cols[parents[int(e)]] = agg[:, int(e)]
        new_blocks.append(agg)
        new_codes.extend(parents)
        current, current_codes = agg, list(parents)
    base = data.matrix(base_codes)
    values = np.empty((base.shape[0], base.shape[1] + sum(b.shape[1] for b in new_blocks)))
    values[:, : base.shape[1]] = base
    start = base.shape[1]
    for b in new_blocks:
        values[:, start : start + b.shape[1]] = b
        start += b.shape[1]
    return StepOutput(
        data=data.with_values(values, codes=[*base_codes, *new_codes]),
        details={
            "method": {str(k): v for k, v in params["method"].items()},
            "aggregates": new_codes,
            "without_children_in_data": sorted(cols),
        },
    )
