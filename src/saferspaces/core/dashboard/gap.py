"""The perception-status gap read in plain words, with a documented threshold.

Scores are 0-100 with 100 the safest end, for perception (how safe people feel) and status
(what data and audits show). The gap is ``perception - status``:

- ``feel_less_safe``: gap <= -threshold. People feel less safe than the data suggest; levers
  are communication, lighting, design and presence.
- ``feel_safer``: gap >= +threshold. People feel safer than recorded data suggest; risks are
  under-reporting and blind spots in the data.
- ``aligned``: |gap| < threshold.
- ``uncertain``: the gap's interval (from a consensus spread) reaches both sides of a
  threshold, so the reading could change with the agreed answers.
- ``unknown``: perception or status has no score (the reason says which).
"""

from __future__ import annotations

from dataclasses import dataclass

GAP_CODES = ("feel_less_safe", "aligned", "feel_safer", "uncertain", "unknown")


@dataclass(frozen=True)
class GapReading:
    code: str
    value: float | None
    threshold: float
    interval: tuple[float, float] | None = None
    reason: str | None = None


def _side(value: float, threshold: float) -> str:
    if value <= -threshold:
        return "feel_less_safe"
    if value >= threshold:
        return "feel_safer"
    return "aligned"


def gap_read(
    *,
    value: float | None,
    threshold: float,
    interval: tuple[float, float] | None = None,
    reason: str | None = None,
) -> GapReading:
    """Classify a gap (perception minus status, in points) with ``threshold`` points."""
    if threshold <= 0:
        raise ValueError("the gap threshold must be positive")
    if value is None:
        return GapReading("unknown", None, threshold, interval, reason)
    code = _side(value, threshold)
    if interval is not None and _side(interval[0], threshold) != _side(interval[1], threshold):
        code = "uncertain"
    return GapReading(code, value, threshold, interval, reason)
