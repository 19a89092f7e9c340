"""From stored answers to per-indicator statuses, raw values and rule scores (one unit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saferspaces.core.framework.answers import (
    ANSWER_STATUSES,
    ANSWERED,
    DONT_KNOW,
    NOT_APPLICABLE,
    NOT_COLLECTED,
    UNANSWERED,
    AnswerState,
    AnswerValue,
    answers_for_relevance,
)
from saferspaces.core.framework.errors import AnswerError
from saferspaces.core.framework.model import (
    DEFAULT_YPN_SCORES,
    ChecklistItem,
    Edition,
    Indicator,
    Relevance,
)
from saferspaces.core.framework.relevance import relevance_evaluate
from saferspaces.core.framework.scoring import answer_score, answer_validate
from saferspaces.core.scoring.errors import Problem

from .result import NO_CHOICE_SCORE, NOT_RELEVANT, IndicatorRule

# status codes in the score matrices
S_ANSWERED, S_DONT_KNOW, S_NOT_COLLECTED, S_UNANSWERED, S_NOT_APPLICABLE, S_UNSCORABLE = range(6)
STATUS_CODE = {
    ANSWERED: S_ANSWERED,
    DONT_KNOW: S_DONT_KNOW,
    NOT_COLLECTED: S_NOT_COLLECTED,
    NOT_APPLICABLE: S_NOT_APPLICABLE,
}
STATUS_NAME = (ANSWERED, DONT_KNOW, NOT_COLLECTED, UNANSWERED, NOT_APPLICABLE, ANSWERED)

Spread = tuple[AnswerValue, AnswerValue]


@dataclass
class UnitAnswers:
    """One unit's row: status code, raw value, value for the engine, reason, spread ends."""

    status: list[int]
    value: list[AnswerValue]
    x: list[float]  # rule score, or the raw number of a data_driven indicator; NaN = none
    reason: list[str | None]
    lo: list[float]
    hi: list[float]
    spread: list[Spread | None]


def rule_describe(indicator: Indicator) -> IndicatorRule:
    """The rule of a rule-scored indicator as data (data_driven ones are described per round)."""
    rule = indicator.scoring
    direction = indicator.direction or "higher_is_better"
    params: dict[str, Any]
    if rule.method == "goalposts":
        params = {"low": rule.low, "high": rule.high, "direction": direction}
    elif rule.method == "target":
        params = {"target": rule.target, "worst": rule.worst}
    elif rule.method == "scale":
        values = [p.value for p in indicator.answer.scale]
        params = {"min": min(values), "max": max(values), "direction": direction}
    elif rule.method == "choice_scores":
        spec = indicator.answer
        scores: dict[str, float | None]
        if spec.type == "yes_partly_no":
            scores = {**DEFAULT_YPN_SCORES, **(spec.scores or {})}
        else:
            scores = {c.code: c.score for c in spec.choices}
        params = {"scores": scores}
        if spec.type == "multiple_choice":
            params["combine"] = "mean of the chosen options' scores"
    else:
        params = {"direction": direction}
    return IndicatorRule(code=indicator.code, method=rule.method, params=params)


def irrelevant_questions(
    *,
    conditions: Sequence[tuple[str, Relevance]],
    states: Mapping[str, AnswerState],
    referenced: frozenset[str] | None = None,
) -> set[str]:
    """Questions whose skip logic is false; an irrelevant question's answer is disregarded."""
    values = answers_for_relevance(states)
    out: set[str] = set()
    if referenced is None:
        referenced = frozenset(q for _, cond in conditions for q in cond.questions())
    for _ in range(len(conditions) + 1):
        changed = False
        for code, cond in conditions:
            if code in out:
                continue
            if not relevance_evaluate(condition=cond, answers=values):
                out.add(code)
                values.pop(code, None)
                # another pass only when a condition depends on the question just dropped
                changed = changed or code in referenced
        if not changed:
            break
    return out


