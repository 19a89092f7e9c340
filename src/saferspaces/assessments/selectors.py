"""Reading assessments: progress, one section's questions with everything attached, history.

Each selector runs a small, fixed number of queries whatever the number of questions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet

from saferspaces.accounts.permissions import is_administrator
from saferspaces.assessments import permissions
from saferspaces.assessments.editions import Question, assessment_edition, edition_layout
from saferspaces.assessments.models import (
    Answer,
    AnswerRevision,
    Assessment,
    Assignment,
    Evidence,
    IndividualAnswer,
    Round,
)
from saferspaces.core.framework.answers import (
    AnswerState,
    answers_for_relevance,
)
from saferspaces.core.framework.relevance import relevance_evaluate
from saferspaces.core.framework.sections import Page, Section
from saferspaces.rows import column, placeholders, rows_read, table


class AnswerRow(NamedTuple):
    """What progress and navigation read of an answer (no model instance to build)."""

    assessment_id: int
    code: str
    status: str
    value: Any
    prefill: Any


def answer_rows(*, assessments: Iterable[Assessment] | Assessment) -> list[AnswerRow]:
    """The answers of ``assessments`` (one or several) as light rows, in one query."""
    qs = Answer.objects.all()
    if isinstance(assessments, Assessment):
        qs = qs.filter(assessment=assessments)
    else:
        qs = qs.filter(assessment__in=list(assessments))
    fields = ("assessment_id", "code", "status", "value", "prefill")
    return [AnswerRow(*row) for row in qs.values_list(*fields)]


def _states(answers: Iterable[Answer | AnswerRow]) -> dict[str, AnswerState]:
    return {a.code: AnswerState(a.status, a.value) for a in answers}


def _relevant(question: Question, values: dict[str, Any]) -> bool:
    return relevance_evaluate(condition=question.relevant, answers=values)


def assessment_unanswered(*, assessment: Assessment) -> list[str]:
    """Codes of relevant questions that have neither an answer nor an explicit status."""
    sections, _sec, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    answers = answer_rows(assessments=assessment)
    values = answers_for_relevance(_states(answers))
    have = {a.code for a in answers}
    return [
        q.code
        for s in sections
        for q in s.answerable
        if q.code not in have and _relevant(q, values)
    ]


@dataclass
class SectionProgress:
    section: Section
    relevant: int = 0
    answered: int = 0
    marked: int = 0  # don't know / not applicable / not collected
    unanswered: int = 0
    with_evidence: int = 0
    prefilled: int = 0
    assigned: list[Any] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.answered + self.marked

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.relevant) if self.relevant else 100


def _progress(
    sections: tuple[Section, ...],
    answers: Mapping[str, Answer | AnswerRow],
    evidenced: set[str],
    assigned: dict[str, list[Any]],
) -> list[SectionProgress]:
    values = answers_for_relevance(_states(answers.values()))
    out = []
    for s in sections:
        p = SectionProgress(section=s, assigned=assigned.get(s.code, []))
        for q in s.answerable:
            if not _relevant(q, values):
                continue
            p.relevant += 1
            a = answers.get(q.code)
            if a is None:
                p.unanswered += 1
            elif a.status == "answered":
                p.answered += 1
            else:
                p.marked += 1
            if q.code in evidenced:
                p.with_evidence += 1
            if a is not None and a.prefill:
                p.prefilled += 1
        out.append(p)
    return out


def assessment_progress(*, assessment: Assessment) -> list[SectionProgress]:
    """Per section: relevant questions, answered, explicitly marked, missing, evidence, pre-filled."""
    sections, _sec, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    answers: dict[str, AnswerRow] = {a.code: a for a in answer_rows(assessments=assessment)}
    evidenced = set(Evidence.objects.filter(assessment=assessment).values_list("code", flat=True))
    assigned: dict[str, list[Any]] = defaultdict(list)
    for assignment in Assignment.objects.filter(assessment=assessment).select_related("user"):
        assigned[assignment.section].append(assignment.user)
    return _progress(sections, answers, evidenced, assigned)


def fill_progress(*, assessment: Assessment, answers: Iterable[AnswerRow]) -> list[SectionProgress]:
    """The progress shown beside a page of the fill-in, from ``answers`` (:func:`answer_rows`,
    read once by the page for its navigation too): per section the questions that apply,
    answered, explicitly marked, missing and pre-filled. No query: the evidence and the people
    assigned are the overview's (:func:`assessment_progress`), so ``with_evidence`` is 0 and
    ``assigned`` empty here."""
    sections, _sec, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    return _progress(sections, {a.code: a for a in answers}, set(), {})


@dataclass
class QuestionView:
    """Everything the fill-in page shows for one question."""

    question: Question
    relevant: bool
    answer: Answer | None
    evidence: list[Evidence]
    revisions: int
    individual: list[IndividualAnswer]
    mine: IndividualAnswer | None
    dimension: Any = None
    offer: Any = None  # an open-data suggestion (assessments.prefill.Offer)
    form: dict[str, Any] = field(default_factory=dict)  # what the form shows (set by the view)

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    def initial(self, *, individual_mode: bool) -> dict[str, Any]:
        """The form's starting values: the person's own answer in consensus mode, else the
        assessment's answer."""
        source: Any = self.mine if individual_mode else self.answer
        if source is None:
            return {"status": "", "value": None, "comment": ""}
        return {"status": source.status, "value": source.value, "comment": source.comment}


