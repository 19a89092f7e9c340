"""Audit, effective weights, weights methods and perception/status scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from saferspaces.core.scoring.audit import (
    audit_availability,
    audit_correlations,
    audit_cronbach,
    audit_pca,
    audit_statistics,
    audit_strengths,
    cronbach_alpha,
)
from saferspaces.core.scoring.data import Node, dataset_build, framework_build
from saferspaces.core.scoring.kinds import scores_by_kind
from saferspaces.core.scoring.pipeline import pipeline_load, pipeline_parse, pipeline_run
from saferspaces.core.scoring.weights import weights_effective

from .helpers import EXAMPLES, asem, small_dataset, small_framework


def test_audit_on_asem(shared_data: Path) -> None:
    fw, data = asem(shared_data)
    av = audit_availability(data=data, framework=fw)
    assert 0 < min(av.by_unit.values()) < 1 and max(av.by_indicator.values()) == 1
    stats = {s.code: s for s in audit_statistics(data=data, codes=fw.indicators)}
    assert any(s.skew_kurt_flag for s in stats.values())
    assert stats["Services"].outliers_high > 0
    assert stats["LPI"].missing == 0
    spec = pipeline_load(path=EXAMPLES / "coinr_example_pipeline.yaml", framework=fw)
    res = pipeline_run(data=data, framework=fw, spec=spec).results
    flags = audit_correlations(data=res, framework=fw)
    assert any(f.relation == "siblings" for f in flags) and any(
        f.relation == "child-ancestor" for f in flags
    )
    assert all(-1 <= f.r <= 1 for f in flags if not np.isnan(f.r))
    alpha = audit_cronbach(data=res, framework=fw)
    assert set(alpha) == set(fw.aggregates())
    pcas = {p.aggregate: p for p in audit_pca(data=res, framework=fw)}
    assert sum(pcas["Physical"].variance_share) == pytest.approx(1)
    best, worst = audit_strengths(data=res, framework=fw, unit="AUT", n=3)
    assert len(best) == 3 and len(worst) == 3
    assert best[0].position >= worst[0].position


def test_cronbach_alpha_known_values() -> None:
    x = np.tile(np.arange(10.0)[:, None], (1, 3))
    assert cronbach_alpha(x) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    assert abs(cronbach_alpha(rng.normal(size=(2000, 4)))) < 0.1


def test_effective_weights_sum_to_one_and_follow_path() -> None:
    fw = small_framework()
    w = fw.weights() | {"i0": 3.0, "P1": 1.0, "P2": 3.0}
    eff = weights_effective(framework=fw, weights=w)
    assert sum(eff["IDX"].values()) == pytest.approx(1)
    assert eff["IDX"]["i0"] == pytest.approx(0.75 * 0.25)
    assert eff["P1"]["i0"] == pytest.approx(0.75)


@pytest.mark.parametrize("method", ["equal", "pca", "optimised"])
def test_weight_methods_feed_aggregation(method: str) -> None:
    fw = small_framework()
    rng = np.random.default_rng(5)
    base = rng.normal(size=(40, 1))
    x = np.hstack([base + rng.normal(scale=s, size=(40, 1)) for s in (0.1, 1.0, 0.2, 0.5)]) + 10
    raw = {
        "steps": [
            {"step": "normalise"},
            {"step": "weights", "params": {"method": method}},
            {"step": "aggregate"},
        ]
    }
    res = pipeline_run(
        data=small_dataset(x), framework=fw, spec=pipeline_parse(raw=raw, framework=fw)
    )
    w = res.record("weights").details["weights"]
    assert all(v >= 0 for v in w.values())
    if method == "pca":
        assert w["i0"] + w["i1"] == pytest.approx(1)  # squared unit loadings
    if method == "optimised":
        # the noisier indicator needs more weight to reach equal correlation with its pillar
        assert w["i1"] > w["i0"]


def test_given_weights_and_unknown_code() -> None:
    fw = small_framework()
    x = np.arange(1.0, 13.0).reshape(3, 4)
    raw = {
        "steps": [
            {"step": "weights", "params": {"method": "given", "weights": {"i0": 3}}},
            {"step": "aggregate"},
        ]
    }
    res = pipeline_run(
        data=small_dataset(x), framework=fw, spec=pipeline_parse(raw=raw, framework=fw)
    ).results
    assert res.column("P1")[0] == pytest.approx((3 * 1 + 2) / 4)


def test_scores_by_kind_and_gap() -> None:
    nodes = [
        Node("p1", 1, "D1", kind="perception"),
        Node("s1", 1, "D1", kind="status"),
        Node("s2", 1, "D1", kind="status", weight=3),
        Node("p2", 1, "D2", kind="perception"),
        Node("D1", 2, "ALL"),
        Node("D2", 2, "ALL"),
        Node("ALL", 3),
    ]
    fw = framework_build(nodes)
    ds = dataset_build(
        units=["a", "b"],
        codes=["p1", "s1", "s2", "p2"],
        values=[[80, 40, 60, 50], [20, 40, np.nan, 70]],
    )
    ks = scores_by_kind(data=ds, framework=fw)
    assert ks.dimensions == ("D1", "D2")
    np.testing.assert_allclose(ks.perception[:, 0], [80, 20])
    np.testing.assert_allclose(ks.status[:, 0], [(40 + 3 * 60) / 4, 40])
    np.testing.assert_allclose(ks.gap[:, 0], [80 - 55, -20])
    assert np.isnan(ks.status[:, 1]).all()  # no status indicator in D2: missing, not zero
