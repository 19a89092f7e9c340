"""The tally model: answers counted by category (measures of a prevention pyramid by level).

For each item of ``result.by`` (choice items sharing their choices), every applicable instance
of the item is counted under the category chosen (each chosen one for a multiple choice). Facts,
per node, for each category: ``count`` and ``share`` (of the answered instances: for a multiple
choice the shares may add up to more than 1); and ``coverage`` (answered / applicable). Nodes:
the item itself, then each dimension around it, summing the items below it. With ``result.per``
(a repeat group around the items), the same facts per instance of that group as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from saferspaces.core.framework.answerkey import Instances, instances_format
from saferspaces.core.framework.instances import AnswerIndex
from saferspaces.core.framework.instrument import TallyParams
from saferspaces.core.framework.model import Edition, ItemPlace

from .common import Node, Units, applicable, dimension_chain, dimension_nodes, units_index
from .facts import EXPLANATION_FORMAT, Fact, ResultSet


@dataclass
class Counts:
    """What one node (in one instance scope) has counted."""

    categories: dict[str, int] = field(default_factory=dict)
    answered: int = 0
    missing: int = 0  # applicable, without an answer (don't know, not collected, unanswered)
    not_applicable: int = 0

    def add(self, other: Counts) -> None:
        for k, v in other.categories.items():
            self.categories[k] = self.categories.get(k, 0) + v
        self.answered += other.answered
        self.missing += other.missing
        self.not_applicable += other.not_applicable

    @property
    def coverage(self) -> float | None:
        applicable = self.answered + self.missing
        return self.answered / applicable if applicable else None

    def as_json(self) -> dict[str, Any]:
        return {
            "categories": dict(self.categories),
            "answered": self.answered,
            "missing": self.missing,
            "not_applicable": self.not_applicable,
        }


def item_categories(place: ItemPlace) -> tuple[str, ...]:
    return tuple(c.code for c in place.item.answer.choice_options())


def count_item(index: AnswerIndex, place: ItemPlace) -> dict[Instances, Counts]:
    """The counts of one item, per instance of its repeat groups (``()`` outside them)."""
    item = place.item
    chain = place.repeat_codes
    out: dict[Instances, Counts] = {}
    for inst in index.instances(chain) if chain else [()]:
        counts = out.setdefault(inst, Counts())
        scope = index.scope(inst)
        state = index.by_instance.get(inst, {}).get(item.code)
        if not applicable(item, scope) or (state is not None and state.status == "not_applicable"):
            counts.not_applicable += 1
        elif state is None or not state.answered:
            counts.missing += 1
        else:
            counts.answered += 1
            value = state.value
            for code in value if isinstance(value, list) else [str(value)]:
                counts.categories[code] = counts.categories.get(code, 0) + 1
    return out


def counts_facts(
    *,
    unit: str,
    node: str,
    counts: Counts,
    categories: Iterable[str],
    parent: str | None,
    depth: int,
    instance: str = "",
) -> list[Fact]:
    """``count`` and ``share`` per category, then ``coverage``."""
    facts: list[Fact] = []
    n = counts.answered
    cover = counts.coverage
    for cat in categories:
        c = counts.categories.get(cat, 0)
        facts.append(Fact(unit, node, "count", float(c), cat, instance, parent, depth, cover, n=n))
        facts.append(
            Fact(
                unit,
                node,
                "share",
                c / n if n else None,
                cat,
                instance,
                parent,
                depth,
                cover,
                n=n,
                reason=None if n else "no_answer",
            )
        )
    facts.append(
        Fact(
            unit,
            node,
            "coverage",
            counts.coverage,
            instance=instance,
            parent=parent,
            depth=depth,
            n=counts.answered + counts.missing,
            reason=None if counts.answered + counts.missing else "not_applicable",
        )
    )
    return facts


def _unit(
    edition: Edition,
    unit: str,
    index: AnswerIndex,
    places: list[ItemPlace],
    categories: tuple[str, ...],
    per: str | None,
    nodes: dict[str, Node],
) -> tuple[list[Fact], dict[str, Any]]:
    facts: list[Fact] = []
    by_dim: dict[str, Counts] = {}
    per_instance: dict[str, Counts] = {}
    items: dict[str, Any] = {}
    for place in places:
        per_inst = count_item(index, place)
        total = Counts()
        for inst, counts in per_inst.items():
            total.add(counts)
            if per is not None and per in place.repeat_codes:
                depth = place.repeat_codes.index(per) + 1
                key = instances_format(instances=inst[:depth])
                per_instance.setdefault(key, Counts()).add(counts)
        dim = place.dimension.code
        item_depth = nodes[dim].depth + 1
        facts += counts_facts(
            unit=unit,
            node=place.item.code,
            counts=total,
            categories=categories,
            parent=dim,
            depth=item_depth,
        )
        for code in dimension_chain(nodes, dim):
            by_dim.setdefault(code, Counts()).add(total)
        items[place.item.code] = total.as_json()
    for code, counts in by_dim.items():
        node = nodes[code]
        facts += counts_facts(
            unit=unit,
            node=code,
            counts=counts,
            categories=categories,
            parent=node.parent,
            depth=node.depth,
        )
    for key, counts in sorted(per_instance.items()):
        assert per is not None
        facts += counts_facts(
            unit=unit,
            node=per,
            counts=counts,
            categories=categories,
            parent=places[0].dimension.code,
            depth=nodes[places[0].dimension.code].depth + 1,
            instance=key,
        )
    explanation = {
        "format": EXPLANATION_FORMAT,
        "model": "tally",
        "categories": list(categories),
        "multiple": any(p.item.answer.type == "multiple_choice" for p in places),
        "items": items,
        "dimensions": {code: c.as_json() for code, c in by_dim.items()},
        "per": {key: c.as_json() for key, c in sorted(per_instance.items())},
    }
    return facts, explanation


def tally_compute(*, edition: Edition, units: Units) -> ResultSet:
    params = edition.instrument.result
    assert isinstance(params, TallyParams)
    indexes = units_index(edition=edition, units=units)
    by_code = {p.item.code: p for p in edition.items()}
    places = [by_code[code] for code in params.by]
    categories = item_categories(places[0])
    nodes = dimension_nodes(edition=edition)
    facts: list[Fact] = []
    explanations: dict[str, dict[str, Any]] = {}
    for unit, index in indexes.items():
        unit_facts, explanation = _unit(edition, unit, index, places, categories, params.per, nodes)
        facts += unit_facts
        explanations[unit] = explanation
    return ResultSet(
        model="tally",
        edition_id=edition.id,
        family=edition.instrument.family,
        facts=tuple(facts),
        explanations=explanations,
        meta={"by": list(params.by), "per": params.per, "categories": list(categories)},
    )
