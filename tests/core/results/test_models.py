"""The result models other than composite: tally, risk matrix, levels, none (a survey); the
registry that chooses a model by edition; and answers that do not fit, all reported."""

from __future__ import annotations

import pytest

from saferspaces.core.framework import Edition, edition_load
from saferspaces.core.framework.answers import AnswerState
from saferspaces.core.framework.instrument import RESULT_MODEL_SPECS, RESULT_MODELS
from saferspaces.core.framework.schema import OBJECTS
from saferspaces.core.results import (
    FACT_FIELDS,
    ResultsError,
    result_model_get,
    results_compute,
)
from saferspaces.core.results import (
    RESULT_MODELS as REGISTRY,
)

from .conftest import FIXTURES


def _a(value: object) -> AnswerState:
    return AnswerState("answered", value)  # type: ignore[arg-type]


def test_the_registry_has_every_declared_model() -> None:
    assert tuple(REGISTRY) == RESULT_MODELS
    for name, model in REGISTRY.items():
        assert model.spec is RESULT_MODEL_SPECS[name]
        assert model.spec.params is None or model.spec.params in OBJECTS
        assert model.explanation  # a documented explanation format
    with pytest.raises(ResultsError, match="no result model 'ranking'"):
        result_model_get(name="ranking")
    assert FACT_FIELDS[:4] == ("unit", "node", "measure", "value")


# -- tally ------------------------------------------------------------------------------------
def test_tally_counts_the_measures_by_level(pyramid: Edition) -> None:
    units = {
        "u1": {
            "MAP_COUNT_KNOWN": _a("yes"),
            "MEASURES[1]/MEASURE_NAME": _a("Night buses"),
            "MEASURES[1]/MEASURE_LEVEL": _a("primary"),
            "MEASURES[2]/MEASURE_LEVEL": _a("tertiary"),
            "MEASURES[3]/MEASURE_LEVEL": _a("primary"),
            "MEASURES[4]/MEASURE_NAME": _a("Street lighting"),  # level not given yet
            "MEASURES[5]/MEASURE_LEVEL": AnswerState("not_applicable"),
        },
        "u2": {},
    }
    r = results_compute(edition=pyramid, units=units)
    assert r.model == "tally" and r.family == "pyramid"
    for node in ("MEASURE_LEVEL", "MAP"):
        assert r.value(unit="u1", node=node, measure="count", category="primary") == 2
        assert r.value(unit="u1", node=node, measure="count", category="secondary") == 0
        assert r.value(unit="u1", node=node, measure="count", category="tertiary") == 1
        assert r.value(unit="u1", node=node, measure="share", category="primary") == pytest.approx(
            2 / 3
        )
        assert r.value(unit="u1", node=node, measure="coverage") == 0.75  # 3 of 4 applicable
    level = next(f for f in r.facts_of("u1") if f.node == "MEASURE_LEVEL")
    assert (level.parent, level.depth, level.n) == ("MAP", 2, 3)
    # a unit without any measure: counts of 0, shares without a value, and why
    shares = [f for f in r.facts_of("u2") if f.measure == "share"]
    assert shares and all(f.value is None and f.reason == "no_answer" for f in shares)
    assert r.explanations["u1"]["items"]["MEASURE_LEVEL"] == {
        "categories": {"primary": 2, "tertiary": 1},
        "answered": 3,
        "missing": 1,
        "not_applicable": 1,
    }


