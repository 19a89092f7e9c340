"""Assessment scoring benchmark (issue 4, part 5): a round of 200 assessments of ssf-2026.1.

Target: scoring the round (skip logic, rule scores, the engine's normalisation of data_driven
indicators across the round, dimension scores per kind with availability and explanations)
in under 0.5 s (median), and its JSON form for storage in under 0.5 s too.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from saferspaces.core.assessment import (
    assessments_score,
    edition_pipeline_find,
    score_result_to_json,
)
from saferspaces.core.framework.answers import (
    ANSWERED,
    DONT_KNOW,
    NOT_APPLICABLE,
    NOT_COLLECTED,
    AnswerState,
    AnswerValue,
)
from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import ChecklistItem, Edition, Indicator

EDITIONS = (
    Path(__file__).resolve().parent.parent / "src" / "saferspaces" / "frameworks" / "editions"
)
N_UNITS = 200
TARGET_S = 0.5


def _value(q: Indicator | ChecklistItem, rng: random.Random) -> AnswerValue:
    spec = q.answer
    t = spec.type
    if t in ("number", "percentage", "rate_per_100k"):
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else (100.0 if t == "percentage" else lo + 500.0)
        return round(rng.uniform(lo, hi), 2)
    if t == "year":
        return rng.randint(2010, 2026)
    if t == "likert":
        return rng.choice([p.value for p in spec.scale])
    if t in ("yes_partly_no", "single_choice"):
        return rng.choice([c.code for c in spec.choice_options()])
    if t == "multiple_choice":
        codes = [c.code for c in spec.choice_options()]
        picked = set(rng.sample(codes, rng.randint(1, len(codes))))
        return [c for c in codes if c in picked]
    return "text"


def _round(edition: Edition, seed: int = 7) -> dict[str, dict[str, AnswerState]]:
    rng = random.Random(seed)
    questions = [*edition.checklist, *(i for _, i in edition.indicators())]
    units: dict[str, dict[str, AnswerState]] = {}
    for k in range(N_UNITS):
        states: dict[str, AnswerState] = {}
        for q in questions:
            if q.answer.type == "not_scored":
                continue
            if rng.random() < 0.15:
                states[q.code] = AnswerState(rng.choice([DONT_KNOW, NOT_APPLICABLE, NOT_COLLECTED]))
            else:
                states[q.code] = AnswerState(ANSWERED, _value(q, rng))
        units[f"A{k:03d}"] = states
    return units


def _setup() -> tuple[Edition, Any, dict[str, dict[str, AnswerState]]]:
    edition = edition_load(path=EDITIONS / "ssf-2026.1.yaml")
    pipeline = edition_pipeline_find(edition=edition, directory=EDITIONS)
    return edition, pipeline, _round(edition)


def test_bench_score_round_of_200(benchmark: Any) -> None:
    edition, pipeline, units = _setup()
    spreads = {u: {"QOL_P01": (70.0, 95.0), "URB_S01": (10.0, 400.0)} for u in list(units)[:50]}

    def run() -> Any:
        return assessments_score(edition=edition, pipeline=pipeline, units=units, spreads=spreads)

    result = benchmark.pedantic(run, rounds=7, iterations=1, warmup_rounds=1)
    assert result.n_units == N_UNITS
    assert benchmark.stats.stats.median < TARGET_S


def test_bench_round_to_json(benchmark: Any) -> None:
    edition, pipeline, units = _setup()
    result = assessments_score(edition=edition, pipeline=pipeline, units=units)
    data = benchmark.pedantic(lambda: score_result_to_json(result), rounds=7, iterations=1)
    assert len(data["units"]) == N_UNITS
    assert benchmark.stats.stats.median < TARGET_S
