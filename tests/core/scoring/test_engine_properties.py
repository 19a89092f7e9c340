"""Property tests (Hypothesis) for every method: invariances, bounds, direction, missing values."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from saferspaces.core.scoring import aggregate as ag
from saferspaces.core.scoring import impute as im
from saferspaces.core.scoring import normalise as nm
from saferspaces.core.scoring import treat as tr
from saferspaces.core.scoring.pipeline import pipeline_parse, pipeline_run

from .helpers import small_dataset, small_framework

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
finite = st.integers(-(10**6), 10**6).map(float)  # exact in float: ties stay ties
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


def column(
    min_size: int = 4, elements: st.SearchStrategy[float] = finite
) -> st.SearchStrategy[np.ndarray]:
    return st.integers(min_size, 30).flatmap(
        lambda n: arrays(np.float64, (n, 1), elements=elements)
    )


def with_holes(x: np.ndarray, mask: list[bool]) -> np.ndarray:
    y = x.copy()
    m = np.array(mask[: y.shape[0]] + [False] * max(0, y.shape[0] - len(mask)))
    y[m, 0] = np.nan
    return y


def spread(x: np.ndarray) -> bool:
    v = x[~np.isnan(x)]
    return v.size >= 2 and float(v.max() - v.min()) > 1e-6 * max(1.0, float(np.abs(v).max()))


# --- normalisation -------------------------------------------------------------------------


@SETTINGS
@given(x=column(), lo=st.floats(-100, 100), width=st.floats(0.5, 1000))
def test_minmax_bounds_and_extremes(x: np.ndarray, lo: float, width: float) -> None:
    assume(spread(x))
    y = nm.normalise_minmax(x, lo, lo + width)
    assert np.nanmin(y) == lo or np.isclose(np.nanmin(y), lo)
    assert np.isclose(np.nanmax(y), lo + width)
    assert (y >= lo - 1e-9).all() and (y <= lo + width + 1e-9).all()


@SETTINGS
@given(x=column(), a=st.floats(0.01, 1000), b=finite, holes=st.lists(st.booleans(), max_size=30))
def test_scale_and_shift_invariance(x: np.ndarray, a: float, b: float, holes: list[bool]) -> None:
    x = with_holes(x, holes)
    assume(spread(x))
    z = a * x + b
    assume(spread(z))
    for f in (nm.normalise_minmax, nm.normalise_zscore, nm.normalise_rank, nm.normalise_prank, nm.normalise_borda,
              nm.normalise_dist2max):  # fmt: skip
        np.testing.assert_allclose(f(z), f(x), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(np.isnan(nm.normalise_minmax(x)), np.isnan(x))


@SETTINGS
@given(x=column(elements=positive), a=st.floats(0.01, 1000))
def test_fracmax_scale_invariance(x: np.ndarray, a: float) -> None:
    np.testing.assert_allclose(nm.normalise_fracmax(a * x), nm.normalise_fracmax(x), rtol=1e-9)
    assert (nm.normalise_fracmax(x) <= 1 + 1e-12).all()


@SETTINGS
@given(x=column(), perm_seed=st.integers(0, 10_000))
def test_permutation_of_units(x: np.ndarray, perm_seed: int) -> None:
    assume(spread(x))
    p = np.random.default_rng(perm_seed).permutation(x.shape[0])
    for f in (nm.normalise_minmax, nm.normalise_zscore, nm.normalise_rank, nm.normalise_prank):
        np.testing.assert_allclose(f(x[p]), f(x)[p], rtol=1e-9, atol=1e-9)


@SETTINGS
@given(x=column(), m=st.floats(-50, 50), s=st.floats(0.1, 50))
def test_zscore_mean_and_sd(x: np.ndarray, m: float, s: float) -> None:
    assume(spread(x) and np.nanstd(x) > 1e-3)
    y = nm.normalise_zscore(x, m, s)
    assert np.isclose(np.nanmean(y), m, atol=1e-6 * max(1, s))
    assert np.isclose(np.nanstd(y, ddof=1), s, rtol=1e-6)


@SETTINGS
@given(x=column())
def test_prank_borda_rank_bounds(x: np.ndarray) -> None:
    assume(spread(x))
    n = x.shape[0]
    assert ((nm.normalise_prank(x) >= 0) & (nm.normalise_prank(x) <= 1)).all()
    assert nm.normalise_rank(x).min() == 1 and nm.normalise_rank(x).max() <= n
    np.testing.assert_array_equal(nm.normalise_borda(x), nm.normalise_rank(x) - 1)


@SETTINGS
@given(x=column(), lo=st.floats(-100, 0), hi=st.floats(1, 100), d=st.sampled_from([1, -1]))
def test_goalposts_bounded_and_directed(x: np.ndarray, lo: float, hi: float, d: int) -> None:
    y = nm.normalise_goalposts(x, lo, hi, direction=d)
    assert ((y >= 0) & (y <= 1)).all()
    order = np.argsort(x[:, 0], kind="stable")
    ys = y[order, 0]
    assert (np.diff(ys) * d >= -1e-12).all()


@SETTINGS
@given(x=column(), t=st.floats(-1e6, 1e6))
def test_target_capped(x: np.ndarray, t: float) -> None:
    assume(t > np.nanmin(x) + 1e-6)
    y = nm.normalise_target(x[:, 0], t, cap=True)
    assert (y[~np.isnan(y)] <= 1).all()
    assert np.isclose(y[np.argmin(x[:, 0])], 0.0, atol=1e-9)


@SETTINGS
@given(x=column(min_size=5))
def test_direction_reverses_order_in_pipeline(x: np.ndarray) -> None:
    assume(spread(x))
    data = np.hstack([x, x, x, x])
    fw_up = small_framework(directions=(1, 1, 1, 1))
    fw_down = small_framework(directions=(-1, 1, 1, 1))
    raw = {"steps": [{"step": "normalise", "params": {"method": "minmax", "range": [0, 100]}}]}
    up = pipeline_run(
        data=small_dataset(data), framework=fw_up, spec=pipeline_parse(raw=raw, framework=fw_up)
    )
    dn = pipeline_run(
        data=small_dataset(data), framework=fw_down, spec=pipeline_parse(raw=raw, framework=fw_down)
    )
    np.testing.assert_allclose(dn.results.column("i0"), 100 - up.results.column("i0"), atol=1e-9)


# --- imputation ----------------------------------------------------------------------------


@SETTINGS
@given(x=column(), holes=st.lists(st.booleans(), min_size=1, max_size=30))
def test_mean_and_median_imputation(x: np.ndarray, holes: list[bool]) -> None:
    y = with_holes(x, holes)
    assume((~np.isnan(y)).any())
    for f, stat in ((im.impute_mean, np.nanmean), (im.impute_median, np.nanmedian)):
        z = f(y)
        assert not np.isnan(z).any()
        present = ~np.isnan(y)
        np.testing.assert_array_equal(z[present], y[present])
        np.testing.assert_allclose(z[~present], stat(y), rtol=1e-9, atol=1e-6)


@SETTINGS
@given(x=column(min_size=6), holes=st.lists(st.booleans(), min_size=1, max_size=30))
def test_group_imputation_uses_own_group_and_never_zero_fills(
    x: np.ndarray, holes: list[bool]
) -> None:
    y = with_holes(x, holes)
    groups = ["a" if i % 2 else "b" for i in range(y.shape[0])]
    z = im.impute_grouped(y, groups, "mean")
    for g in ("a", "b"):
        rows = [i for i, v in enumerate(groups) if v == g]
        block = y[rows, 0]
        if np.isnan(block).all():
            assert np.isnan(z[rows, 0]).all()  # nothing to impute from: stays missing
        else:
            np.testing.assert_allclose(
                z[rows, 0][np.isnan(block)], np.nanmean(block), rtol=1e-9, atol=1e-6
            )


def test_panel_latest_and_linear() -> None:
    from saferspaces.core.scoring.data import dataset_build

    ds = dataset_build(
        units=["A", "A", "A", "B", "B"],
        codes=["i0"],
        values=[[1.0], [np.nan], [3.0], [np.nan], [5.0]],
        times=[2019, 2020, 2021, 2019, 2020],
    )
    np.testing.assert_array_equal(im.impute_latest(ds)[:, 0], [1, 1, 3, np.nan, 5])
    np.testing.assert_array_equal(im.impute_linear(ds)[:, 0], [1, 2, 3, np.nan, 5])


# --- treatment -----------------------------------------------------------------------------


@SETTINGS
@given(x=column(min_size=8, elements=st.floats(0, 100)), outlier=st.floats(1e4, 1e6))
def test_winsorise_pulls_extremes_in_and_keeps_order(x: np.ndarray, outlier: float) -> None:
    v = np.append(x[:, 0], outlier)
    assume(spread(v))
    y, _nwin, pts, _ = tr.winsorise(v, winmax=5)
    # points are pulled towards the centre (high side first here), never pushed out
    assert np.nanmax(y) < np.nanmax(v)
    assert np.nanmin(y) >= np.nanmin(v)
    order = np.argsort(v, kind="stable")
    assert (np.diff(y[order]) >= -1e-12).all()
    untouched = np.setdiff1d(np.arange(v.size), pts)
    np.testing.assert_array_equal(y[untouched], v[untouched])


@SETTINGS
@given(
    x=column(min_size=5, elements=st.floats(-100, 100)),
    a=st.floats(0.1, 100),
    b=st.floats(-100, 100),
)
def test_skew_kurtosis_affine_invariance(x: np.ndarray, a: float, b: float) -> None:
    v = x[:, 0]
    assume(np.std(v) > 1e-3)
    assert np.isclose(tr.skewness(a * v + b), tr.skewness(v), rtol=1e-6, atol=1e-6)
    assert np.isclose(tr.kurtosis(a * v + b), tr.kurtosis(v), rtol=1e-6, atol=1e-6)
    sk, kt, _ = tr.skew_kurt_columns(x)
    assert np.isclose(sk[0], tr.skewness(v), rtol=1e-9, atol=1e-9)
    assert np.isclose(kt[0], tr.kurtosis(v), rtol=1e-9, atol=1e-9)


@SETTINGS
@given(x=column(min_size=5, elements=st.floats(-100, 100)))
def test_log_and_boxcox_are_monotone(x: np.ndarray) -> None:
    v = x[:, 0]
    assume(spread(v))
    order = np.argsort(v, kind="stable")
    for y in (tr.log_ct(v), tr.log_ct_orig(v), tr.boxcox(v, 0.5), tr.boxcox(v, 0.0)):
        assert np.isfinite(y).all()
        assert (np.diff(y[order]) >= -1e-12).all()


# --- aggregation ---------------------------------------------------------------------------

matrix = st.integers(2, 12).flatmap(
    lambda n: st.integers(1, 6).flatmap(
        lambda k: arrays(np.float64, (n, k), elements=st.floats(0.5, 100))
    )
)


@SETTINGS
@given(x=matrix, seed=st.integers(0, 1000))
def test_means_bounded_ordered_and_weight_scale_free(x: np.ndarray, seed: int) -> None:
    w = np.random.default_rng(seed).uniform(0.1, 2, x.shape[1])
    am = ag.aggregate_means(x, w, method="arithmetic")
    gm = ag.aggregate_means(x, w, method="geometric")
    hm = ag.aggregate_means(x, w, method="harmonic")
    g2 = ag.aggregate_means(x, w, method="generalised", p=2.0)
    lo, hi = x.min(axis=1), x.max(axis=1)
    for y in (am, gm, hm, g2):
        assert (y >= lo - 1e-9).all() and (y <= hi + 1e-9).all()
    assert (hm <= gm + 1e-9).all() and (gm <= am + 1e-9).all() and (am <= g2 + 1e-9).all()
    np.testing.assert_allclose(ag.aggregate_means(x, 7 * w), am, rtol=1e-12)
    np.testing.assert_allclose(ag.aggregate_means(3 * x, w), 3 * am, rtol=1e-12)


@SETTINGS
@given(x=matrix, holes=st.lists(st.booleans(), max_size=72))
def test_missing_values_skipped_not_zero(x: np.ndarray, holes: list[bool]) -> None:
    y = x.copy().ravel()
    m = np.array(holes[: y.size] + [False] * max(0, y.size - len(holes)))
    y[m] = np.nan
    y = y.reshape(x.shape)
    am = ag.aggregate_means(y, np.ones(x.shape[1]))
    for i in range(y.shape[0]):
        row = y[i][~np.isnan(y[i])]
        if row.size == 0:
            assert np.isnan(am[i])
        else:
            assert np.isclose(am[i], row.mean())


@SETTINGS
@given(x=matrix, seed=st.integers(0, 1000))
def test_copeland_permutation_and_total(x: np.ndarray, seed: int) -> None:
    w = np.ones(x.shape[1])
    c = ag.aggregate_copeland(x, w)
    n = x.shape[0]
    assert np.isclose(c.sum(), n * (n - 1) / 2)  # every pair shares one point
    p = np.random.default_rng(seed).permutation(n)
    np.testing.assert_allclose(ag.aggregate_copeland(x[p], w), c[p], atol=1e-12)


def test_availability_threshold_blanks_aggregate() -> None:
    fw = small_framework()
    x = np.array([[1.0, np.nan, 3, 4], [1.0, 2, 3, 4]])
    raw = {"steps": [{"step": "aggregate", "params": {"availability_threshold": {2: 0.6, 3: 0.0}}}]}
    res = pipeline_run(
        data=small_dataset(x), framework=fw, spec=pipeline_parse(raw=raw, framework=fw)
    ).results
    assert np.isnan(res.column("P1")[0]) and res.column("P1")[1] == 1.5
    assert res.column("P2")[0] == 3.5
    assert res.column("IDX")[0] == 3.5  # the missing pillar is skipped, not zero
