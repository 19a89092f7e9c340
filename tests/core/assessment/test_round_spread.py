"""Scoring some units of a round with the round's spread (``round_spread_read``) gives them
exactly the results of the whole round's computation: a round is computed chunk by chunk, and
one submission alone, without holding or scoring the others (issue 16, item 4)."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from saferspaces.core.assessment import (
    assessments_score,
    edition_pipeline_find,
    round_spread_codes,
    round_spread_read,
)
from saferspaces.core.assessment.result import TOO_FEW_UNITS, ZERO_RANGE
from saferspaces.core.framework.answers import ANSWERED, AnswerState
from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import Edition
from saferspaces.core.results import composite_unit_meta
from saferspaces.core.results.composite import composite_compute
from saferspaces.core.results.facts import FACT_FIELDS, Fact

from .conftest import EDITIONS, HERE, ans, make_pipeline
from .helpers import random_states

UNITS = 30


def _round(real: Edition) -> dict[str, dict[str, AnswerState]]:
    """30 units with some answers missing; among the data_driven indicators, one answered by
    only 3 units (too few to normalise), one answered alike by all (zero range)."""
    rng = random.Random(16)
    units = {f"A{k}": random_states(real, rng, p_missing=0.25) for k in range(UNITS)}
    for k, states in enumerate(units.values()):
        if k >= 3:
            states["URB_S03"] = AnswerState(status="dont_know")
        else:
            states["URB_S03"] = AnswerState(status=ANSWERED, value=12.5 + k)
        states["URB_S04"] = AnswerState(status=ANSWERED, value=7.0)
    return units


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return bool(a == b)


@pytest.mark.parametrize("chunk", [1, 7, UNITS])
def test_units_scored_with_the_round_spread_get_the_whole_rounds_results(
    real: Edition, chunk: int
) -> None:
    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    units = _round(real)
    whole = composite_compute(edition=real, units=units, pipeline=pipe)

    wanted = round_spread_codes(edition=real, pipeline=pipe)
    assert {"URB_S03", "URB_S04"} <= wanted
    spread = round_spread_read(
        edition=real,
        pipeline=pipe,
        units={u: {c: s for c, s in states.items() if c in wanted} for u, states in units.items()},
    )
    assert spread.n_units == UNITS
    assert spread.ends("URB_S03") is None  # 3 units < min_units_data_driven
    assert spread.ends("URB_S04") == (7.0, 7.0)
    assert ("URB_S03", TOO_FEW_UNITS, 3) in spread.reasons(pipe)
    assert ("URB_S04", ZERO_RANGE, UNITS) in spread.reasons(pipe)

    codes = list(units)
    by_unit: dict[str, list[Fact]] = {}
    for f in whole.facts:
        by_unit.setdefault(f.unit, []).append(f)
    scored_dd = 0
    for start in range(0, UNITS, chunk):
        part_units = {u: units[u] for u in codes[start : start + chunk]}
        part = composite_compute(edition=real, units=part_units, pipeline=pipe, round_spread=spread)
        assert part.warnings == whole.warnings
        assert part.meta == whole.meta
        for u in part_units:
            mine = [f for f in part.facts if f.unit == u]
            assert len(mine) == len(by_unit[u])
            assert all(
                all(_same(getattr(x, k), getattr(y, k)) for k in FACT_FIELDS)
                for x, y in zip(mine, by_unit[u], strict=True)
            ), u
            assert part.explanations[u] == whole.explanations[u]
            assert composite_unit_meta(part.meta, u) == composite_unit_meta(whole.meta, u)
            scored_dd += sum(
                1
                for code, ind in part.explanations[u]["indicators"].items()
                if code.startswith("URB_S0") and ind.get("score") is not None
            )
    assert scored_dd > 0  # min-max normalised indicators were compared, not only missing ones


def test_one_unit_alone_with_the_spread_is_normalised_across_the_round(real: Edition) -> None:
    """Alone, a data_driven answer has no peers to be normalised against (too few units);
    with its round's spread it gets the score the round gives it."""
    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    units = _round(real)
    whole = assessments_score(edition=real, pipeline=pipe, units=units)
    spread = round_spread_read(edition=real, pipeline=pipe, units=units)
    alone = assessments_score(edition=real, pipeline=pipe, units={"A5": units["A5"]})
    with_round = assessments_score(
        edition=real, pipeline=pipe, units={"A5": units["A5"]}, round_spread=spread
    )
    normalised = [
        c
        for c, i in whole.unit("A5").indicators.items()
        if real.indicator_map()[c].scoring.method == "data_driven" and i.score is not None
    ]
    assert normalised
    for c in normalised:
        assert alone.unit("A5").indicators[c].reason == TOO_FEW_UNITS
        assert with_round.unit("A5").indicators[c].score == whole.unit("A5").indicators[c].score
    assert with_round.unit("A5") == whole.unit("A5")
    assert with_round.n_units == UNITS and with_round.rules == whole.rules


