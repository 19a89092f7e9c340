"""Shared test fixtures.

A test that needs a component a contributor's machine may lack (``../shared/data``, Chromium,
PostgreSQL) calls :func:`require` with a reason: it skips locally, and fails under
``SAFERSPACES_CI=1`` (set by ``.ci/run``), where every component must be present.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SAFERSPACES_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def in_ci() -> bool:
    return os.environ.get("SAFERSPACES_CI", "") not in ("", "0", "false", "no")


def require(condition: bool, reason: str) -> None:
    """Skip the current test when ``condition`` is false, or fail it in CI."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"SAFERSPACES_CI=1 and a required component is missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to the real reference data in ``../shared/data`` (read-only, never copied)."""
    require(SHARED_DATA.is_dir(), f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA
