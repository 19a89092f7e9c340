"""Loading valid editions into the typed model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from saferspaces.core.framework import Edition, FrameworkValidationError, edition_load, text_get
from saferspaces.core.framework.dump import edition_dump
from saferspaces.core.framework.loader import edition_from_data
from saferspaces.core.framework.synthetic import edition_synthetic_data

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"


@pytest.fixture(scope="module")
def mini() -> Edition:
    return edition_load(path=MINI)


def test_mini_loads_into_the_model(mini: Edition) -> None:
    assert mini.id == "test-2026.1"
    assert mini.date == dt.date(2026, 11, 21)
    assert mini.languages == ("en", "fr")
    assert [d.code for d in mini.dimensions] == ["SAF", "QOL", "BGC"]
    assert [c.code for c in mini.checklist] == ["CL_SURVEY_RUNS", "CL_SCOPE_AREA"]
    inds = mini.indicator_map()
    assert len(inds) == 9
    p01 = inds["SAF_P01"]
    assert p01.kind == "perception"
    assert p01.answer.type == "likert"
    assert [p.value for p in p01.answer.scale] == [1, 2, 3, 4]
    assert p01.scoring.method == "scale"
    assert p01.guidance is not None
    assert p01.guidance.sources[0].dataset == "urb_percep"
    assert p01.guidance.sources[0].code == "PS3519V"
    assert p01.sdg == ("16.1.4",)
    # YAML 1.1 would read `yes` as True: here a choice code stays a word
    assert p01.relevant is not None
    assert p01.relevant.items[0].value == "yes"


def test_sub_dimensions_inherit_role(mini: Edition) -> None:
    qol = mini.dimensions[1]
    assert qol.children[0].role == "scored"
    assert [d.code for _, d in mini.dimensions_walk()] == ["SAF", "QOL", "QOL_ENV", "BGC"]
    parents = {ind.code: dim.code for dim, ind in mini.indicators()}
    assert parents["QOL_S01"] == "QOL_ENV"


def test_questions_include_checklist(mini: Edition) -> None:
    qs = mini.questions()
    assert "CL_SURVEY_RUNS" in qs and "SAF_S03" in qs


def test_text_get_falls_back_to_english() -> None:
    assert text_get({"en": "Hello", "fr": "Bonjour"}, "fr") == "Bonjour"
    assert text_get({"en": "Hello"}, "de") == "Hello"
    assert text_get(None, "en") == ""


def test_dump_and_reload_is_identical(mini: Edition) -> None:
    again = edition_load(text=edition_dump(edition=mini))
    assert again == mini


def test_norway_and_yes_stay_text() -> None:
    text = MINI.read_text(encoding="utf-8").replace("provider: Eurostat", "provider: NO", 1)
    edition = edition_load(text=text)
    src = edition.indicator_map()["SAF_P01"].guidance
    assert src is not None and src.sources[0].provider == "NO"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINI.read_bytes())
    assert edition_load(path=path).id == "test-2026.1"


def test_changes_are_checked_against_a_sibling_previous_edition(tmp_path: Path) -> None:
    old = tmp_path / "test-2026.1.yaml"
    old.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    new_text = (
        MINI.read_text(encoding="utf-8")
        .replace("id: test-2026.1", "id: test-2027.1")
        .replace(
            "  previous: null\n",
            "  previous: test-2026.1\n  changes:\n"
            "    - {action: keep, code: SAF_P01}\n"
            "    - {action: rename, from: SAF_GONE, code: SAF_P02}\n",
        )
    )
    new = tmp_path / "test-2027.1.yaml"
    new.write_text(new_text, encoding="utf-8")
    with pytest.raises(FrameworkValidationError) as info:
        edition_load(path=new)
    (problem,) = info.value.problems
    assert problem.path == "edition.changes[1].from"
    assert "no indicator 'SAF_GONE' in the previous edition" in problem.message
    assert problem.line == 13  # the rename line


def test_synthetic_editions_are_valid() -> None:
    edition = edition_from_data(data=edition_synthetic_data(questions=120, seed=3))
    assert sum(1 for _ in edition.indicators()) == 120
