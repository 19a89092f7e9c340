"""Fixtures of the assessment-scoring tests: the small hand-written edition and ssf-2026.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferspaces.core.assessment import EditionPipeline, edition_pipeline_load
from saferspaces.core.framework.answers import ANSWERED, AnswerState, AnswerValue
from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import Edition

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
EDITIONS = REPO / "src" / "saferspaces" / "frameworks" / "editions"
REAL = EDITIONS / "ssf-2026.1.yaml"


def pipeline_text(
    *, threshold: float = 0.5, min_units: int = 5, overall: bool = False, extra: str = ""
) -> str:
    return f"""\
name: test pipeline
platform:
  overall: {str(overall).lower()}
  availability_threshold: {threshold}
  min_units_data_driven: {min_units}
steps:
  - step: normalise
    params: {{method: minmax, range: [0, 100]}}
  - step: weights
    params: {{method: framework}}
  - step: aggregate
    params: {{method: arithmetic}}
{extra}"""


def make_pipeline(edition: Edition, **kw: object) -> EditionPipeline:
    return edition_pipeline_load(
        text=pipeline_text(**kw),  # type: ignore[arg-type]
        edition=edition,
        source="test.pipeline.yaml",
    )


def ans(value: AnswerValue) -> AnswerState:
    return AnswerState(status=ANSWERED, value=value)


@pytest.fixture(scope="session")
def small() -> Edition:
    return edition_load(path=HERE / "fixtures" / "small.yaml")


@pytest.fixture(scope="session")
def real() -> Edition:
    return edition_load(path=REAL)
