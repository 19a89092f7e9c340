"""Shared fixtures of the open-data app tests: places (NUTS chains, authorities) and a clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from child_processes import Processes

CORE_FIXTURES = Path(__file__).resolve().parents[1] / "core" / "opendata" / "fixtures"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class StepClock:
    """A clock that advances one second per call, starting at a fixed instant."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        current = self.now
        self.now += timedelta(seconds=1)
        return current


def authority_make(*, name: str, country: str, nuts3: str, labels: tuple[str, str, str]) -> Any:
    """An authority in the NUTS 3 region ``nuts3`` (its NUTS 2 and 1 parents are created)."""
    from saferspaces.authorities.models import Authority, AuthorityKind, NutsRegion

    parent = None
    for level, (code, label) in enumerate(
        zip((nuts3[:3], nuts3[:4], nuts3), labels, strict=True), start=1
    ):
        parent, _ = NutsRegion.objects.get_or_create(
            code=code,
            defaults={"label": label, "level": level, "country_code": country, "parent": parent},
        )
    return Authority.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        country_code=country,
        kind=AuthorityKind.CITY,
        nuts_region=parent,
    )


@pytest.fixture
def make_authority(db: Any) -> Callable[..., Any]:
    return authority_make


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """Child processes (web servers, task workers, commands), killed at the end of the test."""
    logs = tmp_path / "logs"
    logs.mkdir()
    children = Processes(logs)
    try:
        yield children
    finally:
        children.kill_all()
