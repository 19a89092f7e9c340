"""Answers import benchmark (issue 5, part 5): read a 1,000-row answers workbook.

Target: ``answers_read`` of a filled-in 1,000-row .xlsx answers template (format detection,
every cell checked against its question) in under 1 s (median).
"""

from __future__ import annotations

import random
from typing import Any

from saferspaces.core.answers_io import answers_read, answers_template_xlsx
from saferspaces.core.framework.answers import (
    ANSWERED,
    DONT_KNOW,
    NOT_APPLICABLE,
    AnswerState,
    AnswerValue,
)
from saferspaces.core.framework.loader import edition_from_data
from saferspaces.core.framework.model import ChecklistItem, Indicator
from saferspaces.core.framework.synthetic import edition_synthetic_data

N_ROWS = 1000
TARGET_S = 1.0


def _value(q: Indicator | ChecklistItem, rng: random.Random) -> AnswerValue:
    spec = q.answer
    if spec.type in ("number", "percentage", "rate_per_100k"):
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else 100.0
        return round(rng.uniform(lo, hi), 2)
    if spec.type == "year":
        return rng.randint(int(spec.min or 2000), int(spec.max or 2030))
    codes = [c.code for c in spec.choice_options()]
    if spec.type == "likert":
        return int(rng.choice(codes))
    if spec.type == "multiple_choice":
        chosen = set(rng.sample(codes, rng.randint(1, len(codes))))
        return [c for c in codes if c in chosen]
    if spec.type in ("yes_partly_no", "single_choice"):
        return rng.choice(codes)
    return f"text {rng.random()}"


def test_read_a_1000_row_answers_workbook(benchmark: Any) -> None:
    edition = edition_from_data(data=edition_synthetic_data(questions=N_ROWS, seed=5))
    rng = random.Random(5)
    states: dict[str, AnswerState] = {}
    for code, q in edition.questions().items():
        roll = rng.random()
        if roll < 0.8:
            states[code] = AnswerState(ANSWERED, _value(q, rng))
        else:
            states[code] = AnswerState(DONT_KNOW if roll < 0.9 else NOT_APPLICABLE)
    content = answers_template_xlsx(edition=edition, language="en", states=states)

    result = benchmark(answers_read, filename="answers.xlsx", content=content, edition=edition)

    assert len(result.rows) == len(states) >= N_ROWS
    assert result.problems == ()
    assert {r.code: r.state for r in result.rows} == states
    assert benchmark.stats.stats.median < TARGET_S
