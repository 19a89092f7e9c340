"""Outlier treatment: Winsorisation bounded by skew and kurtosis, then a log or Box-Cox fallback.

This reproduces COINr 1.1.14 ``Treat()`` with its defaults (``winsorise`` -> ``log_CT``, pass test
``check_SkewKurt``):

* skewness and kurtosis are the sample statistics of ``e1071`` type 2 (as in Excel);
* an indicator passes when ``|skew| < skew_threshold`` OR ``kurtosis < kurtosis_threshold``;
* a failing indicator is Winsorised: while it fails and the count is below ``winmax``, the
  highest value(s) (if skew >= 0) or lowest value(s) (if skew < 0) are replaced by the next value;
  COINr counts the points of the latest high-side and latest low-side pass only (``count:
  coinr``); ``count: cumulative`` counts every point;
* if it still fails, the fallback transform is applied to the *original* values (or to the
  Winsorised ones with ``combine: true``);
* an indicator whose skew/kurtosis is undefined (zero variance) is left untreated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem, StepWarning
from .params import ParamReader, RunState, StepOutput

FALLBACKS = ("log_ct", "log_ct_orig", "log_gii", "boxcox", "none")


def _moments(v: FloatArray) -> tuple[int, float, float, float]:
    """(n, sum d^2, sum d^3, sum d^4) of the non-missing values, d = deviation from the mean."""
    v = v[~np.isnan(v)]
    d = v - v.mean() if v.size else v
    d2 = d * d
    return v.size, float(d2.sum()), float(np.dot(d2, d)), float(np.dot(d2, d2))


def _skew_from(n: int, m2: float, m3: float) -> float:
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.sqrt(n) * np.float64(m3) / (np.float64(m2) ** 1.5)
        return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def _kurt_from(n: int, m2: float, m4: float) -> float:
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * np.float64(m4) / (np.float64(m2) ** 2)
        return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def skewness(x: FloatArray) -> float:
    """Sample skewness (type 2) of the non-missing values; needs >= 3 values."""
    n, m2, m3, _ = _moments(x)
    if n < 3:
        raise ValueError("at least 3 values are needed for skewness")
    return _skew_from(n, m2, m3)


def kurtosis(x: FloatArray) -> float:
    """Sample excess kurtosis (type 2) of the non-missing values; needs >= 4 values."""
    n, m2, _, m4 = _moments(x)
    if n < 4:
        raise ValueError("at least 4 values are needed for kurtosis")
    return _kurt_from(n, m2, m4)


def _skew_kurt(x: FloatArray) -> tuple[float, float]:
    n, m2, m3, m4 = _moments(x)
    if n < 4:
        raise ValueError("at least 4 values are needed for skewness and kurtosis")
    return _skew_from(n, m2, m3), _kurt_from(n, m2, m4)


def skew_kurt_columns(
    values: FloatArray, *, block: int = 8192
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Column-wise (skew, kurtosis, count of values), vectorised in cache-sized row blocks."""
    has_nan = bool(np.isnan(values).any())
    if has_nan:
        present = ~np.isnan(values)
        n = present.sum(axis=0).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(values, axis=0) / n
    else:
        n = np.full(values.shape[1], float(values.shape[0]))
        mean = values.mean(axis=0)
    k = values.shape[1]
    m2, m3, m4 = np.zeros(k), np.zeros(k), np.zeros(k)
    for s in range(0, values.shape[0], block):
        d = values[s : s + block] - mean
        if has_nan:
            d[np.isnan(d)] = 0.0
        d2 = d * d
        m2 += d2.sum(axis=0)
        d *= d2
        m3 += d.sum(axis=0)
        d2 *= d2
        m4 += d2.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sk = np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * m4 / m2**2
        kt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    sk = np.where(n >= 3, sk, np.nan)
    kt = np.where(n >= 4, kt, np.nan)
    return sk, kt, n


def _passes(sk: float, kt: float, skew_t: float, kurt_t: float) -> bool | None:
    """COINr check_SkewKurt with R's NA logic: None when undecidable."""
    a = None if np.isnan(sk) else bool(abs(float(sk)) < skew_t)
    b = None if np.isnan(kt) else bool(float(kt) < kurt_t)
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


class _Workspace:
    """Reusable buffers for the moments of one column (no allocation per Winsorisation pass)."""

    def __init__(self, n: int) -> None:
        self.d = np.empty(n)
        self.d2 = np.empty(n)

    def skew_kurt(self, y: FloatArray) -> tuple[float, float]:
        v = y[~np.isnan(y)] if np.isnan(y).any() else y
        n = v.size
        if n < 4:
            raise ValueError("at least 4 values are needed for skewness and kurtosis")
        d, d2 = self.d[:n], self.d2[:n]
        np.subtract(v, v.mean(), out=d)
        np.multiply(d, d, out=d2)
        m2, m3, m4 = float(d2.sum()), float(np.dot(d2, d)), float(np.dot(d2, d2))
        return _skew_from(n, m2, m3), _kurt_from(n, m2, m4)


