"""Random but valid answers for an edition (deterministic by seed), for tests and benchmarks."""

from __future__ import annotations

import random

from saferspaces.core.framework.answers import (
    ANSWERED,
    DONT_KNOW,
    NOT_APPLICABLE,
    NOT_COLLECTED,
    AnswerState,
    AnswerValue,
)
from saferspaces.core.framework.model import ChecklistItem, Edition, Indicator


def random_value(q: Indicator | ChecklistItem, rng: random.Random) -> AnswerValue:
    spec = q.answer
    t = spec.type
    if t in ("number", "percentage", "rate_per_100k"):
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else (100.0 if t == "percentage" else lo + 500.0)
        return round(rng.uniform(lo, hi), 2)
    if t == "year":
        lo = int(spec.min) if spec.min is not None else 2010
        hi = int(spec.max) if spec.max is not None else 2026
        return rng.randint(max(lo, 2010), min(hi, 2026))
    if t == "likert":
        return rng.choice([p.value for p in spec.scale])
    if t in ("yes_partly_no", "single_choice"):
        return rng.choice([c.code for c in spec.choice_options()])
    if t == "multiple_choice":
        codes = [c.code for c in spec.choice_options()]
        picked = set(rng.sample(codes, rng.randint(1, len(codes))))
        return [c for c in codes if c in picked]
    if t == "text":
        return "some text"
    return None


def random_states(
    edition: Edition, rng: random.Random, *, p_missing: float = 0.1
) -> dict[str, AnswerState]:
    """Answers to every question; a share ``p_missing`` gets another explicit status."""
    out: dict[str, AnswerState] = {}
    questions = [*edition.checklist, *(i for _, i in edition.indicators())]
    for q in questions:
        if q.answer.type == "not_scored":
            continue
        if rng.random() < p_missing:
            out[q.code] = AnswerState(status=rng.choice([DONT_KNOW, NOT_APPLICABLE, NOT_COLLECTED]))
            continue
        out[q.code] = AnswerState(status=ANSWERED, value=random_value(q, rng))
    return out
