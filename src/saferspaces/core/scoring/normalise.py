"""Normalisation: bring indicators onto a common scale, with their direction.

Unless noted, values are first multiplied by the indicator's direction (COINr
``Normalise.numeric``), so a direction of -1 turns "less is better" into "more is better". For
``goalposts`` and ``target`` the direction is applied to the formula instead, because their
parameters are in the indicator's own units. Columns are processed together (vectorised).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem, StepWarning
from .params import ParamReader, RunState, StepOutput

METHODS = (
    "minmax",
    "zscore",
    "scaled",
    "fracmax",
    "rank",
    "prank",
    "borda",
    "goalposts",
    "target",
    "reference",
    "dist2max",
    "none",
)


def _colmin_max(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    with np.errstate(invalid="ignore"):
        if np.isnan(x).any():
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        return x.min(axis=0), x.max(axis=0)


def constant_columns(x: FloatArray) -> npt.NDArray[np.bool_]:
    """Columns whose present values are all equal (at least one present)."""
    if x.ndim == 1:
        x = x[:, None]
    mn, mx = np.fmin.reduce(x, axis=0), np.fmax.reduce(x, axis=0)
    return np.asarray(mn == mx, dtype=np.bool_)


def normalise_minmax(x: FloatArray, lower: float = 0.0, upper: float = 100.0) -> FloatArray:
    """``(x - min)/(max - min) * (u - l) + l`` column-wise; NaN for a zero range."""
    mn, mx = _colmin_max(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray((x - mn) / (mx - mn) * (upper - lower) + lower, dtype=np.float64)


def normalise_zscore(x: FloatArray, mean: float = 0.0, sd: float = 1.0) -> FloatArray:
    """``(x - mean(x)) / sd(x) * sd + mean`` with the sample standard deviation.

    Undefined (missing) for a constant column, whose standard deviation is 0 (rounding in the
    mean must not turn it into a tiny non-zero one).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        present = ~np.isnan(x)
        n = present.sum(axis=0)
        mu = np.where(present, x, 0.0).sum(axis=0) / n
        d = np.where(present, x - mu, 0.0)
        s = np.sqrt((d * d).sum(axis=0) / (n - 1))
        s = np.where(constant_columns(x), np.nan, s)
        return np.asarray((x - mu) / s * sd + mean, dtype=np.float64)


def normalise_scaled(x: FloatArray, lower: float, upper: float) -> FloatArray:
    """``(x - l)/(u - l) * 100`` (COINr ``n_scaled``)."""
    return np.asarray((x - lower) / (upper - lower) * 100.0, dtype=np.float64)