def winsorise(
    x: FloatArray,
    *,
    winmax: int | None = 5,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
    force: bool = False,
    count: str = "coinr",
) -> tuple[FloatArray, int, list[int], bool | None]:
    """COINr ``winsorise``: returns (values, points counted, positions treated, passes)."""
    y = np.ascontiguousarray(x, dtype=np.float64).copy()
    ws = _Workspace(y.size)
    sk, kt = ws.skew_kurt(y)
    passing = _passes(sk, kt, skew_threshold, kurtosis_threshold)
    imax: list[int] = []
    imin: list[int] = []
    treated: list[int] = []
    nwin = 0
    guard = int(np.sum(~np.isnan(y)))
    if passing is not True or force:
        while (passing is not True or force) and (winmax is None or nwin < winmax):
            if passing is None or guard <= 0:
                break
            guard -= 1
            if sk >= 0:
                m = np.fmax.reduce(y)
                hit = y == m
                nxt = np.fmax.reduce(y, where=~hit & ~np.isnan(y), initial=-np.inf)
                if not np.isfinite(nxt):
                    break
                imax = list(np.flatnonzero(hit))
                y[hit] = nxt
                treated.extend(imax)
            else:
                m = np.fmin.reduce(y)
                hit = y == m
                nxt = np.fmin.reduce(y, where=~hit & ~np.isnan(y), initial=np.inf)
                if not np.isfinite(nxt):
                    break
                imin = list(np.flatnonzero(hit))
                y[hit] = nxt
                treated.extend(imin)
            nwin = len(imax) + len(imin) if count == "coinr" else len(treated)
            sk, kt = ws.skew_kurt(y)
            passing = _passes(sk, kt, skew_threshold, kurtosis_threshold)
    return y, nwin, sorted(set(treated)), passing


def log_ct(x: FloatArray) -> FloatArray:
    """COINr ``log_CT``: ``log(x - min + 0.01 (max - min))``."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.log(x - mn + 0.01 * (mx - mn)), dtype=np.float64)


def log_ct_orig(x: FloatArray) -> FloatArray:
    """COINr ``log_CT_orig``: ``log(x - min + 1)``."""
    return np.asarray(np.log(x - np.nanmin(x) + 1.0), dtype=np.float64)


def log_gii(x: FloatArray) -> FloatArray:
    """COINr ``log_GII``: ``log((max - 1)(x - min)/(max - min) + 1)``."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.log((mx - 1) * (x - mn) / (mx - mn) + 1), dtype=np.float64)


def boxcox(x: FloatArray, lam: float, *, makepos: bool = True) -> FloatArray:
    """COINr ``boxcox``: shift to ``x - min + 1`` then ``(x^l - 1)/l`` (``log`` when l = 0)."""
    y = x - np.nanmin(x) + 1.0 if makepos else x
    with np.errstate(divide="ignore", invalid="ignore"):
        if lam == 0:
            return np.asarray(np.log(y), dtype=np.float64)
        return np.asarray((y**lam - 1.0) / lam, dtype=np.float64)


def _fallback(x: FloatArray, spec: Mapping[str, Any]) -> FloatArray:
    name = spec["fallback"]
    if name == "log_ct":
        return log_ct(x)
    if name == "log_ct_orig":
        return log_ct_orig(x)
    if name == "log_gii":
        return log_gii(x)
    if name == "boxcox":
        return boxcox(x, float(spec["boxcox_lambda"]), makepos=bool(spec["boxcox_makepos"]))
    return x.copy()


def _read_spec(r: ParamReader, base: Mapping[str, Any] | None) -> dict[str, Any]:
    b = base or {}
    spec: dict[str, Any] = {
        "winmax": r.integer("winmax", b.get("winmax", 5), minimum=0, allow_none=True),
        "skew_threshold": r.number("skew_threshold", b.get("skew_threshold", 2.0), minimum=0.0),
        "kurtosis_threshold": r.number("kurtosis_threshold", b.get("kurtosis_threshold", 3.5)),
        "force": r.boolean("force", b.get("force", False)),
        "count": r.choice("count", b.get("count", "coinr"), ("coinr", "cumulative")),
        "fallback": r.choice("fallback", b.get("fallback", "log_ct"), FALLBACKS),
        "combine": r.boolean("combine", b.get("combine", False)),
        "boxcox_lambda": r.number("boxcox_lambda", b.get("boxcox_lambda"), allow_none=True),
        "boxcox_makepos": r.boolean("boxcox_makepos", b.get("boxcox_makepos", True)),
    }
    if spec["fallback"] == "boxcox" and spec["boxcox_lambda"] is None:
        r.error("fallback 'boxcox' needs parameter 'boxcox_lambda'")
    return spec


