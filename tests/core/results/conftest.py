"""Editions of the result-model tests: the fixtures of the framework tests and the examples of
docs/framework.md (one per result model)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from saferspaces.core.framework import Edition, edition_load

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
FIXTURES = REPO / "tests" / "core" / "framework" / "fixtures"
FIRST_EDITION = REPO / "src" / "saferspaces" / "frameworks" / "editions" / "ssf-2026.1.yaml"
DOC = REPO / "docs" / "framework.md"


def doc_examples() -> dict[str, Edition]:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- example: (\w+) -->\n```yaml\n(.*?)```", text, re.S)
    return {name: edition_load(text=body, file=name) for name, body in found}


@pytest.fixture(scope="session")
def examples() -> dict[str, Edition]:
    return doc_examples()


@pytest.fixture(scope="session")
def pyramid() -> Edition:
    return edition_load(path=FIXTURES / "pyramid.yaml")


@pytest.fixture(scope="session")
def vulnerability() -> Edition:
    return edition_load(path=FIXTURES / "vulnerability.yaml")


@pytest.fixture(scope="session")
def first() -> Edition:
    return edition_load(path=FIRST_EDITION)
