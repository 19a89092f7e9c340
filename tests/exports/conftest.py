"""Fixtures of the export tests: the demo (built once per module), clients per persona, the
demo's first round, and export files written to a temporary media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def client_for(demo_module, db):  # type: ignore[no-untyped-def]
    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    def make(key: str) -> Client:
        c = Client()
        if key != "anonymous":
            c.force_login(User.objects.get(email=next(p.email for p in PERSONAS if p.key == key)))
        return c

    return make


@pytest.fixture
def export_round(demo_module, db) -> Any:  # type: ignore[no-untyped-def]
    from saferspaces.assessments.models import Round
    from saferspaces.demo.assessments import ROUND_TITLES

    return Round.objects.select_related("edition", "network").get(title=ROUND_TITLES[0])


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
