"""Aggregation up the framework hierarchy, each aggregate over its own children only.

For an aggregate with children ``x_1..x_k`` (present values only) and weights ``w_i``:

* arithmetic ``sum(w x)/sum(w)``; geometric ``exp(sum(w ln x)/sum(w))`` (x > 0);
  harmonic ``sum(w)/sum(w/x)`` (x != 0); generalised ``(sum(w x^p)/sum(w))^(1/p)`` (p != 0;
  x > 0 when p < 0);
* copeland: COINr's outranking scores ``sum_j (sum_i w_i [x_ui > x_vi] + 1/2 sum_i w_i [x_ui = x_vi])``
  with weights rescaled to sum to 1.

The sums run over the aggregate's own children (segment sums of the columns grouped by parent),
never over a whole level with zero weights for the others: an infinite value (which COINr's
``n_fracmax`` can produce, and keeps) then reaches only the aggregates above it, with IEEE
arithmetic as in COINr (``inf`` stays ``inf``; ``inf - inf`` is undefined). A child of weight 0
has no influence, even when infinite. Missing values are skipped (COINr ``a_amean``); an
aggregate whose share of present children is below ``availability_threshold`` is missing; one
with no present child is missing. An aggregate all of whose children have weight 0 is an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem, StepWarning
from .params import ParamReader, RunState, StepOutput

METHODS = ("arithmetic", "geometric", "harmonic", "generalised", "copeland")
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Groups:
    """Columns of a units x children matrix grouped by parent, each group's children together.

    ``order`` lists the columns group after group, ``starts`` where each group begins in
    ``order``, ``weights`` the weight of each listed column and ``index`` the output column of
    each group; the other outputs (groups without a listed child) stay missing.
    """

    order: IntArray
    starts: IntArray
    weights: FloatArray
    index: IntArray
    n_groups: int
    identity: bool  # order is every column, in place: no copy of the matrix is needed


def groups_build(
    *, columns: IntArray, group: IntArray, weights: FloatArray, n_groups: int, n_columns: int
) -> Groups:
    """Groups from parallel arrays (child column, its group, its weight), sorted by group.

    Children of weight 0 are left out: they have no influence on any mean.
    """
    keep = weights > 0
    if not keep.all():
        columns, group, weights = columns[keep], group[keep], weights[keep]
    if group.size > 1 and (group[1:] < group[:-1]).any():
        sort = np.argsort(group, kind="stable")
        columns, group, weights = columns[sort], group[sort], weights[sort]
    first = (
        np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1]))) if group.size else group
    )
    return Groups(
        order=np.asarray(columns, dtype=np.intp),
        starts=np.asarray(first, dtype=np.intp),
        weights=np.asarray(weights, dtype=np.float64),
        index=np.asarray(group[first], dtype=np.intp),
        n_groups=n_groups,
        identity=columns.size == n_columns and bool((columns == np.arange(n_columns)).all()),
    )


def _level_groups(
    fw: Framework, level: int, codes: tuple[str, ...], weights: Mapping[str, float]
) -> tuple[list[str], Groups, Groups]:
    """Parents at ``level``, their weighted groups over ``codes``, and all their children.

    The grouping is a pure function of the framework, memoised with it (as ``level_structure``);
    only the weights change between runs.
    """
    parents, rows, cols, kids = fw.level_structure(level, codes)
    key = ("groups", level, codes)
    every = fw._memo.get(key)
    if every is None:
        every = groups_build(
            columns=rows,
            group=cols,
            weights=np.ones(len(kids)),
            n_groups=len(parents),
            n_columns=len(codes),
        )
        fw._memo[key] = every
    assert isinstance(every, Groups)
    w = np.fromiter((weights.get(ch, 1.0) for ch in kids), dtype=np.float64, count=len(kids))
    if (w > 0).all():
        weighted = replace(every, weights=w)
    else:
        weighted = groups_build(
            columns=rows, group=cols, weights=w, n_groups=len(parents), n_columns=len(codes)
        )
    return list(parents), weighted, every


def aggregate_groups(
    x: FloatArray, groups: Groups, *, method: str = "arithmetic", p: float | None = None
) -> FloatArray:
    """Weighted mean of each group's own columns per unit (units x groups), skipping NaN."""
    out = np.full((x.shape[0], groups.n_groups), np.nan)
    if groups.starts.size == 0:
        return out
    xs = x if groups.identity else x[:, groups.order]
    w, starts = groups.weights, groups.starts
    present = None if not np.isnan(xs).any() else ~np.isnan(xs)

    def wsum(t: FloatArray) -> FloatArray:  # sum of w t over each group, missing terms as 0
        if present is not None:
            t = np.where(present, t, 0.0)
        return np.asarray(np.add.reduceat(t * w, starts, axis=1), dtype=np.float64)

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if present is None:
            den = np.add.reduceat(w, starts)  # the same for every unit
        else:
            den = np.add.reduceat(present * w, starts, axis=1)
        if method == "arithmetic":
            y = wsum(xs) / den
        elif method == "geometric":
            y = np.exp(wsum(np.log(xs)) / den)
        elif method == "harmonic":
            y = den / wsum(1.0 / xs)
        elif method == "generalised":
            assert p is not None
            y = (wsum(xs**p) / den) ** (1.0 / p)
        else:
            raise ValueError(f"unknown aggregation method {method!r}")
        out[:, groups.index] = np.where(den > 0, y, np.nan)
    return out


