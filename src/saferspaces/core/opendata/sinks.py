"""The load step's target: the :class:`Sink` protocol (the Django layer implements it in a
transaction) and an in-memory sink for tests and the command line's dry runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from saferspaces.core.opendata.observation import Observation
from saferspaces.core.opendata.report import DerivedValue, RunReport


class Sink(Protocol):
    """Receives a run's data. ``begin`` opens the run, ``add``/``add_derived`` stage batches,
    ``commit`` makes them visible together, ``rollback`` drops them (nothing loaded), and
    ``record`` stores the run report, whatever the outcome."""

    def begin(self, *, source: str, dataset: str) -> None: ...

    def add(self, batch: Sequence[Observation]) -> None: ...

    def add_derived(self, values: Sequence[DerivedValue]) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def record(self, report: RunReport) -> None: ...


@dataclass
class InMemorySink:
    """Keeps committed observations, derived values and every run report in lists."""

    observations: list[Observation] = field(default_factory=list)
    derived: list[DerivedValue] = field(default_factory=list)
    runs: list[RunReport] = field(default_factory=list)
    _staged: list[Observation] = field(default_factory=list)
    _staged_derived: list[DerivedValue] = field(default_factory=list)
    _open: bool = False

    def begin(self, *, source: str, dataset: str) -> None:
        self._staged = []
        self._staged_derived = []
        self._open = True

    def add(self, batch: Sequence[Observation]) -> None:
        self._staged.extend(batch)

    def add_derived(self, values: Sequence[DerivedValue]) -> None:
        self._staged_derived.extend(values)

    def commit(self) -> None:
        self.observations.extend(self._staged)
        self.derived.extend(self._staged_derived)
        self._staged, self._staged_derived, self._open = [], [], False

    def rollback(self) -> None:
        self._staged, self._staged_derived, self._open = [], [], False

    def record(self, report: RunReport) -> None:
        self.runs.append(report)


@dataclass
class CountingSink:
    """Counts what it is given and keeps nothing: for dry runs and memory-bounded benchmarks."""

    observations: int = 0
    derived: int = 0
    runs: list[RunReport] = field(default_factory=list)

    def begin(self, *, source: str, dataset: str) -> None:
        self.observations = 0
        self.derived = 0

    def add(self, batch: Sequence[Observation]) -> None:
        self.observations += len(batch)

    def add_derived(self, values: Sequence[DerivedValue]) -> None:
        self.derived += len(values)

    def commit(self) -> None:
        return None

    def rollback(self) -> None:
        self.observations = 0
        self.derived = 0

    def record(self, report: RunReport) -> None:
        self.runs.append(report)