@dataclass
class SectionView:
    assessment: Assessment
    section: Section
    questions: list[QuestionView]
    editable: bool
    consensus_lead: bool  # sets agreed answers after seeing individual ones
    individual_mode: bool  # answers alone (consensus assessment, not a lead)
    page: Page | None = None  # the page shown (None: questions picked with ``only``)


def revision_counts(*, assessment: Assessment, codes: Sequence[str]) -> Counter[str]:
    """The number of changes in the history of each of the questions ``codes`` (plain SQL:
    read on every page and save of the fill-in, ``saferspaces.rows``)."""
    if not codes:
        return Counter()
    m = AnswerRevision
    sql = (
        f"SELECT {column(m, 'code')}, COUNT(*) FROM {table(m)}"  # noqa: S608 - names from the model
        f" WHERE {column(m, 'assessment')} = %s AND {column(m, 'code')} IN"
        f" ({placeholders(len(codes))}) GROUP BY {column(m, 'code')}"
    )
    return Counter({str(code): int(n) for code, n in rows_read(sql, [assessment.pk, *codes])})


def _has_open_data(question: Question) -> bool:
    """Whether the edition names a Eurostat dataset and code that can pre-fill the question."""
    guidance = getattr(question, "guidance", None)
    if guidance is None:
        return False
    return any(src.provider == "Eurostat" and src.dataset and src.code for src in guidance.sources)


