"""One unit's answers by repeat instance: :func:`answers_index`, and computed fields.

Answers are keyed by answer key (:mod:`.answerkey`). The index reads every key once and gives,
for a chain of repeat groups, the instances that hold an answer, and for an instance the answers
in its *scope*: its own items, those of the instances around it and the items outside repeat
groups, by plain code, which is what skip logic and calculations read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from saferspaces.core.framework.answerkey import (
    AnswerKey,
    AnswerKeyError,
    Instances,
    answer_key_parse,
    instances_format,
)
from saferspaces.core.framework.answers import AnswerState
from saferspaces.core.framework.expression import calculation_evaluate
from saferspaces.core.framework.model import Edition, Indicator, ItemPlace
from saferspaces.core.framework.rules_items import graph_cycles


@dataclass
class AnswerIndex:
    """One unit's answers by instance (``()`` holds the items outside repeat groups)."""

    by_instance: dict[Instances, dict[str, AnswerState]] = field(default_factory=dict)
    errors: list[AnswerKeyError] = field(default_factory=list)

    def instances(self, chain: tuple[str, ...]) -> list[Instances]:
        """The instances of the repeat-group ``chain`` that hold an answer, in order.

        An instance counts when an answer is stored inside it or inside an instance it holds.
        """
        depth = len(chain)
        found = {
            inst[:depth]
            for inst in self.by_instance
            if len(inst) >= depth and tuple(g for g, _ in inst[:depth]) == chain
        }
        return sorted(found, key=lambda inst: [p for _, p in inst])

    def scope(self, instances: Instances) -> dict[str, AnswerState]:
        """The answers an item inside ``instances`` reads, by plain code."""
        out: dict[str, AnswerState] = dict(self.by_instance.get((), {}))
        for depth in range(1, len(instances) + 1):
            out.update(self.by_instance.get(instances[:depth], {}))
        return out

    def get(self, key: AnswerKey) -> AnswerState | None:
        return self.by_instance.get(key.instances, {}).get(key.item)


def answers_index(*, states: Mapping[str, AnswerState]) -> AnswerIndex:
    """Index one unit's answers; keys that cannot be read go to ``errors``."""
    index = AnswerIndex()
    for text, state in states.items():
        try:
            key = answer_key_parse(text=text)
        except AnswerKeyError as exc:
            index.errors.append(exc)
            continue
        index.by_instance.setdefault(key.instances, {})[key.item] = state
    return index


def calculation_order(*, edition: Edition) -> list[ItemPlace]:
    """The computed items, each after the computed items it reads (the loader refuses cycles)."""
    places = [p for p in edition.items() if p.item.calculate is not None]
    by_code = {p.item.code: p for p in places}
    graph = {
        code: [r for r in p.item.calculate.refs() if r in by_code]
        for code, p in by_code.items()
        if p.item.calculate is not None
    }
    if graph_cycles(graph):
        raise ValueError("circular calculations (the loader refuses them)")
    done: list[ItemPlace] = []
    seen: set[str] = set()

    def visit(code: str) -> None:
        if code in seen:
            return
        seen.add(code)
        for ref in graph[code]:
            visit(ref)
        done.append(by_code[code])

    for code in by_code:
        visit(code)
    return done


def _number(state: AnswerState | None) -> float | None:
    if state is None or not state.answered:
        return None
    value = state.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def answers_calculate(
    *, edition: Edition, index: AnswerIndex, order: list[ItemPlace] | None = None
) -> dict[str, float | None]:
    """Every computed field of one unit, by answer key (None: an input is missing).

    A computed field is evaluated in each instance of its repeat groups that holds an answer;
    its value joins the scope of the fields computed after it.
    """
    out: dict[str, float | None] = {}
    computed: dict[Instances, dict[str, float | None]] = {}
    for place in order if order is not None else calculation_order(edition=edition):
        item: Indicator = place.item
        assert item.calculate is not None
        chain = place.repeat_codes
        for inst in index.instances(chain) if chain else [()]:
            values: dict[str, object] = {
                code: _number(state) for code, state in index.scope(inst).items()
            }
            for depth in range(len(inst) + 1):
                values.update(computed.get(inst[:depth], {}))
            value = calculation_evaluate(calculation=item.calculate, values=values)
            computed.setdefault(inst, {})[item.code] = value
            key = f"{instances_format(instances=inst)}/{item.code}" if inst else item.code
            out[key] = value
    return out
