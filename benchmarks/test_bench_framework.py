"""Framework editions at scale: 1 000 questions.

Targets (issue 3): load and validate in under 1 s; export and re-import as XLSForm in under 5 s.
"""

from __future__ import annotations

import io

import pytest

from saferspaces.core.framework import Edition, edition_load
from saferspaces.core.framework.dump import edition_dump
from saferspaces.core.framework.loader import edition_from_data
from saferspaces.core.framework.synthetic import edition_synthetic_data
from saferspaces.core.framework.xlsform_export import xlsform_export
from saferspaces.core.framework.xlsform_import import xlsform_import


@pytest.fixture(scope="module")
def big() -> Edition:
    edition = edition_from_data(data=edition_synthetic_data(questions=1000, seed=1))
    assert sum(1 for _ in edition.indicators()) == 1000
    return edition


def test_load_and_validate_1000_questions(benchmark, big: Edition) -> None:  # type: ignore[no-untyped-def]
    text = edition_dump(edition=big)
    result = benchmark.pedantic(lambda: edition_load(text=text), rounds=7, iterations=1)
    assert result == big
    assert benchmark.stats.stats.median < 1.0


def test_xlsform_export_and_reimport_1000_questions(benchmark, big: Edition) -> None:  # type: ignore[no-untyped-def]
    def round_trip() -> Edition:
        buf = io.BytesIO()
        xlsform_export(edition=big, out=buf)
        buf.seek(0)
        return xlsform_import(stream=buf)

    result = benchmark.pedantic(round_trip, rounds=5, iterations=1)
    assert result == big
    assert benchmark.stats.stats.median < 5.0
