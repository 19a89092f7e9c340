"""Scoring assessments with the engine (pure Python): answers -> indicator scores -> dimensions.

Public API: :func:`edition_scoring_framework`, :func:`edition_pipeline_load`,
:func:`edition_pipeline_default`, :func:`edition_pipeline_find`, :func:`assessments_score`,
:func:`score_result_to_json`, :func:`unit_scores_from_json`. See ``docs/methodology.md``,
"Scoring assessments". Nothing here ranks assessments.
"""

from .errors import AnswersError, AssessmentError, EditionPipelineError
from .hierarchy import (
    OVERALL_CODE,
    PASS_THROUGH,
    edition_scoring_framework,
    node_is_pass_through,
)
from .pipeline import (
    EditionPipeline,
    PlatformOptions,
    edition_pipeline_default,
    edition_pipeline_find,
    edition_pipeline_load,
)
from .result import (
    Availability,
    Gap,
    IndicatorRule,
    IndicatorScore,
    KindScore,
    NodeScores,
    RoundSpread,
    ScoreResult,
    UnitScores,
)
from .score import assessments_score
from .serialise import score_result_to_json, unit_scores_from_json
from .spread import (
    round_spread_codes,
    round_spread_combine,
    round_spread_indicators,
    round_spread_of_rows,
    round_spread_read,
    round_spread_rows,
)

__all__ = [
    "OVERALL_CODE",
    "PASS_THROUGH",
    "AnswersError",
    "AssessmentError",
    "Availability",
    "EditionPipeline",
    "EditionPipelineError",
    "Gap",
    "IndicatorRule",
    "IndicatorScore",
    "KindScore",
    "NodeScores",
    "PlatformOptions",
    "RoundSpread",
    "ScoreResult",
    "UnitScores",
    "assessments_score",
    "edition_pipeline_default",
    "edition_pipeline_find",
    "edition_pipeline_load",
    "edition_scoring_framework",
    "node_is_pass_through",
    "round_spread_codes",
    "round_spread_combine",
    "round_spread_indicators",
    "round_spread_of_rows",
    "round_spread_read",
    "round_spread_rows",
    "score_result_to_json",
    "unit_scores_from_json",
]