def test_the_spread_follows_the_skip_logic_of_data_driven_questions() -> None:
    """A data_driven question skipped by its skip logic gives no value to the spread, as it
    gives none to the whole round's computation; the spread reads the question the skip logic
    reads, and nothing else."""
    text = (HERE / "fixtures" / "small.yaml").read_text(encoding="utf-8")
    anchor = "        scoring: {method: data_driven}\n        weight: 20\n"
    assert text.count(anchor) == 1
    text = text.replace(
        anchor, anchor + '        relevant: {question: CL_SURVEY_RUNS, in: ["yes"]}\n'
    )
    edition = edition_load(text=text, file="small-skip.yaml")
    pipe = make_pipeline(edition, min_units=2)
    assert round_spread_codes(edition=edition, pipeline=pipe) == {
        "SAF_S03",
        "LIV_S02",
        "CL_SURVEY_RUNS",
    }
    units = {
        f"U{k}": {
            "CL_SURVEY_RUNS": ans("yes" if k < 4 else "no"),
            "SAF_S03": ans(float(10 * k)),
            "LIV_S02": ans(float(k)),
        }
        for k in range(6)
    }
    spread = round_spread_read(edition=edition, pipeline=pipe, units=units)
    assert spread.columns["SAF_S03"] == (4, 0.0, 30.0)  # U4 and U5 skip it (40 and 50)
    assert spread.columns["LIV_S02"] == (6, 0.0, 5.0)
    whole = assessments_score(edition=edition, pipeline=pipe, units=units)
    for u in units:
        alone = assessments_score(
            edition=edition, pipeline=pipe, units={u: units[u]}, round_spread=spread
        )
        assert alone.unit(u) == whole.unit(u)


@pytest.mark.parametrize("split", [0, 1, 13, UNITS - 1])
def test_the_spreads_of_two_parts_of_a_round_combine_into_the_whole_rounds(
    real: Edition, split: int
) -> None:
    """A submission's spread is the members' (kept) and its own, combined: the same spread as
    one read of all of them, wherever the round is cut."""
    from saferspaces.core.assessment import round_spread_combine

    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    units = _round(real)
    names = list(units)
    whole = round_spread_read(edition=real, pipeline=pipe, units=units)
    first = round_spread_read(
        edition=real, pipeline=pipe, units={u: units[u] for u in names[:split]}
    )
    second = round_spread_read(
        edition=real, pipeline=pipe, units={u: units[u] for u in names[split:]}
    )
    combined = round_spread_combine(first=first, second=second)
    assert combined == whole
    assert round_spread_combine(first=second, second=first) == whole
    other = type(whole)(n_units=1, columns={}, min_units=whole.min_units + 1)
    with pytest.raises(ValueError):
        round_spread_combine(first=whole, second=other)


@pytest.mark.parametrize("changed", [0, 1, 5, UNITS])
def test_the_spread_of_kept_rows_and_rows_read_again_is_the_whole_rounds(
    real: Edition, changed: int
) -> None:
    """Rows kept for the units that did not change and read again for those that did (their
    answers changed): the same spread as one read of the whole round as it is now."""
    from saferspaces.core.assessment import (
        round_spread_indicators,
        round_spread_of_rows,
        round_spread_rows,
    )

    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    before = _round(real)
    kept = round_spread_rows(edition=real, pipeline=pipe, units=before)
    codes = round_spread_indicators(edition=real, pipeline=pipe)
    assert all(len(row) == len(codes) for row in kept.values())
    rng = random.Random(changed)
    now = dict(before)
    moved = rng.sample(sorted(now), changed)
    for u in moved:
        now[u] = random_states(real, rng, p_missing=0.25)
    again = round_spread_rows(edition=real, pipeline=pipe, units={u: now[u] for u in moved})
    rows = [again[u] if u in again else kept[u] for u in now]
    spread = round_spread_of_rows(
        codes=codes, rows=rows, n_units=len(now), min_units=pipe.options.min_units_data_driven
    )
    assert spread == round_spread_read(edition=real, pipeline=pipe, units=now)
    with pytest.raises(ValueError, match="a row of"):
        round_spread_of_rows(codes=codes, rows=[(1.0,)], n_units=1, min_units=1)
