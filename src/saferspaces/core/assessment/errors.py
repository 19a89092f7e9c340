"""Error types of assessment scoring (subclasses of the scoring engine's, same locations)."""

from __future__ import annotations

from saferspaces.core.scoring.errors import PipelineError, Problem, ScoringError

__all__ = ["AnswersError", "AssessmentError", "EditionPipelineError", "Problem"]


class AssessmentError(ScoringError):
    """Bad input to assessment scoring: every :class:`Problem` with file/step/indicator/unit."""


class EditionPipelineError(AssessmentError, PipelineError):
    """An edition's pipeline file does not fit the platform or the edition."""


class AnswersError(AssessmentError):
    """Stored answers that cannot be scored (unknown question, value that does not fit)."""
