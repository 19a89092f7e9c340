"""Finding one's way in the fill-in: the pages of a part with how far each is done, the page
before and after, and the next question that still needs an answer.

"Done" means what the assessment's progress means everywhere (``selectors.SectionProgress``):
a question that applies (after skip logic) with an answer or an explicit don't know, not
applicable or data not collected. In a consensus assessment a respondent's own answers count
for them. Two queries, whatever the size of the edition (one when the caller gives the answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from saferspaces.assessments.editions import Question, assessment_edition, edition_layout
from saferspaces.assessments.models import Assessment, IndividualAnswer
from saferspaces.assessments.selectors import AnswerRow, answer_rows
from saferspaces.core.framework.answers import AnswerState, answers_for_relevance
from saferspaces.core.framework.relevance import relevance_evaluate
from saferspaces.core.framework.sections import Page, Section


@dataclass(frozen=True)
class PageProgress:
    section: Section
    page: Page
    relevant: int  # questions that apply
    done: int
    current: bool


@dataclass(frozen=True)
class Place:
    """A page of a part, and a question on it (for links such as "next unanswered")."""

    section: Section
    page: Page
    question: Question


@dataclass(frozen=True)
class Navigation:
    pages: list[PageProgress]  # the pages of the current part
    previous: Place | None  # the page before (in this part or the one before)
    next: Place | None  # the page after
    next_unanswered: Place | None  # from this page on, then from the start
    unanswered: int  # questions that apply and are not done, in the whole assessment


def _done_codes(
    assessment: Assessment, user: Any, individual: bool, answers: Sequence[AnswerRow] | None
) -> tuple[set[str], dict]:
    if answers is None:
        answers = answer_rows(assessments=assessment)
    values = answers_for_relevance({a.code: AnswerState(a.status, a.value) for a in answers})
    if individual:
        done = set(
            IndividualAnswer.objects.filter(assessment=assessment, user=user).values_list(
                "code", flat=True
            )
        )
    else:
        done = {a.code for a in answers}
    return done, values


def section_navigation(
    *,
    user: Any,
    assessment: Assessment,
    section_code: str,
    page_number: int,
    individual: bool,
    answers: Sequence[AnswerRow] | None = None,
) -> Navigation:
    """Where the person is (part ``section_code``, page ``page_number``) and where to go.

    ``answers`` are the assessment's answers as rows when the caller has read them
    (:func:`selectors.answer_rows`), else they are read here."""
    sections, _sec, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    done, values = _done_codes(assessment, user, individual, answers)
    places = [(si, s, p) for si, s in enumerate(sections) for p in s.pages]
    found = next(
        (
            i
            for i, (_si, s, p) in enumerate(places)
            if s.code == section_code and p.number == page_number
        ),
        None,
    )
    # a part of repeat groups only has no page: it sits before the next part's first page
    at = next((si for si, s in enumerate(sections) if s.code == section_code), len(sections))
    here = found if found is not None else sum(1 for si, _s, _p in places if si < at)
    after_here = here if found is not None else here - 1
    pages = []
    open_places: list[tuple[int, Place]] = []
    for i, (_si, s, p) in enumerate(places):
        relevant = done_here = 0
        for q in p.questions:
            if q.answer.type == "not_scored" or not relevance_evaluate(
                condition=q.relevant, answers=values
            ):
                continue
            relevant += 1
            if q.code in done:
                done_here += 1
            else:
                open_places.append((i, Place(s, p, q)))
        if s.code == section_code:
            pages.append(PageProgress(s, p, relevant, done_here, i == here))
    after = [place for i, place in open_places if i >= here]
    before = [place for i, place in open_places if i < here]
    return Navigation(
        pages=pages,
        previous=_first(places[here - 1]) if here > 0 else None,
        next=_first(places[after_here + 1]) if after_here + 1 < len(places) else None,
        next_unanswered=next(iter(after or before), None),
        unanswered=len(open_places),
    )


def page_url(pk: int, section: str, page: int, code: str | None = None) -> str:
    """The address of a page of the fill-in (page 1 has none of its own), at a question."""
    url = reverse("assessments:section", args=[pk, section])
    if page > 1:
        url += f"?page={page}"
    return url + (f"#q-{code}" if code else "")


def _first(place: tuple[int, Section, Page]) -> Place:
    _si, section, page = place
    return Place(section, page, page.questions[0])
