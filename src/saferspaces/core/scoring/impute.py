"""Impute missing values.

Cross-sectional methods fill a missing ``x[u, i]`` with a statistic of the present values of
indicator ``i``: ``mean``, ``median``, or the same within the unit's group (``group_mean``,
``group_median``; units whose group is missing are left as they are, as in COINr
``i_mean_grp(skip_f_na = TRUE)``). Panel methods use the unit's own other rounds: ``latest``
(the most recent earlier value) and ``linear`` (linear interpolation in time between the nearest
earlier and later values; no extrapolation). A value that cannot be imputed stays missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem
from .params import ParamReader, RunState, StepOutput

METHODS = ("mean", "median", "group_mean", "group_median", "latest", "linear")


def impute_mean(values: FloatArray) -> FloatArray:
    """Fill missing values of each column with the column mean (missing if the column is empty)."""
    miss = np.isnan(values)
    if not miss.any():
        return values.copy()
    cnt = values.shape[0] - miss.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(cnt > 0, np.nansum(values, axis=0) / np.maximum(cnt, 1), np.nan)
    return np.asarray(np.where(miss, means, values), dtype=np.float64)


def impute_mean_inplace(values: FloatArray, *, block: int = 8192) -> None:
    """As :func:`impute_mean`, overwriting ``values`` (row blocks keep temporaries small)."""
    k = values.shape[1]
    sums, cnt = np.zeros(k), np.zeros(k)
    for s in range(0, values.shape[0], block):
        b = values[s : s + block]
        miss = np.isnan(b)
        sums += np.where(miss, 0.0, b).sum(axis=0)
        cnt += b.shape[0] - miss.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(cnt > 0, sums / np.maximum(cnt, 1), np.nan)
    for s in range(0, values.shape[0], block):
        b = values[s : s + block]
        np.copyto(b, np.broadcast_to(means, b.shape), where=np.isnan(b))


def impute_median(values: FloatArray) -> FloatArray:
    """Fill missing values of each column with the column median."""
    out = values.copy()
    miss = np.isnan(out)
    if miss.any():
        cols = np.flatnonzero(miss.any(axis=0))
        sub = out[:, cols]
        present = ~np.isnan(sub)
        meds = np.full(len(cols), np.nan)
        for k in range(len(cols)):
            if present[:, k].any():
                meds[k] = float(np.median(sub[present[:, k], k]))
        r, c = np.nonzero(~present)
        sub[r, c] = meds[c]
        out[:, cols] = sub
    return out


def impute_grouped(values: FloatArray, groups: Sequence[str | None], statistic: str) -> FloatArray:
    """Group-wise mean or median imputation; units with a missing group are untouched."""
    out = values.copy()
    labels = np.array([g if g is not None else "" for g in groups], dtype=object)
    has_group = np.array([g is not None for g in groups])
    for g in sorted({g for g in groups if g is not None}):
        rows = np.flatnonzero((labels == g) & has_group)
        block = out[rows, :]
        filled = impute_mean(block) if statistic == "mean" else impute_median(block)
        out[rows, :] = filled
    return out


def _panel_order(data: Dataset) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for i, u in enumerate(data.units):
        rows.setdefault(u, []).append(i)
    assert data.times is not None
    times = data.times
    return {u: sorted(r, key=lambda i: float(times[i])) for u, r in rows.items()}


def impute_latest(data: Dataset) -> FloatArray:
    """Last observation carried forward within each unit (by round)."""
    out = data.values.copy()
    for rows in _panel_order(data).values():
        block = out[rows, :]
        for t in range(1, block.shape[0]):
            miss = np.isnan(block[t])
            block[t, miss] = block[t - 1, miss]
        out[rows, :] = block
    return out


def impute_linear(data: Dataset) -> FloatArray:
    """Linear interpolation in time within each unit; no extrapolation."""
    out = data.values.copy()
    assert data.times is not None
    for rows in _panel_order(data).values():
        t = data.times[rows]
        block = out[rows, :]
        for j in range(block.shape[1]):
            col = block[:, j]
            ok = ~np.isnan(col)
            if ok.all() or ok.sum() < 2:
                continue
            tt, yy = t[ok], col[ok]
            miss = ~ok & (t > tt.min()) & (t < tt.max())
            col[miss] = np.interp(t[miss], tt, yy)
        out[rows, :] = block
    return out


def impute_validate(
    params: Mapping[str, Any] | None, *, step: str, framework: Framework
) -> dict[str, Any]:
    r = ParamReader(params, step)
    method = r.choice("method", None, METHODS)
    group = r.text("group", None, allow_none=True)
    if method.startswith("group_") and group is None:
        r.error(f"method {method!r} needs parameter 'group' (a unit attribute)")
    if not method.startswith("group_") and group is not None:
        r.error(f"parameter 'group' is only used by group_mean and group_median, not {method!r}")
    r.finish()
    return {"method": method, "group": group}


def data_impute(
    *, data: Dataset, state: RunState, params: Mapping[str, Any], step: str, owned: bool = False
) -> StepOutput:
    method = params["method"]
    ind = [c for c in state.framework.indicators if c in data.codes]
    idx = [data.index(c) for c in ind]
    before = np.isnan(data.values[:, idx])
    if method == "mean" and owned and idx == list(range(len(data.codes))):
        # the pipeline owns this matrix: fill it in place (no large temporary)
        before_counts = np.isnan(data.values).sum(axis=0)
        impute_mean_inplace(data.values)
        after_counts = np.isnan(data.values).sum(axis=0)
        imputed = {
            c: int(b - a) for c, b, a in zip(ind, before_counts, after_counts, strict=True) if b - a
        }
        still = {c: int(a) for c, a in zip(ind, after_counts, strict=True) if a}
        return StepOutput(data=data, details={"imputed": imputed, "still_missing": still})
    if method in ("mean", "median"):
        sub = data.values[:, idx]
        filled = impute_mean(sub) if method == "mean" else impute_median(sub)
    elif method in ("group_mean", "group_median"):
        g = data.groups.get(params["group"])
        if g is None:
            raise PipelineError(
                [Problem(f"unit attribute {params['group']!r} not in the data", step=step)]
            )
        filled = impute_grouped(data.values[:, idx], g, method.split("_")[1])
    else:
        if data.times is None:
            raise PipelineError(
                [Problem(f"method {method!r} needs a panel with a Time column", step=step)]
            )
        full = impute_latest(data) if method == "latest" else impute_linear(data)
        filled = full[:, idx]
    values = data.values.copy()
    values[:, idx] = filled
    after = np.isnan(filled)
    imputed = {c: int(n) for c, n in zip(ind, (before & ~after).sum(axis=0), strict=True) if n}
    still = {c: int(n) for c, n in zip(ind, after.sum(axis=0), strict=True) if n}
    return StepOutput(
        data=data.with_values(values),
        details={"imputed": imputed, "still_missing": still},
    )
