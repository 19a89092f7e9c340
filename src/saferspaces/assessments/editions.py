"""The parsed edition an assessment answers, and where each question sits (cached by content)."""

from __future__ import annotations

from saferspaces.assessments.models import Assessment
from saferspaces.core.framework import ChecklistItem, Edition, Indicator
from saferspaces.core.framework.sections import Section, edition_sections, question_sections
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.selectors import edition_parsed

Question = Indicator | ChecklistItem


def assessment_edition(*, assessment: Assessment) -> Edition:
    row: FrameworkEdition = assessment.edition
    return edition_parsed(row=row)


Layout = tuple[tuple[Section, ...], dict[str, str], dict[str, Question]]
_LAYOUTS: dict[int, tuple[Edition, Layout]] = {}


def edition_layout(*, edition: Edition) -> Layout:
    """(sections, question -> section code, question code -> question) of an edition.

    Memoised per parsed edition object (parsed editions are cached by content already).
    """
    hit = _LAYOUTS.get(id(edition))
    if hit is not None and hit[0] is edition:
        return hit[1]
    sections = edition_sections(edition=edition)
    layout = (sections, dict(question_sections(edition=edition)), edition.questions())
    if len(_LAYOUTS) > 64:
        _LAYOUTS.clear()
    _LAYOUTS[id(edition)] = (edition, layout)
    return layout
