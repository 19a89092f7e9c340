"""Data model: a units x indicators matrix and the framework hierarchy.

Missing values are ``NaN`` throughout; no step turns them into zeros.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from .errors import DataError, Problem

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Node:
    """One indicator (level 1) or aggregate (level >= 2) of a framework."""

    code: str
    level: int
    parent: str | None = None
    direction: int = 1
    weight: float = 1.0
    name: str = ""
    kind: str | None = None
    target: float | None = None
    denominator: str | None = None
    unit: str = ""


@dataclass(frozen=True, eq=False)
class Framework:
    """A hierarchy of indicators and aggregates (built with :func:`framework_build`)."""

    nodes: tuple[Node, ...]
    _by_code: Mapping[str, Node] = field(repr=False)
    _children: Mapping[str, tuple[str, ...]] = field(repr=False)
    _memo: dict[object, object] = field(default_factory=dict, repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(n.code for n in self.nodes)

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(n.code for n in self.nodes if n.level == 1)

    @property
    def n_levels(self) -> int:
        return max(n.level for n in self.nodes)

    def node(self, code: str) -> Node:
        return self._by_code[code]

    def has(self, code: str) -> bool:
        return code in self._by_code

    def children(self, code: str) -> tuple[str, ...]:
        return self._children.get(code, ())

    def aggregates(self, level: int | None = None) -> tuple[str, ...]:
        """Aggregate codes (of one level, or of all levels in increasing order)."""
        if level is None:
            return tuple(
                n.code for lev in range(2, self.n_levels + 1) for n in self.nodes if n.level == lev
            )
        return tuple(n.code for n in self.nodes if n.level == level)

    def level_structure(
        self, level: int, present: tuple[str, ...]
    ) -> tuple[tuple[str, ...], npt.NDArray[np.intp], npt.NDArray[np.intp], tuple[str, ...]]:
        """Parents at ``level`` and (row, col, child code) of each child among ``present`` columns.

        Memoised (pure function of the framework), so repeated aggregations are cheap.
        """
        key = ("level", level, present)
        hit = self._memo.get(key)
        if hit is None:
            parents = self.aggregates(level)
            pos = {c: k for k, c in enumerate(present)}
            rows: list[int] = []
            cols: list[int] = []
            kids: list[str] = []
            for j, a in enumerate(parents):
                for ch in self.children(a):
                    if ch in pos:
                        rows.append(pos[ch])
                        cols.append(j)
                        kids.append(ch)
            hit = (
                parents,
                np.array(rows, dtype=np.intp),
                np.array(cols, dtype=np.intp),
                tuple(kids),
            )
            self._memo[key] = hit
        return hit  # type: ignore[return-value]

    def directions(self) -> dict[str, int]:
        return {n.code: n.direction for n in self.nodes}

    def weights(self) -> dict[str, float]:
        return {n.code: n.weight for n in self.nodes}

    def descendants(self, code: str, level: int = 1) -> tuple[str, ...]:
        """Codes at ``level`` below ``code`` (itself if it is at that level)."""
        node = self._by_code[code]
        if node.level == level:
            return (code,)
        out: list[str] = []
        for child in self.children(code):
            out.extend(self.descendants(child, level))
        return tuple(out)


def framework_build(nodes: Iterable[Node], *, source: str | None = None) -> Framework:
    """Validate a hierarchy and build a :class:`Framework`; collects all problems."""
    node_list = list(nodes)
    problems: list[Problem] = []
    by_code: dict[str, Node] = {}
    for n in node_list:
        if not n.code:
            problems.append(Problem("empty code", file=source))
            continue
        if n.code in by_code:
            problems.append(Problem("code defined twice", file=source, indicator=n.code))
            continue
        by_code[n.code] = n
        if n.level < 1:
            problems.append(
                Problem(f"level must be >= 1, got {n.level}", file=source, indicator=n.code)
            )
        if n.direction not in (-1, 1):
            problems.append(
                Problem(
                    f"direction must be 1 or -1, got {n.direction}", file=source, indicator=n.code
                )
            )
        if not math.isfinite(n.weight) or n.weight < 0:
            problems.append(
                Problem(
                    f"weight must be a finite number >= 0, got {n.weight}",
                    file=source,
                    indicator=n.code,
                )
            )
    children: dict[str, list[str]] = {}
    for n in by_code.values():
        if n.parent is None:
            continue
        parent = by_code.get(n.parent)
        if parent is None:
            problems.append(
                Problem(f"parent {n.parent!r} is not defined", file=source, indicator=n.code)
            )
            continue
        if parent.level != n.level + 1:
            problems.append(
                Problem(
                    f"parent {n.parent!r} is at level {parent.level}, expected level {n.level + 1}",
                    file=source,
                    indicator=n.code,
                )
            )
        children.setdefault(n.parent, []).append(n.code)
    if by_code and not problems:
        top = max(n.level for n in by_code.values())
        for n in by_code.values():
            if n.level > 1 and n.code not in children:
                problems.append(Problem("aggregate has no children", file=source, indicator=n.code))
            if n.level < top and n.parent is None:
                problems.append(
                    Problem("only the top level may have no parent", file=source, indicator=n.code)
                )
    if not any(n.level == 1 for n in by_code.values()) and not problems:
        problems.append(Problem("the framework has no indicators (level 1)", file=source))
    if problems:
        raise DataError(problems)
    return Framework(
        nodes=tuple(by_code.values()),
        _by_code=MappingProxyType(by_code),
        _children=MappingProxyType({k: tuple(v) for k, v in children.items()}),
    )


@dataclass(frozen=True, eq=False)
class Dataset:
    """A units x codes matrix of values (``NaN`` = missing) plus unit attributes.

    ``groups`` holds categorical unit attributes (e.g. a size group), ``denominators`` numeric
    unit attributes used by the denominate step, ``times`` the round of each row for panels.
    """

    units: tuple[str, ...]
    codes: tuple[str, ...]
    values: FloatArray
    groups: Mapping[str, tuple[str | None, ...]] = field(default_factory=dict)
    denominators: Mapping[str, FloatArray] = field(default_factory=dict)
    names: tuple[str, ...] | None = None
    times: FloatArray | None = None

    def __post_init__(self) -> None:
        if self.values.shape != (len(self.units), len(self.codes)):
            raise ValueError(
                f"values shape {self.values.shape} != ({len(self.units)}, {len(self.codes)})"
            )

    def index(self, code: str) -> int:
        return self.codes.index(code)

    def matrix(self, codes: Sequence[str]) -> FloatArray:
        """Values of ``codes`` (a view, not a copy, when they are all the columns in order)."""
        if tuple(codes) == self.codes:
            return self.values
        return self.values[:, [self.codes.index(c) for c in codes]]

    def column(self, code: str) -> FloatArray:
        return self.values[:, self.codes.index(code)]

    def with_values(self, values: FloatArray, codes: Sequence[str] | None = None) -> Dataset:
        return replace(self, values=values, codes=tuple(codes) if codes is not None else self.codes)

    def select_units(self, keep: BoolArray) -> Dataset:
        idx = np.flatnonzero(keep)
        return replace(
            self,
            units=tuple(self.units[i] for i in idx),
            values=self.values[idx, :],
            groups={k: tuple(v[i] for i in idx) for k, v in self.groups.items()},
            denominators={k: v[idx] for k, v in self.denominators.items()},
            names=tuple(self.names[i] for i in idx) if self.names is not None else None,
            times=self.times[idx] if self.times is not None else None,
        )

    def select_codes(self, codes: Sequence[str]) -> Dataset:
        idx = [self.codes.index(c) for c in codes]
        return replace(self, codes=tuple(codes), values=self.values[:, idx])

    def as_dict(self) -> dict[str, dict[str, float]]:
        """``{unit: {code: value}}`` (for small data sets and tests)."""
        return {
            u: {c: float(self.values[i, j]) for j, c in enumerate(self.codes)}
            for i, u in enumerate(self.units)
        }


def dataset_build(
    *,
    units: Sequence[str],
    codes: Sequence[str],
    values: npt.ArrayLike,
    groups: Mapping[str, Sequence[str | None]] | None = None,
    denominators: Mapping[str, npt.ArrayLike] | None = None,
    names: Sequence[str] | None = None,
    times: npt.ArrayLike | None = None,
    source: str | None = None,
) -> Dataset:
    """Validate and build a :class:`Dataset` (unique unit codes per round, finite or NaN values)."""
    problems: list[Problem] = []
    arr = np.array(values, dtype=np.float64)
    if arr.ndim != 2 or arr.shape != (len(units), len(codes)):
        raise DataError(
            [Problem(f"values must have shape ({len(units)}, {len(codes)})", file=source)]
        )
    tarr = None if times is None else np.asarray(times, dtype=np.float64)
    seen: set[tuple[str, float]] = set()
    for i, u in enumerate(units):
        key = (u, float(tarr[i]) if tarr is not None else 0.0)
        if key in seen:
            problems.append(Problem("unit code appears twice", file=source, unit=u))
        seen.add(key)
    if len(set(codes)) != len(codes):
        dup = sorted({c for c in codes if list(codes).count(c) > 1})
        problems.extend(Problem("code appears twice", file=source, indicator=c) for c in dup)
    if np.isinf(arr).any():
        for i, j in zip(*np.nonzero(np.isinf(arr)), strict=True):
            problems.append(
                Problem("value is infinite", file=source, unit=units[i], indicator=codes[j])
            )
    if problems:
        raise DataError(problems)
    return Dataset(
        units=tuple(units),
        codes=tuple(codes),
        values=arr,
        groups={k: tuple(v) for k, v in (groups or {}).items()},
        denominators={k: np.asarray(v, dtype=np.float64) for k, v in (denominators or {}).items()},
        names=tuple(names) if names is not None else None,
        times=tarr,
    )
