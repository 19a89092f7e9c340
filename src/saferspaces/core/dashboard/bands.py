"""Where an authority sits among similar authorities: a band, never a position.

The peer group's quartiles use linear interpolation between order statistics (Hyndman and
Fan's type 7, the default of R and NumPy). The band is ``below`` (score < Q1), ``within``
(Q1 <= score <= Q3) or ``above`` (score > Q3); the median is given for reference only. When the
score has an interval and the interval reaches into another band, the band is not ``stable``.
A group smaller than ``minimum`` gets no summary at all (:func:`distribution_summary` returns
None), so that nobody can work back to an individual authority's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BANDS = ("below", "within", "above")


@dataclass(frozen=True)
class Distribution:
    """Summary of a group's scores (only for groups of at least the minimum size)."""

    n: int
    q1: float
    median: float
    q3: float
    missing: int = 0  # group members without a score


@dataclass(frozen=True)
class PeerBand:
    band: str
    stable: bool
    score: float
    interval: tuple[float, float] | None
    peers: Distribution


def distribution_summary(*, values: Sequence[float | None], minimum: int) -> Distribution | None:
    """Quartiles of the values present; None when fewer than ``minimum`` have a value."""
    if minimum < 1:
        raise ValueError("the minimum group size must be at least 1")
    present = np.array([v for v in values if v is not None], dtype=float)
    present = present[np.isfinite(present)]
    if present.size < minimum:
        return None
    q1, median, q3 = np.percentile(present, [25, 50, 75])
    return Distribution(
        n=int(present.size),
        q1=float(q1),
        median=float(median),
        q3=float(q3),
        missing=len(values) - int(present.size),
    )


def _band(x: float, peers: Distribution) -> str:
    if x < peers.q1:
        return "below"
    if x > peers.q3:
        return "above"
    return "within"


def peer_band(
    *,
    score: float | None,
    peers: Sequence[float | None],
    minimum: int,
    interval: tuple[float, float] | None = None,
) -> PeerBand | None:
    """The band of ``score`` among ``peers`` (the authority itself excluded).

    None when the score is missing or fewer than ``minimum`` peers have a score.
    """
    if score is None:
        return None
    return peer_band_place(
        score=score, interval=interval, peers=distribution_summary(values=peers, minimum=minimum)
    )


def peer_band_place(
    *,
    score: float | None,
    peers: Distribution | None,
    interval: tuple[float, float] | None = None,
) -> PeerBand | None:
    """The band of ``score`` in an already summarised peer group (quartiles computed elsewhere,
    e.g. by the database with the same type-7 interpolation).

    None when the score is missing or the group has no summary (fewer than the minimum).
    """
    if score is None or peers is None:
        return None
    band = _band(score, peers)
    stable = interval is None or (_band(interval[0], peers) == band == _band(interval[1], peers))
    return PeerBand(band=band, stable=stable, score=score, interval=interval, peers=peers)
