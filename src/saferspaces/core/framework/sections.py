"""How an edition is filled in: the checklist first, then one section per top-level dimension."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from saferspaces.core.framework.model import ChecklistItem, Dimension, Edition, Indicator, Text

CHECKLIST = "checklist"
CHECKLIST_TITLE: Text = {"en": "Checklist", "fr": "Liste de questions"}


@dataclass(frozen=True)
class Section:
    """A page of the fill-in: the checklist or a top-level dimension (with its sub-dimensions)."""

    code: str
    title: Text
    role: str  # checklist | scored | background
    questions: tuple[Indicator | ChecklistItem, ...]
    groups: tuple[tuple[Dimension | None, tuple[Indicator | ChecklistItem, ...]], ...]

    @property
    def answerable(self) -> tuple[Indicator | ChecklistItem, ...]:
        """Questions that take an answer (explanatory ``not_scored`` items take none)."""
        return tuple(q for q in self.questions if q.answer.type != "not_scored")


def edition_sections(*, edition: Edition) -> tuple[Section, ...]:
    """The checklist (if any) then every top-level dimension, questions in file order."""
    out: list[Section] = []
    if edition.checklist:
        out.append(
            Section(
                code=CHECKLIST,
                title=CHECKLIST_TITLE,
                role="checklist",
                questions=edition.checklist,
                groups=((None, edition.checklist),),
            )
        )
    for dim in edition.dimensions:
        groups = tuple((d, d.indicators) for _, d in dim.walk() if d.indicators)
        out.append(
            Section(
                code=dim.code,
                title=dim.title,
                role=dim.role,
                questions=tuple(q for _, qs in groups for q in qs),
                groups=groups,
            )
        )
    return tuple(out)


def question_sections(*, edition: Edition) -> Mapping[str, str]:
    """Question code -> the code of the section that holds it."""
    return {q.code: s.code for s in edition_sections(edition=edition) for q in s.questions}
