"""Audit of data and results: availability, statistics, correlations, Cronbach's alpha, PCA,
strengths and weaknesses (OECD-JRC Handbook steps 4 and 7; COINr ``get_data_avail``,
``get_stats``, ``get_corr_flags``, ``get_cronbach``, ``get_PCA``, ``get_str_weak``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem
from .screen import availability_indicators, availability_units
from .treat import skew_kurt_columns
from .weights import pca_first_component


@dataclass(frozen=True)
class Availability:
    by_unit: dict[str, float]
    by_indicator: dict[str, float]


def audit_availability(*, data: Dataset, framework: Framework) -> Availability:
    """Share of present indicator values per unit and per indicator."""
    codes = [c for c in framework.indicators if c in data.codes]
    sub = data.values[:, [data.index(c) for c in codes]]
    return Availability(
        by_unit=dict(zip(data.units, map(float, availability_units(sub)), strict=True)),
        by_indicator=dict(zip(codes, map(float, availability_indicators(sub)), strict=True)),
    )


@dataclass(frozen=True)
class IndicatorStats:
    code: str
    n: int
    missing: int
    minimum: float
    maximum: float
    mean: float
    median: float
    sd: float
    skew: float
    kurtosis: float
    unique_share: float
    outliers_low: int
    outliers_high: int
    skew_kurt_flag: bool


def audit_statistics(
    *,
    data: Dataset,
    codes: Sequence[str] | None = None,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
) -> list[IndicatorStats]:
    """Descriptive statistics; outliers are values beyond 1.5 IQR from the quartiles."""
    use = list(codes) if codes is not None else list(data.codes)
    x = data.values[:, [data.index(c) for c in use]]
    sk, kt, n = skew_kurt_columns(x)
    out = []
    for k, code in enumerate(use):
        v = x[~np.isnan(x[:, k]), k]
        if v.size == 0:
            nan = float("nan")
            out.append(
                IndicatorStats(
                    code, 0, x.shape[0], nan, nan, nan, nan, nan, nan, nan, 0.0, 0, 0, False
                )
            )
            continue
        q1, q3 = np.quantile(v, [0.25, 0.75])
        iqr = q3 - q1
        flag = bool(abs(sk[k]) > skew_threshold and kt[k] > kurtosis_threshold)
        out.append(
            IndicatorStats(
                code=code,
                n=int(n[k]),
                missing=int(x.shape[0] - n[k]),
                minimum=float(v.min()),
                maximum=float(v.max()),
                mean=float(v.mean()),
                median=float(np.median(v)),
                sd=float(v.std(ddof=1)) if v.size > 1 else float("nan"),
                skew=float(sk[k]),
                kurtosis=float(kt[k]),
                unique_share=float(np.unique(v).size / v.size),
                outliers_low=int((v < q1 - 1.5 * iqr).sum()),
                outliers_high=int((v > q3 + 1.5 * iqr).sum()),
                skew_kurt_flag=flag,
            )
        )
    return out


def correlation_matrix(x: FloatArray, *, method: str = "pearson") -> FloatArray:
    """Pairwise-complete correlations between columns (``spearman`` = Pearson of ranks)."""
    if method == "spearman":
        from scipy.stats import rankdata  # scipy.stats takes longer to import than numpy

        x = np.asarray(rankdata(x, axis=0, nan_policy="omit"), dtype=np.float64)
    k = x.shape[1]
    out = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            ok = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            if ok.sum() < 3:
                r = float("nan")
            else:
                with np.errstate(invalid="ignore", divide="ignore"):
                    r = float(np.corrcoef(x[ok, i], x[ok, j])[0, 1])
            out[i, j] = out[j, i] = r
    return out


@dataclass(frozen=True)
class CorrelationFlag:
    a: str
    b: str
    r: float
    flag: str  # "collinear", "negative" or ""
    relation: str  # "siblings" or "child-ancestor"


def audit_correlations(
    *,
    data: Dataset,
    framework: Framework,
    method: str = "pearson",
    high: float = 0.9,
    low: float = -0.4,
) -> list[CorrelationFlag]:
    """Correlations within each aggregate (between siblings) and across levels (with ancestors)."""
    out: list[CorrelationFlag] = []
    for agg in framework.aggregates():
        kids = [c for c in framework.children(agg) if c in data.codes]
        if len(kids) >= 2:
            cm = correlation_matrix(data.values[:, [data.index(c) for c in kids]], method=method)
            for i in range(len(kids)):
                for j in range(i + 1, len(kids)):
                    r = float(cm[i, j])
                    out.append(
                        CorrelationFlag(kids[i], kids[j], r, _flag(r, high, low), "siblings")
                    )
    for node in framework.nodes:
        anc = node.parent
        while anc is not None:
            if node.code in data.codes and anc in data.codes:
                cm = correlation_matrix(
                    data.values[:, [data.index(node.code), data.index(anc)]], method=method
                )
                r = float(cm[0, 1])
                out.append(
                    CorrelationFlag(
                        node.code, anc, r, "negative" if r < low else "", "child-ancestor"
                    )
                )
            anc = framework.node(anc).parent
    return out


def _flag(r: float, high: float, low: float) -> str:
    if np.isnan(r):
        return ""
    if r > high:
        return "collinear"
    if r < low:
        return "negative"
    return ""


def cronbach_alpha(x: FloatArray) -> float:
    """``k/(k-1) (1 - sum var_i / var(sum))`` over complete rows (sample variances)."""
    z = x[~np.isnan(x).any(axis=1)]
    k = z.shape[1]
    if k < 2 or z.shape[0] < 2:
        return float("nan")
    tot = z.sum(axis=1).var(ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(k / (k - 1) * (1 - z.var(axis=0, ddof=1).sum() / tot))


def audit_cronbach(*, data: Dataset, framework: Framework) -> dict[str, float]:
    """Cronbach's alpha of the children of each aggregate."""
    out: dict[str, float] = {}
    for agg in framework.aggregates():
        kids = [c for c in framework.children(agg) if c in data.codes]
        if len(kids) >= 2:
            out[agg] = cronbach_alpha(data.values[:, [data.index(c) for c in kids]])
    return out