def relevance_conditions(edition: Edition) -> list[tuple[str, Relevance]]:
    qs: list[Indicator | ChecklistItem] = [
        *edition.checklist,
        *(i for _, i in edition.indicators()),
    ]
    return [(q.code, q.relevant) for q in qs if q.relevant is not None]


def _end_score(ind: Indicator, value: AnswerValue) -> float | None:
    if ind.scoring.method == "data_driven":
        answer_validate(question=ind, answer=value)
        return float(str(value)) if value is not None else None
    return answer_score(indicator=ind, answer=value)


def unit_answers_read(
    *,
    unit: str,
    indicators: Sequence[Indicator],
    questions: Mapping[str, object],
    conditions: Sequence[tuple[str, Relevance]],
    states: Mapping[str, AnswerState],
    spreads: Mapping[str, Spread] | None,
    problems: list[Problem],
    memo: dict[tuple[str, object], float | None] | None = None,
    referenced: frozenset[str] | None = None,
) -> UnitAnswers:
    """Evaluate skip logic and score every scored indicator's answer for one unit."""
    nan = float("nan")
    for qcode, given in states.items():
        if qcode not in questions:
            problems.append(
                Problem("answer to a question not in the edition", unit=unit, indicator=qcode)
            )
        elif not isinstance(given, AnswerState) or given.status not in ANSWER_STATUSES:
            problems.append(
                Problem(
                    f"unknown answer status {getattr(given, 'status', given)!r}; expected one of: "
                    f"{', '.join(ANSWER_STATUSES)}",
                    unit=unit,
                    indicator=qcode,
                )
            )
    good = {c: s for c, s in states.items() if isinstance(s, AnswerState)}
    skipped = irrelevant_questions(conditions=conditions, states=good, referenced=referenced)
    n = len(indicators)
    row = UnitAnswers(
        [S_UNANSWERED] * n, [None] * n, [nan] * n, [None] * n, [nan] * n, [nan] * n, [None] * n
    )
    for j, ind in enumerate(indicators):
        st = good.get(ind.code)
        if st is not None:
            row.value[j] = st.value
        if ind.code in skipped:
            row.status[j] = S_NOT_APPLICABLE
            row.reason[j] = NOT_RELEVANT
            continue
        if st is None:
            continue
        scode = STATUS_CODE.get(st.status, S_UNANSWERED)
        row.status[j] = scode
        if scode != S_ANSWERED:
            continue
        if st.value is None:
            problems.append(
                Problem("status 'answered' without a value", unit=unit, indicator=ind.code)
            )
            continue
        v = st.value
        key = (ind.code, tuple(v) if isinstance(v, list) else v)
        if memo is not None and key in memo:
            score = memo[key]  # same answer, same rule: same score (choices repeat a lot)
        else:
            try:
                score = _end_score(ind, v)
            except (AnswerError, ValueError, TypeError) as exc:
                msg = exc.message if isinstance(exc, AnswerError) else str(exc)
                problems.append(Problem(msg, unit=unit, indicator=ind.code))
                continue
            if memo is not None:
                memo[key] = score
        if score is None:
            row.status[j] = S_UNSCORABLE
            row.reason[j] = NO_CHOICE_SCORE
            continue
        row.x[j] = score
        spread = spreads.get(ind.code) if spreads else None
        if spread is None:
            continue
        try:
            ends = [_end_score(ind, v) for v in spread]
        except (AnswerError, ValueError, TypeError) as exc:
            msg = exc.message if isinstance(exc, AnswerError) else str(exc)
            problems.append(Problem(f"spread: {msg}", unit=unit, indicator=ind.code))
            continue
        vals = [e for e in ends if e is not None] + [score]
        row.lo[j], row.hi[j] = min(vals), max(vals)
        row.spread[j] = (spread[0], spread[1])
    if spreads:
        codes = {i.code for i in indicators}
        for code in spreads:
            if code not in codes:
                problems.append(
                    Problem(
                        "spread given for an indicator that is not scored",
                        unit=unit,
                        indicator=code,
                    )
                )
    return row
