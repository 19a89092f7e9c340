"""The instrument an edition declares (format version 2): its subject, respondents, result
model and parameters, measures, contrasts, peers, sharing and checklist sections.

A version-1 file declares nothing: it is the first instrument, :func:`instrument_v1` (composite
scores of perception and status, the gap between them, the pipeline's peer conditions, everything
shared, the five checklist sections of the first edition).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from saferspaces.core.framework.texts import Text
from saferspaces.core.labels import label

CONTEXT_KIND = "context"
SUBJECTS = ("authority", "site", "person")
RESPONDENTS = ("team", "individual")
RESULT_MODELS = ("composite", "tally", "risk_matrix", "levels", "none")
# the background conditions the platform's peer finder knows (the pipeline's platform.background)
PEER_CONDITIONS = ("population", "density", "urbanisation", "income")
SHARING_KEYS = ("peers", "publish", "export")


@dataclass(frozen=True)
class Measure:
    """What an instrument's indicators measure (the first instrument: perception, status)."""

    code: str
    label: Text
    description: Text | None = None


@dataclass(frozen=True)
class Contrast:
    """A declared difference of two measures (the first instrument: gap = perception - status)."""

    code: str
    label: Text
    difference: tuple[str, str]  # (a, b): the contrast is a - b
    description: Text | None = None


@dataclass(frozen=True)
class ChecklistSection:
    code: str
    title: Text


@dataclass(frozen=True)
class Peers:
    """Background conditions used to find similar peers: condition -> context indicator code.

    ``source == "pipeline"`` (version-1 files): the conditions are mapped by the edition's
    pipeline file (``platform.background``), not by the edition.
    """

    conditions: Mapping[str, str] = field(default_factory=dict)
    source: str = "edition"


@dataclass(frozen=True)
class Sharing:
    """What may leave the subject's own view: shown to peers, published, exported."""

    peers: bool = False
    publish: bool = False
    export: bool = False


@dataclass(frozen=True)
class Band:
    """A risk band: values from ``min`` (inclusive) up to the next band's ``min``."""

    code: str
    label: Text
    min: float


@dataclass(frozen=True)
class CompositeParams:
    """Composite scores: the parameters live in the edition's pipeline file."""


@dataclass(frozen=True)
class TallyParams:
    by: tuple[str, ...]  # choice items counted by category
    per: str | None = None  # a repeat group: a distribution per instance as well


@dataclass(frozen=True)
class RiskMatrixParams:
    risk: str  # the (computed) item holding the risk of one instance
    bands: tuple[Band, ...]
    per: str | None = None  # an enclosing repeat group: the distribution per instance


@dataclass(frozen=True)
class LevelsParams:
    levels: tuple[str, ...]  # choice codes, lowest first
    target: str
    targets: Mapping[str, str] = field(default_factory=dict)  # item code -> its own target
    items: tuple[str, ...] = ()  # the items assessed (empty: every item answered by a level)


@dataclass(frozen=True)
class SurveyParams:
    count: tuple[str, ...] = ()  # choice items whose answers are counted by choice


ResultParams = CompositeParams | TallyParams | RiskMatrixParams | LevelsParams | SurveyParams

V1_MEASURES = (
    Measure("perception", label("measure.perception")),
    Measure("status", label("measure.status")),
)
V1_CONTRASTS = (Contrast("gap", label("contrast.gap"), ("perception", "status")),)
#: the sections of a first-format checklist, titled as the fill-in pages title them
V1_SECTIONS = tuple(
    ChecklistSection(code, label(f"checklist.section.{code}"))
    for code in ("scope", "geography", "sources", "surveys", "people")
)
_FAMILY_RE = re.compile(r"^[a-z][a-z0-9_]*")


def edition_family(*, edition_id: str) -> str:
    """The family a version-1 edition belongs to: its id up to the first '-' (``ssf``)."""
    m = _FAMILY_RE.match(edition_id)
    return m.group(0)[:32] if m else "edition"