@dataclass(frozen=True)
class PCAResult:
    aggregate: str
    codes: tuple[str, ...]
    eigenvalues: tuple[float, ...]
    variance_share: tuple[float, ...]
    pc1_loadings: tuple[float, ...]


def audit_pca(*, data: Dataset, framework: Framework) -> list[PCAResult]:
    """PCA (correlation matrix, complete rows) of the children of each aggregate."""
    out = []
    for agg in framework.aggregates():
        kids = [c for c in framework.children(agg) if c in data.codes]
        x = data.values[:, [data.index(c) for c in kids]]
        if len(kids) < 2 or (~np.isnan(x).any(axis=1)).sum() < 3:
            continue
        z = x[~np.isnan(x).any(axis=1)]
        sd = z.std(axis=0, ddof=1)
        if (sd == 0).any():
            continue
        ev = np.sort(np.linalg.eigvalsh(np.corrcoef(z, rowvar=False)))[::-1]
        v, _ = pca_first_component(x)
        out.append(
            PCAResult(
                aggregate=agg,
                codes=tuple(kids),
                eigenvalues=tuple(float(e) for e in ev),
                variance_share=tuple(float(e / ev.sum()) for e in ev),
                pc1_loadings=tuple(float(a) for a in v * np.sqrt(ev[0])),
            )
        )
    return out


@dataclass(frozen=True)
class StrengthWeakness:
    code: str
    value: float
    position: float  # share of other units with a lower value (0..1), direction-adjusted


def audit_strengths(
    *, data: Dataset, framework: Framework, unit: str, n: int = 5, normalised: bool = True
) -> tuple[list[StrengthWeakness], list[StrengthWeakness]]:
    """A unit's best and worst indicators by its relative position among units.

    Positions are percentile positions (0 = lowest, 1 = highest), never published ranks; with
    ``normalised=False`` raw values are direction-adjusted first.
    """
    if unit not in data.units:
        raise PipelineError([Problem("unit not in the data", unit=unit)])
    codes = [c for c in framework.indicators if c in data.codes]
    x = data.values[:, [data.index(c) for c in codes]]
    if not normalised:
        x = x * np.array([framework.node(c).direction for c in codes], dtype=np.float64)
    from scipy.stats import rankdata

    r = np.asarray(rankdata(x, method="min", axis=0, nan_policy="omit"), dtype=np.float64)
    cnt = (~np.isnan(x)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = (r - 1) / (cnt - 1)
    i = data.units.index(unit)
    items = [
        StrengthWeakness(c, float(data.values[i, data.index(c)]), float(pos[i, k]))
        for k, c in enumerate(codes)
        if not np.isnan(pos[i, k])
    ]
    items.sort(key=lambda s: (-s.position, s.code))
    best = items[:n]
    worst = sorted(items, key=lambda s: (s.position, s.code))[:n]
    return best, worst