def section_view(
    *,
    user: Any,
    assessment: Assessment,
    section_code: str,
    only: frozenset[str] | None = None,
    page: int | None = None,
    written: Answer | None = None,
) -> SectionView | None:
    """One page of a section of the fill-in with answers, evidence, history counts and
    individual answers.

    ``page`` picks the page (1-based); ``only`` limits the questions (e.g. the one just saved).
    ``written`` is an answer this request has just written (with its author): it is shown as
    it is, and not read again. None when the edition has no such section or page. Runs a fixed
    number of queries, whatever the number of questions.
    """
    sections, _sec, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    section = next((s for s in sections if s.code == section_code), None)
    if section is None:
        return None
    shown: Page | None = None
    if page is not None:
        shown = next((p for p in section.pages if p.number == page), None)
        if shown is None:
            return None
        on_page = frozenset(q.code for q in shown.questions)
        only = on_page if only is None else only & on_page
    shown_questions = [q for q in section.questions if only is None or q.code in only]
    codes = [q.code for q in shown_questions]
    # the answers shown, and those the skip logic of the questions shown reads
    read = set(codes).union(*(q.relevant.questions() for q in shown_questions if q.relevant))
    answers = {written.code: written} if written is not None and written.code in read else {}
    if read - answers.keys():
        answers.update(
            (a.code, a)
            for a in Answer.objects.filter(
                assessment=assessment, code__in=read - answers.keys()
            ).select_related("updated_by")
        )
    values = answers_for_relevance(_states(list(answers.values())))
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for e in Evidence.objects.filter(assessment=assessment, code__in=codes).select_related(
        "added_by"
    ):
        evidence[e.code].append(e)
    revisions = revision_counts(assessment=assessment, codes=codes)
    individual: dict[str, list[IndividualAnswer]] = defaultdict(list)
    if assessment.consensus:
        for ia in IndividualAnswer.objects.filter(
            assessment=assessment, code__in=codes
        ).select_related("user"):
            individual[ia.code].append(ia)
    lead = permissions.is_lead_of(user, assessment)
    editable = assessment.editable and permissions.can_edit_section(
        user, assessment, section.code, permissions.assigned_people(assessment=assessment)
    )
    dim_of = {q.code: d for d, qs in section.groups for q in qs}
    offers: dict[str, Any] = {}
    fed = frozenset(q.code for q in shown_questions if _has_open_data(q))
    if editable and fed:
        from saferspaces.assessments.prefill import assessment_offers

        offers = assessment_offers(assessment=assessment, answers=answers, codes=fed)
    views = []
    for q in shown_questions:
        ind = individual.get(q.code, [])
        views.append(
            QuestionView(
                question=q,
                relevant=_relevant(q, values),
                answer=answers.get(q.code),
                evidence=evidence.get(q.code, []),
                revisions=revisions.get(q.code, 0),
                individual=ind,
                mine=next((i for i in ind if i.user_id == getattr(user, "pk", None)), None),
                dimension=dim_of.get(q.code),
                offer=offers.get(q.code),
            )
        )
    return SectionView(
        assessment=assessment,
        section=section,
        questions=views,
        editable=editable,
        consensus_lead=assessment.consensus and lead,
        individual_mode=assessment.consensus and not lead,
        page=shown,
    )


def assessment_sections(*, assessment: Assessment) -> tuple[Section, ...]:
    """The parts of the fill-in of an assessment's edition, each with its pages."""
    sections, _sec, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    return sections


def question_section(*, assessment: Assessment, code: str) -> str | None:
    """The section code holding question ``code`` (None if the edition has no such question)."""
    _s, section_of, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    return section_of.get(code)


def question_get(*, assessment: Assessment, code: str) -> Question | None:
    _s, _sec, questions = edition_layout(edition=assessment_edition(assessment=assessment))
    return questions.get(code)


def individual_answers(*, assessment: Assessment, code: str) -> QuerySet[IndividualAnswer]:
    return IndividualAnswer.objects.filter(assessment=assessment, code=code).select_related("user")


def relevance_dependents(*, assessment: Assessment, code: str) -> frozenset[str]:
    """Questions whose skip logic refers to ``code``."""
    _s, _sec, questions = edition_layout(edition=assessment_edition(assessment=assessment))
    return frozenset(
        q.code for q in questions.values() if q.relevant and code in set(q.relevant.questions())
    )


def answer_history(*, assessment: Assessment, code: str) -> QuerySet[AnswerRevision]:
    return AnswerRevision.objects.filter(assessment=assessment, code=code).select_related(
        "changed_by"
    )


def assessments_visible(*, user: Any) -> QuerySet[Assessment]:
    """The assessments ``user`` may read (``permissions.assessments_readable``)."""
    return permissions.assessments_readable(user).select_related("authority", "round", "edition")


