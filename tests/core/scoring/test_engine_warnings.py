"""Step warnings: correct (infinite is not missing), complete (constant indicators), structured,
collected in the result, and no numpy RuntimeWarning leaking out of the engine."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

from saferspaces.core.scoring.data import dataset_build
from saferspaces.core.scoring.errors import StepWarning
from saferspaces.core.scoring.pipeline import PipelineResult, pipeline_parse, pipeline_run

from .helpers import small_dataset, small_framework

# numpy must not warn: every division by zero is handled and reported as a step warning
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# i0 has direction -1 and a minimum of 0 (units u0 and u3)
X = np.array(
    [
        [0.0, 1.0, 5.0, 0.1],
        [2.0, 2.0, 5.0, 0.1],
        [4.0, 3.0, 5.0, 0.1],
        [0.0, 4.0, 5.0, np.nan],
    ]
)


def run(normalise: dict[str, Any], x: np.ndarray = X, **kw: Any) -> PipelineResult:
    fw = small_framework(directions=(-1, 1, 1, 1))
    raw = {"steps": [{"step": "normalise", "params": normalise}, {"step": "aggregate"}]}
    spec = pipeline_parse(raw=raw, framework=fw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning may leak
        return pipeline_run(data=small_dataset(x), framework=fw, spec=spec, **kw)


def by_kind(res: PipelineResult, indicator: str) -> dict[str, StepWarning]:
    return {w.kind: w for w in res.warnings if w.indicator == indicator}


@pytest.mark.parametrize(
    "params",
    [
        {"method": "fracmax"},  # the vectorised path for all indicators
        {"method": "minmax", "indicators": {"i0": {"method": "fracmax"}}},  # per indicator
    ],
)
def test_fracmax_of_a_reversed_indicator_with_minimum_zero_is_infinite_not_missing(
    params: dict[str, Any],
) -> None:
    res = run(params)
    col = res.results.column("i0").tolist()
    assert col[1] == math.inf and col[2] == math.inf  # as COINr n_fracmax: -x / -0
    assert math.isnan(col[0]) and math.isnan(col[3])  # 0 / 0
    found = by_kind(res, "i0")
    assert found["infinite"].units == ("u1", "u2")
    assert "values are infinite" in found["infinite"].message
    assert "missing" not in found["infinite"].message
    assert "the maximum is 0 once the direction is applied" in found["infinite"].message
    assert found["missing"].units == ("u0", "u3")
    assert found["infinite"].step == "1 (normalise)"
    # the aggregates above it are warned about too, not the other pillar
    kinds = {(w.kind, w.indicator) for w in res.warnings}
    assert ("infinite", "P1") in kinds and ("infinite", "IDX") in kinds
    assert not any(w.indicator == "P2" and w.kind == "infinite" for w in res.warnings)
    assert not np.isinf(res.results.column("P2")).any()


@pytest.mark.parametrize("method", ["minmax", "zscore"])
@pytest.mark.parametrize("per_indicator", [False, True])
def test_constant_indicator_is_missing_with_a_warning(method: str, per_indicator: bool) -> None:
    params: dict[str, Any] = {"method": method}
    if per_indicator:
        params = {"method": "rank", "indicators": {c: {"method": method} for c in ("i2", "i3")}}
    res = run(params)
    for code, value in (("i2", "5"), ("i3", "0.1")):
        assert np.isnan(res.results.column(code)).all(), code  # never rounding noise
        w = by_kind(res, code)["constant"]
        assert w.units == ()  # every unit
        assert f"all present values are equal ({value})" in w.message
        spread = "standard deviation" if method == "zscore" else "range (max - min)"
        assert f"{method} divides by their {spread}, 0" in w.message
    assert set(by_kind(res, "i2")) == {"constant"}


def test_constant_indicator_under_rank_methods_is_not_warned() -> None:
    res = run({"method": "rank"})
    assert res.results.column("i2").tolist() == [1.0, 1.0, 1.0, 1.0]
    assert by_kind(res, "i2") == {}


def test_warnings_come_from_the_cache_too() -> None:
    cache: dict[str, Any] = {}
    first = run({"method": "fracmax"}, cache=cache)
    second = run({"method": "fracmax"}, cache=cache)
    assert second.warnings == first.warnings and first.warnings


def test_a_clean_run_has_no_warnings() -> None:
    x = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 1.0, 2.0], [3.0, 1.0, 2.0, 5.0]])
    res = run({"method": "minmax"}, x=x)
    assert res.warnings == ()


def test_warning_text_json_and_restriction_to_units() -> None:
    w = StepWarning(
        "infinite", "values are infinite", step="2 (normalise)", indicator="Tariff",
        units=tuple(f"U{i}" for i in range(7)),
    )  # fmt: skip
    assert str(w) == (
        "step 2 (normalise), indicator 'Tariff': values are infinite "
        "(7 units: U0, U1, U2, U3, U4 and 2 more)"
    )
    assert StepWarning.from_json(w.as_json()) == w
    mine = w.for_units(["U3", "X"])
    assert mine is not None and mine.units == ("U3",)
    assert w.for_units(["X"]) is None
    everyone = StepWarning("constant", "all equal", step="1 (normalise)", indicator="i2")
    assert everyone.for_units(["X"]) == everyone


def test_missing_denominator_is_warned_with_its_units() -> None:
    fw = small_framework()
    data = dataset_build(
        units=["u0", "u1", "u2"],
        codes=["i0", "i1", "i2", "i3"],
        values=np.arange(12, dtype=np.float64).reshape(3, 4) + 1,
        denominators={"pop": [10.0, np.nan, 20.0]},
    )
    raw = {"steps": [{"step": "denominate", "params": {"denominators": {"i1": "pop"}}}]}
    res = pipeline_run(data=data, framework=fw, spec=pipeline_parse(raw=raw, framework=fw))
    (w,) = res.warnings
    assert (w.kind, w.indicator, w.units) == ("missing", "i1", ("u1",))
    assert "denominator 'pop' is missing" in w.message


def test_an_indicator_still_skewed_after_treatment_is_warned() -> None:
    fw = small_framework()
    x = np.ones((20, 4))
    x[:, 0] = [1.0] * 18 + [50.0, 400.0]  # strongly skewed, no Winsorisation allowed
    x[:, 1:] = np.random.default_rng(3).normal(10, 1, (20, 3))
    raw = {"steps": [{"step": "treat", "params": {"winmax": 0, "fallback": "none"}}]}
    res = pipeline_run(
        data=small_dataset(x), framework=fw, spec=pipeline_parse(raw=raw, framework=fw)
    )
    assert [(w.kind, w.indicator) for w in res.warnings] == [("still_skewed", "i0")]
