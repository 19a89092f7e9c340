"""Hypothesis properties on ssf-2026.1: monotonicity and permutation invariance."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferspaces.core.assessment import assessments_score, edition_pipeline_find
from saferspaces.core.framework.answers import ANSWERED, AnswerState
from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import Edition

from .conftest import EDITIONS, REAL, ans
from .helpers import random_states

EDITION: Edition = edition_load(path=REAL)
PIPE = edition_pipeline_find(edition=EDITION, directory=EDITIONS)
REFERENCED = {q for _, i in EDITION.indicators() if i.relevant for q in i.relevant.questions()}
# numeric, higher-is-better, scored indicators that no skip logic depends on
RISING = sorted(
    i.code
    for d, i in EDITION.indicators()
    if i.scored
    and i.direction == "higher_is_better"
    and i.answer.type in ("number", "percentage", "rate_per_100k", "year")
    and i.code not in REFERENCED
    and not d.code.startswith("BG")
)
HOLDERS = {i.code: d.code for d, i in EDITION.indicators()}
PARENT = {d.code: p[-1].code if p else None for p, d in EDITION.dimensions_walk()}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _bounds(code: str) -> tuple[float, float]:
    spec = EDITION.indicator_map()[code].answer
    lo = spec.min if spec.min is not None else 0.0
    hi = spec.max if spec.max is not None else (100.0 if spec.type == "percentage" else 1000.0)
    if spec.type == "year":
        lo, hi = max(lo, 2000.0), min(hi, 2030.0)
    return float(lo), float(hi)


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    code=st.sampled_from(RISING),
    a=st.floats(0, 1),
    b=st.floats(0, 1),
    n=st.integers(1, 7),
)
def test_raising_a_higher_is_better_answer_never_lowers_its_dimension(
    seed: int, code: str, a: float, b: float, n: int
) -> None:
    rng = random.Random(seed)
    units = {f"U{k}": random_states(EDITION, rng, p_missing=0.2) for k in range(n)}
    lo, hi = _bounds(code)
    small, big = sorted((lo + a * (hi - lo), lo + b * (hi - lo)))
    if EDITION.indicator_map()[code].answer.type == "year":
        small, big = float(int(small)), float(int(big))
    units["U0"][code] = ans(int(small) if small.is_integer() else small)
    before = assessments_score(edition=EDITION, pipeline=PIPE, units=units).unit("U0")
    units["U0"][code] = ans(int(big) if big.is_integer() else big)
    after = assessments_score(edition=EDITION, pipeline=PIPE, units=units).unit("U0")
    node: str | None = HOLDERS[code]
    while node is not None:
        for key in ("all", "perception", "status"):
            s0, s1 = before.nodes[node].kind(key).score, after.nodes[node].kind(key).score
            assert (s0 is None) == (s1 is None)
            if s0 is not None and s1 is not None:
                assert s1 >= s0 - 1e-9, (node, key, s0, s1)
        node = PARENT[node]


@SETTINGS
@given(seed=st.integers(0, 10_000), n=st.integers(1, 8), perm_seed=st.integers(0, 1000))
def test_permuting_units_changes_no_units_scores(seed: int, n: int, perm_seed: int) -> None:
    rng = random.Random(seed)
    units = {f"U{k}": random_states(EDITION, rng, p_missing=0.25) for k in range(n)}
    order = list(units)
    random.Random(perm_seed).shuffle(order)
    shuffled = {u: units[u] for u in order}
    a = assessments_score(edition=EDITION, pipeline=PIPE, units=units)
    b = assessments_score(edition=EDITION, pipeline=PIPE, units=shuffled)
    for u in units:
        ua, ub = a.unit(u), b.unit(u)
        for code, node in ua.nodes.items():
            for key in ("all", "perception", "status"):
                x, y = node.kind(key).score, ub.nodes[code].kind(key).score
                assert (x is None and y is None) or x == pytest.approx(y, abs=1e-9)
        assert {c: i.score for c, i in ua.indicators.items()} == pytest.approx(
            {c: i.score for c, i in ub.indicators.items()}
        )


def test_rising_set_is_not_empty() -> None:
    assert len(RISING) >= 10
    assert all(EDITION.indicator_map()[c].scoring.method != "not_scored" for c in RISING)
    assert AnswerState(status=ANSWERED, value=1.0).answered
