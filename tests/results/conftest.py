"""Fixtures of the results tests: the demo (built once per module) and its people."""

from __future__ import annotations

from typing import Any

import pytest

from assessment_helpers import Team, team_make


@pytest.fixture
def team(demo_module: Any, db: None) -> Team:
    return team_make()


@pytest.fixture
def client_of(client: Any) -> Any:
    """``client_of(user)``: the test client logged in as ``user``."""

    def make(user: Any) -> Any:
        client.force_login(user)
        return client

    return make
