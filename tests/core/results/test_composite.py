"""The composite model wraps today's engine: every fact is the engine's number, read from its
result; measures and contrasts come from the instrument's declarations."""

from __future__ import annotations

import random

import pytest

from saferspaces.core.assessment import (
    OVERALL_CODE,
    assessments_score,
    edition_pipeline_find,
    score_result_to_json,
    unit_scores_from_json,
)
from saferspaces.core.assessment.result import TOO_FEW_UNITS
from saferspaces.core.framework import Edition, edition_load
from saferspaces.core.framework.answers import AnswerState
from saferspaces.core.results import (
    ResultsError,
    composite_unit_meta,
    composite_unit_read,
    results_compute,
)

from .answers import random_unit
from .conftest import FIRST_EDITION, doc_examples


def _a(value: object) -> AnswerState:
    return AnswerState("answered", value)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def round_of_first(first: Edition) -> dict[str, dict[str, AnswerState]]:
    rng = random.Random(16)
    return {f"A{i}": random_unit(first, rng) for i in range(12)}


def test_every_fact_is_the_engines_number(
    first: Edition, round_of_first: dict[str, dict[str, AnswerState]]
) -> None:
    pipeline = edition_pipeline_find(edition=first, directory=FIRST_EDITION.parent)
    engine = assessments_score(edition=first, pipeline=pipeline, units=round_of_first)
    r = results_compute(edition=first, units=round_of_first, pipeline=pipeline)
    assert r.model == "composite" and r.family == "ssf"
    checked = 0
    for unit, us in engine.units.items():
        for code, node in us.nodes.items():
            assert r.value(unit=unit, node=code, measure="score") == node.all_kinds.score
            assert r.value(unit=unit, node=code, measure="perception") == node.perception.score
            assert r.value(unit=unit, node=code, measure="status") == node.status.score
            assert r.value(unit=unit, node=code, measure="gap") == node.gap.value
            share = node.all_kinds.availability.share
            assert r.value(unit=unit, node=code, measure="coverage") == share
            checked += 5
        for code, ind in us.indicators.items():
            assert r.value(unit=unit, node=code, measure="score") == ind.score
            checked += 1
    assert checked == len(r.facts)
    # the explanation of a unit is the engine's own account of it
    js = score_result_to_json(engine)
    assert {k: v for k, v in r.explanations["A3"].items() if k not in ("format", "model")} == (
        js["units"]["A3"]
    )
    assert r.meta["pipeline"]["sha256"] == pipeline.sha256


def test_facts_carry_parent_depth_coverage_and_reasons(
    first: Edition, round_of_first: dict[str, dict[str, AnswerState]]
) -> None:
    r = results_compute(edition=first, units=round_of_first)
    facts = {(f.node, f.measure): f for f in r.facts_of("A0")}
    top = first.dimensions[0].code
    assert facts[(top, "score")].parent is None and facts[(top, "score")].depth == 1
    child = first.dimensions[0].children[0].code if first.dimensions[0].children else None
    if child is not None:
        assert facts[(child, "score")].parent == top and facts[(child, "score")].depth == 2
    some = next(
        f
        for f in r.facts_of("A0")
        if f.measure == "score"
        and f.depth >= 2
        and f.node not in {d.code for _, d in first.dimensions_walk()}
    )
    assert some.parent is not None  # an indicator under the dimension that holds it
    for f in r.facts:
        if f.value is None:
            assert f.reason, f


def test_round_wide_reasons_become_warnings(first: Edition) -> None:
    rng = random.Random(3)
    units = {f"A{i}": random_unit(first, rng, p_missing=0.0) for i in range(3)}  # fewer than 5
    r = results_compute(edition=first, units=units)
    data_driven = {i.code for _, i in first.indicators() if i.scoring.method == "data_driven"}
    warned = {w.node for w in r.warnings if w.code == TOO_FEW_UNITS}
    assert data_driven and warned == data_driven
    assert all("(3 assessments)" in w.message for w in r.warnings)


def test_a_format_2_composite_instrument(examples: dict[str, Edition]) -> None:
    edition = examples["composite"]
    units = {
        "a": {"RD_AGENDA_SIGNED": _a("partly"), "RD_POPULATION": _a(120000.0)},
        "b": {"RD_AGENDA_SIGNED": AnswerState("dont_know")},
    }
    r = results_compute(edition=edition, units=units)
    assert {f.measure for f in r.facts} == {"score", "status", "coverage"}  # no perception, no gap
    assert r.value(unit="a", node="RD_AGENDA", measure="status") == 50.0
    assert r.value(unit="b", node="RD_AGENDA", measure="coverage") == 0.0
    missing = next(f for f in r.facts_of("b") if f.node == "RD_AGENDA" and f.measure == "status")
    assert missing.value is None and missing.reason