def test_tally_per_instance_of_an_enclosing_group(vulnerability: Edition) -> None:
    text = (FIXTURES / "vulnerability.yaml").read_text(encoding="utf-8")
    start = text.index("  result_model: risk_matrix")
    end = text.index("  sharing:")
    text = (
        text[:start] + "  result_model: tally\n  result: {by: [THREAT], per: SITES}\n" + text[end:]
    )
    edition = edition_load(text=text)
    units = {
        "a": {
            "SITES[1]/SCENARIOS[1]/THREAT": _a("crowd"),
            "SITES[1]/SCENARIOS[2]/THREAT": _a("crowd"),
            "SITES[2]/SCENARIOS[1]/THREAT": _a("fire"),
        }
    }
    r = results_compute(edition=edition, units=units)
    assert (
        r.value(unit="a", node="SITES", measure="count", category="crowd", instance="SITES[1]") == 2
    )
    assert (
        r.value(unit="a", node="SITES", measure="count", category="fire", instance="SITES[2]") == 1
    )
    assert r.value(unit="a", node="THREAT", measure="count", category="crowd") == 2
    assert r.value(unit="a", node="SPACES", measure="share", category="fire") == pytest.approx(
        1 / 3
    )


# -- risk matrix ------------------------------------------------------------------------------
def test_risk_matrix_bands_each_scenario_and_spreads_them_per_site(vulnerability: Edition) -> None:
    units = {
        "a": {
            "SITES[1]/SITE_NAME": _a("Market square"),
            "SITES[1]/SCENARIOS[1]/CONSEQUENCE": _a(4),
            "SITES[1]/SCENARIOS[1]/PROBABILITY": _a(3),
            "SITES[1]/SCENARIOS[2]/CONSEQUENCE": _a(2),
            "SITES[1]/SCENARIOS[2]/PROBABILITY": _a(3),
            "SITES[2]/SCENARIOS[1]/CONSEQUENCE": _a(5),
            "SITES[2]/SCENARIOS[1]/PROBABILITY": AnswerState("dont_know"),
        }
    }
    r = results_compute(edition=vulnerability, units=units)
    risks = {f.instance: (f.value, f.category, f.reason) for f in r.facts if f.measure == "risk"}
    assert risks == {
        "SITES[1]/SCENARIOS[1]": (12.0, "high", None),
        "SITES[1]/SCENARIOS[2]": (6.0, "medium", None),
        "SITES[2]/SCENARIOS[1]": (None, "", "missing_input"),
    }
    assert (
        r.value(unit="a", node="SITES", measure="count", category="high", instance="SITES[1]") == 1
    )
    assert r.value(unit="a", node="SITES", measure="coverage", instance="SITES[2]") == 0.0
    assert r.value(unit="a", node="SCENARIOS", measure="share", category="medium") == 0.5
    explanation = r.explanations["a"]
    # the authority's own scenarios, highest risk first: allowed (it ranks no authority)
    assert [row["instance"] for row in explanation["instances"]] == [
        "SITES[1]/SCENARIOS[1]",
        "SITES[1]/SCENARIOS[2]",
        "SITES[2]/SCENARIOS[1]",
    ]
    assert explanation["instances"][2]["missing"] == ["PROBABILITY"]
    assert REGISTRY["risk_matrix"].spec.orders_within_subject


def test_a_risk_below_every_band_says_so(vulnerability: Edition) -> None:
    units = {
        "a": {
            "SITES[1]/SCENARIOS[1]/CONSEQUENCE": _a(1),
            "SITES[1]/SCENARIOS[1]/PROBABILITY": _a(1),
        }
    }
    text = (FIXTURES / "vulnerability.yaml").read_text(encoding="utf-8")
    edition = edition_load(text=text.replace("fr: Faible}, min: 1}", "fr: Faible}, min: 2}"))
    r = results_compute(edition=edition, units=units)
    risk = next(f for f in r.facts if f.measure == "risk")
    assert (risk.value, risk.category, risk.reason) == (1.0, "", "below_the_bands")


