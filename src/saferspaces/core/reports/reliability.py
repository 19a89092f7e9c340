"""Reliability and correlations of a round's indicator scores, by the engine's audit functions.

The round becomes an engine :class:`Dataset` (units = assessments, columns = the edition's scored
indicators and (sub-)dimensions, values = stored 0-100 scores) with the edition's scoring
framework. Pass-through aggregates (``_PAD_<dimension>_<level>``) take the score of the dimension
they stand for, so a dimension that holds indicators directly gets its alpha and its
indicator-dimension correlations like any other.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from saferspaces.core.assessment import edition_scoring_framework, node_is_pass_through
from saferspaces.core.framework.model import Edition
from saferspaces.core.scoring.audit import (
    audit_correlations,
    audit_cronbach,
    audit_statistics,
)
from saferspaces.core.scoring.data import Dataset, Framework, dataset_build

from .inputs import UnitScores
from .thresholds import Thresholds


def _shown(framework: Framework, code: str) -> str:
    """The edition code a node stands for (a pass-through aggregate -> its dimension)."""
    node = framework.node(code)
    while node_is_pass_through(node) and node.parent is not None:
        node = framework.node(node.parent)
    return node.code


def scores_dataset(*, framework: Framework, scores: Sequence[UnitScores]) -> Dataset:
    """Units x (indicators + aggregates) of stored scores; missing scores are NaN."""
    codes = list(framework.indicators) + list(framework.aggregates())
    values = np.full((len(scores), len(codes)), np.nan)
    col = {c: j for j, c in enumerate(codes)}
    shown = {c: _shown(framework, c) for c in framework.aggregates()}
    for i, s in enumerate(scores):
        for c in framework.indicators:
            v = s.indicators.get(c)
            if v is not None and math.isfinite(v):
                values[i, col[c]] = v
        for c, d in shown.items():
            v = s.nodes.get(d)
            if v is not None and math.isfinite(v):
                values[i, col[c]] = v
    return dataset_build(units=[s.unit for s in scores], codes=codes, values=values)


@dataclass(frozen=True)
class DimensionAlpha:
    """Cronbach's alpha of the children of a (sub-)dimension over the assessments that have a
    score on every child (``complete``); None with ``reason`` when it cannot be computed."""

    dimension: str
    children: tuple[str, ...]
    complete: int
    alpha: float | None
    reason: str = ""  # too_few_assessments | no_variance | ""
    low: bool = False


@dataclass(frozen=True)
class ItemTotal:
    """Correlation of an indicator's score with its (sub-)dimension's score (Pearson)."""

    code: str
    dimension: str
    n: int
    r: float | None


@dataclass(frozen=True)
class PairFlag:
    """Two indicators of the same (sub-)dimension whose correlation the audit flags."""

    dimension: str
    a: str
    b: str
    r: float
    flag: str  # collinear | negative


@dataclass(frozen=True)
class ScoreSpread:
    """How much an indicator's scores vary: the engine's statistics plus the modal share."""

    code: str
    n: int
    sd: float | None
    modal_share: float | None


@dataclass(frozen=True)
class Reliability:
    units: int  # assessments with at least one indicator score
    enough: bool  # at least ``min_units_reliability`` assessments
    alphas: tuple[DimensionAlpha, ...]
    item_totals: tuple[ItemTotal, ...]
    pairs: tuple[PairFlag, ...]
    spreads: tuple[ScoreSpread, ...]


def _complete_rows(data: Dataset, codes: Sequence[str]) -> int:
    return int((~np.isnan(data.matrix(codes)).any(axis=1)).sum())


def reliability_analyse(
    *, edition: Edition, scores: Sequence[UnitScores], thresholds: Thresholds
) -> Reliability:
    framework = edition_scoring_framework(edition=edition)
    data = scores_dataset(framework=framework, scores=scores)
    ind = data.matrix(framework.indicators)
    with_scores = int((~np.isnan(ind)).any(axis=1).sum()) if ind.size else 0
    enough = with_scores >= thresholds.min_units_reliability

    spreads = []
    with warnings.catch_warnings():  # an indicator nobody scored: its statistics are NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        stats = audit_statistics(data=data, codes=framework.indicators)
    for st in stats:
        col = data.column(st.code)
        v = col[~np.isnan(col)]
        modal = None
        if v.size:
            _u, counts = np.unique(np.round(v, 9), return_counts=True)
            modal = float(counts.max() / v.size)
        spreads.append(ScoreSpread(st.code, st.n, None if math.isnan(st.sd) else st.sd, modal))

    alphas: list[DimensionAlpha] = []
    pairs: list[PairFlag] = []
    item_totals: list[ItemTotal] = []
    cron = audit_cronbach(data=data, framework=framework)
    for agg in framework.aggregates():
        kids = framework.children(agg)
        if len(kids) < 2:
            continue
        dim = _shown(framework, agg)
        complete = _complete_rows(data, kids)
        a = cron.get(agg, float("nan"))
        if complete < thresholds.min_units_reliability:
            alphas.append(DimensionAlpha(dim, kids, complete, None, "too_few_assessments"))
        elif not math.isfinite(a):
            alphas.append(DimensionAlpha(dim, kids, complete, None, "no_variance"))
        else:
            alphas.append(DimensionAlpha(dim, kids, complete, a, "", a < thresholds.alpha_min))
    if enough:
        for f in audit_correlations(data=data, framework=framework):
            if f.relation == "siblings" and f.flag:
                parent = framework.node(f.a).parent
                shown = _shown(framework, parent) if parent else ""
                pairs.append(PairFlag(shown, f.a, f.b, f.r, f.flag))
            elif (
                f.relation == "child-ancestor"
                and framework.node(f.a).level == 1
                and framework.node(f.a).parent == f.b
            ):
                ok = ~np.isnan(data.column(f.a)) & ~np.isnan(data.column(f.b))
                r = None if math.isnan(f.r) else f.r
                item_totals.append(ItemTotal(f.a, _shown(framework, f.b), int(ok.sum()), r))
    return Reliability(
        units=with_scores,
        enough=enough,
        alphas=tuple(alphas),
        item_totals=tuple(item_totals),
        pairs=tuple(pairs),
        spreads=tuple(spreads),
    )
