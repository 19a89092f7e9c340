"""The typed model of a framework edition (frozen dataclasses).

All human text is a :data:`Text`: a mapping from language code to string. Build editions with
:func:`saferspaces.core.framework.loader.edition_load`, which validates them first.

Format version 2 adds the instrument header (:class:`Instrument`), rich content, repeat groups
and computed fields; a version-1 file is the first instrument with the defaults of
:func:`instrument_v1`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from saferspaces.core.framework.instrument import Instrument, edition_family
from saferspaces.core.framework.texts import Text as Text  # re-exported: model.Text
from saferspaces.core.framework.texts import text_get as text_get
from saferspaces.core.labels import labels_group

if TYPE_CHECKING:  # the expression parser is imported only by files that compute
    from saferspaces.core.framework.expression import Calculation

FORMAT_V1 = "saferspaces-framework/1"
FORMAT_V2 = "saferspaces-framework/2"
FORMAT_ID = FORMAT_V1  # the format of the first edition (kept for version-1 writers)
FORMAT_VERSIONS: Mapping[str, int] = {FORMAT_V1: 1, FORMAT_V2: 2}
FORMAT_LATEST = 2

KINDS = ("perception", "status", "context")
ROLES = ("scored", "background")
DIRECTIONS = ("higher_is_better", "higher_is_worse")
ANSWER_TYPES = (
    "number",
    "percentage",
    "rate_per_100k",
    "likert",
    "yes_partly_no",
    "single_choice",
    "multiple_choice",
    "year",
    "text",
    "not_scored",
)
SCORING_METHODS = ("goalposts", "target", "choice_scores", "scale", "data_driven", "not_scored")
CHECKLIST_SECTIONS = ("scope", "geography", "sources", "surveys", "people")  # version 1
REPEAT_DEPTH_MAX = 3  # repeat groups nest at most this deep
REPEAT_COUNT_LIMIT = 1000  # no repeat group takes more instances than this
REPEAT_DEFAULT_MAX = 100
SOURCE_KINDS = ("survey", "register", "audit", "open_data", "administrative")
CHANGE_ACTIONS = ("keep", "rename", "replace", "drop", "add")
YES_PARTLY_NO = ("yes", "partly", "no")
DEFAULT_YPN_SCORES: Mapping[str, float] = {"yes": 100.0, "partly": 50.0, "no": 0.0}
YPN_LABELS: Mapping[str, Text] = labels_group("yes_partly_no", YES_PARTLY_NO)
# which scoring methods fit which answer type
METHODS_BY_ANSWER: Mapping[str, tuple[str, ...]] = {
    "number": ("goalposts", "target", "data_driven", "not_scored"),
    "percentage": ("goalposts", "target", "data_driven", "not_scored"),
    "rate_per_100k": ("goalposts", "target", "data_driven", "not_scored"),
    "year": ("goalposts", "target", "data_driven", "not_scored"),
    "likert": ("scale", "goalposts", "data_driven", "not_scored"),
    "yes_partly_no": ("choice_scores", "not_scored"),
    "single_choice": ("choice_scores", "not_scored"),
    "multiple_choice": ("choice_scores", "not_scored"),
    "text": ("not_scored",),
    "not_scored": ("not_scored",),
}
RELEVANCE_GROUPS = ("all", "any")
RELEVANCE_LEAVES = ("equals", "answered", "in", "greater_than", "less_than")


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: Text


@dataclass(frozen=True)
class Choice:
    code: str
    label: Text
    score: float | None = None


@dataclass(frozen=True)
class AnswerSpec:
    type: str
    unit: Text | None = None
    min: float | None = None
    max: float | None = None
    scale: tuple[ScalePoint, ...] = ()
    choices: tuple[Choice, ...] = ()
    scores: Mapping[str, float] | None = None  # yes_partly_no overrides

    def choice_options(self) -> tuple[Choice, ...]:
        """Choices of any choice-like type (likert values become codes '1', '2', ...)."""
        if self.type == "yes_partly_no":
            scores = {**DEFAULT_YPN_SCORES, **(self.scores or {})}
            return tuple(Choice(c, YPN_LABELS[c], scores[c]) for c in YES_PARTLY_NO)
        if self.type == "likert":
            return tuple(Choice(str(p.value), p.label) for p in self.scale)
        return self.choices


@dataclass(frozen=True)
class Scoring:
    method: str
    low: float | None = None
    high: float | None = None
    target: float | None = None
    worst: float | None = None


@dataclass(frozen=True)
class Relevance:
    """Skip logic: a group (``all``/``any`` of ``items``) or a leaf test on ``question``."""

    op: str  # all | any | equals | answered | in | greater_than | less_than
    question: str | None = None
    value: object = None
    items: tuple[Relevance, ...] = ()

    def questions(self) -> Iterator[str]:
        """Every question code the condition refers to."""
        if self.question is not None:
            yield self.question
        for item in self.items:
            yield from item.questions()


@dataclass(frozen=True)
class Source:
    kind: str
    name: Text
    provider: str | None = None
    dataset: str | None = None
    code: str | None = None
    transform: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Guidance:
    holders: Text
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Link:
    """A public source: its address, its title and the date it was read."""

    url: str
    title: str
    accessed: dt.date


@dataclass(frozen=True)
class Content:
    """Rich content of a dimension or an item: why it matters, how to do it, examples, links."""

    why: Text | None = None
    how: Text | None = None
    examples: Text | None = None
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Indicator:
    code: str
    kind: str
    question: Text
    answer: AnswerSpec
    scoring: Scoring
    help: Text | None = None
    direction: str | None = None
    weight: float | None = None
    relevant: Relevance | None = None
    guidance: Guidance | None = None
    sdg: tuple[str, ...] = ()
    content: Content | None = None
    calculate: Calculation | None = None  # a computed field: never asked, always computed

    @property
    def scored(self) -> bool:
        return self.scoring.method != "not_scored"


@dataclass(frozen=True)
class RepeatGroup:
    """Items answered once per instance (a list of measures; sites, each with scenarios)."""

    code: str
    title: Text
    items: tuple[Indicator, ...]
    help: Text | None = None
    min: int = 0
    max: int = REPEAT_DEFAULT_MAX
    repeats: tuple[RepeatGroup, ...] = ()

    def walk(self) -> Iterator[tuple[tuple[RepeatGroup, ...], RepeatGroup]]:
        """This group and every nested one, each with the groups around it (outermost first)."""
        yield (), self
        for sub in self.repeats:
            for outer, group in sub.walk():
                yield (self, *outer), group


@dataclass(frozen=True)
class Dimension:
    code: str
    role: str
    title: Text
    description: Text | None = None
    weight: float | None = None
    children: tuple[Dimension, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    content: Content | None = None
    repeats: tuple[RepeatGroup, ...] = ()

    def walk(self) -> Iterator[tuple[tuple[Dimension, ...], Dimension]]:
        """This dimension and all sub-dimensions, each with its ancestors (outermost first)."""
        yield (), self
        for child in self.children:
            for ancestors, dim in child.walk():
                yield (self, *ancestors), dim


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    section: str
    question: Text
    answer: AnswerSpec
    help: Text | None = None
    relevant: Relevance | None = None


@dataclass(frozen=True)
class Change:
    action: str
    code: str | None = None
    from_codes: tuple[str, ...] = ()
    note: Text | None = None


@dataclass(frozen=True)
class ItemPlace:
    """An item with where it sits: its dimension and the repeat groups around it."""

    item: Indicator
    dimension: Dimension
    repeats: tuple[RepeatGroup, ...] = ()

    @property
    def repeat_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.repeats)


@dataclass(frozen=True)
class Edition:
    id: str
    date: dt.date
    title: Text
    languages: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    description: Text | None = None
    previous: str | None = None
    changes: tuple[Change, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    format: str = FORMAT_ID
    source: str = field(default="", compare=False)  # file it was read from (not compared)
    instrument: Instrument = field(default_factory=lambda: Instrument(family=""))

    def __post_init__(self) -> None:
        if not self.instrument.family:  # built without a header: the first instrument
            object.__setattr__(
                self,
                "instrument",
                replace(self.instrument, family=edition_family(edition_id=self.id)),
            )

    @property
    def format_version(self) -> int:
        return FORMAT_VERSIONS.get(self.format, 1)

    def dimensions_walk(self) -> Iterator[tuple[tuple[Dimension, ...], Dimension]]:
        for dim in self.dimensions:
            yield from dim.walk()

    def indicators(self) -> Iterator[tuple[Dimension, Indicator]]:
        """Every indicator with the (sub-)dimension that holds it, in file order."""
        for _, dim in self.dimensions_walk():
            for ind in dim.indicators:
                yield dim, ind

    def indicator_map(self) -> dict[str, Indicator]:
        return {ind.code: ind for _, ind in self.indicators()}

    def questions(self) -> dict[str, Indicator | ChecklistItem]:
        """Every answerable question (checklist items and indicators) by code.

        Items inside repeat groups are not among them: they are answered once per instance,
        under an answer key (:mod:`saferspaces.core.framework.answerkey`); see :meth:`items`.
        """
        out: dict[str, Indicator | ChecklistItem] = {c.code: c for c in self.checklist}
        out.update(self.indicator_map())
        return out

    def items(self) -> Iterator[ItemPlace]:
        """Every indicator, those inside repeat groups too, with where it sits (file order)."""
        for _, dim in self.dimensions_walk():
            for ind in dim.indicators:
                yield ItemPlace(ind, dim)
            for group in dim.repeats:
                yield from _repeat_items(dim, group, ())

    def repeat_groups(self) -> Iterator[tuple[Dimension, tuple[RepeatGroup, ...]]]:
        """Every repeat group as its chain of groups (outermost first), with its dimension."""
        for _, dim in self.dimensions_walk():
            for top in dim.repeats:
                for outer, group in top.walk():
                    yield dim, (*outer, group)


def _repeat_items(
    dim: Dimension, group: RepeatGroup, outer: tuple[RepeatGroup, ...]
) -> Iterator[ItemPlace]:
    chain = (*outer, group)
    for item in group.items:
        yield ItemPlace(item, dim, chain)
    for sub in group.repeats:
        yield from _repeat_items(dim, sub, chain)
