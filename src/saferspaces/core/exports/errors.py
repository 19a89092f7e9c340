"""Error type of the export core: every problem says where (table, column, unit) and what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    message: str
    table: str | None = None
    column: str | None = None
    unit: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                f"table {self.table!r}" if self.table else "",
                f"column {self.column!r}" if self.column else "",
                f"unit {self.unit!r}" if self.unit else "",
            )
            if p
        )
        return f"{where}: {self.message}" if where else self.message


class ExportError(Exception):
    """An export cannot be built as asked (unknown table or format, bad rows)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems) or (Problem("unknown export error"),)
        super().__init__("; ".join(str(p) for p in self.problems))