def rounds_visible(*, user: Any) -> QuerySet[Round]:
    qs = Round.objects.select_related("network", "edition").annotate(
        n_assessments=Count("assessments"),
        n_submitted=Count(
            "assessments", filter=Q(assessments__state__in=["submitted", "accepted"])
        ),
    )
    if is_administrator(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(network__coordinators__user=user)


def round_assessments(*, round_: Round) -> list[dict[str, Any]]:
    """Each participating authority's assessment with its progress, by authority name.

    Two queries for the whole round, whatever the number of authorities.
    """
    members = list(
        round_.assessments.select_related("authority", "edition").order_by("authority__name")
    )
    answers: dict[int, dict[str, AnswerRow]] = defaultdict(dict)
    for a in answer_rows(assessments=members):
        answers[a.assessment_id][a.code] = a
    rows = []
    for assessment in members:
        sections, _sec, _q = edition_layout(edition=assessment_edition(assessment=assessment))
        progress = _progress(sections, answers[assessment.pk], set(), {})
        rows.append(
            {
                "assessment": assessment,
                "relevant": sum(p.relevant for p in progress),
                "done": sum(p.done for p in progress),
                "missing": sum(p.unanswered for p in progress),
            }
        )
    return rows


def assessment_overview(*, user: Any, assessment: Assessment) -> dict[str, Any]:
    """Everything the overview page shows: progress, workflow, team, permissions."""
    from saferspaces.accounts.models import AuthorityMembership
    from saferspaces.assessments.models import Transition

    progress = assessment_progress(assessment=assessment)
    lead = permissions.is_lead_of(user, assessment)
    reviewer = permissions.can_review(user, assessment)
    state = assessment.state
    closed = assessment.round is not None and assessment.round.closed_at is not None
    return {
        "assessment": assessment,
        # composite scores have their scores page and council report; other result models
        # their results page (by the model's presenter)
        "result_model": assessment_edition(assessment=assessment).instrument.result_model,
        "progress": progress,
        "totals": {
            "relevant": sum(p.relevant for p in progress),
            "done": sum(p.done for p in progress),
            "answered": sum(p.answered for p in progress),
            "marked": sum(p.marked for p in progress),
            "unanswered": sum(p.unanswered for p in progress),
            "with_evidence": sum(p.with_evidence for p in progress),
            "prefilled": sum(p.prefilled for p in progress),
        },
        "transitions": Transition.objects.filter(assessment=assessment).select_related("by"),
        "team": AuthorityMembership.objects.filter(authority=assessment.authority).select_related(
            "user"
        )
        if lead
        else [],
        # a returned assessment says so at the top of its page, with the coordinator's comment
        "returned": Transition.objects.filter(assessment=assessment, action="return")
        .select_related("by")
        .last()
        if state == "returned"
        else None,
        "can": {
            "submit": lead and assessment.editable,
            "reopen": lead and state == "submitted" and not closed,
            "review": reviewer and state == "submitted",
            "return": reviewer and state == "submitted" and not closed,
            "assign": lead and assessment.editable,
            "answer": permissions.can_answer(user, assessment) and assessment.editable,
        },
    }


@dataclass
class FlagRow:
    code: str
    question: Question | None
    unclear: int
    not_fitting: int
    notes: list[Any]


def question_flags(*, edition: Any) -> list[FlagRow]:
    """Pilot feedback per question of an edition, in edition order."""
    from saferspaces.assessments.models import QuestionFlag
    from saferspaces.frameworks.selectors import edition_parsed

    parsed = edition_parsed(row=edition)
    questions = parsed.questions()
    rows: dict[str, FlagRow] = {}
    for flag in QuestionFlag.objects.filter(edition=edition).select_related(
        "assessment__authority"
    ):
        row = rows.setdefault(flag.code, FlagRow(flag.code, questions.get(flag.code), 0, 0, []))
        if flag.reason == "unclear":
            row.unclear += 1
        else:
            row.not_fitting += 1
        row.notes.append(flag)
    order = {code: i for i, code in enumerate(questions)}
    return sorted(rows.values(), key=lambda r: order.get(r.code, len(order)))
