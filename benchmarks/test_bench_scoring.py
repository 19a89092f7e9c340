"""Scoring engine benchmarks (issue 4). Each asserts its target on the measured median.

* COINr's vignette sensitivity analysis on ASEM (N = 100, 4 assumptions, 600 runs): < 0.5 s
* one full pipeline for 100 000 units x 200 indicators: < 1 s
* Monte Carlo uncertainty, 1 000 replications for 1 000 units x 200 indicators: < 5 s
* peak memory of the above under 2 GB (tracemalloc: numpy allocations are traced)
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from saferspaces.core.scoring.coinr_io import data_read, meta_read
from saferspaces.core.scoring.data import Dataset, Framework, Node, dataset_build, framework_build
from saferspaces.core.scoring.pipeline import (
    PipelineSpec,
    pipeline_load,
    pipeline_parse,
    pipeline_run,
)
from saferspaces.core.scoring.sensitivity import sensitivity_parse, sensitivity_run

REPO = Path(__file__).resolve().parent.parent
SHARED = (
    Path(os.environ.get("SAFERSPACES_SHARED_DATA", REPO.parent / "shared" / "data")) / "coinr-asem"
)
GB = 1024**3


def _peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def synthetic(n_units: int, n_ind: int, seed: int = 0) -> tuple[Framework, Dataset]:
    """Indicators in pillars of 10, pillars in 4 dimensions, one index; 2 % missing, some skew."""
    rng = np.random.default_rng(seed)
    n_pil = n_ind // 10
    nodes = [Node(f"i{j}", 1, f"P{j // 10}", direction=1 if j % 7 else -1) for j in range(n_ind)]
    nodes += [Node(f"P{p}", 2, f"D{p % 4}") for p in range(n_pil)]
    nodes += [Node(f"D{d}", 3, "IDX") for d in range(4)] + [Node("IDX", 4)]
    x = rng.normal(50, 10, (n_units, n_ind))
    x[:, ::5] = rng.lognormal(2, 1.2, (n_units, len(range(0, n_ind, 5))))  # skewed columns
    x[rng.random(x.shape) < 0.02] = np.nan
    ds = dataset_build(
        units=[f"u{i}" for i in range(n_units)], codes=[f"i{j}" for j in range(n_ind)], values=x
    )
    return framework_build(nodes), ds


def full_pipeline(fw: Framework) -> PipelineSpec:
    raw = {
        "steps": [
            {"step": "impute", "params": {"method": "mean"}},
            {"step": "screen", "params": {"unit_min_availability": 0.5}},
            {"step": "treat", "params": {"winmax": 5}},
            {"step": "normalise", "params": {"method": "minmax", "range": [1, 100]}},
            {"step": "aggregate", "params": {"method": "arithmetic"}},
        ]
    }
    return pipeline_parse(raw=raw, framework=fw)


def test_asem_vignette_sensitivity(benchmark: Any) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"reference data not found at {SHARED}")
    meta = meta_read(path=SHARED / "ASEM_iMeta.csv")
    data = data_read(path=SHARED / "ASEM_iData.csv", meta=meta)
    spec = pipeline_load(
        path=REPO / "examples" / "pipelines" / "coinr_example_pipeline.yaml",
        framework=meta.framework,
    )
    assert spec.sensitivity is not None
    sens = sensitivity_parse(raw=spec.sensitivity, spec=spec, framework=meta.framework)
    res = benchmark.pedantic(
        lambda: sensitivity_run(data=data, framework=meta.framework, spec=spec, sens=sens),
        rounds=5,
        iterations=1,
    )
    assert res.scores.shape[0] == 600
    assert benchmark.stats.stats.median < 0.5


def test_pipeline_100k_units_200_indicators(benchmark: Any) -> None:
    fw, ds = synthetic(100_000, 200)
    spec = full_pipeline(fw)
    res = benchmark.pedantic(
        lambda: pipeline_run(data=ds, framework=fw, spec=spec, keep_intermediate=False),
        rounds=3,
        iterations=1,
        warmup_rounds=1,  # the VM's first touch of fresh memory is not the engine's cost
    )
    assert res.results.values.shape == (100_000, 200 + 20 + 4 + 1)
    assert benchmark.stats.stats.median < 1.0
    peak = _peak(lambda: pipeline_run(data=ds, framework=fw, spec=spec, keep_intermediate=False))
    benchmark.extra_info["peak_memory_mb"] = round(peak / 2**20)
    assert peak < 2 * GB


def test_monte_carlo_1000_reps_1000_units_200_indicators(benchmark: Any) -> None:
    fw, ds = synthetic(1_000, 200, seed=1)
    spec = full_pipeline(fw)
    sens = sensitivity_parse(
        raw={
            "analysis": "uncertainty",
            "target": "IDX",
            "N": 1000,
            "assumptions": [
                {
                    "name": "Winsorisation",
                    "step": "treat",
                    "param": "winmax",
                    "values": [1, 2, 3, 4, 5],
                },
                {
                    "name": "Normalisation",
                    "step": "normalise",
                    "values": [
                        {"method": "minmax", "range": [1, 100]},
                        {"method": "zscore", "mean": 10, "sd": 2},
                    ],
                },
                {
                    "name": "Weights",
                    "step": "aggregate",
                    "noise": {"levels": [1, 2, 3], "factor": 0.25, "sets": 100},
                },
                {
                    "name": "Aggregation",
                    "step": "aggregate",
                    "param": "method",
                    "values": ["arithmetic", "geometric"],
                },
            ],
        },
        spec=spec,
        framework=fw,
    )
    res = benchmark.pedantic(
        lambda: sensitivity_run(data=ds, framework=fw, spec=spec, sens=sens), rounds=1, iterations=1
    )
    assert res.scores.shape == (1000, 1000)
    assert benchmark.stats.stats.median < 5.0
    peak = _peak(lambda: sensitivity_run(data=ds, framework=fw, spec=spec, sens=sens))
    benchmark.extra_info["peak_memory_mb"] = round(peak / 2**20)
    assert peak < 2 * GB
