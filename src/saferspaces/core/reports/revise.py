"""The closing list of the pilot analysis: questions to revise, each with every reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .questions import Disagreement, Distribution, Feedback, QuestionResponse
from .reliability import Reliability
from .thresholds import Thresholds

#: every reason, in the order they are listed for a question
REASONS = (
    "non_response",  # share unanswered above the threshold
    "dont_know",  # share "don't know" above the threshold
    "not_collected",  # share "data not collected" above the threshold
    "near_constant_answers",  # the same answer from nearly every assessment
    "near_constant_scores",  # the same indicator score for nearly every assessment
    "negative_item_total",  # the indicator's score moves against its dimension's
    "low_item_total",  # ... or barely with it
    "flagged_unclear",  # respondents said the question is unclear
    "flagged_not_fitting",  # respondents said it does not fit their authority
    "disagreement",  # respondents' own answers differed in many assessments
)


@dataclass(frozen=True)
class Reason:
    reason: str  # one of REASONS
    value: float  # the observed share, correlation or count
    threshold: float


@dataclass(frozen=True)
class QuestionToRevise:
    code: str
    section: str
    reasons: tuple[Reason, ...]


def questions_to_revise(
    *,
    responses: Sequence[QuestionResponse],
    distributions: Sequence[Distribution],
    reliability: Reliability,
    disagreement: Sequence[Disagreement],
    feedback: Sequence[Feedback],
    thresholds: Thresholds,
) -> list[QuestionToRevise]:
    """Questions in edition order with at least one reason (see :data:`REASONS`)."""
    t = thresholds
    found: dict[str, list[Reason]] = {r.code: [] for r in responses}

    def add(code: str, reason: str, value: float, threshold: float) -> None:
        found.setdefault(code, []).append(Reason(reason, value, threshold))

    for r in responses:
        if r.expected < t.min_answers:
            continue
        for name, rate, limit in (
            ("non_response", r.non_response_rate, t.non_response_max),
            ("dont_know", r.dont_know_rate, t.dont_know_max),
            ("not_collected", r.not_collected_rate, t.not_collected_max),
        ):
            if rate is not None and rate > limit:
                add(r.code, name, rate, limit)
    for d in distributions:
        if (
            d.n >= t.min_answers
            and d.modal_share is not None
            and d.modal_share >= t.near_constant_share
            and d.answer_type != "text"
        ):
            add(d.code, "near_constant_answers", d.modal_share, t.near_constant_share)
    for s in reliability.spreads:
        if (
            s.n >= t.min_answers
            and s.modal_share is not None
            and s.modal_share >= t.near_constant_share
        ):
            add(s.code, "near_constant_scores", s.modal_share, t.near_constant_share)
    for it in reliability.item_totals:
        if it.r is None or it.n < t.min_units_reliability:
            continue
        if it.r < 0:
            add(it.code, "negative_item_total", it.r, 0.0)
        elif it.r < t.item_total_min:
            add(it.code, "low_item_total", it.r, t.item_total_min)
    for f in feedback:
        for reason, name in (
            ("unclear", "flagged_unclear"),
            ("not_fitting", "flagged_not_fitting"),
        ):
            n = f.counts.get(reason, 0)
            if n >= t.flags_min:
                add(f.code, name, float(n), float(t.flags_min))
    for g in disagreement:
        if g.share is not None and g.share > t.disagreement_max:
            add(g.code, "disagreement", g.share, t.disagreement_max)
    section = {r.code: r.section for r in responses}
    order = {code: i for i, code in enumerate(found)}
    rank_of = {name: i for i, name in enumerate(REASONS)}
    return [
        QuestionToRevise(
            code=code,
            section=section.get(code, ""),
            reasons=tuple(sorted(reasons, key=lambda x: rank_of[x.reason])),
        )
        for code, reasons in sorted(found.items(), key=lambda kv: order[kv[0]])
        if reasons
    ]
