"""Uncertainty and sensitivity analysis: design, estimators, zero-sensitivity control, outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from saferspaces.core.scoring.errors import PipelineError
from saferspaces.core.scoring.pipeline import pipeline_load, pipeline_parse
from saferspaces.core.scoring.sensitivity import (
    sample_saltelli,
    sensitivity_indices,
    sensitivity_parse,
    sensitivity_run,
)

from .helpers import EXAMPLES, asem, small_dataset, small_framework


def test_saltelli_design_layout() -> None:
    x = sample_saltelli(n=5, d=3, rng=np.random.default_rng(0))
    a, b = x[:5], x[5:10]
    assert x.shape == (25, 3)
    for i in range(3):
        abi = x[10 + 5 * i : 15 + 5 * i]
        np.testing.assert_array_equal(abi[:, i], b[:, i])
        np.testing.assert_array_equal(np.delete(abi, i, axis=1), np.delete(a, i, axis=1))


def test_estimators_on_additive_function() -> None:
    # y = x1 + 2 x2 + 0 x3 on uniforms: S = (1, 4, 0)/5, no interactions
    n, d = 20000, 3
    rng = np.random.default_rng(3)
    x = sample_saltelli(n=n, d=d, rng=rng)
    y = x[:, 0] + 2 * x[:, 1]
    est, var = sensitivity_indices(y=y, n=n, d=d, bootstrap=200, rng=rng)
    assert var > 0
    assert est[0][0] == pytest.approx(0.2, abs=0.05) and est[0][1] == pytest.approx(0.2, abs=0.03)
    assert est[1][0] == pytest.approx(0.8, abs=0.05) and est[1][1] == pytest.approx(0.8, abs=0.03)
    assert est[2][0] == 0.0 and est[2][1] == 0.0  # the zero-sensitivity input, exactly
    lo, hi = est[1][3]
    assert lo <= est[1][1] <= hi


def _asem_sens(shared_data: Path, **overrides: object):
    fw, data = asem(shared_data)
    spec = pipeline_load(path=EXAMPLES / "coinr_example_pipeline.yaml", framework=fw)
    assert spec.sensitivity is not None
    raw = {**spec.sensitivity, **overrides}
    return fw, data, spec, sensitivity_parse(raw=raw, spec=spec, framework=fw)


def test_zero_sensitivity_control_on_asem(shared_data: Path) -> None:
    fw, data, spec, _ = _asem_sens(shared_data)
    raw = {
        **(spec.sensitivity or {}),
        "N": 40,
        "output": "score_change",
        "assumptions": [
            {
                "name": "Aggregation",
                "step": "aggregate",
                "param": "method",
                "values": ["arithmetic", "geometric"],
            },
            # a no-op: both alternatives are the same setting
            {
                "name": "Dummy",
                "step": "normalise",
                "param": "range",
                "values": [[1, 100], [1, 100]],
            },
            # changes nothing: every unit has more than half of its data
            {
                "name": "Screen",
                "step": "screen",
                "param": "unit_min_availability",
                "values": [0.1, 0.5],
            },
        ],
    }
    sens = sensitivity_parse(raw=raw, spec=spec, framework=fw)
    res = sensitivity_run(data=data, framework=fw, spec=spec, sens=sens)
    assert res.indices is not None
    by = {i.name: i for i in res.indices}
    assert by["Dummy"].first == 0.0 and by["Dummy"].total == 0.0
    assert by["Screen"].total == 0.0
    assert by["Aggregation"].total > 0.5
    assert res.failed_runs == 0


def test_failing_runs_are_missing_and_counted(shared_data: Path) -> None:
    fw, data, spec, _ = _asem_sens(shared_data)
    raw = {
        **(spec.sensitivity or {}),
        "N": 10,
        "analysis": "uncertainty",
        "assumptions": [
            {
                "name": "Aggregation",
                "step": "aggregate",
                "param": "method",
                "values": ["geometric"],
            },
        ],
    }
    sens = sensitivity_parse(raw=raw, spec=spec, framework=fw)
    res = sensitivity_run(data=data, framework=fw, spec=spec, sens=sens)
    # min-max to [0, 100] has zeros: a geometric mean cannot be computed (COINr records NA too)
    assert res.failed_runs == 10
    assert np.isnan(res.scores).all()
    assert "geometric mean needs positive values" in res.failure_messages[0]


def test_vignette_analysis_outputs(shared_data: Path) -> None:
    fw, data, spec, sens = _asem_sens(shared_data)
    res = sensitivity_run(data=data, framework=fw, spec=spec, sens=sens)
    n_units = len(res.units)
    assert res.scores.shape == (100 * (4 + 2), n_units)  # COINr: N (d + 2) runs
    assert res.summary_runs == 200
    assert (res.score_q05 <= res.score_median + 1e-12).all() and (
        res.score_median <= res.score_q95 + 1e-12
    ).all()
    assert ((res.band_stability >= 0) & (res.band_stability <= 1)).all()
    assert set(np.unique(res.band_nominal)) <= {0.0, 1.0, 2.0, 3.0, 4.0}
    # COINr's rank statistics, for parity: rank 1 is the highest nominal score
    assert res.rank_nominal[np.argmax(res.nominal)] == 1
    assert (res.rank_q05 <= res.rank_q95).all()
    assert set(res.aggregate_intervals) == {"Index", "Conn", "Sust"}
    assert res.indices is not None
    for i in res.indices:
        assert i.total >= 0
        assert i.total_ci[0] <= i.total_ci[1]
    # the same seed gives the same analysis
    again = sensitivity_run(data=data, framework=fw, spec=spec, sens=sens)
    np.testing.assert_array_equal(again.scores, res.scores)


def test_uncertainty_analysis_runs_n_times() -> None:
    fw = small_framework()
    x = np.random.default_rng(1).uniform(1, 10, (20, 4))
    spec = pipeline_parse(
        raw={
            "steps": [
                {"step": "normalise", "params": {"method": "minmax", "range": [1, 100]}},
                {"step": "aggregate"},
            ],
        },
        framework=fw,
    )
    sens = sensitivity_parse(
        raw={
            "analysis": "uncertainty",
            "target": "IDX",
            "N": 30,
            "assumptions": [
                {
                    "name": "w",
                    "step": "aggregate",
                    "noise": {"levels": [1], "factor": 0.2, "sets": 10},
                }
            ],
        },
        spec=spec,
        framework=fw,
    )
    res = sensitivity_run(data=small_dataset(x), framework=fw, spec=spec, sens=sens)
    assert res.scores.shape == (30, 20)
    assert res.indices is None
    assert (res.score_q05 < res.score_q95).any()


def test_invalid_sensitivity_section_is_reported_in_full() -> None:
    fw = small_framework()
    spec = pipeline_parse(
        raw={"steps": [{"step": "normalise"}, {"step": "aggregate"}]}, framework=fw
    )
    raw = {
        "target": "NOPE",
        "N": 1,
        "assumptions": [
            {"name": "a", "step": "treat", "param": "winmax", "values": [1]},
            {"name": "b", "step": "normalise", "param": "method", "values": ["minmax", "bogus"]},
        ],
    }
    with pytest.raises(PipelineError) as exc:
        sensitivity_parse(raw=raw, spec=spec, framework=fw)
    text = str(exc.value)
    assert "'target'" in text and "'N'" in text and "'treat'" in text and "bogus" in text
