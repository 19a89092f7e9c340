"""Errors of the result models: answers that do not fit the edition (every one, located)."""

from __future__ import annotations

from saferspaces.core.scoring.errors import Problem, ScoringError

__all__ = ["Problem", "ResultsError"]


class ResultsError(ScoringError):
    """Answers that cannot be turned into results: unknown items, keys or values that do not
    fit; each :class:`Problem` names the unit and the answer key (``indicator``)."""
