"""The typed model of a framework edition (frozen dataclasses).

All human text is a :data:`Text`: a mapping from language code to string. Build editions with
:func:`saferspaces.core.framework.loader.edition_load`, which validates them first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

Text = Mapping[str, str]

FORMAT_ID = "saferspaces-framework/1"

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
CHECKLIST_SECTIONS = ("scope", "geography", "sources", "surveys", "people")
SOURCE_KINDS = ("survey", "register", "audit", "open_data", "administrative")
CHANGE_ACTIONS = ("keep", "rename", "replace", "drop", "add")
YES_PARTLY_NO = ("yes", "partly", "no")
DEFAULT_YPN_SCORES: Mapping[str, float] = {"yes": 100.0, "partly": 50.0, "no": 0.0}
YPN_LABELS: Mapping[str, Text] = {
    "yes": {"en": "Yes", "fr": "Oui"},
    "partly": {"en": "Partly", "fr": "En partie"},
    "no": {"en": "No", "fr": "Non"},
}
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


def text_get(text: Text | None, language: str, fallback: str = "en") -> str:
    """The text in ``language``, else in ``fallback``, else the first available, else ''."""
    if not text:
        return ""
    if language in text:
        return text[language]
    if fallback in text:
        return text[fallback]
    return next(iter(text.values()), "")


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

    @property
    def scored(self) -> bool:
        return self.scoring.method != "not_scored"


@dataclass(frozen=True)
class Dimension:
    code: str
    role: str
    title: Text
    description: Text | None = None
    weight: float | None = None
    children: tuple[Dimension, ...] = ()
    indicators: tuple[Indicator, ...] = ()

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
        """Every answerable question (checklist items and indicators) by code."""
        out: dict[str, Indicator | ChecklistItem] = {c.code: c for c in self.checklist}
        out.update(self.indicator_map())
        return out