def aggregate_means(
    x: FloatArray,
    weights: FloatArray,
    *,
    method: str = "arithmetic",
    p: float | None = None,
) -> FloatArray:
    """Weighted mean of the columns of ``x`` (units x children) per unit, skipping NaN."""
    w = np.asarray(weights, dtype=np.float64)
    k = w.size
    g = groups_build(
        columns=np.arange(k), group=np.zeros(k, dtype=np.intp), weights=w, n_groups=1, n_columns=k
    )
    return aggregate_groups(x, g, method=method, p=p)[:, 0]


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


def aggregate_weights_check(
    *,
    framework: Framework,
    weights: Mapping[str, float],
    step: str | None = None,
    codes: frozenset[str] | None = None,
    source: str | None = None,
) -> list[Problem]:
    """Aggregates all of whose children (among ``codes``) have weight 0: their mean is 0/0."""
    problems = []
    for agg in framework.aggregates():
        kids = [c for c in framework.children(agg) if codes is None or c in codes]
        if kids and not any(weights.get(c, 1.0) > 0 for c in kids):
            problems.append(
                Problem(
                    f"all {len(kids)} children of this aggregate have weight 0, so its weighted "
                    "mean is undefined (0/0); give at least one child a positive weight",
                    file=source,
                    step=step,
                    indicator=agg,
                )
            )
    return problems


def _check_domain(
    current: FloatArray,
    codes: list[str],
    parents: list[str],
    every: Groups,
    method: str,
    p: float | None,
    units: tuple[str, ...],
    step: str,
) -> list[Problem]:
    """Values the method cannot take (COINr stops on them too), one problem per child."""
    if method == "geometric" or (method == "generalised" and p is not None and p < 0):
        bad, need, value = current <= 0, "positive values", "<= 0"
    elif method == "harmonic":
        bad, need, value = current == 0, "non-zero values", "of 0"
    else:
        return []
    flagged = np.flatnonzero(bad.any(axis=0))
    if not flagged.size:
        return []
    parent_of = {int(c): parents[g] for g, lo, hi in _segments(every) for c in every.order[lo:hi]}
    name = f"generalised mean with p = {p:g} < 0" if method == "generalised" else f"{method} mean"
    out = []
    for k in flagged:
        rows = np.flatnonzero(bad[:, k])
        if int(k) not in parent_of:
            continue
        out.append(
            Problem(
                f"the {name} needs {need}: {rows.size} unit(s) have a value {value} "
                f"(e.g. {units[int(rows[0])]}) in the aggregate {parent_of[int(k)]}; "
                "normalise to a positive range first",
                step=step,
                indicator=codes[k],
            )
        )
    return out


