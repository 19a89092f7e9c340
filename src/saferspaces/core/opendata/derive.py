"""Transforms that turn a dataset's raw codes into a framework indicator value.

Each transform takes the values of its input codes for one place and period (value and flags)
and gives one value with the union of the input flags, or ``None`` when an input it needs is
missing. ``describe()`` says in words how the value is made, for the provenance shown to
respondents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from saferspaces.core.opendata.errors import Location, SourceError

Cell = tuple[float | None, tuple[str, ...]]


def _merge_flags(cells: list[Cell]) -> tuple[str, ...]:
    merged: dict[str, None] = {}
    for _value, flags in cells:
        for flag in flags:
            merged[flag] = None
    return tuple(merged)


class Transform(Protocol):
    """How a derived indicator is computed from its inputs."""

    @property
    def inputs(self) -> tuple[str, ...]: ...

    def apply(self, values: Mapping[str, Cell]) -> Cell: ...

    def describe(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Direct:
    """The value of one code, as published."""

    code: str

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.code,)

    def apply(self, values: Mapping[str, Cell]) -> Cell:
        return values.get(self.code, (None, ()))

    def describe(self) -> str:
        return f"value of {self.code} as published"


@dataclass(frozen=True, slots=True)
class LikertTopShare:
    """Top-box share of a Likert answer block whose codes are shares of respondents in percent.

    ``block`` lists the answer codes from the most positive to the most negative, then the
    "don't know / no answer" code when ``dont_know`` is true. With ``rebase`` the share is taken
    among substantive answers only (don't know excluded from the denominator).
    """

    block: tuple[str, ...]
    top: int = 2
    dont_know: bool = True
    rebase: bool = False

    def __post_init__(self) -> None:
        substantive = len(self.block) - (1 if self.dont_know else 0)
        if not 1 <= self.top < substantive:
            raise SourceError(
                f"top={self.top} must leave at least one answer below it in a block of "
                f"{substantive} substantive answers",
                location=Location(",".join(self.block), step="define"),
            )

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.block

    def _substantive(self) -> tuple[str, ...]:
        return self.block[:-1] if self.dont_know else self.block

    def apply(self, values: Mapping[str, Cell]) -> Cell:
        top_cells = [values.get(code, (None, ())) for code in self.block[: self.top]]
        if any(value is None for value, _ in top_cells):
            return None, _merge_flags(top_cells)
        top_sum = sum(value for value, _ in top_cells if value is not None)
        if not self.rebase:
            return round(top_sum, 6), _merge_flags(top_cells)
        all_cells = [values.get(code, (None, ())) for code in self._substantive()]
        present = [value for value, _ in all_cells if value is not None]
        # a published share of 0 may be omitted as ':'; the top answers must be present
        denominator = sum(present)
        if denominator <= 0:
            return None, _merge_flags(all_cells)
        return round(100.0 * top_sum / denominator, 6), _merge_flags(all_cells)

    def describe(self) -> str:
        top = " + ".join(self.block[: self.top])
        if self.rebase:
            return (
                f"share of {top} among substantive answers {', '.join(self._substantive())} "
                "(don't know excluded), in percent"
            )
        return f"top-{self.top}-box share: {top}, in percent of all respondents"


@dataclass(frozen=True, slots=True)
class Ratio:
    """``numerator / denominator * scale`` (e.g. a share in percent, or a rate per 100 000)."""

    numerator: str
    denominator: str
    scale: float = 100.0

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def apply(self, values: Mapping[str, Cell]) -> Cell:
        cells = [values.get(code, (None, ())) for code in self.inputs]
        (num, _), (den, _) = cells
        if num is None or den is None or den == 0:
            return None, _merge_flags(cells)
        return round(num / den * self.scale, 6), _merge_flags(cells)

    def describe(self) -> str:
        return f"{self.numerator} / {self.denominator} x {self.scale:g}"