# -- levels -----------------------------------------------------------------------------------
def test_levels_against_targets_for_one_person(examples: dict[str, Edition]) -> None:
    edition = examples["levels"]
    units = {
        "p1": {"CM_DESIGN": _a("basic"), "CM_DATA": _a("basic")},
        "p2": {"CM_DESIGN": _a("advanced")},
    }
    r = results_compute(edition=edition, units=units)
    # the level reached, and the target, by position (1 = lowest) with the level as category
    assert r.value(unit="p1", node="CM_DESIGN", measure="level", category="basic") == 2.0
    assert r.value(unit="p1", node="CM_DESIGN", measure="target", category="intermediate") == 3.0
    assert r.value(unit="p1", node="CM_DESIGN", measure="reached") == 0.0
    assert r.value(unit="p1", node="CM_DATA", measure="reached") == 1.0  # its own target: basic
    assert r.value(unit="p1", node="CM_PLANNING", measure="share") == 0.5
    assert r.value(unit="p2", node="CM_PLANNING", measure="coverage") == 0.5
    data = next(f for f in r.facts_of("p2") if f.node == "CM_DATA" and f.measure == "level")
    assert (data.value, data.reason) == (None, "unanswered")
    assert r.explanations["p1"]["private"] is True
    spec = REGISTRY["levels"].spec
    assert spec.visible_to_colleagues is False and spec.may_share == frozenset()


# -- none -------------------------------------------------------------------------------------
def test_a_survey_counts_only_what_it_declares(examples: dict[str, Edition]) -> None:
    edition = examples["none"]
    units = {
        "a": {"TS_CCTV": _a("yes"), "TS_AI_NOTE": _a("Number plates")},
        "b": {"TS_CCTV": _a("no")},
    }
    r = results_compute(edition=edition, units=units)
    assert {f.node for f in r.facts} == {"TS_CCTV"}
    assert r.value(unit="a", node="TS_CCTV", measure="count", category="yes") == 1
    assert r.value(unit="b", node="TS_CCTV", measure="share", category="no") == 1.0
    text = (FIXTURES.parents[3] / "docs" / "framework.md").read_text(encoding="utf-8")
    bare = edition_load(
        text=text.split("<!-- example: none -->\n```yaml\n")[1]
        .split("```")[0]
        .replace("  result: {count: [TS_CCTV]}\n", "")
    )
    assert results_compute(edition=bare, units=units).facts == ()


# -- bad answers ------------------------------------------------------------------------------
def test_every_answer_that_does_not_fit_is_reported(vulnerability: Edition) -> None:
    units = {
        "a": {
            "SITES[1]/SCENARIOS[1]/CONSEQUENCE": _a(9),  # not a point of the scale
            "SITES[1]/SCENARIOS[1]/RISK": _a(3),  # a computed field is never answered
            "SITES[1]/THREAT": _a("fire"),  # THREAT is answered per scenario
            "SITES[21]/SITE_NAME": _a("x"),  # at most 20 sites
            "NOWHERE": _a(1),
            "SITES[1]/SCENARIOS[1]/THREAT": AnswerState("maybe"),
        },
        "b": {"SITES[x]/SITE_NAME": _a("x")},
    }
    with pytest.raises(ResultsError) as info:
        results_compute(edition=vulnerability, units=units)
    got = {(p.unit, p.indicator): p.message for p in info.value.problems}
    assert len(got) == 7, got
    assert "is not a point of the scale" in got[("a", "SITES[1]/SCENARIOS[1]/CONSEQUENCE")]
    assert "never answered" in got[("a", "SITES[1]/SCENARIOS[1]/RISK")]
    assert "SITES[n]/SCENARIOS[n]/THREAT" in got[("a", "SITES[1]/THREAT")]
    assert "at most 20 instances" in got[("a", "SITES[21]/SITE_NAME")]
    assert "no item 'NOWHERE'" in got[("a", "NOWHERE")]
    assert "unknown status 'maybe'" in got[("a", "SITES[1]/SCENARIOS[1]/THREAT")]
    assert "is not a repeat instance" in got[("b", "SITES[x]/SITE_NAME")]


def test_a_pipeline_is_for_the_composite_model_only(pyramid: Edition, first: Edition) -> None:
    from saferspaces.core.assessment import edition_pipeline_default

    with pytest.raises(ResultsError, match="for the composite model, not tally"):
        results_compute(edition=pyramid, units={}, pipeline=edition_pipeline_default(edition=first))
