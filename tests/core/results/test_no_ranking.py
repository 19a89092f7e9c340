"""No result model ranks units (product principle 1, as ``tests/test_no_ranking.py`` checks the
site): no fact or explanation is named like a rank, no fact is an ordinal position among units,
and a unit's results do not depend on which other units were computed with it (composite: only
through the engine's documented normalisation of data-driven indicators, never by position).

Ordering a unit's *own* parts is allowed where the model declares it (a risk register orders
the authority's own scenarios); a person's levels are never shown to colleagues."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from typing import Any

import pytest

from saferspaces.core.framework import Edition
from saferspaces.core.framework.instrument import RESULT_MODELS
from saferspaces.core.results import RESULT_MODELS as REGISTRY
from saferspaces.core.results import Fact, ResultSet, results_compute

from .answers import random_unit

RANK_WORDS = re.compile(
    r"\b(rank(s|ed|ing)?|position|place|classement|rang|league|percentile|top)\b", re.I
)
N_UNITS = 8


def _keys(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


def _is_positions(values: list[float]) -> bool:
    """Whether ``values`` (one per unit) are the positions 1..n or 0..n-1 in some order."""
    n = len(values)
    return n >= 3 and sorted(values) in (
        [float(i) for i in range(1, n + 1)],
        [float(i) for i in range(n)],
    )


def ranking_problems(result: ResultSet) -> list[str]:
    """Everything in ``result`` that looks like a ranking of units."""
    problems: list[str] = []
    for f in result.facts:
        for name in (f.measure, f.category):
            if RANK_WORDS.search(name.replace("_", " ")):
                problems.append(f"{f.unit}/{f.node}: a fact named like a rank: {name!r}")
    for unit, explanation in result.explanations.items():
        for key in _keys(explanation):
            if RANK_WORDS.fullmatch(key):
                problems.append(f"{unit}: an explanation key named like a rank: {key!r}")
    columns: dict[tuple[str, str, str, str], list[float]] = {}
    for f in result.facts:
        if f.value is not None:
            columns.setdefault((f.node, f.measure, f.category, f.instance), []).append(f.value)
    for where, values in columns.items():
        if len(values) == len(result.explanations) and _is_positions(values):
            problems.append(f"{where}: the units' values are positions 1..n")
    return problems


def _editions(examples: dict[str, Edition], first: Edition) -> dict[str, Edition]:
    return {**examples, "composite": first}


@pytest.mark.parametrize("model", RESULT_MODELS)
def test_no_model_ranks_units(model: str, examples: dict[str, Edition], first: Edition) -> None:
    edition = _editions(examples, first)[model]
    rng = random.Random(RESULT_MODELS.index(model))
    units = {f"U{i}": random_unit(edition, rng) for i in range(N_UNITS)}
    result = results_compute(edition=edition, units=units)
    assert result.facts, model
    assert ranking_problems(result) == []
    # every fact carries a measure its model declares
    declared = {m.code for m in REGISTRY[model].measures(edition=edition)}
    assert {f.measure for f in result.facts} <= declared


@pytest.mark.parametrize("model", [m for m in RESULT_MODELS if m != "composite"])
def test_a_units_results_do_not_depend_on_the_others(
    model: str, examples: dict[str, Edition]
) -> None:
    edition = examples[model]
    rng = random.Random(7)
    units = {f"U{i}": random_unit(edition, rng) for i in range(N_UNITS)}
    together = results_compute(edition=edition, units=units)
    for unit in ("U0", "U5"):
        alone = results_compute(edition=edition, units={unit: units[unit]})
        assert alone.facts == together.facts_of(unit)
        assert alone.explanations[unit] == together.explanations[unit]


def test_composite_results_do_not_depend_on_the_order_of_units(first: Edition) -> None:
    rng = random.Random(11)
    units = {f"U{i}": random_unit(first, rng) for i in range(N_UNITS)}
    forward = results_compute(edition=first, units=units)
    backward = results_compute(edition=first, units=dict(reversed(list(units.items()))))
    assert set(forward.facts) == set(backward.facts)


def test_only_the_risk_register_orders_and_only_its_own_scenarios(
    examples: dict[str, Edition],
) -> None:
    assert [n for n, m in REGISTRY.items() if m.spec.orders_within_subject] == ["risk_matrix"]
    edition = examples["risk_matrix"]
    rng = random.Random(2)
    units = {f"U{i}": random_unit(edition, rng) for i in range(4)}
    result = results_compute(edition=edition, units=units)
    for unit, explanation in result.explanations.items():
        own = {f.instance for f in result.facts_of(unit) if f.measure == "risk"}
        assert {row["instance"] for row in explanation["instances"]} == own
        risks = [row["risk"] for row in explanation["instances"] if row["risk"] is not None]
        assert risks == sorted(risks, reverse=True)


def test_a_persons_levels_stay_theirs(examples: dict[str, Edition]) -> None:
    spec = REGISTRY["levels"].spec
    assert spec.visible_to_colleagues is False
    assert spec.may_share == frozenset()
    assert examples["levels"].instrument.sharing.peers is False


def test_the_checker_catches_a_ranking() -> None:
    def fact(unit: str, value: float, measure: str = "score") -> Fact:
        return Fact(unit, "DIM", measure, value)

    units = ["a", "b", "c", "d"]
    by_position = ResultSet(
        model="fake",
        edition_id="x",
        family="x",
        facts=tuple(fact(u, float(i + 1), "order") for i, u in enumerate(units)),
        explanations={u: {} for u in units},
    )
    assert ranking_problems(by_position)
    named = ResultSet(
        model="fake",
        edition_id="x",
        family="x",
        facts=(fact("a", 1.5, "rank"),),
        explanations={"a": {"position": 1}},
    )
    assert len(ranking_problems(named)) == 2
    fine = ResultSet(
        model="fake",
        edition_id="x",
        family="x",
        facts=tuple(fact(u, v) for u, v in zip(units, [55.0, 71.2, 55.0, 90.0], strict=True)),
        explanations={u: {"score": 1} for u in units},
    )
    assert ranking_problems(fine) == []
