"""Per question: response rates, evidence and pre-fill coverage, answer distributions, the
near-constant rule, respondents' disagreement and feedback flags."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from saferspaces.core.framework.answers import ANSWERED, DONT_KNOW, NOT_APPLICABLE, NOT_COLLECTED
from saferspaces.core.framework.model import ChecklistItem, Indicator
from saferspaces.core.scoring.audit import audit_statistics
from saferspaces.core.scoring.data import dataset_build

from .inputs import FlagInput, IndividualInput
from .participation import UnitAnswers

CHOICE_TYPES = ("likert", "yes_partly_no", "single_choice", "multiple_choice")
NUMBER_TYPES = ("number", "percentage", "rate_per_100k", "year")


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class QuestionResponse:
    """Counts over the assessments where the question applies (skip logic evaluated)."""

    code: str
    section: str
    expected: int
    answered: int
    dont_know: int
    not_collected: int
    not_applicable: int
    unanswered: int
    with_evidence: int
    prefilled: int

    @property
    def non_response_rate(self) -> float | None:
        return _rate(self.unanswered, self.expected)

    @property
    def dont_know_rate(self) -> float | None:
        return _rate(self.dont_know, self.expected)

    @property
    def not_collected_rate(self) -> float | None:
        return _rate(self.not_collected, self.expected)

    @property
    def evidence_share(self) -> float | None:
        """Share of the answered assessments that attached evidence."""
        return _rate(self.with_evidence, self.answered)

    @property
    def prefill_share(self) -> float | None:
        """Share of the answered assessments whose value came from open data."""
        return _rate(self.prefilled, self.answered)


def question_responses(
    *,
    units: Sequence[UnitAnswers],
    questions: Sequence[tuple[str, Indicator | ChecklistItem]],
    evidence: frozenset[tuple[str, str]],
) -> list[QuestionResponse]:
    """``questions``: (section code, question) in edition order."""
    out = []
    for section, q in questions:
        c: Counter[str] = Counter()
        ev = pre = 0
        for ua in units:
            if q.code not in ua.relevant:
                continue
            c["expected"] += 1
            a = ua.answers.get(q.code)
            if a is None:
                c["unanswered"] += 1
                continue
            c[a.status] += 1
            if a.status == ANSWERED:
                ev += (ua.unit.unit, q.code) in evidence
                pre += a.prefilled
        out.append(
            QuestionResponse(
                code=q.code,
                section=section,
                expected=c["expected"],
                answered=c[ANSWERED],
                dont_know=c[DONT_KNOW],
                not_collected=c[NOT_COLLECTED],
                not_applicable=c[NOT_APPLICABLE],
                unanswered=c["unanswered"],
                with_evidence=ev,
                prefilled=pre,
            )
        )
    return out


@dataclass(frozen=True)
class SectionCoverage:
    section: str
    answered: int
    with_evidence: int
    prefilled: int

    @property
    def evidence_share(self) -> float | None:
        return _rate(self.with_evidence, self.answered)

    @property
    def prefill_share(self) -> float | None:
        return _rate(self.prefilled, self.answered)


def coverage_by_section(*, responses: Sequence[QuestionResponse]) -> list[SectionCoverage]:
    order: dict[str, list[QuestionResponse]] = {}
    for r in responses:
        order.setdefault(r.section, []).append(r)
    return [
        SectionCoverage(
            section=s,
            answered=sum(r.answered for r in rs),
            with_evidence=sum(r.with_evidence for r in rs),
            prefilled=sum(r.prefilled for r in rs),
        )
        for s, rs in order.items()
    ]


@dataclass(frozen=True)
class NumericSummary:
    n: int
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float
    mean: float
    sd: float | None


@dataclass(frozen=True)
class Distribution:
    """Answers given to a question: counts per option (choices) or quartiles (numbers).

    ``modal_share`` is the share of the most frequent answer among the answers; for multiple
    choice, the most frequent selection (the whole set of options ticked)."""

    code: str
    answer_type: str
    n: int
    counts: tuple[tuple[str, int], ...] = ()
    numeric: NumericSummary | None = None
    modal_share: float | None = None


def _key(value: object) -> str:
    if isinstance(value, list | tuple):
        return "|".join(sorted(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def answer_distributions(
    *,
    units: Sequence[UnitAnswers],
    questions: Sequence[tuple[str, Indicator | ChecklistItem]],
) -> list[Distribution]:
    """One distribution per question in edition order; numeric summaries by the engine's
    ``audit_statistics`` (n, min, max, mean, median, sd) plus the quartiles."""
    out = []
    for _section, q in questions:
        t = q.answer.type
        given = [
            ua.answers[q.code].value
            for ua in units
            if q.code in ua.answers and ua.answers[q.code].status == ANSWERED
        ]
        given = [v for v in given if v is not None]
        n = len(given)
        modal = Counter(_key(v) for v in given).most_common(1)
        modal_share = modal[0][1] / n if n else None
        counts: tuple[tuple[str, int], ...] = ()
        numeric = None
        if t in CHOICE_TYPES:
            picked: Counter[str] = Counter()
            for v in given:
                for c in v if isinstance(v, list | tuple) else [v]:
                    picked[_key(c)] += 1
            options = [c.code for c in q.answer.choice_options()]
            extra = sorted(k for k in picked if k not in options)
            counts = tuple((o, picked[o]) for o in [*options, *extra])
        elif t in NUMBER_TYPES:
            xs = [x for x in (_number(v) for v in given) if x is not None and np.isfinite(x)]
            if xs:
                arr = np.array(xs, dtype=np.float64)
                data = dataset_build(
                    units=[str(i) for i in range(arr.size)], codes=[q.code], values=arr[:, None]
                )
                st = audit_statistics(data=data)[0]
                q1, q3 = np.quantile(arr, [0.25, 0.75])
                numeric = NumericSummary(
                    n=st.n,
                    minimum=st.minimum,
                    q1=float(q1),
                    median=st.median,
                    q3=float(q3),
                    maximum=st.maximum,
                    mean=st.mean,
                    sd=None if np.isnan(st.sd) else st.sd,
                )
        out.append(Distribution(q.code, t, n, counts, numeric, modal_share))
    return out


@dataclass(frozen=True)
class Disagreement:
    """Where respondents answered alone first: assessments with two or more individual answers
    (``compared``), those where they differed (a different status or value), and the spread:
    the mean range of numeric answers, or the mean number of distinct answers otherwise."""

    code: str
    compared: int
    differed: int
    mean_range: float | None
    mean_distinct: float | None

    @property
    def share(self) -> float | None:
        return _rate(self.differed, self.compared)


def disagreements(
    *, individual: Sequence[IndividualInput], order: Sequence[str]
) -> list[Disagreement]:
    groups: dict[str, dict[str, list[IndividualInput]]] = {}
    for row in individual:
        groups.setdefault(row.code, {}).setdefault(row.unit, []).append(row)
    pos = {c: i for i, c in enumerate(order)}
    out = []
    for code in sorted(groups, key=lambda c: (pos.get(c, len(pos)), c)):
        compared = differed = 0
        ranges: list[float] = []
        distinct: list[int] = []
        for rows in groups[code].values():
            if len(rows) < 2:
                continue
            compared += 1
            keys = {(r.status, _key(r.value) if r.status == ANSWERED else "") for r in rows}
            differed += len(keys) > 1
            distinct.append(len(keys))
            nums = [
                x for x in (_number(r.value) for r in rows if r.status == ANSWERED) if x is not None
            ]
            if len(nums) >= 2:
                ranges.append(max(nums) - min(nums))
        out.append(
            Disagreement(
                code=code,
                compared=compared,
                differed=differed,
                mean_range=float(np.mean(ranges)) if ranges else None,
                mean_distinct=float(np.mean(distinct)) if distinct else None,
            )
        )
    return [d for d in out if d.compared]


@dataclass(frozen=True)
class Feedback:
    code: str
    counts: Mapping[str, int]  # reason -> number of flags
    notes: tuple[tuple[str, str], ...]  # (reason, note) in the order given, empty notes left out


def feedback_by_question(*, flags: Sequence[FlagInput], order: Sequence[str]) -> list[Feedback]:
    groups: dict[str, list[FlagInput]] = {}
    for f in flags:
        groups.setdefault(f.code, []).append(f)
    pos = {c: i for i, c in enumerate(order)}
    return [
        Feedback(
            code=code,
            counts=dict(sorted(Counter(f.reason for f in groups[code]).items())),
            notes=tuple((f.reason, f.note.strip()) for f in groups[code] if f.note.strip()),
        )
        for code in sorted(groups, key=lambda c: (pos.get(c, len(pos)), c))
    ]
