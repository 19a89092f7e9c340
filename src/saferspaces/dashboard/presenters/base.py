"""What every presenter gives (:class:`Presentation`: sections, each with its chart) and reads
(:class:`UnitResults`), and for whom (:class:`Audience`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from saferspaces.charts.spec import Chart
from saferspaces.core.framework.instrument import RESULT_MODEL_SPECS, ResultModelSpec
from saferspaces.core.framework.model import Edition, text_get
from saferspaces.core.results import Fact, ResultSet


@dataclass(frozen=True)
class Section:
    """One section of a dashboard page: a heading, plain sentences, and its chart (whose data
    table is the section's table)."""

    id: str
    title: str
    sentences: tuple[str, ...] = ()
    chart: Chart | None = None


@dataclass(frozen=True)
class Presentation:
    model: str
    sections: tuple[Section, ...]
    hidden: bool = False  # the results are not for this reader (a person's levels)

    @property
    def charts(self) -> dict[str, Chart]:
        """The sections' charts by id (for the ``?chart=<id>&format=csv`` downloads)."""
        return {s.chart.id: s.chart for s in self.sections if s.chart is not None}


@dataclass(frozen=True)
class Audience:
    """Who reads: the subject itself (its team, or the person who answered), or someone else
    allowed to read the subject's results (a colleague, a coordinator)."""

    is_subject: bool = True


@dataclass(frozen=True)
class UnitResults:
    """One unit's results as the results layer stores them: facts, explanation, edition."""

    unit: str
    edition: Edition
    facts: tuple[Fact, ...]
    explanation: Mapping[str, Any] = field(default_factory=dict)

    def values(self, *, measure: str, node: str | None = None) -> list[Fact]:
        return [f for f in self.facts if f.measure == measure and (node is None or f.node == node)]


def unit_results(*, results: ResultSet, unit: str, edition: Edition) -> UnitResults:
    """The results of ``unit`` out of a computed :class:`ResultSet`."""
    explanation = results.explanations.get(unit, {})
    return UnitResults(unit, edition, results.facts_of(unit), explanation)


@dataclass(frozen=True)
class Presenter:
    """A result model's presenter: ``present`` builds the presentation (keyword arguments:
    the composite one takes the profile's reads, the others ``results``, ``language``,
    ``audience`` and ``data_url``)."""

    name: str
    present: Callable[..., Presentation]

    @property
    def spec(self) -> ResultModelSpec:
        return RESULT_MODEL_SPECS[self.name]


def node_titles(edition: Edition, language: str) -> dict[str, str]:
    """Dimension, repeat group and item codes -> their titles (questions for items)."""
    out: dict[str, str] = {}
    for _path, dim in edition.dimensions_walk():
        out[dim.code] = text_get(dim.title, language)
    for place in edition.items():
        out[place.item.code] = text_get(place.item.question, language)
        for group in place.repeats:
            out.setdefault(group.code, text_get(group.title, language))
    return out


def choice_labels(edition: Edition, items: tuple[str, ...], language: str) -> dict[str, str]:
    """Choice codes of ``items`` -> their labels."""
    by_code = {p.item.code: p.item for p in edition.items()}
    out: dict[str, str] = {}
    for code in items:
        item = by_code.get(code)
        if item is None:
            continue
        for choice in item.answer.choice_options():
            out.setdefault(choice.code, text_get(choice.label, language))
    return out


def data_url_for(base: str | None, chart_id: str) -> str | None:
    return None if base is None else f"{base}{chart_id}"
