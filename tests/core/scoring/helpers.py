"""Shared helpers for the scoring-engine tests (small synthetic frameworks, ASEM loading)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from saferspaces.core.scoring.coinr_io import data_read, meta_read, table_read
from saferspaces.core.scoring.data import Dataset, Framework, Node, dataset_build, framework_build

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples" / "pipelines"


def asem(shared_data: Path) -> tuple[Framework, Dataset]:
    d = shared_data / "coinr-asem"
    meta = meta_read(path=d / "ASEM_iMeta.csv")
    return meta.framework, data_read(path=d / "ASEM_iData.csv", meta=meta)


def small_framework(k: int = 4, directions: tuple[int, ...] | None = None) -> Framework:
    """Indicators i0..i{k-1} in two pillars P1/P2 under index IDX."""
    dirs = directions or (1,) * k
    nodes = [
        Node(
            code=f"i{j}",
            level=1,
            parent="P1" if j < k // 2 else "P2",
            direction=dirs[j],
            weight=1.0,
        )
        for j in range(k)
    ]
    nodes += [Node("P1", 2, "IDX"), Node("P2", 2, "IDX"), Node("IDX", 3)]
    return framework_build(nodes)


def small_dataset(values: np.ndarray, groups: list[str] | None = None) -> Dataset:
    n, k = values.shape
    return dataset_build(
        units=[f"u{i}" for i in range(n)],
        codes=[f"i{j}" for j in range(k)],
        values=values,
        groups={"grp": groups} if groups is not None else None,
    )


def max_abs_diff(ds: Dataset, expected_csv: Path) -> tuple[float, list[str]]:
    """Largest absolute difference with a COINr CSV, and a list of structural mismatches."""
    header, exp = table_read(path=expected_csv)
    problems: list[str] = []
    if set(exp) != set(ds.units):
        problems.append(f"units differ: {sorted(set(exp) ^ set(ds.units))}")
    worst = 0.0
    for i, u in enumerate(ds.units):
        for c in header:
            if c in ("uCode", "uName"):
                continue
            if c not in ds.codes:
                problems.append(f"missing code {c}")
                continue
            a, b = float(ds.values[i, ds.index(c)]), exp[u][c]
            if math.isnan(a) or math.isnan(b):
                if math.isnan(a) != math.isnan(b):
                    problems.append(f"{u}/{c}: missing in one only ({a} vs {b})")
                continue
            worst = max(worst, abs(a - b))
    return worst, problems
