"""Weights: from the framework, equal, user-given, PCA-based, optimised; effective weights.

Weights are relative within each aggregate (only ratios between siblings matter).

* ``pca``: for each aggregate of the chosen levels, the first principal component of its
  children's correlation matrix (complete cases); ``w_i = a_i^2`` where ``a`` is the unit-length
  PC1 eigenvector (squared loadings scaled to unity, OECD-JRC Handbook section 6.1).
* ``optimised``: for each aggregate, weights that make each child's Pearson correlation with the
  (arithmetic) aggregate as close as possible to a target share (default equal), COINr
  ``get_opt_weights(optimise = "balance")``: minimise ``sum((r_i / sum r - t_i)^2)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .aggregate import aggregate_groups, groups_build
from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem
from .params import ParamReader, RunState, StepOutput

METHODS = ("framework", "equal", "given", "pca", "optimised")


def weights_effective(
    *, framework: Framework, weights: Mapping[str, float]
) -> dict[str, dict[str, float]]:
    """``{aggregate: {indicator: effective weight}}``: product of sibling-normalised weights on the path.

    This is the nominal influence of each indicator in an arithmetic aggregation (COINr
    ``get_eff_weights``); each aggregate's effective weights sum to 1.
    """
    share: dict[str, float] = {}
    for node in framework.nodes:
        if node.parent is None:
            continue
        sib = framework.children(node.parent)
        tot = sum(weights.get(s, 1.0) for s in sib)
        share[node.code] = weights.get(node.code, 1.0) / tot if tot > 0 else float("nan")
    out: dict[str, dict[str, float]] = {}
    for agg in framework.aggregates():
        eff: dict[str, float] = {}
        top_level = framework.node(agg).level
        for ind in framework.descendants(agg, 1):
            w = 1.0
            code: str | None = ind
            while code is not None and framework.node(code).level < top_level:
                w *= share[code]
                code = framework.node(code).parent
            eff[ind] = w
        out[agg] = eff
    return out


def _children_matrix(data: Dataset, state: RunState, level: int) -> tuple[list[str], FloatArray]:
    """Columns at ``level`` (indicators, or aggregates computed with the current weights)."""
    fw = state.framework
    codes = [c for c in fw.indicators if c in data.codes]
    cur = data.values[:, [data.index(c) for c in codes]]
    for lev in range(2, level + 1):
        parents, rows, cols, kids = fw.level_structure(lev, tuple(codes))
        groups = groups_build(
            columns=rows,
            group=cols,
            weights=np.array([state.weights.get(ch, 1.0) for ch in kids], dtype=np.float64),
            n_groups=len(parents),
            n_columns=len(codes),
        )
        cur, codes = aggregate_groups(cur, groups), list(parents)
    return codes, cur


def pca_first_component(x: FloatArray) -> tuple[FloatArray, float]:
    """Unit-length PC1 loadings (sign: mostly positive) and its share of variance (complete cases)."""
    rows = ~np.isnan(x).any(axis=1)
    z = x[rows]
    sd = z.std(axis=0, ddof=1)
    z = (z - z.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    corr = np.atleast_2d(np.cov(z, rowvar=False))
    vals, vecs = np.linalg.eigh(corr)
    v = vecs[:, -1]
    if v.sum() < 0:
        v = -v
    return np.asarray(v, dtype=np.float64), float(vals[-1] / vals.sum())


def _balance_weights(x: FloatArray, target: FloatArray) -> FloatArray:
    rows = ~np.isnan(x).any(axis=1)
    z = x[rows]
    k = z.shape[1]

    def loss(logw: FloatArray) -> float:
        w = np.exp(logw)
        y = z @ w / w.sum()
        r = np.array([np.corrcoef(z[:, i], y)[0, 1] for i in range(k)])
        r = np.nan_to_num(r, nan=0.0)
        s = r.sum()
        if s == 0:
            return 1e6
        return float(np.sum((r / s - target) ** 2))

    from scipy.optimize import minimize  # only the optimised weights need it

    res = minimize(
        loss,
        np.zeros(k),
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 4000},
    )
    w = np.exp(res.x)
    return np.asarray(w / w.sum(), dtype=np.float64)


def weights_validate(
    params: Mapping[str, Any] | None, *, step: str, framework: Framework
) -> dict[str, Any]:
    r = ParamReader(params, step)
    method = r.choice("method", None, METHODS)
    spec: dict[str, Any] = {"method": method}
    if method == "given":
        given = r.mapping("weights")
        if not given:
            r.error("method 'given' needs a mapping 'weights' {code: weight}")
            given = {}
        clean: dict[str, float] = {}
        for code, v in given.items():
            if not framework.has(code):
                r.error("weight given for a code not in the framework", indicator=code)
            elif isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0:
                r.error(f"weight must be a number >= 0, got {v!r}", indicator=code)
            else:
                clean[code] = float(v)
        spec["weights"] = clean
    if method in ("pca", "optimised"):
        levels = r.raw_value("levels", [2])
        if not isinstance(levels, list) or not all(
            isinstance(v, int) and 2 <= v <= framework.n_levels for v in levels
        ):
            r.error(
                f"parameter 'levels' must list aggregation levels 2..{framework.n_levels}, got {levels!r}"
            )
            levels = [2]
        spec["levels"] = sorted(levels)
    r.finish()
    return spec


STATIC_METHODS = ("framework", "equal", "given")


def weights_static(
    *, framework: Framework, weights: Mapping[str, float], params: Mapping[str, Any]
) -> dict[str, float]:
    """The weights after a weights step that does not look at the data (``STATIC_METHODS``)."""
    method = params["method"]
    if method == "framework":
        return framework.weights()
    if method == "equal":
        return dict.fromkeys(framework.codes, 1.0)
    if method == "given":
        return {**weights, **params["weights"]}
    raise ValueError(f"weights method {method!r} depends on the data")


def data_weights(
    *, data: Dataset, state: RunState, params: Mapping[str, Any], step: str, owned: bool = False
) -> StepOutput:
    fw = state.framework
    method = params["method"]
    details: dict[str, Any] = {"method": method}
    if method in STATIC_METHODS:
        new = weights_static(framework=fw, weights=state.weights, params=params)
    else:
        new = dict(state.weights)
        explained: dict[str, float] = {}
        for lev in params["levels"]:
            tmp = RunState(framework=fw, weights=new)
            codes, mat = _children_matrix(data, tmp, lev - 1)
            pos = {c: k for k, c in enumerate(codes)}
            for agg in fw.aggregates(lev):
                ch = [c for c in fw.children(agg) if c in pos]
                if len(ch) < 2:
                    continue
                sub = mat[:, [pos[c] for c in ch]]
                if (~np.isnan(sub).any(axis=1)).sum() < 3:
                    raise PipelineError(
                        [
                            Problem(
                                "fewer than 3 complete units for PCA/optimisation",
                                step=step,
                                indicator=agg,
                            )
                        ]
                    )
                if method == "pca":
                    v, share = pca_first_component(sub)
                    w = v**2
                    explained[agg] = share
                else:
                    w = _balance_weights(sub, np.full(len(ch), 1.0 / len(ch)))
                for c, wi in zip(ch, w, strict=True):
                    new[c] = float(wi)
        if explained:
            details["pc1_variance_share"] = explained
    details["weights"] = dict(new)
    return StepOutput(data=data, details=details, weights=new)