@dataclass(frozen=True)
class Instrument:
    """The header of a version-2 file; a version-1 file gets :func:`instrument_v1`."""

    family: str
    subject: str = "authority"
    respondents: str = "team"
    result_model: str = "composite"
    result: ResultParams = field(default_factory=CompositeParams)
    measures: tuple[Measure, ...] = V1_MEASURES
    contrasts: tuple[Contrast, ...] = V1_CONTRASTS
    peers: Peers | None = field(default_factory=lambda: Peers(source="pipeline"))
    sharing: Sharing = field(default_factory=lambda: Sharing(True, True, True))
    sections: tuple[ChecklistSection, ...] = V1_SECTIONS
    declared: bool = False  # True when the file declares it (format version 2)

    def measure_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.measures)

    def kinds(self) -> tuple[str, ...]:
        """The values an indicator's ``kind`` may take: the measures, then ``context``."""
        return (*self.measure_codes(), CONTEXT_KIND)


def instrument_v1(*, edition_id: str) -> Instrument:
    """The first instrument, as every version-1 file declares it implicitly."""
    return Instrument(family=edition_family(edition_id=edition_id))


@dataclass(frozen=True)
class MeasureSpec:
    """A measure a result model produces; ``unit`` says how to read its values."""

    code: str
    label: Text
    unit: str  # points (0-100) | share (0-1) | count | level (1 = lowest) | value | difference


@dataclass(frozen=True)
class ResultModelSpec:
    """What a result model is, declared once; :mod:`saferspaces.core.results` computes it.

    ``may_share`` bounds the edition's ``sharing`` (a file asking for more is refused);
    ``visible_to_colleagues`` False keeps one respondent's results to that person;
    ``orders_within_subject`` True means the model may order the subject's *own* parts (an
    authority's own risk scenarios): never subjects among themselves, which no model does;
    ``aggregate_min_units`` is the fewest subjects an aggregate of its results may show.
    """

    name: str
    summary: str
    params: str | None  # the schema object of its `result:` parameters
    measures: tuple[MeasureSpec, ...]
    may_share: frozenset[str]
    subjects: tuple[str, ...] = SUBJECTS
    visible_to_colleagues: bool = True
    orders_within_subject: bool = False
    aggregate_min_units: int | None = None


def _m(code: str, unit: str) -> MeasureSpec:
    """A measure labelled ``result_measure.<code>`` in ``core/labels``."""
    return MeasureSpec(code, label(f"result_measure.{code}"), unit)


COVERAGE = _m("coverage", "share")
COUNT = _m("count", "count")
SHARE = _m("share", "share")
RESULT_MODEL_SPECS: Mapping[str, ResultModelSpec] = {
    "composite": ResultModelSpec(
        name="composite",
        summary="weighted composite scores (0-100) per dimension, per measure, and contrasts",
        params=None,
        measures=(_m("score", "points"), COVERAGE),
        may_share=frozenset(SHARING_KEYS),
    ),
    "tally": ResultModelSpec(
        name="tally",
        summary="counts and shares of answers by category, per dimension and repeat instance",
        params="result_tally",
        measures=(COUNT, SHARE, COVERAGE),
        may_share=frozenset(SHARING_KEYS),
    ),
    "risk_matrix": ResultModelSpec(
        name="risk_matrix",
        summary="the risk of each instance (e.g. consequence x probability), its band, and the "
        "distribution of bands per enclosing instance",
        params="result_risk_matrix",
        measures=(_m("risk", "value"), COUNT, SHARE, COVERAGE),
        may_share=frozenset(),
        orders_within_subject=True,
    ),
    "levels": ResultModelSpec(
        name="levels",
        summary="the level reached on each item against its target, per person",
        params="result_levels",
        measures=(
            _m("level", "level"),
            _m("target", "level"),
            _m("reached", "count"),
            SHARE,
            COVERAGE,
        ),
        may_share=frozenset(),
        subjects=("person",),
        visible_to_colleagues=False,
        aggregate_min_units=5,
    ),
    "none": ResultModelSpec(
        name="none",
        summary="a descriptive survey: counts of answers by choice where declared, else nothing",
        params="result_none",
        measures=(COUNT, SHARE, COVERAGE),
        may_share=frozenset(SHARING_KEYS),
    ),
}
