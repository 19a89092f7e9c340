"""How an edition is filled in: the checklist first, then one section per top-level dimension;
each section in pages of a few screens.

A page is one group of questions: a checklist section (scope, geography, sources, surveys,
people) or a (sub-)dimension that holds indicators. A group longer than
:data:`PAGE_QUESTIONS_MAX` is split into parts of nearly equal size, in file order, so that no
page shows more than that many questions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from saferspaces.core.framework.model import (
    CHECKLIST_SECTIONS,
    ChecklistItem,
    Dimension,
    Edition,
    Indicator,
    Text,
)
from saferspaces.core.labels import label, labels_group

CHECKLIST = "checklist"
CHECKLIST_TITLE: Text = label("checklist.title")
#: the titles of the checklist's sections (``ChecklistItem.section``), the groups of its pages
CHECKLIST_SECTION_TITLES: Mapping[str, Text] = labels_group("checklist.section", CHECKLIST_SECTIONS)
#: no page of the fill-in shows more questions than this
PAGE_QUESTIONS_MAX = 6

Question = Indicator | ChecklistItem


@dataclass(frozen=True)
class Page:
    """One page of a section: a group of questions, or one part of a long group."""

    number: int  # 1-based, within the section
    group: str  # the dimension code or the checklist section
    title: Text
    part: int  # 1-based part of the group
    parts: int  # how many parts the group was split into
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Section:
    """A part of the fill-in: the checklist or a top-level dimension (with its sub-dimensions)."""

    code: str
    title: Text
    role: str  # checklist | scored | background
    questions: tuple[Question, ...]
    groups: tuple[tuple[Dimension | None, tuple[Question, ...]], ...]
    pages: tuple[Page, ...] = field(default=())

    @property
    def answerable(self) -> tuple[Question, ...]:
        """Questions that take an answer (explanatory ``not_scored`` items take none)."""
        return tuple(q for q in self.questions if q.answer.type != "not_scored")

    def page_of(self, code: str) -> int:
        """The number of the page that shows question ``code`` (1 when it is not here)."""
        for page in self.pages:
            if any(q.code == code for q in page.questions):
                return page.number
        return 1


def _parts(questions: Sequence[Question], most: int) -> list[tuple[Question, ...]]:
    """``questions`` in consecutive parts of at most ``most``, as equal in size as possible."""
    n = len(questions)
    count = max(1, -(-n // most))
    size, extra = divmod(n, count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(tuple(questions[start:end]))
        start = end
    return out


def section_pages(
    *, groups: Sequence[tuple[str, Text, Sequence[Question]]], most: int = PAGE_QUESTIONS_MAX
) -> tuple[Page, ...]:
    """The pages of a section from its groups (key, title, questions), long groups split."""
    if most < 1:
        raise ValueError(f"a page holds at least one question, not {most}")
    pages: list[Page] = []
    for key, title, questions in groups:
        if not questions:
            continue
        parts = _parts(questions, most)
        for index, part in enumerate(parts, start=1):
            pages.append(Page(len(pages) + 1, key, title, index, len(parts), part))
    return tuple(pages)


def _checklist_groups(items: Sequence[ChecklistItem]) -> list[tuple[str, Text, list[Question]]]:
    """The checklist by its sections, in the order each section first appears."""
    by_key: dict[str, list[Question]] = {}
    for item in items:
        by_key.setdefault(item.section, []).append(item)
    return [
        (key, CHECKLIST_SECTION_TITLES.get(key, {"en": key}), questions)
        for key, questions in by_key.items()
    ]


def edition_sections(*, edition: Edition) -> tuple[Section, ...]:
    """The checklist (if any) then every top-level dimension, questions in file order."""
    out: list[Section] = []
    if edition.checklist:
        groups = _checklist_groups(edition.checklist)
        questions = tuple(q for _key, _title, qs in groups for q in qs)
        out.append(
            Section(
                code=CHECKLIST,
                title=CHECKLIST_TITLE,
                role="checklist",
                questions=questions,
                groups=((None, questions),),
                pages=section_pages(groups=groups),
            )
        )
    for dim in edition.dimensions:
        dim_groups = tuple((d, d.indicators) for _, d in dim.walk() if d.indicators)
        out.append(
            Section(
                code=dim.code,
                title=dim.title,
                role=dim.role,
                questions=tuple(q for _, qs in dim_groups for q in qs),
                groups=dim_groups,
                pages=section_pages(groups=[(d.code, d.title, qs) for d, qs in dim_groups]),
            )
        )
    return tuple(out)


def question_sections(*, edition: Edition) -> Mapping[str, str]:
    """Question code -> the code of the section that holds it."""
    return {q.code: s.code for s in edition_sections(edition=edition) for q in s.questions}
