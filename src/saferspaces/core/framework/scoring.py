"""How one answer becomes a 0-100 indicator score: ``answer_score``."""

from __future__ import annotations

from saferspaces.core.framework.errors import AnswerError
from saferspaces.core.framework.model import (
    DEFAULT_YPN_SCORES,
    YES_PARTLY_NO,
    ChecklistItem,
    Indicator,
)
from saferspaces.core.framework.relevance import answered


def _clip(x: float) -> float:
    return 0.0 if x < 0 else 100.0 if x > 100 else x


def _number(indicator: Indicator | ChecklistItem, answer: object) -> float:
    if isinstance(answer, bool) or not isinstance(answer, int | float | str):
        raise AnswerError(
            code=indicator.code,
            message=f"expected a number, got {answer!r}",
            kind="not_a_number",
            params={"value": str(answer)},
        )
    try:
        x = float(answer)
    except ValueError:
        raise AnswerError(
            code=indicator.code,
            message=f"expected a number, got {answer!r}",
            kind="not_a_number",
            params={"value": str(answer)},
        ) from None
    if x != x or x in (float("inf"), float("-inf")):
        raise AnswerError(
            code=indicator.code,
            message=f"expected a finite number, got {answer!r}",
            kind="not_finite",
            params={"value": str(answer)},
        )
    spec = indicator.answer
    lo = (
        spec.min
        if spec.min is not None
        else (0.0 if spec.type in ("percentage", "rate_per_100k") else None)
    )
    hi = spec.max if spec.max is not None else (100.0 if spec.type == "percentage" else None)
    if lo is not None and x < lo:
        raise AnswerError(
            code=indicator.code,
            message=f"{x:g} is below the minimum {lo:g}",
            kind="below_minimum",
            params={"value": x, "minimum": lo},
        )
    if hi is not None and x > hi:
        raise AnswerError(
            code=indicator.code,
            message=f"{x:g} is above the maximum {hi:g}",
            kind="above_maximum",
            params={"value": x, "maximum": hi},
        )
    return x


def answer_validate(*, question: Indicator | ChecklistItem, answer: object) -> None:
    """Raise :class:`AnswerError` when ``answer`` does not fit the question's answer type."""
    if not answered(answer):
        return
    spec = question.answer
    code = question.code
    if spec.type in ("number", "percentage", "rate_per_100k", "year"):
        x = _number(question, answer)
        if spec.type == "year" and x != int(x):
            raise AnswerError(
                code=code,
                message=f"a year is a whole number, got {answer!r}",
                kind="not_whole",
                params={"value": x},
            )
    elif spec.type == "likert":
        values = {p.value for p in spec.scale}
        try:
            v = int(str(answer))
        except ValueError:
            v = None
        if isinstance(answer, bool) or v not in values:
            raise AnswerError(
                code=code,
                message=f"{answer!r} is not a point of the scale {sorted(values)}",
                kind="not_a_scale_point",
                params={"value": str(answer), "points": sorted(values)},
            )
    elif spec.type in ("yes_partly_no", "single_choice", "multiple_choice"):
        codes = {c.code for c in spec.choice_options()}
        chosen = answer if isinstance(answer, list | tuple | set | frozenset) else [answer]
        if spec.type != "multiple_choice" and len(chosen) != 1:
            raise AnswerError(
                code=code, message="exactly one choice is expected", kind="one_choice"
            )
        for c in chosen:
            if c not in codes:
                raise AnswerError(
                    code=code,
                    message=f"{c!r} is not one of: {', '.join(sorted(codes))}",
                    kind="not_a_choice",
                    params={"values": [str(c)], "choices": sorted(codes)},
                )
    elif not isinstance(answer, str):
        raise AnswerError(code=code, message=f"expected text, got {answer!r}", kind="not_text")


def answer_score(*, indicator: Indicator, answer: object) -> float | None:
    """The 0-100 score of ``answer`` under the indicator's scoring rule.

    None when the question is unanswered, not scored, or ``data_driven`` (left to the scoring
    engine's normalisation across units). Raises :class:`AnswerError` for an answer that does not
    fit the answer type. Choice scores are goodness scores already: direction is not applied.
    """
    answer_validate(question=indicator, answer=answer)
    if not answered(answer):
        return None
    rule = indicator.scoring
    worse = indicator.direction == "higher_is_worse"
    if rule.method in ("not_scored", "data_driven"):
        return None
    if rule.method == "goalposts":
        assert rule.low is not None and rule.high is not None
        x = float(str(answer)) if indicator.answer.type == "likert" else _number(indicator, answer)
        s = _clip((x - rule.low) / (rule.high - rule.low) * 100.0)
        return 100.0 - s if worse else s
    if rule.method == "target":
        assert rule.target is not None and rule.worst is not None
        x = _number(indicator, answer)
        return _clip((x - rule.worst) / (rule.target - rule.worst) * 100.0)
    if rule.method == "scale":
        values = [p.value for p in indicator.answer.scale]
        lo, hi = min(values), max(values)
        s = (int(str(answer)) - lo) / (hi - lo) * 100.0
        return 100.0 - s if worse else s
    if rule.method == "choice_scores":
        spec = indicator.answer
        if spec.type == "yes_partly_no":
            scores = {**DEFAULT_YPN_SCORES, **(spec.scores or {})}
            assert answer in YES_PARTLY_NO
            return float(scores[str(answer)])
        by_code = {c.code: c.score for c in spec.choices}
        chosen = answer if isinstance(answer, list | tuple | set | frozenset) else [answer]
        picked = [by_code[str(c)] for c in chosen]
        scores_: list[float] = [float(v) for v in picked if v is not None]
        if not scores_:
            return None
        return sum(scores_) / len(scores_)
    raise AnswerError(
        code=indicator.code,
        message=f"unknown scoring method {rule.method!r}",
        kind="unknown_method",
        params={"method": rule.method},
    )  # pragma: no cover
