"""Regressions found by running the engine end to end."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from saferspaces.core.scoring.normalise import affine_coefficients
from saferspaces.core.scoring.sensitivity import sensitivity_indices


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(-1000, 1000), min_size=3, max_size=30).filter(lambda v: len(set(v)) > 1),
    st.sampled_from([1.0, -1.0]),
    st.floats(-50, 50),
    st.floats(0.5, 20),
)
def test_zscore_honours_mean_and_sd_for_both_directions(
    values: list[int], direction: float, mean: float, sd: float
) -> None:
    x = np.array(values, dtype=np.float64)[:, None]
    a, b = affine_coefficients(
        x, np.array([direction]), {"method": "zscore", "mean": mean, "sd": sd}
    )
    y = (a * x + b)[:, 0]
    assert math.isclose(float(y.mean()), mean, abs_tol=1e-7)
    assert math.isclose(float(y.std(ddof=1)), sd, rel_tol=1e-7)
    expected = direction * sd * (x[:, 0] - x[:, 0].mean()) / x[:, 0].std(ddof=1) + mean
    np.testing.assert_allclose(y, expected, atol=1e-7)


def test_sensitivity_indices_of_missing_outputs_are_unknown_not_zero() -> None:
    n, d = 10, 2
    y = np.random.default_rng(1).random(n * (d + 2))
    y[3] = np.nan  # one run produced nothing
    estimates, _var = sensitivity_indices(y=y, n=n, d=d, bootstrap=10, rng=np.random.default_rng(2))
    for first, total, first_ci, total_ci in estimates:
        assert math.isnan(first) and math.isnan(total)
        assert all(math.isnan(v) for v in (*first_ci, *total_ci))