def treat_validate(
    params: Mapping[str, Any] | None, *, step: str, framework: Framework
) -> dict[str, Any]:
    r = ParamReader(params, step)
    spec = _read_spec(r, None)
    overrides: dict[str, Any] = {}
    ind = r.mapping("indicators") or {}
    for code, sub in ind.items():
        if not framework.has(code) or framework.node(code).level != 1:
            r.error("not an indicator of the framework", indicator=code)
            continue
        if sub == "none":
            overrides[code] = "none"
            continue
        rr = ParamReader(sub, f"{step} (indicator {code})")
        overrides[code] = _read_spec(rr, spec)
        try:
            rr.finish()
        except PipelineError as exc:
            r.problems.extend(exc.problems)
    r.finish()
    spec["indicators"] = overrides
    return spec


def treat_column(x: FloatArray, spec: Mapping[str, Any]) -> tuple[FloatArray, dict[str, Any]]:
    """Treat one indicator; returns the values and what was done."""
    sk, kt = _skew_kurt(x)
    p0 = _passes(sk, kt, spec["skew_threshold"], spec["kurtosis_threshold"])
    info: dict[str, Any] = {"skew": sk, "kurtosis": kt, "passed_initially": p0}
    if p0 is None:
        info.update(treatment="none (skew/kurtosis undefined)", passes=None)
        return x.copy(), info
    if p0 and not spec["force"]:
        info.update(treatment="none", passes=True)
        return x.copy(), info
    y, nwin, pts, p1 = winsorise(
        x,
        winmax=spec["winmax"],
        skew_threshold=spec["skew_threshold"],
        kurtosis_threshold=spec["kurtosis_threshold"],
        force=spec["force"],
        count=spec["count"],
    )
    info.update(treatment="winsorised", winsorised_points=nwin, treated_positions=pts, passes=p1)
    if p1 is True or spec["fallback"] == "none":
        return y, info
    z = _fallback(y if spec["combine"] else x, spec)
    try:
        p2 = _passes(*_skew_kurt(z), spec["skew_threshold"], spec["kurtosis_threshold"])
    except ValueError:
        p2 = None
    info.update(
        treatment=f"{'winsorised+' if spec['combine'] else ''}{spec['fallback']}", passes=p2
    )
    return z, info


def data_treat(
    *, data: Dataset, state: RunState, params: Mapping[str, Any], step: str, owned: bool = False
) -> StepOutput:
    ind = [c for c in state.framework.indicators if c in data.codes]
    idx = [data.index(c) for c in ind]
    sub = data.values if idx == list(range(len(data.codes))) else data.values[:, idx]
    sk, kt, n = skew_kurt_columns(sub)
    values: FloatArray | None = None
    overrides: Mapping[str, Any] = params["indicators"]
    details: dict[str, Any] = {}
    problems: list[Problem] = []
    warnings: list[StepWarning] = []
    for k, code in enumerate(ind):
        spec = overrides.get(code, params)
        if spec == "none":
            details[code] = {"treatment": "none (by request)"}
            continue
        if n[k] < 4:
            problems.append(
                Problem(
                    f"only {int(n[k])} values: skew and kurtosis need at least 4",
                    step=step,
                    indicator=code,
                )
            )
            continue
        # fast path only when clearly passing; borderline columns use the exact per-column test
        margin = 1e-9
        quick = _passes(
            float(sk[k]),
            float(kt[k]),
            spec["skew_threshold"] - margin,
            spec["kurtosis_threshold"] - margin,
        )
        if quick is True and not spec["force"]:
            continue
        col, info = treat_column(np.ascontiguousarray(sub[:, k]), spec)
        if info["treatment"] != "none":
            if values is None:
                values = data.values if owned else data.values.copy()
            values[:, idx[k]] = col
            details[code] = info
            if info.get("passes") is False:
                warnings.append(
                    StepWarning(
                        "still_skewed",
                        f"still fails the skew and kurtosis test after the treatment "
                        f"({info['treatment']}): its outliers keep a strong influence",
                        step=step,
                        indicator=code,
                    )
                )
    if problems:
        raise PipelineError(problems)
    out = data if values is None else data.with_values(values)
    return StepOutput(data=out, details={"treated": details}, warnings=tuple(warnings))
