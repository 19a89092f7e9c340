"""The pilot analysis of a round, from plain inputs (see ``docs/methodology.md``, "Pilot
analysis"). Nothing here orders authorities by a result: tables of authorities are by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from saferspaces.core.framework.model import ChecklistItem, Indicator
from saferspaces.core.framework.sections import edition_sections

from .inputs import RoundInputs
from .participation import (
    AuthorityParticipation,
    SectionParticipation,
    TimeTaken,
    participation_by_authority,
    participation_by_section,
    time_taken,
    units_answers,
)
from .questions import (
    Disagreement,
    Distribution,
    Feedback,
    QuestionResponse,
    SectionCoverage,
    answer_distributions,
    coverage_by_section,
    disagreements,
    feedback_by_question,
    question_responses,
)
from .reliability import Reliability, reliability_analyse
from .revise import QuestionToRevise, questions_to_revise
from .thresholds import Thresholds


@dataclass(frozen=True)
class RoundAnalysis:
    edition_id: str
    units: int
    sections: tuple[str, ...]  # section codes in edition order (checklist first)
    questions: tuple[str, ...]  # question codes in edition order
    section_of: dict[str, str]
    authorities: tuple[AuthorityParticipation, ...]
    by_section: tuple[SectionParticipation, ...]
    time: TimeTaken
    responses: tuple[QuestionResponse, ...]
    coverage: tuple[SectionCoverage, ...]
    distributions: tuple[Distribution, ...]
    reliability: Reliability
    disagreement: tuple[Disagreement, ...]
    feedback: tuple[Feedback, ...]
    revise: tuple[QuestionToRevise, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)


def round_analyse(*, inputs: RoundInputs, thresholds: Thresholds | None = None) -> RoundAnalysis:
    """Every part of the pilot analysis of one round."""
    t = thresholds or Thresholds()
    edition = inputs.edition
    sections = edition_sections(edition=edition)
    questions: list[tuple[str, Indicator | ChecklistItem]] = [
        (s.code, q) for s in sections for q in s.answerable
    ]
    order = [q.code for _s, q in questions]
    units = units_answers(units=inputs.units, answers=inputs.answers, sections=sections)
    authorities = participation_by_authority(units=units, sections=sections)
    responses = question_responses(units=units, questions=questions, evidence=inputs.evidence)
    distributions = answer_distributions(units=units, questions=questions)
    reliability = reliability_analyse(edition=edition, scores=inputs.scores, thresholds=t)
    disagreement = disagreements(individual=inputs.individual, order=order)
    feedback = feedback_by_question(flags=inputs.flags, order=order)
    return RoundAnalysis(
        edition_id=edition.id,
        units=len(units),
        sections=tuple(s.code for s in sections),
        questions=tuple(order),
        section_of={code: s for s, q in questions for code in [q.code]},
        authorities=tuple(authorities),
        by_section=tuple(participation_by_section(rows=authorities, sections=sections)),
        time=time_taken(units=inputs.units),
        responses=tuple(responses),
        coverage=tuple(coverage_by_section(responses=responses)),
        distributions=tuple(distributions),
        reliability=reliability,
        disagreement=tuple(disagreement),
        feedback=tuple(feedback),
        revise=tuple(
            questions_to_revise(
                responses=responses,
                distributions=distributions,
                reliability=reliability,
                disagreement=disagreement,
                feedback=feedback,
                thresholds=t,
            )
        ),
        thresholds=t,
    )
