"""The registry of result models, chosen by ``edition.instrument.result_model``.

Each :class:`ResultModel` pairs the model's declaration (measures, sharing, privacy, ordering:
:data:`~saferspaces.core.framework.instrument.RESULT_MODEL_SPECS`) with its computation and the
format of its per-unit explanation. :func:`results_compute` runs the edition's model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from saferspaces.core.assessment import EditionPipeline, RoundSpread
from saferspaces.core.assessment.answers import Spread
from saferspaces.core.framework.instrument import RESULT_MODEL_SPECS, MeasureSpec, ResultModelSpec
from saferspaces.core.framework.model import Edition

from .common import Units
from .composite import composite_compute
from .errors import Problem, ResultsError
from .facts import ResultSet
from .levels import levels_compute
from .risk import risk_matrix_compute
from .survey import survey_compute
from .tally import tally_compute

_COUNTS = {
    "categories": "category code -> answers counted",
    "answered": "answers counted",
    "missing": "applicable without an answer (don't know, not collected, unanswered)",
    "not_applicable": "not applicable (skip logic or the status)",
}


@dataclass(frozen=True)
class ResultModel:
    """A result model: what it is (``spec``), how its explanation reads, how it computes."""

    spec: ResultModelSpec
    explanation: Mapping[str, Any]  # key of the per-unit explanation -> what it holds
    compute: Callable[..., ResultSet]

    @property
    def name(self) -> str:
        return self.spec.name

    def measures(self, *, edition: Edition) -> tuple[MeasureSpec, ...]:
        """The measures its facts carry for ``edition`` (composite: plus the declared ones)."""
        if self.name != "composite":
            return self.spec.measures
        inst = edition.instrument
        declared = tuple(MeasureSpec(m.code, m.label, "points") for m in inst.measures)
        contrasts = tuple(MeasureSpec(c.code, c.label, "difference") for c in inst.contrasts)
        return (*self.spec.measures, *declared, *contrasts)


RESULT_MODELS: Mapping[str, ResultModel] = {
    "composite": ResultModel(
        RESULT_MODEL_SPECS["composite"],
        {
            "indicators": "indicator -> kind, holder, status, value, score, weight, reason",
            "nodes": "dimension -> parent, children, all / perception / status (score, "
            "availability, weights, missing), gap",
        },
        composite_compute,
    ),
    "tally": ResultModel(
        RESULT_MODEL_SPECS["tally"],
        {
            "categories": "the categories counted, in order",
            "multiple": "true when an item takes several choices (shares add up to more)",
            "items": {"ITEM": _COUNTS},
            "dimensions": {"DIMENSION": _COUNTS},
            "per": {"INSTANCE": _COUNTS},
        },
        tally_compute,
    ),
    "risk_matrix": ResultModel(
        RESULT_MODEL_SPECS["risk_matrix"],
        {
            "risk": "the item holding the risk",
            "bands": "band code and lowest risk, lowest first",
            "ordered_within_subject": "how instances are ordered (the unit's own only)",
            "instances": "instance, risk, band, reason, inputs, missing inputs",
            "distribution": _COUNTS,
            "per": {"INSTANCE": _COUNTS},
        },
        risk_matrix_compute,
    ),
    "levels": ResultModel(
        RESULT_MODEL_SPECS["levels"],
        {
            "private": "always true: shown to the person only",
            "levels": "the levels, lowest first",
            "items": "item -> level, target, reached, reason",
        },
        levels_compute,
    ),
    "none": ResultModel(
        RESULT_MODEL_SPECS["none"],
        {"counted": "the items counted", "items": {"ITEM": _COUNTS}},
        survey_compute,
    ),
}


def result_model_get(*, name: str) -> ResultModel:
    """The model called ``name``; :class:`ResultsError` when there is none."""
    model = RESULT_MODELS.get(name)
    if model is None:
        known = ", ".join(RESULT_MODELS)
        raise ResultsError([Problem(f"no result model {name!r} (known: {known})")])
    return model


def results_compute(
    *,
    edition: Edition,
    units: Units,
    pipeline: EditionPipeline | None = None,
    spreads: Mapping[str, Mapping[str, Spread]] | None = None,
    overall: bool | None = None,
    round_spread: RoundSpread | None = None,
) -> ResultSet:
    """The results of ``units`` (unit -> answer key -> state) by the edition's model.

    ``pipeline``, ``spreads``, ``overall`` and ``round_spread`` are the composite model's (its
    default pipeline when none is given; ``overall`` overrides the pipeline's overall
    composite; with ``round_spread``, ``units`` are some units of the round it was read from,
    scored as the whole round's computation scores them). The other models compute each unit
    on its own. Raises :class:`ResultsError` (or the engine's ``AnswersError``) listing every
    answer that does not fit.
    """
    model = result_model_get(name=edition.instrument.result_model)
    if model.name == "composite":
        return composite_compute(
            edition=edition,
            units=units,
            pipeline=pipeline,
            spreads=spreads,
            overall=overall,
            round_spread=round_spread,
        )
    if pipeline is not None or spreads or overall is not None or round_spread is not None:
        raise ResultsError(
            [
                Problem(
                    "a pipeline, spreads and an overall composite are for the composite model, "
                    f"not {model.name}"
                )
            ]
        )
    return model.compute(edition=edition, units=units)
