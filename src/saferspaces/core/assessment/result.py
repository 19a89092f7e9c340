"""What scoring a round returns: every number with what it is made of (no ranks anywhere)."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from saferspaces.core.framework.answers import AnswerValue
from saferspaces.core.scoring.errors import StepWarning

if TYPE_CHECKING:
    from .pipeline import EditionPipeline

# effective statuses of an indicator in a score; "unscorable" = answered but no score
# (data_driven with too few units or no spread across units, a choice without a score)
AVAILABILITY_KEYS = (
    "answered",
    "dont_know",
    "not_collected",
    "unanswered",
    "not_applicable",
    "unscorable",
)
#: an Availability's counts in the order of AVAILABILITY_KEYS (one C call: a round of 10,000
#: assessments' explanations hold 360,000 of them)
_availability_values = operator.attrgetter(*AVAILABILITY_KEYS)
KIND_KEYS = ("all", "perception", "status")

# reason codes
INSUFFICIENT_DATA = "insufficient_data"  # availability below the threshold
NO_INDICATORS_OF_KIND = "no_indicators_of_kind"  # the node has no scored indicator of the kind
ALL_NOT_APPLICABLE = "not_applicable"  # every indicator of the kind is not applicable
NOT_RELEVANT = "not_relevant"  # skip logic made the question irrelevant
TOO_FEW_UNITS = "too_few_units"  # data_driven: fewer than N units with a value
ZERO_RANGE = "zero_range"  # data_driven: every unit gave the same value
NO_CHOICE_SCORE = "no_choice_score"  # the chosen options carry no score
PERCEPTION_MISSING = "perception_missing"
STATUS_MISSING = "status_missing"


@dataclass(frozen=True)
class IndicatorRule:
    """How an indicator's answer becomes its 0-100 score: method and parameters as data."""

    code: str
    method: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator of one assessment.

    ``status`` is the effective status (skip logic turns an irrelevant question into
    ``not_applicable`` with reason ``not_relevant``); ``value`` the raw answer; ``score`` 0-100 or
    None; ``weight`` the framework weight; ``effective_weight`` its share in the combined score
    of the (sub-)dimension that holds it (None when it does not count).
    """

    code: str
    kind: str
    holder: str
    status: str
    reason: str | None
    value: AnswerValue
    score: float | None
    weight: float
    effective_weight: float | None = None
    interval: tuple[float, float] | None = None
    spread: tuple[AnswerValue, AnswerValue] | None = None


@dataclass(frozen=True)
class Availability:
    """Counts of a node's indicators (of one kind) by effective status."""

    answered: int = 0
    dont_know: int = 0
    not_collected: int = 0
    unanswered: int = 0
    not_applicable: int = 0
    unscorable: int = 0

    @property
    def applicable(self) -> int:
        return self.answered + self.missing

    @property
    def missing(self) -> int:
        return self.dont_know + self.not_collected + self.unanswered + self.unscorable

    @property
    def share(self) -> float | None:
        """Share of applicable indicators with a score (None when none is applicable)."""
        return self.answered / self.applicable if self.applicable else None

    def as_dict(self) -> dict[str, int]:
        return dict(zip(AVAILABILITY_KEYS, _availability_values(self), strict=True))


@dataclass(frozen=True)
class KindScore:
    """A node's score over its indicators of one kind (or all kinds).

    ``weights`` gives each contributing indicator's effective weight (they sum to 1) and
    ``contributions`` weight x score (they sum to the score); ``missing`` names every applicable
    indicator without a score with its reason. ``interval`` is (worst, best) with every spread
    answer at its worst and at its best end.
    """

    score: float | None
    reason: str | None
    availability: Availability
    weights: Mapping[str, float] = field(default_factory=dict)
    contributions: Mapping[str, float] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)
    interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class Gap:
    """Perception minus status (None with a reason when either is missing)."""

    value: float | None
    reason: str | None
    interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class NodeScores:
    """A dimension, sub-dimension or the optional overall composite of one assessment."""

    code: str
    parent: str | None
    children: tuple[str, ...]
    indicators: tuple[str, ...]  # indicators it holds directly
    all_kinds: KindScore
    perception: KindScore
    status: KindScore
    gap: Gap

    def kind(self, key: str) -> KindScore:
        """``all``, ``perception`` or ``status``."""
        return {"all": self.all_kinds, "perception": self.perception, "status": self.status}[key]


@dataclass(frozen=True)
class StepInfo:
    kind: str
    id: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class UnitScores:
    """Everything needed to show and explain one assessment's scores."""

    unit: str
    edition_id: str
    pipeline_name: str
    pipeline_sha256: str
    rules: Mapping[str, IndicatorRule]
    indicators: Mapping[str, IndicatorScore]
    nodes: Mapping[str, NodeScores]
    warnings: tuple[StepWarning, ...] = ()  # the engine's warnings that concern this unit


@dataclass(frozen=True)
class RoundSpread:
    """What scoring some units of a round needs from the others: the round's number of units
    and, for each data_driven indicator, how many units give it a value and the lowest and
    highest of those values (raw, as answered).

    Only ``data_driven`` indicators are normalised across units (the pipeline refuses every
    other step that reads more than one unit), so units scored with the round's spread get
    exactly the scores a computation of the whole round gives them: a round is scored chunk by
    chunk, and one submission alone, with :func:`round_spread_read` of the whole round.
    """

    n_units: int
    #: indicator code -> (units with a value, lowest value, highest value; None without one)
    columns: Mapping[str, tuple[int, float | None, float | None]]
    min_units: int

    def ends(self, code: str) -> tuple[float, float] | None:
        """The lowest and highest values normalisation uses (None when it uses none: no value,
        or fewer units with a value than the pipeline's ``min_units_data_driven``)."""
        n, lo, hi = self.columns.get(code, (0, None, None))
        if n < self.min_units or lo is None or hi is None:
            return None
        return lo, hi

    def reasons(self, pipeline: EditionPipeline) -> list[tuple[str, str, int]]:
        """(indicator, reason, units) for each data_driven indicator the round cannot normalise:
        too few units give it a value, or (min-max) they all give the same value."""
        out = []
        for code, (n, lo, hi) in sorted(self.columns.items()):
            if 0 < n < self.min_units:
                out.append((code, TOO_FEW_UNITS, n))
            elif n and lo == hi and pipeline.normalisation(code)["method"] == "minmax":
                out.append((code, ZERO_RANGE, n))
        return out


@dataclass(frozen=True)
class ScoreResult:
    """The scores of a round: per unit, plus the pipeline that produced them."""

    edition_id: str
    pipeline_name: str
    pipeline_sha256: str
    pipeline_source: str
    steps: tuple[StepInfo, ...]
    options: Mapping[str, Any]
    n_units: int
    rules: Mapping[str, IndicatorRule]
    units: Mapping[str, UnitScores]
    warnings: tuple[StepWarning, ...] = ()  # of the engine's steps (normalisation, weights)
    #: the round's spread the data_driven indicators were normalised with
    round_spread: RoundSpread | None = None

    def unit(self, code: str) -> UnitScores:
        return self.units[code]
