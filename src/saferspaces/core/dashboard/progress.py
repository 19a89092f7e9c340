"""Progress between rounds: which changes exceed the uncertainty, and which scores compare.

A change from score a (interval [a_lo, a_hi], or a point) to b is read as a real change when

    |b - a| > tolerance + (a_hi - a_lo) / 2 + (b_hi - b_lo) / 2

where ``tolerance`` (points, the edition pipeline's ``change_tolerance``) stands for the
measurement noise of self-reported figures and the intervals come from the engine (consensus
spreads). Smaller changes are ``within`` the uncertainty and are not marked as progress or
decline.

Across framework editions a (sub-)dimension is comparable only when it exists in both and every
indicator it holds in the newer edition is kept or renamed without a change of answer, scoring,
direction or kind, and none was dropped from it (``saferspaces.core.framework.edition_diff``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saferspaces.core.framework.diff import edition_diff
from saferspaces.core.framework.model import Edition


@dataclass(frozen=True)
class Change:
    """``direction`` is ``up``, ``down`` or ``within`` (the uncertainty); None when unknown."""

    before: float | None
    after: float | None
    delta: float | None
    uncertainty: float | None
    direction: str | None


def _half(interval: tuple[float, float] | None) -> float:
    return 0.0 if interval is None else abs(interval[1] - interval[0]) / 2


def change_read(
    *,
    before: float | None,
    after: float | None,
    tolerance: float,
    before_interval: tuple[float, float] | None = None,
    after_interval: tuple[float, float] | None = None,
) -> Change:
    """Read the change from ``before`` to ``after`` (0-100 points) against its uncertainty."""
    if tolerance < 0:
        raise ValueError("the change tolerance cannot be negative")
    if before is None or after is None:
        return Change(before, after, None, None, None)
    delta = after - before
    uncertainty = tolerance + _half(before_interval) + _half(after_interval)
    direction = "within" if abs(delta) <= uncertainty else ("up" if delta > 0 else "down")
    return Change(before, after, delta, uncertainty, direction)


def changes_up(*, before: np.ndarray, after: np.ndarray, tolerance: float) -> np.ndarray:
    """For many pairs of points (no intervals): whether each change from ``before`` to
    ``after`` is ``up`` as :func:`change_read` reads it (``after - before > tolerance``); a
    pair with a missing value (NaN) is not."""
    if tolerance < 0:
        raise ValueError("the change tolerance cannot be negative")
    with np.errstate(invalid="ignore"):
        delta = after - before
        return (np.abs(delta) > tolerance) & (delta > 0)


@dataclass(frozen=True)
class ComparableNode:
    code: str
    comparable: bool
    reason: str | None = None  # missing_before | indicators_changed | indicators_dropped


def nodes_comparable(*, old: Edition, new: Edition) -> dict[str, ComparableNode]:
    """For every (sub-)dimension of ``new``: can its scores be compared with ``old``'s?"""
    old_dims = {d.code: d for _a, d in old.dimensions_walk()}
    if old.id == new.id:
        return {code: ComparableNode(code, True) for code in old_dims}
    diff = edition_diff(old=old, new=new)
    by_new = {c.new_code: c for c in diff.indicators if c.new_code is not None}
    out: dict[str, ComparableNode] = {}
    for _anc, dim in new.dimensions_walk():
        members = {i.code for _a, d in dim.walk() for i in d.indicators}
        if dim.code not in old_dims:
            out[dim.code] = ComparableNode(dim.code, False, "missing_before")
            continue
        old_members = {i.code for _a, d in old_dims[dim.code].walk() for i in d.indicators}
        carried: set[str] = set()
        ok = True
        for code in members:
            change = by_new.get(code)
            if change is None or not change.comparable:
                ok = False
                break
            carried.update(change.old_codes)
        if not ok:
            out[dim.code] = ComparableNode(dim.code, False, "indicators_changed")
        elif old_members - carried:
            out[dim.code] = ComparableNode(dim.code, False, "indicators_dropped")
        else:
            out[dim.code] = ComparableNode(dim.code, True)
    return out