def test_a_contrast_read_the_other_way(first: Edition) -> None:
    text = FIRST_EDITION.read_text(encoding="utf-8").replace(
        "format: saferspaces-framework/1\n",
        "format: saferspaces-framework/2\n",
    )
    text = text.replace(
        "\nchecklist:\n",
        "\ninstrument:\n"
        "  family: ssf\n  subject: authority\n  respondents: team\n  result_model: composite\n"
        "  measures:\n"
        "    - {code: perception, label: {en: Perception, fr: Perception}}\n"
        "    - {code: status, label: {en: Status, fr: Situation}}\n"
        "  contrasts:\n"
        "    - {code: lag, label: {en: Lag, fr: Retard}, difference: [status, perception]}\n"
        "\nchecklist:\n",
        1,
    )
    edition = edition_load(text=text)
    rng = random.Random(5)
    units = {f"A{i}": random_unit(edition, rng) for i in range(6)}
    r = results_compute(edition=edition, units=units)
    r1 = results_compute(edition=first, units=units)
    for f in r1.facts:
        if f.measure == "gap":
            lag = r.value(unit=f.unit, node=f.node, measure="lag")
            assert lag == (None if f.value is None else -f.value)


def test_answers_inside_repeats_are_checked_and_left_out_of_the_scores(
    examples: dict[str, Edition],
) -> None:
    text = (
        (FIRST_EDITION.parents[4] / "docs" / "framework.md")
        .read_text(encoding="utf-8")
        .split("<!-- example: composite -->\n```yaml\n")[1]
        .split("```")[0]
    )
    text = text.replace(
        "        scoring: {method: not_scored}\n",
        "        scoring: {method: not_scored}\n"
        "    repeats:\n"
        "      - code: RD_PARTNERS\n"
        "        title: {en: Partner, fr: Partenaire}\n"
        "        items:\n"
        "          - code: RD_PARTNER_NAME\n"
        "            kind: context\n"
        "            question: {en: Name, fr: Nom}\n"
        "            answer: {type: text}\n",
    )
    edition = edition_load(text=text)
    units = {"a": {"RD_AGENDA_SIGNED": _a("yes"), "RD_PARTNERS[1]/RD_PARTNER_NAME": _a("Police")}}
    r = results_compute(edition=edition, units=units)
    assert r.value(unit="a", node="RD_AGENDA", measure="score") == 100.0
    from saferspaces.core.results import ResultsError

    with pytest.raises(ResultsError, match="is not inside a repeat group"):
        results_compute(
            edition=edition, units={"a": {"RD_PARTNERS[1]/RD_AGENDA_SIGNED": _a("yes")}}
        )


def test_one_unit_is_read_back_from_its_stored_explanation_and_meta(first: Edition) -> None:
    """What the results layer stores per unit (its explanation, and the meta restricted to its
    warnings) reads back as the engine's own account of that unit, warnings included."""
    pipeline = edition_pipeline_find(edition=first, directory=FIRST_EDITION.parent)
    rng = random.Random(5)
    units = {f"A{i}": random_unit(first, rng) for i in range(6)}
    code = next(
        i.code
        for _d, i in first.indicators()
        if i.scoring is not None and i.scoring.method == "data_driven"
    )
    for states in units.values():  # every unit gives the same value: a "constant" warning
        states[code] = AnswerState("answered", 3)  # type: ignore[arg-type]
    engine = assessments_score(edition=first, pipeline=pipeline, units=units)
    r = results_compute(edition=first, units=units, pipeline=pipeline)
    assert r.meta["warnings"] == [w.as_json() for w in engine.warnings]
    for unit in ("A0", "A5"):
        meta = composite_unit_meta(r.meta, unit)
        back = composite_unit_read(explanation=r.explanations[unit], meta=meta, unit=unit)
        assert back == unit_scores_from_json(score_result_to_json(engine, units=[unit]), unit)
        assert back.warnings and any(w.indicator == code for w in back.warnings)
    with pytest.raises(ValueError):
        composite_unit_read(explanation={"model": "tally"}, meta=r.meta, unit="A0")


def test_a_round_may_ask_for_the_overall_composite(
    first: Edition, round_of_first: dict[str, dict[str, AnswerState]]
) -> None:
    pipeline = edition_pipeline_find(edition=first, directory=FIRST_EDITION.parent)
    plain = results_compute(edition=first, units=round_of_first, pipeline=pipeline)
    both = results_compute(edition=first, units=round_of_first, pipeline=pipeline, overall=True)
    assert not [f for f in plain.facts if f.node == OVERALL_CODE]
    top = {f.node: f for f in both.facts_of("A0") if f.measure == "score"}
    assert top[OVERALL_CODE].depth == 0 and top[OVERALL_CODE].parent is None
    assert top[first.dimensions[0].code].depth == 1
    assert top[first.dimensions[0].code].parent == OVERALL_CODE
    with pytest.raises(ResultsError):
        results_compute(edition=doc_examples()["tally"], units={}, overall=True)
