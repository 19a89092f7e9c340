"""What the result models share: checking answers against the edition, and the node tree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from saferspaces.core.framework.answerkey import (
    AnswerKey,
    AnswerKeyError,
    answer_key_check,
    edition_item_places,
)
from saferspaces.core.framework.answers import ANSWER_STATUSES, AnswerState, answers_for_relevance
from saferspaces.core.framework.errors import AnswerError
from saferspaces.core.framework.instances import AnswerIndex, answers_index
from saferspaces.core.framework.model import ChecklistItem, Dimension, Edition, Indicator
from saferspaces.core.framework.relevance import relevance_evaluate
from saferspaces.core.framework.scoring import answer_validate

from .errors import Problem, ResultsError

Units = Mapping[str, Mapping[str, AnswerState]]


@dataclass(frozen=True)
class Node:
    """A dimension (or an item) in the result tree."""

    code: str
    parent: str | None
    depth: int


def dimension_nodes(*, edition: Edition) -> dict[str, Node]:
    """Every dimension with its parent and depth (top-level dimensions: 1)."""
    out: dict[str, Node] = {}
    for ancestors, dim in edition.dimensions_walk():
        parent = ancestors[-1].code if ancestors else None
        out[dim.code] = Node(dim.code, parent, len(ancestors) + 1)
    return out


def dimension_chain(nodes: Mapping[str, Node], code: str) -> list[str]:
    """``code`` and its ancestors, innermost first."""
    chain: list[str] = []
    current: str | None = code
    while current is not None:
        chain.append(current)
        current = nodes[current].parent
    return chain


def units_index(*, edition: Edition, units: Units) -> dict[str, AnswerIndex]:
    """Every unit's answers indexed by instance, each key and value checked against the
    edition; raises :class:`ResultsError` listing every problem (nothing is skipped silently)."""
    places = edition_item_places(edition=edition)
    checklist = {c.code: c for c in edition.checklist}
    checklist_codes = frozenset(checklist)
    problems: list[Problem] = []
    out: dict[str, AnswerIndex] = {}
    for unit, states in units.items():
        index = answers_index(states=states)
        for exc in index.errors:
            problems.append(Problem(exc.message, unit=unit, indicator=exc.key))
        for inst, by_code in index.by_instance.items():
            for code, state in by_code.items():
                key_obj = AnswerKey(item=code, instances=inst)
                try:
                    place = answer_key_check(key=key_obj, places=places, checklist=checklist_codes)
                except AnswerKeyError as exc:
                    problems.append(Problem(exc.message, unit=unit, indicator=str(key_obj)))
                    continue
                question: Indicator | ChecklistItem = place.item if place else checklist[code]
                message = _state_problem(question, state)
                if message is not None:
                    problems.append(Problem(message, unit=unit, indicator=str(key_obj)))
        out[unit] = index
    if problems:
        raise ResultsError(problems)
    return out


def _state_problem(question: Indicator | ChecklistItem, state: AnswerState) -> str | None:
    """What is wrong with a stored state of ``question`` (None: nothing)."""
    if state.status not in ANSWER_STATUSES:
        return f"unknown status {state.status!r}"
    if isinstance(question, Indicator) and question.calculate is not None:
        return "a computed field is never answered"
    if state.answered:
        try:
            answer_validate(question=question, answer=state.value)
        except AnswerError as exc:
            return exc.message
    return None


def applicable(item: Indicator, scope: Mapping[str, AnswerState]) -> bool:
    """Whether the item is asked in this scope (its skip logic holds)."""
    if item.relevant is None:
        return True
    return relevance_evaluate(condition=item.relevant, answers=answers_for_relevance(scope))


def dimension_of(edition: Edition) -> dict[str, Dimension]:
    """Item code -> the dimension that holds it (repeat items too)."""
    return {p.item.code: p.dimension for p in edition.items()}
