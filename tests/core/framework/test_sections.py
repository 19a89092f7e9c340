"""The fill-in's pages: the checklist by its sections, every (sub-)dimension a group, long groups
split in nearly equal parts; no page holds more than PAGE_QUESTIONS_MAX questions and every
question is on exactly one page, in file order."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import AnswerSpec, ChecklistItem
from saferspaces.core.framework.sections import (
    CHECKLIST_SECTION_TITLES,
    PAGE_QUESTIONS_MAX,
    edition_sections,
    section_pages,
)

EDITION = (
    Path(__file__).resolve().parents[3]
    / "src"
    / "saferspaces"
    / "frameworks"
    / "editions"
    / "ssf-2026.1.yaml"
)


@pytest.fixture(scope="module")
def sections():  # type: ignore[no-untyped-def]
    return edition_sections(edition=edition_load(path=EDITION))


def test_every_question_is_on_one_page_in_file_order(sections) -> None:  # type: ignore[no-untyped-def]
    for s in sections:
        on_pages = [q.code for p in s.pages for q in p.questions]
        assert on_pages == [q.code for q in s.questions], s.code
        assert [p.number for p in s.pages] == list(range(1, len(s.pages) + 1))
        assert all(0 < len(p.questions) <= PAGE_QUESTIONS_MAX for p in s.pages)


def test_the_checklist_is_paged_by_its_sections(sections) -> None:  # type: ignore[no-untyped-def]
    checklist = sections[0]
    assert checklist.code == "checklist"
    assert [p.group for p in checklist.pages] == list(CHECKLIST_SECTION_TITLES)
    assert all(p.title["fr"] and p.title["en"] for p in checklist.pages)


def test_sub_dimensions_are_groups_and_long_groups_are_split(sections) -> None:  # type: ignore[no-untyped-def]
    urb = next(s for s in sections if s.code == "URB")
    assert PAGE_QUESTIONS_MAX == 6
    assert [(p.group, p.part, p.parts, len(p.questions)) for p in urb.pages] == [
        ("URB_CRIME", 1, 2, 5),
        ("URB_CRIME", 2, 2, 4),
        ("URB_VICT", 1, 2, 4),
        ("URB_VICT", 2, 2, 3),
        ("URB_GOV", 1, 3, 5),
        ("URB_GOV", 2, 3, 4),
        ("URB_GOV", 3, 3, 4),
    ]
    assert urb.page_of("URB_S22") == 7 and urb.page_of("NOT_HERE") == 1


@given(sizes=st.lists(st.integers(min_value=0, max_value=40), max_size=6), most=st.integers(1, 12))
def test_pages_property(sizes: list[int], most: int) -> None:
    spec = AnswerSpec(type="text")
    groups = [
        (
            f"g{i}",
            {"en": f"G{i}"},
            [ChecklistItem(f"Q{i}_{j}", "scope", {"en": "?"}, spec) for j in range(n)],
        )
        for i, n in enumerate(sizes)
    ]
    pages = section_pages(groups=groups, most=most)
    assert [q.code for p in pages for q in p.questions] == [
        q.code for _, _, qs in groups for q in qs
    ]
    for p in pages:
        assert 1 <= len(p.questions) <= most
        siblings = [len(o.questions) for o in pages if o.group == p.group]
        assert max(siblings) - min(siblings) <= 1 and len(siblings) == p.parts


def test_a_page_holds_at_least_one_question() -> None:
    with pytest.raises(ValueError, match="at least one question"):
        section_pages(groups=[], most=0)
