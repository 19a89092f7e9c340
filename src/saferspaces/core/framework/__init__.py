"""The self-assessment framework as versioned, validated data (pure Python).

Public API: :func:`edition_load`, :func:`edition_diff`, :func:`relevance_evaluate`,
:func:`answer_score`, :func:`xlsform_export`, :func:`xlsform_import`, :func:`edition_dump`.
"""

from saferspaces.core.framework.errors import (
    AnswerError,
    FrameworkError,
    FrameworkValidationError,
    Problem,
    problems_report,
)
from saferspaces.core.framework.loader import edition_from_data, edition_load
from saferspaces.core.framework.model import (
    AnswerSpec,
    Change,
    ChecklistItem,
    Choice,
    Dimension,
    Edition,
    Guidance,
    Indicator,
    Relevance,
    ScalePoint,
    Scoring,
    Source,
    text_get,
)

__all__ = [
    "AnswerError",
    "AnswerSpec",
    "Change",
    "ChecklistItem",
    "Choice",
    "Dimension",
    "Edition",
    "FrameworkError",
    "FrameworkValidationError",
    "Guidance",
    "Indicator",
    "Problem",
    "Relevance",
    "ScalePoint",
    "Scoring",
    "Source",
    "edition_from_data",
    "edition_load",
    "problems_report",
    "text_get",
]
