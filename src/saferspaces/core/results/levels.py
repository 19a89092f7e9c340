"""The levels model: the level each item reaches against its target (a competences matrix).

Per item assessed: ``level`` (1 = the lowest level; the level's code as ``category``),
``target`` (the same for the target) and ``reached`` (1 or 0); per dimension: ``reached`` (how
many items reach their target), ``share`` (of the items answered) and ``coverage`` (answered /
assessed). A person's levels are theirs alone: the model declares it
(``visible_to_colleagues = False``) and shares nothing (see
:data:`~saferspaces.core.framework.instrument.RESULT_MODEL_SPECS`).
"""

from __future__ import annotations

from typing import Any

from saferspaces.core.framework.instances import AnswerIndex
from saferspaces.core.framework.instrument import LevelsParams
from saferspaces.core.framework.model import Edition, ItemPlace

from .common import Node, Units, applicable, dimension_chain, dimension_nodes, units_index
from .facts import EXPLANATION_FORMAT, Fact, ResultSet


def levels_items(*, edition: Edition, params: LevelsParams) -> list[ItemPlace]:
    """The items assessed: those listed, else every single choice whose choices are levels."""
    places = [p for p in edition.items() if not p.repeats]
    if params.items:
        by_code = {p.item.code: p for p in places}
        return [by_code[c] for c in params.items if c in by_code]
    levels = set(params.levels)
    return [
        p
        for p in places
        if p.item.answer.type == "single_choice"
        and {c.code for c in p.item.answer.choices} <= levels
    ]


def _unit(
    unit: str,
    index: AnswerIndex,
    params: LevelsParams,
    places: list[ItemPlace],
    nodes: dict[str, Node],
) -> tuple[list[Fact], dict[str, Any]]:
    rank = {code: i + 1 for i, code in enumerate(params.levels)}  # 1 = lowest level
    facts: list[Fact] = []
    dims: dict[str, list[int]] = {}  # code -> [assessed, answered, reached]
    items: dict[str, Any] = {}
    scope = index.scope(())
    for place in places:
        item = place.item
        target = params.targets.get(item.code, params.target)
        dim = place.dimension.code
        depth = nodes[dim].depth + 1
        state = scope.get(item.code)
        asked = applicable(item, scope) and not (state and state.status == "not_applicable")
        level = str(state.value) if state is not None and state.answered and asked else None
        reached = None if level is None else rank[level] >= rank[target]
        reason = (
            None
            if level is not None
            else ("not_applicable" if not asked else (state.status if state else "unanswered"))
        )
        facts.append(
            Fact(
                unit,
                item.code,
                "level",
                float(rank[level]) if level else None,
                level or "",
                parent=dim,
                depth=depth,
                n=1 if level else 0,
                reason=reason,
            )
        )
        facts.append(
            Fact(unit, item.code, "target", float(rank[target]), target, parent=dim, depth=depth)
        )
        facts.append(
            Fact(
                unit,
                item.code,
                "reached",
                None if reached is None else float(reached),
                parent=dim,
                depth=depth,
                reason=reason,
            )
        )
        items[item.code] = {"level": level, "target": target, "reached": reached, "reason": reason}
        if asked:
            for code in dimension_chain(nodes, dim):
                tally = dims.setdefault(code, [0, 0, 0])
                tally[0] += 1
                tally[1] += level is not None
                tally[2] += bool(reached)
    for code, (assessed, answered, reached_n) in dims.items():
        node = nodes[code]
        facts.append(
            Fact(
                unit,
                code,
                "reached",
                float(reached_n),
                parent=node.parent,
                depth=node.depth,
                n=answered,
            )
        )
        facts.append(
            Fact(
                unit,
                code,
                "share",
                reached_n / answered if answered else None,
                parent=node.parent,
                depth=node.depth,
                n=answered,
                reason=None if answered else "no_answer",
            )
        )
        facts.append(
            Fact(
                unit,
                code,
                "coverage",
                answered / assessed,
                parent=node.parent,
                depth=node.depth,
                n=assessed,
            )
        )
    explanation = {
        "format": EXPLANATION_FORMAT,
        "model": "levels",
        "private": True,
        "levels": list(params.levels),
        "items": items,
    }
    return facts, explanation


def levels_compute(*, edition: Edition, units: Units) -> ResultSet:
    params = edition.instrument.result
    assert isinstance(params, LevelsParams)
    indexes = units_index(edition=edition, units=units)
    places = levels_items(edition=edition, params=params)
    nodes = dimension_nodes(edition=edition)
    facts: list[Fact] = []
    explanations: dict[str, dict[str, Any]] = {}
    for unit, index in indexes.items():
        unit_facts, explanation = _unit(unit, index, params, places, nodes)
        facts += unit_facts
        explanations[unit] = explanation
    return ResultSet(
        model="levels",
        edition_id=edition.id,
        family=edition.instrument.family,
        facts=tuple(facts),
        explanations=explanations,
        meta={
            "levels": list(params.levels),
            "target": params.target,
            "items": [p.item.code for p in places],
        },
    )
