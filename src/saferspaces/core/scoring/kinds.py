"""Scores by indicator kind (perception vs status) per dimension, and the perception-status gap.

For the platform: a dimension's perception score aggregates only its indicators of kind
``perception`` (normalised values, framework weights), its status score only those of kind
``status``; the gap is ``perception - status``. No overall ranking index is built here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .aggregate import aggregate_groups, groups_build
from .data import Dataset, FloatArray, Framework
from .weights import weights_effective


@dataclass(frozen=True, eq=False)
class KindScores:
    units: tuple[str, ...]
    dimensions: tuple[str, ...]
    perception: FloatArray  # units x dimensions
    status: FloatArray
    gap: FloatArray


def scores_by_kind(
    *,
    data: Dataset,
    framework: Framework,
    level: int = 2,
    method: str = "arithmetic",
    weights: Mapping[str, float] | None = None,
    kinds: tuple[str, str] = ("perception", "status"),
) -> KindScores:
    """Aggregate each dimension (aggregates at ``level``) separately per indicator kind."""
    w = dict(weights) if weights is not None else framework.weights()
    eff = weights_effective(framework=framework, weights=w)
    dims = framework.aggregates(level)
    out = []
    for kind in kinds:
        codes = [
            c for c in framework.indicators if c in data.codes and framework.node(c).kind == kind
        ]
        x = data.values[:, [data.index(c) for c in codes]]
        # each dimension over its own indicators of the kind, with their effective weights
        member = [(k, j, eff[dim][c]) for j, dim in enumerate(dims) for k, c in enumerate(codes)
                  if c in eff[dim]]  # fmt: skip
        groups = groups_build(
            columns=np.array([m[0] for m in member], dtype=np.intp),
            group=np.array([m[1] for m in member], dtype=np.intp),
            weights=np.array([m[2] for m in member], dtype=np.float64),
            n_groups=len(dims),
            n_columns=len(codes),
        )
        out.append(aggregate_groups(x, groups, method=method))
    return KindScores(
        units=data.units, dimensions=dims, perception=out[0], status=out[1], gap=out[0] - out[1]
    )
