"""Results of every instrument (pure Python): a registry of result models, each turning one
edition's answers into long-form facts with an explanation per unit.

Public API: :func:`results_compute` (the edition's model), :data:`RESULT_MODELS`,
:func:`result_model_get`, :func:`composite_unit_meta` and :func:`composite_unit_read` (one
stored composite unit read back), :class:`Fact`, :class:`ResultSet`, :class:`ResultWarning`,
:class:`ResultsError`. See ``docs/framework.md``, "Result models". No model ranks units.
"""

from .composite import composite_unit_meta, composite_unit_read
from .errors import ResultsError
from .facts import FACT_FIELDS, Fact, ResultSet, ResultWarning
from .registry import RESULT_MODELS, ResultModel, result_model_get, results_compute

__all__ = [
    "FACT_FIELDS",
    "RESULT_MODELS",
    "Fact",
    "ResultModel",
    "ResultSet",
    "ResultWarning",
    "ResultsError",
    "composite_unit_meta",
    "composite_unit_read",
    "result_model_get",
    "results_compute",
]
