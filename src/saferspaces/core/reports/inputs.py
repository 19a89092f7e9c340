"""Plain inputs of the pilot analysis of a round (no Django): units, answers, scores, feedback.

A *unit* is one assessment of the round, named by a text key (the assessment id); ``authority``
is only for display and for sorting tables by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from saferspaces.core.framework.model import Edition


@dataclass(frozen=True)
class UnitInput:
    unit: str
    authority: str
    state: str  # draft | submitted | returned | accepted
    started_at: dt.datetime | None = None
    first_submitted_at: dt.datetime | None = None


@dataclass(frozen=True)
class AnswerInput:
    """The agreed answer of one unit to one question (``status`` as stored)."""

    unit: str
    code: str
    status: str
    value: object = None
    prefilled: bool = False


@dataclass(frozen=True)
class IndividualInput:
    """One respondent's own answer before the consensus (rounds with individual answers)."""

    unit: str
    code: str
    person: str
    status: str
    value: object = None


@dataclass(frozen=True)
class FlagInput:
    """Feedback a respondent left on a question (``reason``: unclear | not_fitting)."""

    code: str
    reason: str
    note: str = ""
    unit: str | None = None


@dataclass(frozen=True)
class UnitScores:
    """A unit's latest stored scores: indicator scores and (sub-)dimension scores, 0-100."""

    unit: str
    indicators: Mapping[str, float | None] = field(default_factory=dict)
    nodes: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class RoundInputs:
    edition: Edition
    units: tuple[UnitInput, ...]
    answers: tuple[AnswerInput, ...] = ()
    evidence: frozenset[tuple[str, str]] = frozenset()  # (unit, code) with evidence attached
    individual: tuple[IndividualInput, ...] = ()
    flags: tuple[FlagInput, ...] = ()
    scores: tuple[UnitScores, ...] = ()
