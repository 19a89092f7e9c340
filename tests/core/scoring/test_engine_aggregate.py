"""Aggregation over each aggregate's own children: infinities, zero weights, warnings."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from saferspaces.core.scoring import aggregate as ag
from saferspaces.core.scoring.data import framework_build
from saferspaces.core.scoring.errors import PipelineError
from saferspaces.core.scoring.pipeline import PipelineResult, pipeline_parse, pipeline_run

from .helpers import small_dataset, small_framework

# numpy must not warn: every division by zero is handled and reported as a step warning
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

INF = math.inf


def run(x: np.ndarray, params: dict[str, Any] | None = None, **kw: Any) -> PipelineResult:
    """The aggregate step alone on ``x``, which may hold infinities (as a normalise step makes)."""
    fw = small_framework(**kw)
    raw = {"steps": [{"step": "aggregate", "params": params or {}}]}
    data = replace(small_dataset(np.zeros_like(x)), values=np.asarray(x, dtype=np.float64))
    return pipeline_run(data=data, framework=fw, spec=pipeline_parse(raw=raw, framework=fw))


def values(res: PipelineResult, code: str) -> list[float]:
    return res.results.column(code).tolist()


HM_P2 = 2 / (1 / 3 + 1 / 4)


@pytest.mark.parametrize(
    ("method", "p1", "p2", "idx"),
    [
        ("arithmetic", INF, 3.5, INF),
        ("geometric", INF, math.sqrt(12), INF),
        # COINr a_hmean: sum(w)/sum(w/x) with 1/inf = 0, so the infinite child is absorbed
        ("harmonic", 2.0, HM_P2, 2 / (1 / 2 + 1 / HM_P2)),
        ("generalised", INF, math.sqrt((9 + 16) / 2), INF),
    ],
)
def test_infinite_child_reaches_only_its_own_aggregates(
    method: str, p1: float, p2: float, idx: float
) -> None:
    params: dict[str, Any] = {"method": method}
    if method == "generalised":
        params["p"] = 2
    res = run(np.array([[INF, 1.0, 3.0, 4.0]]), params)
    assert values(res, "P1")[0] == pytest.approx(p1)
    assert values(res, "P2")[0] == pytest.approx(p2)  # finite, as in COINr
    assert values(res, "IDX")[0] == pytest.approx(idx)


def test_opposite_infinities_are_undefined_and_warned() -> None:
    res = run(np.array([[INF, -INF, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]))
    assert math.isnan(values(res, "P1")[0]) and values(res, "P1")[1] == 1.5
    assert values(res, "P2") == [3.5, 3.5]
    kinds = {(w.kind, w.indicator): w.units for w in res.warnings}
    assert kinds[("undefined", "P1")] == ("u0",)


def test_infinite_aggregates_are_warned_with_their_children() -> None:
    res = run(np.array([[INF, 1.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]))
    inf = [w for w in res.warnings if w.kind == "infinite"]
    assert [(w.indicator, w.units) for w in inf] == [("P1", ("u0",)), ("IDX", ("u0",))]
    assert "(i0)" in inf[0].message and "(P1)" in inf[1].message
    assert inf[0].step == "1 (aggregate)"
    assert str(inf[0]).startswith("step 1 (aggregate), indicator 'P1': the aggregate is infinite")
    assert str(inf[0]).endswith("(1 unit: u0)")


def test_a_child_of_weight_zero_has_no_influence_even_when_infinite() -> None:
    res = run(np.array([[INF, 2.0, 3.0, 4.0]]), {"weights": {"i0": 0}})
    assert values(res, "P1") == [2.0]
    assert values(res, "IDX") == [2.75]
    assert res.warnings == ()


def test_all_children_of_weight_zero_is_an_error_naming_the_aggregate() -> None:
    with pytest.raises(PipelineError) as exc:
        run(np.array([[1.0, 2.0, 3.0, 4.0]]), {"weights": {"i2": 0, "i3": 0.0}})
    (problem,) = exc.value.problems
    assert problem.indicator == "P2" and problem.step == "1 (aggregate)"
    assert "all 2 children of this aggregate have weight 0" in problem.message


def test_all_zero_framework_weights_are_an_error_too() -> None:
    fw = small_framework()
    fw0 = framework_build([replace(n, weight=0.0) if n.parent == "P1" else n for n in fw.nodes])
    spec = pipeline_parse(raw={"steps": [{"step": "aggregate"}]}, framework=fw0)
    with pytest.raises(PipelineError, match=r"indicator 'P1'.*weight 0"):
        pipeline_run(data=small_dataset(np.ones((2, 4))), framework=fw0, spec=spec)


def test_only_weight_zero_children_present_gives_missing_with_a_warning() -> None:
    res = run(np.array([[1.0, np.nan, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]), {"weights": {"i0": 0}})
    assert math.isnan(values(res, "P1")[0]) and values(res, "P1")[1] == 2.0
    (w,) = [w for w in res.warnings if w.kind == "zero_weights"]
    assert (w.indicator, w.units) == ("P1", ("u0",))


def test_missing_children_are_skipped_without_warning() -> None:
    res = run(np.array([[np.nan, np.nan, 3.0, 4.0]]))
    assert math.isnan(values(res, "P1")[0]) and values(res, "IDX") == [3.5]
    assert res.warnings == ()


def test_generalised_mean_with_negative_p_needs_positive_values() -> None:
    with pytest.raises(PipelineError, match="p = -1 < 0 needs positive values"):
        run(np.array([[0.0, 1.0, 3.0, 4.0]]), {"method": "generalised", "p": -1})


def test_groups_follow_the_framework_not_the_column_order() -> None:
    """Children of one aggregate need not be next to each other in the data."""
    x = np.array([[1.0, 5.0, 2.0, 7.0], [INF, 1.0, 1.0, 1.0]])
    cols = np.array([0, 2, 1, 3])  # i0, i2 -> group 0; i1, i3 -> group 1
    groups = ag.groups_build(
        columns=cols,
        group=np.array([0, 1, 0, 1]),
        weights=np.array([1.0, 1.0, 3.0, 1.0]),
        n_groups=3,
        n_columns=4,
    )
    y = ag.aggregate_groups(x, groups)
    np.testing.assert_allclose(y[0], [(1 + 3 * 5) / 4, 4.5, np.nan])
    assert y[1, 0] == INF and y[1, 1] == 1.0