def _level_warnings(
    agg: FloatArray,
    current: FloatArray,
    codes: list[str],
    parents: list[str],
    weighted: Groups,
    every: Groups,
    units: tuple[str, ...],
    step: str,
) -> list[StepWarning]:
    """Aggregates that are infinite, undefined, or missing because only weight-0 children have
    values (before the availability threshold, which blanks aggregates on purpose)."""
    out: list[StepWarning] = []
    infinite = np.isinf(agg)
    nan = np.isnan(agg)
    if not infinite.any() and not nan.any():
        return out
    cur_inf = np.isinf(current)
    present = (~np.isnan(current)).astype(np.float64)
    any_weighted = aggregate_groups(present, weighted) > 0 if nan.any() else nan
    any_child = aggregate_groups(present, every) > 0 if nan.any() else nan
    members = {g: every.order[lo:hi] for g, lo, hi in _segments(every)}
    for j, parent in enumerate(parents):
        rows = np.flatnonzero(infinite[:, j])
        if rows.size:
            kids = [codes[int(k)] for k in members.get(j, ()) if cur_inf[rows, k].any()]
            out.append(
                StepWarning(
                    "infinite",
                    f"the aggregate is infinite because of infinite children ({', '.join(kids)}); "
                    "kept as infinite, as COINr does",
                    step=step,
                    indicator=parent,
                    units=tuple(units[int(i)] for i in rows),
                )
            )
        undefined = np.flatnonzero(nan[:, j] & any_weighted[:, j])
        if undefined.size:
            out.append(
                StepWarning(
                    "undefined",
                    "the aggregate is undefined although its children have values (e.g. +inf "
                    "and -inf among them, or a negative value to a fractional power): missing",
                    step=step,
                    indicator=parent,
                    units=tuple(units[int(i)] for i in undefined),
                )
            )
        only_zero = np.flatnonzero(nan[:, j] & ~any_weighted[:, j] & any_child[:, j])
        if only_zero.size:
            out.append(
                StepWarning(
                    "zero_weights",
                    "only children of weight 0 have values, so the weighted mean is undefined "
                    "(0/0): missing",
                    step=step,
                    indicator=parent,
                    units=tuple(units[int(i)] for i in only_zero),
                )
            )
    return out


def _segments(g: Groups) -> list[tuple[int, int, int]]:
    ends = [*g.starts[1:].tolist(), g.order.size]
    return list(zip(g.index.tolist(), g.starts.tolist(), ends, strict=True))


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
    warnings: list[StepWarning] = []
    for lev in range(2, fw.n_levels + 1):
        parents, weighted, every = _level_groups(fw, lev, tuple(current_codes), weights)
        if weighted.index.size < every.index.size:  # some aggregate has only weight-0 children
            raise PipelineError(
                aggregate_weights_check(
                    framework=fw,
                    weights=weights,
                    step=step,
                    codes=frozenset([*base_codes, *fw.aggregates()]),
                )
            )
        method = params["method"][lev]
        p = params["p"][lev]
        pf = float(p) if p is not None else None
        problems = _check_domain(
            current, current_codes, parents, every, method, pf, data.units, step
        )
        if problems:
            raise PipelineError(problems)
        if method == "copeland":
            agg = np.full((current.shape[0], len(parents)), np.nan)
            for g, lo, hi in _segments(weighted):
                members = weighted.order[lo:hi]
                agg[:, g] = aggregate_copeland(current[:, members], weighted.weights[lo:hi])
        else:
            agg = aggregate_groups(current, weighted, method=method, p=pf)
        warnings.extend(
            _level_warnings(agg, current, current_codes, parents, weighted, every, data.units, step)
        )
        thr = float(params["availability_threshold"][lev])
        if thr > 0:
            avail = aggregate_groups((~np.isnan(current)).astype(np.float64), every)
            agg = np.where(avail < thr, np.nan, agg)
        if every.index.size < len(parents):
            has_child = np.zeros(len(parents), dtype=bool)
            has_child[every.index] = True
            for e in np.flatnonzero(~has_child):
                cols[parents[int(e)]] = agg[:, int(e)]
        new_blocks.append(agg)
        new_codes.extend(parents)
        current, current_codes = agg, parents
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
        warnings=tuple(warnings),
    )
