"""Pilot analysis benchmark (issue 8): a round of 500 authorities x 80 indicators.

Target: ``round_analyse`` (participation, response rates, coverage, distributions, the
near-constant rule, Cronbach's alpha and correlations by the engine's audit, disagreement,
feedback, questions to revise) in under 5 s (median), on synthetic inputs built in code.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from saferspaces.core.framework.answers import ANSWERED, DONT_KNOW, NOT_COLLECTED
from saferspaces.core.framework.loader import edition_from_data
from saferspaces.core.framework.model import ChecklistItem, Edition, Indicator
from saferspaces.core.framework.synthetic import edition_synthetic_data
from saferspaces.core.reports import (
    AnswerInput,
    FlagInput,
    IndividualInput,
    RoundInputs,
    UnitInput,
    UnitScores,
    round_analyse,
)

N_UNITS = 500
N_INDICATORS = 80
TARGET_S = 5.0
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _value(q: Indicator | ChecklistItem, rng: random.Random, quality: float) -> Any:
    spec = q.answer
    if spec.type in ("number", "percentage", "rate_per_100k"):
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else 100.0
        return round(lo + (hi - lo) * min(1.0, max(0.0, rng.gauss(quality, 0.2))), 1)
    if spec.type == "year":
        return rng.randint(2015, 2025)
    codes = [c.code for c in spec.choice_options()]
    if spec.type == "likert":
        return int(rng.choice(codes))
    if spec.type == "multiple_choice":
        return rng.sample(codes, rng.randint(1, len(codes)))
    if codes:
        return rng.choice(codes)
    return "a note"


def _inputs() -> RoundInputs:
    edition: Edition = edition_from_data(data=edition_synthetic_data(questions=N_INDICATORS + 4))
    rng = random.Random(8)
    questions = list(edition.checklist) + [i for _d, i in edition.indicators()]
    units, answers, scores, individual, flags = [], [], [], [], []
    for u in range(N_UNITS):
        key = f"A{u}"
        quality = rng.uniform(0.2, 0.8)
        units.append(
            UnitInput(
                key,
                f"Authority {u:03d}",
                "submitted",
                T0,
                T0 + dt.timedelta(days=rng.randint(5, 90)),
            )
        )
        ind_scores: dict[str, float | None] = {}
        for q in questions:
            roll = rng.random()
            if roll < 0.05:
                answers.append(AnswerInput(key, q.code, DONT_KNOW))
            elif roll < 0.08:
                answers.append(AnswerInput(key, q.code, NOT_COLLECTED))
            elif roll < 0.95:
                answers.append(
                    AnswerInput(
                        key, q.code, ANSWERED, _value(q, rng, quality), prefilled=roll < 0.2
                    )
                )
                if isinstance(q, Indicator) and q.scored:
                    ind_scores[q.code] = min(100.0, max(0.0, rng.gauss(100 * quality, 15)))
            if u % 10 == 0 and isinstance(q, Indicator):
                for person in ("p1", "p2", "p3"):
                    individual.append(
                        IndividualInput(key, q.code, person, ANSWERED, _value(q, rng, quality))
                    )
        nodes = {d.code: 100 * quality for _p, d in edition.dimensions_walk()}
        scores.append(UnitScores(key, ind_scores, nodes))
        if u % 25 == 0:
            flags.append(
                FlagInput(questions[u % len(questions)].code, "unclear", "Which year?", key)
            )
    evidence = frozenset((f"A{u}", q.code) for u in range(0, N_UNITS, 3) for q in questions[:20])
    return RoundInputs(
        edition=edition,
        units=tuple(units),
        answers=tuple(answers),
        evidence=evidence,
        individual=tuple(individual),
        flags=tuple(flags),
        scores=tuple(scores),
    )


def test_pilot_analysis_500_authorities_80_indicators(benchmark: Any) -> None:
    inputs = _inputs()
    n_ind = sum(1 for _ in inputs.edition.indicators())
    assert n_ind >= N_INDICATORS and len(inputs.units) == N_UNITS
    analysis = benchmark.pedantic(
        lambda: round_analyse(inputs=inputs), rounds=3, iterations=1, warmup_rounds=0
    )
    assert analysis.units == N_UNITS and analysis.reliability.enough
    assert analysis.reliability.alphas and analysis.disagreement and analysis.feedback
    assert benchmark.stats.stats.median < TARGET_S
