"""Fixtures of the notification tests: the demo's people (built once per module)."""

from __future__ import annotations

import pytest

from assessment_helpers import Team, team_make


@pytest.fixture
def team(demo_module, db) -> Team:  # type: ignore[no-untyped-def]
    return team_make()
