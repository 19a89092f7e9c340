"""Hierarchical weighted means with the platform's availability rule (vectorised over units).

For one kind (all, perception or status) and a node with children ``c`` (indicators, or
sub-dimensions with a score), over the units at once:

    score = sum_c w_c s_c / sum_c w_c        (only children with a score; renormalised)

An indicator that is not applicable is not a child at all; one without a score (don't know,
not collected, unanswered, unscorable) is missing. The node has no score when it has no
applicable indicator of the kind, or when ``answered / applicable`` over all indicators below
it is below the threshold. Effective weights (the product of renormalised shares on the path)
are kept, so ``score = sum_i e_i x_i`` exactly and intervals come from the same weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from saferspaces.core.scoring.data import BoolArray, FloatArray

from .answers import S_ANSWERED, S_NOT_APPLICABLE
from .result import ALL_NOT_APPLICABLE, INSUFFICIENT_DATA, NO_INDICATORS_OF_KIND

IntArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class TreeNode:
    code: str
    parent: str | None
    weight: float
    children: tuple[str, ...]
    columns: tuple[int, ...]  # indicator columns it holds directly
    member: tuple[int, ...]  # every indicator column below it


@dataclass(frozen=True, eq=False)
class KindBlock:
    """Results of one kind for every node: scores, reasons, counts, effective weights."""

    score: FloatArray  # units x nodes (NaN = no score)
    reason: list[list[str | None]]  # nodes x units
    counts: FloatArray  # 6 x units x nodes (status counts)
    eff: list[FloatArray]  # per node: units x columns
    lo: FloatArray | None
    hi: FloatArray | None


def tree_aggregate(
    *,
    nodes: Sequence[TreeNode],
    status: IntArray,
    present: BoolArray,
    points: FloatArray,
    lows: FloatArray | None,
    highs: FloatArray | None,
    include: BoolArray,
    col_weights: FloatArray,
    threshold: float,
    onehot: FloatArray,
) -> KindBlock:
    """Aggregate ``nodes`` (children before parents) for the indicator columns in ``include``."""
    n_units, m = points.shape
    pres = present & include[None, :]
    membership = np.zeros((m, len(nodes)))
    for k, node in enumerate(nodes):
        membership[list(node.member), k] = 1.0
    membership *= include[:, None]
    counts = onehot @ membership  # 6 x units x nodes
    n_kind = membership.sum(axis=0)
    app = counts.sum(axis=0) - counts[S_NOT_APPLICABLE]
    answered = counts[S_ANSWERED]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = answered / app
    pos = {node.code: k for k, node in enumerate(nodes)}
    score = np.full((n_units, len(nodes)), np.nan)
    effs: list[FloatArray] = []
    reasons: list[list[str | None]] = []
    wp_all = np.where(pres, col_weights[None, :], 0.0)
    for k, node in enumerate(nodes):
        if node.children:
            eff = np.zeros((n_units, m))
            wsum = np.zeros(n_units)
            parts = []
            for c in node.children:
                kc = pos[c]
                wc = np.where(np.isnan(score[:, kc]), 0.0, nodes[kc].weight)
                wsum += wc
                parts.append((wc, effs[kc]))
            with np.errstate(invalid="ignore", divide="ignore"):
                for wc, ec in parts:
                    eff += np.where(wsum > 0, wc / wsum, 0.0)[:, None] * ec
        else:
            eff = np.zeros((n_units, m))
            cols = list(node.columns)
            wp = wp_all[:, cols]
            wsum = wp.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                eff[:, cols] = np.where(wsum[:, None] > 0, wp / wsum[:, None], 0.0)
        none = (app[:, k] == 0) | (answered[:, k] == 0) | (share[:, k] < threshold) | (wsum <= 0)
        eff[none] = 0.0
        s = (eff * points).sum(axis=1)
        score[:, k] = np.where(none, np.nan, s)
        effs.append(eff)
        if n_kind[k] == 0:
            reasons.append([NO_INDICATORS_OF_KIND] * n_units)
        else:
            reasons.append(
                [
                    (ALL_NOT_APPLICABLE if app[u, k] == 0 else INSUFFICIENT_DATA)
                    if none[u]
                    else None
                    for u in range(n_units)
                ]
            )
    lo = hi = None
    if lows is not None and highs is not None:
        lo = np.column_stack([(e * lows).sum(axis=1) for e in effs]) if effs else None
        hi = np.column_stack([(e * highs).sum(axis=1) for e in effs]) if effs else None
        if lo is not None and hi is not None:
            lo = np.where(np.isnan(score), np.nan, lo)
            hi = np.where(np.isnan(score), np.nan, hi)
    return KindBlock(score=score, reason=reasons, counts=counts, eff=effs, lo=lo, hi=hi)