def normalise_fracmax(x: FloatArray) -> FloatArray:
    """``x / max(x)``."""
    _, mx = _colmin_max(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(x / mx, dtype=np.float64)


def normalise_rank(x: FloatArray) -> FloatArray:
    """Ranks with ties given the minimum rank; the highest value gets the highest rank."""
    from scipy.stats import rankdata  # scipy.stats takes longer to import than numpy

    return np.asarray(rankdata(x, method="min", axis=0, nan_policy="omit"), dtype=np.float64)


def normalise_prank(x: FloatArray) -> FloatArray:
    """Percentile ranks ``(rank - 1)/(n - 1)`` in [0, 1]."""
    n = (~np.isnan(x)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray((normalise_rank(x) - 1.0) / (n - 1), dtype=np.float64)


def normalise_borda(x: FloatArray) -> FloatArray:
    """Borda scores ``rank - 1`` (number of units beaten)."""
    return normalise_rank(x) - 1.0


def normalise_dist2max(x: FloatArray) -> FloatArray:
    """``1 - (max - x)/(max - min)``."""
    mn, mx = _colmin_max(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(1.0 - (mx - x) / (mx - mn), dtype=np.float64)


def normalise_goalposts(
    x: FloatArray,
    lower: float,
    upper: float,
    *,
    scale: float = 1.0,
    truncate: bool = True,
    direction: int = 1,
) -> FloatArray:
    """Distance from the worse goalpost to the better one, optionally truncated to [0, 1], times scale."""
    y = (x - lower) / (upper - lower) if direction == 1 else (upper - x) / (upper - lower)
    if truncate:
        y = np.clip(y, 0.0, 1.0)
    return np.asarray(y * scale, dtype=np.float64)


def normalise_target(
    x: FloatArray, target: float, *, cap: bool = False, direction: int = 1
) -> FloatArray:
    """Distance to target: ``1 - (t - x)/(t - min)`` (direction -1: ``1 - (x - t)/(max - t)``)."""
    mn, mx = np.nanmin(x), np.nanmax(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (
            1.0 - (target - x) / (target - mn)
            if direction == 1
            else 1.0 - (x - target) / (mx - target)
        )
    if cap:
        y = np.where(y > 1.0, 1.0, y)
    return np.asarray(y, dtype=np.float64)


def normalise_reference(x: FloatArray, ref_index: int, *, cap: bool = False) -> FloatArray:
    """Distance to a reference unit: ``1 - (x_ref - x)/(x_ref - min)``."""
    mn = np.nanmin(x, axis=0)
    xref = x[ref_index]
    with np.errstate(invalid="ignore", divide="ignore"):
        y = 1.0 - (xref - x) / (xref - mn)
    if cap:
        y = np.where(y > 1.0, 1.0, y)
    return np.asarray(y, dtype=np.float64)


def _read_spec(r: ParamReader, framework: Framework, code: str | None) -> dict[str, Any]:
    method = r.choice("method", "minmax", METHODS)
    spec: dict[str, Any] = {"method": method}
    if method == "minmax":
        spec["range"] = r.pair("range", (0.0, 100.0))
        if spec["range"][0] >= spec["range"][1]:
            r.error("parameter 'range' must be [lower, upper] with lower < upper")
    elif method == "zscore":
        spec["mean"] = r.number("mean", 0.0)
        spec["sd"] = r.number("sd", 1.0, minimum=0.0, strict_min=True)
    elif method in ("scaled", "goalposts"):
        spec["lower"] = r.number("lower", None)
        spec["upper"] = r.number("upper", None)
        if (
            spec["lower"] is not None
            and spec["upper"] is not None
            and spec["lower"] == spec["upper"]
        ):
            r.error("parameters 'lower' and 'upper' must differ")
        if method == "goalposts":
            spec["scale"] = r.number("scale", 1.0)
            spec["truncate"] = r.boolean("truncate", True)
    elif method == "target":
        spec["target"] = r.number("target", None, allow_none=True)
        spec["cap"] = r.boolean("cap", False)
    elif method == "reference":
        spec["unit"] = r.text("unit", None)
        spec["cap"] = r.boolean("cap", False)
    return spec


def normalise_validate(
    params: Mapping[str, Any] | None, *, step: str, framework: Framework
) -> dict[str, Any]:
    r = ParamReader(params, step)
    spec = _read_spec(r, framework, None)
    if spec["method"] == "goalposts":
        r.error("goalposts are per indicator: give them under 'indicators'")
    directions = r.raw_value("directions", "meta")
    if directions not in ("meta", "ignore"):
        r.error(f"parameter 'directions' must be 'meta' or 'ignore', got {directions!r}")
    overrides: dict[str, dict[str, Any]] = {}
    for code, sub in (r.mapping("indicators") or {}).items():
        if not framework.has(code) or framework.node(code).level != 1:
            r.error("not an indicator of the framework", indicator=code)
            continue
        rr = ParamReader(sub, f"{step} (indicator {code})")
        overrides[code] = _read_spec(rr, framework, code)
        try:
            rr.finish()
        except PipelineError as exc:
            r.problems.extend(exc.problems)
    r.finish()
    spec["directions"] = directions
    spec["indicators"] = overrides
    return spec


def _apply(
    method: str,
    x: FloatArray,
    spec: Mapping[str, Any],
    dirs: FloatArray,
    codes: list[str],
    data: Dataset,
    state: RunState,
    step: str,
) -> FloatArray:
    if method not in ("goalposts", "target"):
        x = x * dirs
    if method == "minmax":
        lo, hi = spec["range"]
        return normalise_minmax(x, lo, hi)
    if method == "zscore":
        return normalise_zscore(x, spec["mean"], spec["sd"])
    if method == "scaled":
        return normalise_scaled(x, spec["lower"], spec["upper"])
    if method == "fracmax":
        return normalise_fracmax(x)
    if method == "rank":
        return normalise_rank(x)
    if method == "prank":
        return normalise_prank(x)
    if method == "borda":
        return normalise_borda(x)
    if method == "dist2max":
        return normalise_dist2max(x)
    if method == "reference":
        unit = spec["unit"]
        if unit not in data.units:
            raise PipelineError([Problem(f"reference unit {unit!r} not in the data", step=step)])
        return normalise_reference(x, data.units.index(unit), cap=spec["cap"])
    out = np.empty_like(x)
    for k, code in enumerate(codes):
        d = int(dirs[k])
        if method == "goalposts":
            out[:, k] = normalise_goalposts(
                x[:, k],
                spec["lower"],
                spec["upper"],
                scale=spec["scale"],
                truncate=spec["truncate"],
                direction=d,
            )
        elif method == "target":
            t = spec["target"] if spec["target"] is not None else state.framework.node(code).target
            if t is None:
                raise PipelineError(
                    [Problem("no target given and none in the metadata", step=step, indicator=code)]
                )
            out[:, k] = normalise_target(x[:, k], t, cap=spec["cap"], direction=d)
        else:
            out[:, k] = x[:, k]
    return out


AFFINE = ("minmax", "zscore", "scaled", "fracmax", "dist2max")


def affine_coefficients(
    x: FloatArray, dirs: FloatArray, spec: Mapping[str, Any]
) -> tuple[FloatArray, FloatArray]:
    """Per-column (A, B) with ``y = A x + B`` for the linear methods (direction folded in).

    One pass over the data for the statistics (``fmin``/``fmax`` skip NaN), one to apply them:
    the fast path for large matrices. Equal to the textbook formulas up to rounding.
    """
    method = spec["method"]
    with np.errstate(invalid="ignore", divide="ignore"):
        if method in ("minmax", "dist2max", "fracmax"):
            mn, mx = np.fmin.reduce(x, axis=0), np.fmax.reduce(x, axis=0)
            zmin = np.where(dirs > 0, mn, -mx)
            zmax = np.where(dirs > 0, mx, -mn)
            if method == "fracmax":
                return dirs / zmax, np.zeros_like(zmax)
            lo, hi = spec["range"] if method == "minmax" else (0.0, 1.0)
            sc = np.where(zmax > zmin, (hi - lo) / (zmax - zmin), np.nan)
            return dirs * sc, lo - zmin * sc
        if method == "zscore":
            n = (~np.isnan(x)).sum(axis=0)
            mu = np.nansum(x, axis=0) / n
            sd = np.sqrt(np.nansum((x - mu) ** 2, axis=0) / (n - 1))
            sc = np.where(constant_columns(x), np.nan, spec["sd"] / sd)
            # y = dir * sc * (x - mu) + mean: the direction flips the deviation, not the centre
            return dirs * sc, spec["mean"] - dirs * mu * sc
        sc = 100.0 / (spec["upper"] - spec["lower"])  # scaled
        return dirs * sc, np.full(x.shape[1], -spec["lower"] * sc)


# why a method divided by zero, for the warnings
_INFINITE_WHY = {
    "fracmax": "x / max(x), and the maximum is 0 once the direction is applied: a direction -1 "
    "indicator whose minimum is 0",
    "target": "the target equals the worst value",
    "reference": "the reference unit has the worst value",
}
# what a method divides by that is 0 for a constant indicator
_SPREAD = {
    "minmax": "range (max - min)",
    "dist2max": "range (max - min)",
    "zscore": "standard deviation",
    "prank": "number of values minus 1",
}


def normalise_warnings(
    *,
    before: FloatArray,
    after: FloatArray,
    codes: list[str],
    methods: list[str],
    units: tuple[str, ...],
    step: str,
) -> list[StepWarning]:
    """What a normalisation did to each column that the user must know: a constant indicator
    made missing, values made infinite (kept, as COINr does) or missing (0/0)."""
    out: list[StepWarning] = []
    new_inf = np.isinf(after) & ~np.isinf(before)
    new_nan = np.isnan(after) & ~np.isnan(before)
    flagged = np.flatnonzero(new_inf.any(axis=0) | new_nan.any(axis=0))
    constant = constant_columns(before[:, flagged]) if flagged.size else flagged
    for k, const in zip(flagged.tolist(), constant.tolist(), strict=True):
        code, method = codes[k], methods[k]
        if const and method in _SPREAD:
            values = before[~np.isnan(before[:, k]), k]
            spread = _SPREAD[method]
            out.append(
                StepWarning(
                    "constant",
                    f"all present values are equal ({values[0]:g}): {method} divides by their "
                    f"{spread}, 0, so the indicator is missing for every unit; drop it or use a "
                    "method with fixed bounds (goalposts, scaled)",
                    step=step,
                    indicator=code,
                )
            )
            continue
        inf_rows = np.flatnonzero(new_inf[:, k])
        if inf_rows.size:
            why = _INFINITE_WHY.get(method, "a division by zero")
            out.append(
                StepWarning(
                    "infinite",
                    f"values are infinite: {method} divides by zero ({why}); kept, as COINr "
                    "does, so the aggregates above this indicator are infinite or undefined for "
                    "these units; use another method (e.g. minmax)",
                    step=step,
                    indicator=code,
                    units=tuple(units[i] for i in inf_rows),
                )
            )
        nan_rows = np.flatnonzero(new_nan[:, k])
        if nan_rows.size:
            out.append(
                StepWarning(
                    "missing",
                    f"values are set to missing: {method} is undefined for them (0/0)",
                    step=step,
                    indicator=code,
                    units=tuple(units[i] for i in nan_rows),
                )
            )
    return out


def data_normalise(
    *, data: Dataset, state: RunState, params: Mapping[str, Any], step: str, owned: bool = False
) -> StepOutput:
    ind = [c for c in state.framework.indicators if c in data.codes]
    overrides: Mapping[str, Mapping[str, Any]] = params["indicators"]
    use_dirs = params["directions"] == "meta"
    if not overrides and params["method"] in AFFINE and list(data.codes) == ind:
        dirs = np.array(
            [state.framework.node(c).direction if use_dirs else 1 for c in ind], dtype=np.float64
        )
        a, b = affine_coefficients(data.values, dirs, params)
        # only columns with a non-finite coefficient can change beyond "missing stays missing"
        odd = np.flatnonzero(~(np.isfinite(a) & np.isfinite(b)))
        before = data.values[:, odd].copy() if odd.size else None
        with np.errstate(invalid="ignore", over="ignore"):
            out = np.multiply(data.values, a, out=data.values if owned else None)
            out += b
        warnings: list[StepWarning] = []
        if before is not None:
            warnings = normalise_warnings(
                before=before,
                after=out[:, odd],
                codes=[ind[k] for k in odd],
                methods=[params["method"]] * odd.size,
                units=data.units,
                step=step,
            )
        return StepOutput(
            data=data.with_values(out),
            details={"method": params["method"]},
            warnings=tuple(warnings),
        )
    values = data.values.copy()
    groups: dict[str, list[str]] = {}
    for code in ind:
        key = "__default__" if code not in overrides else code
        groups.setdefault(key, []).append(code)
    warnings = []
    for key, codes in groups.items():
        spec = params if key == "__default__" else overrides[key]
        idx = [data.index(c) for c in codes]
        dirs = np.array(
            [state.framework.node(c).direction if use_dirs else 1 for c in codes], dtype=np.float64
        )
        sub = values[:, idx]
        res = _apply(spec["method"], sub, spec, dirs, codes, data, state, step)
        warnings.extend(
            normalise_warnings(
                before=sub,
                after=res,
                codes=codes,
                methods=[spec["method"]] * len(codes),
                units=data.units,
                step=step,
            )
        )
        values[:, idx] = res
    return StepOutput(
        data=data.with_values(values),
        details={"method": params["method"]},
        warnings=tuple(warnings),
    )
