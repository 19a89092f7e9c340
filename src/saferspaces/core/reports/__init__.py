"""The pilot analysis of an assessment round (pure Python): participation, response rates,
coverage, answer distributions, near-constant questions, reliability (Cronbach's alpha) and
correlations by the engine's audit functions, respondents' disagreement, feedback, and the
questions to revise with their reasons. See ``docs/methodology.md``, "Pilot analysis".

Public API: :func:`round_analyse` with :class:`RoundInputs`; thresholds in
:mod:`saferspaces.core.reports.thresholds`. No rankings: authorities are listed by name.
"""

from .analysis import RoundAnalysis, round_analyse
from .inputs import (
    AnswerInput,
    FlagInput,
    IndividualInput,
    RoundInputs,
    UnitInput,
    UnitScores,
)
from .revise import REASONS, QuestionToRevise, Reason
from .thresholds import Thresholds

__all__ = [
    "REASONS",
    "AnswerInput",
    "FlagInput",
    "IndividualInput",
    "QuestionToRevise",
    "Reason",
    "RoundAnalysis",
    "RoundInputs",
    "Thresholds",
    "UnitInput",
    "UnitScores",
    "round_analyse",
]
