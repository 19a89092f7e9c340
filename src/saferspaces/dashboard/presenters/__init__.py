"""Result presenters: one per result model, turning results into the dashboard's sections and
charts (each chart defined once, in :mod:`saferspaces.dashboard.charts` or beside its
presenter, so the web page and the printed report draw the same one).

:data:`PRESENTERS` is keyed by the result model's name (``composite``, ``tally``,
``risk_matrix``, ``levels``, ``none``); :func:`presenter_get` finds one. Each presenter follows
its model's declaration (:data:`saferspaces.core.framework.instrument.RESULT_MODEL_SPECS`): no
presenter orders subjects; ``risk_matrix`` orders a subject's own instances (its scenarios);
``levels`` shows a person's levels to that person only (``visible_to_colleagues`` is false).

Input: the first instrument's profile (``composite``) reads the dashboard's read functions
(``profile.py``); the others read one unit's :class:`UnitResults` (its long-form facts and
explanation, as the results layer stores them).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from saferspaces.errors import DomainError

from .base import Audience, Presentation, Presenter, Section, UnitResults, unit_results
from .composite import COMPOSITE
from .levels import LEVELS
from .risk import RISK_MATRIX
from .survey import SURVEY
from .tally import TALLY

PRESENTERS: Mapping[str, Presenter] = {
    p.name: p for p in (COMPOSITE, TALLY, RISK_MATRIX, LEVELS, SURVEY)
}


def presenter_get(*, name: str) -> Presenter:
    """The presenter of the result model ``name``; :class:`DomainError` when there is none."""
    presenter = PRESENTERS.get(name)
    if presenter is None:
        raise DomainError(
            _("No presenter for the result model %(name)s.") % {"name": name},
            field="result_model",
        )
    return presenter


__all__ = [
    "PRESENTERS",
    "Audience",
    "Presentation",
    "Presenter",
    "Section",
    "UnitResults",
    "presenter_get",
    "unit_results",
]
