"""Participation and completion per authority and per section, and the time taken to submit."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from saferspaces.core.framework.answers import ANSWERED
from saferspaces.core.framework.relevance import relevance_evaluate
from saferspaces.core.framework.sections import Section

from .inputs import AnswerInput, UnitInput


@dataclass(frozen=True)
class UnitAnswers:
    """One unit's answers by code and the codes of the questions relevant to it."""

    unit: UnitInput
    answers: Mapping[str, AnswerInput]
    relevant: frozenset[str]


def units_answers(
    *,
    units: Sequence[UnitInput],
    answers: Sequence[AnswerInput],
    sections: Sequence[Section],
) -> list[UnitAnswers]:
    """Group answers by unit and evaluate skip logic on each unit's answered values."""
    by_unit: dict[str, dict[str, AnswerInput]] = {u.unit: {} for u in units}
    for a in answers:
        if a.unit in by_unit:
            by_unit[a.unit][a.code] = a
    out = []
    for u in units:
        mine = by_unit[u.unit]
        values = {c: a.value for c, a in mine.items() if a.status == ANSWERED}
        relevant = frozenset(
            q.code
            for s in sections
            for q in s.answerable
            if relevance_evaluate(condition=q.relevant, answers=values)
        )
        out.append(UnitAnswers(unit=u, answers=mine, relevant=relevant))
    return out


@dataclass(frozen=True)
class Completion:
    """Counts over relevant questions: answered, explicitly marked (don't know, not applicable,
    not collected) and unanswered; ``completion`` = (answered + marked) / relevant."""

    relevant: int
    answered: int
    marked: int
    unanswered: int

    @property
    def done(self) -> int:
        return self.answered + self.marked

    @property
    def completion(self) -> float | None:
        return self.done / self.relevant if self.relevant else None


def _completion(ua: UnitAnswers, codes: Sequence[str]) -> Completion:
    relevant = answered = marked = 0
    for code in codes:
        if code not in ua.relevant:
            continue
        relevant += 1
        a = ua.answers.get(code)
        if a is None:
            continue
        if a.status == ANSWERED:
            answered += 1
        else:
            marked += 1
    return Completion(relevant, answered, marked, relevant - answered - marked)


@dataclass(frozen=True)
class AuthorityParticipation:
    unit: str
    authority: str
    state: str
    totals: Completion
    sections: Mapping[str, Completion]


def participation_by_authority(
    *, units: Sequence[UnitAnswers], sections: Sequence[Section]
) -> list[AuthorityParticipation]:
    """One row per assessment, sorted by authority name (never by how far they got)."""
    codes = {s.code: [q.code for q in s.answerable] for s in sections}
    every = [c for cs in codes.values() for c in cs]
    rows = [
        AuthorityParticipation(
            unit=ua.unit.unit,
            authority=ua.unit.authority,
            state=ua.unit.state,
            totals=_completion(ua, every),
            sections={k: _completion(ua, cs) for k, cs in codes.items()},
        )
        for ua in units
    ]
    rows.sort(key=lambda r: (r.authority.casefold(), r.unit))
    return rows


@dataclass(frozen=True)
class SectionParticipation:
    section: str
    totals: Completion  # summed over every assessment
    complete_units: int  # assessments with every relevant question of the section done
    units: int


def participation_by_section(
    *, rows: Sequence[AuthorityParticipation], sections: Sequence[Section]
) -> list[SectionParticipation]:
    out = []
    for s in sections:
        per = [r.sections[s.code] for r in rows]
        out.append(
            SectionParticipation(
                section=s.code,
                totals=Completion(
                    relevant=sum(c.relevant for c in per),
                    answered=sum(c.answered for c in per),
                    marked=sum(c.marked for c in per),
                    unanswered=sum(c.unanswered for c in per),
                ),
                complete_units=sum(1 for c in per if c.relevant and c.unanswered == 0),
                units=len(per),
            )
        )
    return out


@dataclass(frozen=True)
class TimeTaken:
    """Days from the start of an assessment to its first submission (submitted ones only)."""

    n: int
    median_days: float | None
    min_days: float | None
    max_days: float | None


def time_taken(*, units: Sequence[UnitInput]) -> TimeTaken:
    days = [
        (u.first_submitted_at - u.started_at).total_seconds() / 86400
        for u in units
        if u.started_at is not None and u.first_submitted_at is not None
    ]
    if not days:
        return TimeTaken(0, None, None, None)
    return TimeTaken(len(days), float(statistics.median(days)), min(days), max(days))
