"""Random but valid answers of one unit for any edition, repeat instances included
(deterministic by seed)."""

from __future__ import annotations

import random

from saferspaces.core.framework.answers import (
    ANSWERED,
    DONT_KNOW,
    NOT_COLLECTED,
    AnswerState,
)
from saferspaces.core.framework.model import ChecklistItem, Edition, Indicator, RepeatGroup

from ..assessment.helpers import random_value


def _state(
    item: Indicator | ChecklistItem, rng: random.Random, p_missing: float
) -> AnswerState | None:
    if getattr(item, "calculate", None) is not None or item.answer.type == "not_scored":
        return None
    if rng.random() < p_missing:
        return AnswerState(status=rng.choice([DONT_KNOW, NOT_COLLECTED]))
    return AnswerState(status=ANSWERED, value=random_value(item, rng))


def _group(
    group: RepeatGroup, prefix: str, rng: random.Random, out: dict[str, AnswerState], p: float
) -> None:
    for i in range(1, rng.randint(max(group.min, 1), min(group.max, 4)) + 1):
        here = f"{prefix}{group.code}[{i}]/"
        for item in group.items:
            if (state := _state(item, rng, p)) is not None:
                out[here + item.code] = state
        for sub in group.repeats:
            _group(sub, here, rng, out, p)


def random_unit(
    edition: Edition, rng: random.Random, *, p_missing: float = 0.15
) -> dict[str, AnswerState]:
    """Answers to every item, one to four instances of every repeat group."""
    out: dict[str, AnswerState] = {}
    for c in edition.checklist:
        if (state := _state(c, rng, p_missing)) is not None:
            out[c.code] = state
    for _, dim in edition.dimensions_walk():
        for item in dim.indicators:
            if (state := _state(item, rng, p_missing)) is not None:
                out[item.code] = state
        for group in dim.repeats:
            _group(group, "", rng, out, p_missing)
    return out
