"""Hand-computed scores on the small edition (fixtures/small.yaml).

Unit A (every rule once):
  SAF_P01 62 %, goalposts 20..80          -> (62 - 20) / 60 * 100        = 70
  SAF_P02 4 on a 1..5 scale               -> (4 - 1) / 4 * 100           = 75
  SAF_S01 250, target 50, worst 1050      -> (250 - 1050) / (50 - 1050)  = 80
  SAF_S02 partly (edition score 40)       -> 40
  LIV_P01 fair                            -> 50
  LIV_S01 10 %, goalposts 0..50, worse    -> 100 - 20                    = 80
"""

from __future__ import annotations

import math

import pytest

from saferspaces.core.assessment import (
    OVERALL_CODE,
    AnswersError,
    AssessmentError,
    assessments_score,
)
from saferspaces.core.framework.answers import (
    DONT_KNOW,
    NOT_APPLICABLE,
    NOT_COLLECTED,
    AnswerState,
)
from saferspaces.core.framework.model import Edition

from .conftest import ans, make_pipeline

A = {
    "CL_SURVEY_RUNS": ans("yes"),
    "SAF_P01": ans(62.0),
    "SAF_P02": ans(4),
    "SAF_S01": ans(250.0),
    "SAF_S02": ans("partly"),
    "LIV_P01": ans("fair"),
    "LIV_S01": ans(10.0),
}


def test_rules_flow_into_dimension_scores(small: Edition) -> None:
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units={"A": A})
    u = r.unit("A")
    scores = {c: i.score for c, i in u.indicators.items()}
    assert scores == pytest.approx(
        {"SAF_P01": 70, "SAF_P02": 75, "SAF_S01": 80, "SAF_S02": 40, "LIV_P01": 50, "LIV_S01": 80}
        | {"SAF_S03": None, "LIV_S02": None}
    )
    saf = u.nodes["SAF"]
    assert saf.perception.score == pytest.approx((60 * 70 + 40 * 75) / 100)  # 72
    assert saf.status.score == pytest.approx((50 * 80 + 30 * 40) / 80)  # 65: S03 unanswered
    assert saf.all_kinds.score == pytest.approx((60 * 70 + 40 * 75 + 50 * 80 + 30 * 40) / 180)
    assert saf.gap.value == pytest.approx(72 - 65)
    assert saf.status.missing == {"SAF_S03": "unanswered"}
    assert saf.status.availability.answered == 2 and saf.status.availability.unanswered == 1
    liv_a = u.nodes["LIV_A"]
    assert (liv_a.perception.score, liv_a.status.score) == pytest.approx((50, 80))
    assert liv_a.all_kinds.score == pytest.approx(65)
    liv_b = u.nodes["LIV_B"]
    assert liv_b.all_kinds.score is None and liv_b.all_kinds.reason == "insufficient_data"
    assert liv_b.perception.reason == "no_indicators_of_kind"
    # LIV: LIV_B has no score, so LIV_A carries the whole weight (renormalised)
    liv = u.nodes["LIV"]
    assert liv.all_kinds.score == pytest.approx(65)
    assert liv.status.score == pytest.approx(80)
    assert liv.all_kinds.availability.share == pytest.approx(2 / 3)
    assert liv.all_kinds.missing == {"LIV_S02": "unanswered"}
    assert liv.children == ("LIV_A", "LIV_B") and liv.parent is None
    assert OVERALL_CODE not in u.nodes
    assert not any(c.startswith("_PAD_") for c in u.nodes)


def test_contributions_and_effective_weights_explain_the_score(small: Edition) -> None:
    u = assessments_score(edition=small, pipeline=make_pipeline(small), units={"A": A}).unit("A")
    for node in u.nodes.values():
        for key in ("all", "perception", "status"):
            k = node.kind(key)
            if k.score is None:
                assert not k.weights and not k.contributions
                continue
            assert math.fsum(k.weights.values()) == pytest.approx(1.0)
            assert math.fsum(k.contributions.values()) == pytest.approx(k.score)
            for code, w in k.weights.items():
                assert k.contributions[code] == pytest.approx(w * u.indicators[code].score)
    liv = u.nodes["LIV"].all_kinds
    assert liv.weights == pytest.approx({"LIV_P01": 0.5, "LIV_S01": 0.5})
    saf = u.nodes["SAF"].all_kinds
    assert saf.weights["SAF_P01"] == pytest.approx(60 / 180)
    assert u.indicators["SAF_P01"].effective_weight == pytest.approx(60 / 180)
    assert u.indicators["SAF_S03"].effective_weight is None


def test_rules_are_explained_as_data(small: Edition) -> None:
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units={"A": A})
    assert r.rules["SAF_P01"].method == "goalposts"
    assert r.rules["SAF_P01"].params == {"low": 20, "high": 80, "direction": "higher_is_better"}
    assert r.rules["SAF_S01"].params == {"target": 50, "worst": 1050}
    assert r.rules["SAF_P02"].params == {"min": 1, "max": 5, "direction": "higher_is_better"}
    assert r.rules["SAF_S02"].params["scores"] == {"yes": 100.0, "partly": 40, "no": 0.0}
    assert r.rules["SAF_S03"].method == "data_driven"
    assert r.rules["SAF_S03"].params["n_units"] == 0
    assert [s.kind for s in r.steps] == ["normalise", "weights", "aggregate"]
    assert r.steps[0].params["indicators"]["SAF_P01"]["method"] == "none"
    assert r.pipeline_name == "test pipeline" and len(r.pipeline_sha256) == 64
    assert r.edition_id == "score-test-2026.1"


def test_not_applicable_is_excluded_but_dont_know_is_missing(small: Edition) -> None:
    pipe = make_pipeline(small, threshold=0.6)
    units = {
        "NA": {**A, "SAF_P02": AnswerState(status=NOT_APPLICABLE)},
        "DK": {**A, "SAF_P02": AnswerState(status=DONT_KNOW)},
        "NC": {**A, "SAF_P02": AnswerState(status=NOT_COLLECTED)},
    }
    r = assessments_score(edition=small, pipeline=pipe, units=units)
    na = r.unit("NA").nodes["SAF"].perception
    assert na.score == pytest.approx(70)  # P01 alone, weight renormalised
    assert na.availability.not_applicable == 1 and na.availability.share == 1.0
    assert na.missing == {}
    for unit, status in (("DK", "dont_know"), ("NC", "not_collected")):
        k = r.unit(unit).nodes["SAF"].perception
        assert k.score is None and k.reason == "insufficient_data"  # 1 of 2 < 0.6
        assert k.missing == {"SAF_P02": status}
        assert getattr(k.availability, status) == 1
        assert r.unit(unit).indicators["SAF_P02"].status == status
        assert r.unit(unit).indicators["SAF_P02"].score is None  # never zero
        assert r.unit(unit).nodes["SAF"].gap.reason == "perception_missing"
    # at the default threshold 0.5, 1 of 2 is enough: renormalised over what is known
    r5 = assessments_score(edition=small, pipeline=make_pipeline(small), units=units)
    assert r5.unit("DK").nodes["SAF"].perception.score == pytest.approx(70)


def test_everything_not_applicable(small: Edition) -> None:
    units = {"X": {**A, "LIV_P01": AnswerState(status=NOT_APPLICABLE)}}
    u = assessments_score(edition=small, pipeline=make_pipeline(small), units=units).unit("X")
    assert u.nodes["LIV_A"].perception.score is None
    assert u.nodes["LIV_A"].perception.reason == "not_applicable"
    assert u.nodes["LIV"].perception.reason == "not_applicable"
    assert u.nodes["LIV"].gap.value is None


def test_skip_logic_makes_a_question_not_applicable(small: Edition) -> None:
    units = {"S": {**A, "CL_SURVEY_RUNS": ans("no")}}  # SAF_P02 still carries an old answer
    u = assessments_score(edition=small, pipeline=make_pipeline(small), units=units).unit("S")
    p02 = u.indicators["SAF_P02"]
    assert (p02.status, p02.reason, p02.score, p02.value) == (
        "not_applicable",
        "not_relevant",
        None,
        4,
    )
    assert u.nodes["SAF"].perception.score == pytest.approx(70)
    assert u.nodes["SAF"].perception.availability.not_applicable == 1
    # unanswered condition: the question is not asked either
    units = {"S": {k: v for k, v in A.items() if k != "CL_SURVEY_RUNS"}}
    u = assessments_score(edition=small, pipeline=make_pipeline(small), units=units).unit("S")
    assert u.indicators["SAF_P02"].reason == "not_relevant"


def _round(n: int) -> dict[str, dict[str, AnswerState]]:
    return {
        f"U{k}": {**A, "SAF_S03": ans(10.0 * (k + 1)), "LIV_S02": ans(float(k + 1))}
        for k in range(n)
    }


def test_data_driven_with_enough_units(small: Edition) -> None:
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units=_round(5))
    s03 = [r.unit(f"U{k}").indicators["SAF_S03"].score for k in range(5)]
    assert s03 == pytest.approx([0, 25, 50, 75, 100])  # higher is better
    s02 = [r.unit(f"U{k}").indicators["LIV_S02"].score for k in range(5)]
    assert s02 == pytest.approx([100, 75, 50, 25, 0])  # higher is worse
    rule = r.rules["SAF_S03"]
    assert rule.params == {
        "normalisation": "minmax",
        "direction": "higher_is_better",
        "n_units": 5,
        "min_units": 5,
        "range": [0.0, 100.0],
        "min": 10.0,
        "max": 50.0,
    }
    u2 = r.unit("U2")
    assert u2.nodes["SAF"].status.score == pytest.approx((50 * 80 + 30 * 40 + 20 * 50) / 100)
    # LIV_B now has its indicator: LIV = 0.75 LIV_A + 0.25 LIV_B
    assert u2.nodes["LIV"].all_kinds.score == pytest.approx(0.75 * 65 + 0.25 * 50)
    assert u2.nodes["LIV"].status.score == pytest.approx(0.75 * 80 + 0.25 * 50)


def test_data_driven_with_too_few_units(small: Edition) -> None:
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units=_round(4))
    ind = r.unit("U0").indicators["SAF_S03"]
    assert (ind.status, ind.reason, ind.score, ind.value) == (
        "answered",
        "too_few_units",
        None,
        10.0,
    )
    saf = r.unit("U0").nodes["SAF"].status
    assert saf.missing == {"SAF_S03": "too_few_units"}
    assert saf.availability.unscorable == 1
    assert r.rules["SAF_S03"].params["n_units"] == 4
    assert "min" not in r.rules["SAF_S03"].params
    # the minimum is a parameter
    r2 = assessments_score(
        edition=small, pipeline=make_pipeline(small, min_units=4), units=_round(4)
    )
    assert r2.unit("U3").indicators["SAF_S03"].score == pytest.approx(100)


def test_data_driven_zero_range_is_missing(small: Edition) -> None:
    units = {f"U{k}": {**A, "SAF_S03": ans(7.0)} for k in range(5)}
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units=units)
    assert r.unit("U0").indicators["SAF_S03"].reason == "zero_range"
    assert r.unit("U0").indicators["SAF_S03"].score is None


def test_overall_composite_only_when_enabled(small: Edition) -> None:
    plain = assessments_score(edition=small, pipeline=make_pipeline(small), units={"A": A})
    assert OVERALL_CODE not in plain.unit("A").nodes
    assert plain.options["overall"] is False
    on = assessments_score(
        edition=small, pipeline=make_pipeline(small, overall=True), units={"A": A}
    )
    o = on.unit("A").nodes[OVERALL_CODE]
    saf = (60 * 70 + 40 * 75 + 50 * 80 + 30 * 40) / 180
    assert o.all_kinds.score == pytest.approx(0.6 * saf + 0.4 * 65)
    assert o.perception.score == pytest.approx(0.6 * 72 + 0.4 * 50)
    assert on.unit("A").nodes["SAF"].parent == OVERALL_CODE
    # the caller (a coordinator's choice per round) may switch it either way
    off = assessments_score(
        edition=small, pipeline=make_pipeline(small, overall=True), units={"A": A}, overall=False
    )
    assert OVERALL_CODE not in off.unit("A").nodes
    forced = assessments_score(
        edition=small, pipeline=make_pipeline(small), units={"A": A}, overall=True
    )
    assert forced.unit("A").nodes[OVERALL_CODE].all_kinds.score == pytest.approx(o.all_kinds.score)


def test_spreads_give_intervals_containing_the_score(small: Edition) -> None:
    spreads = {"A": {"SAF_P01": (50.0, 74.0), "SAF_S02": ("no", "yes"), "LIV_S01": (5.0, 20.0)}}
    r = assessments_score(
        edition=small, pipeline=make_pipeline(small), units={"A": A}, spreads=spreads
    )
    u = r.unit("A")
    assert u.indicators["SAF_P01"].interval == pytest.approx((50.0, 90.0))
    assert u.indicators["SAF_S02"].interval == pytest.approx((0.0, 100.0))
    assert u.indicators["LIV_S01"].interval == pytest.approx((60.0, 90.0))
    assert u.indicators["SAF_P01"].spread == (50.0, 74.0)
    assert u.indicators["SAF_P02"].interval is None
    saf_p = u.nodes["SAF"].perception
    assert saf_p.interval == pytest.approx(((60 * 50 + 40 * 75) / 100, (60 * 90 + 40 * 75) / 100))
    for node in u.nodes.values():
        for key in ("all", "perception", "status"):
            k = node.kind(key)
            if k.score is not None:
                assert k.interval is not None
                assert k.interval[0] - 1e-9 <= k.score <= k.interval[1] + 1e-9
    gap = u.nodes["SAF"].gap
    assert gap.interval is not None and gap.interval[0] <= gap.value <= gap.interval[1]
    # without spreads there are no intervals
    plain = assessments_score(edition=small, pipeline=make_pipeline(small), units={"A": A})
    assert plain.unit("A").nodes["SAF"].all_kinds.interval is None


def test_spreads_on_data_driven_indicators(small: Edition) -> None:
    spreads = {"U2": {"SAF_S03": (20.0, 60.0), "LIV_S02": (2.0, 4.0)}}
    r = assessments_score(
        edition=small, pipeline=make_pipeline(small), units=_round(5), spreads=spreads
    )
    u = r.unit("U2")
    assert u.indicators["SAF_S03"].interval == pytest.approx((25.0, 100.0))  # clipped at 100
    assert u.indicators["LIV_S02"].interval == pytest.approx((25.0, 75.0))  # higher is worse


def test_bad_answers_are_all_reported(small: Edition) -> None:
    units = {
        "A": {**A, "SAF_P01": ans(140.0), "NOPE": ans(1.0)},
        "B": {**A, "SAF_S02": ans("perhaps"), "LIV_P01": AnswerState(status="maybe")},
    }
    with pytest.raises(AnswersError) as info:
        assessments_score(edition=small, pipeline=make_pipeline(small), units=units)
    msgs = [str(p) for p in info.value.problems]
    assert len(msgs) == 4
    assert any("unit 'A'" in m and "SAF_P01" in m and "above the maximum" in m for m in msgs)
    assert any("unit 'A'" in m and "NOPE" in m and "not in the edition" in m for m in msgs)
    assert any("unit 'B'" in m and "SAF_S02" in m and "perhaps" in m for m in msgs)
    assert any("unit 'B'" in m and "LIV_P01" in m and "maybe" in m for m in msgs)


def test_pipeline_of_another_edition_is_refused(small: Edition, real: Edition) -> None:
    with pytest.raises(AssessmentError, match=r"not 'score-test-2026\.1'"):
        assessments_score(edition=small, pipeline=make_pipeline(real), units={"A": A})


def test_empty_round(small: Edition) -> None:
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units={})
    assert r.n_units == 0 and r.units == {}


def test_data_driven_with_per_indicator_goalposts(small: Edition) -> None:
    from .conftest import pipeline_text

    text = pipeline_text().replace(
        "params: {method: minmax, range: [0, 100]}",
        "params: {method: minmax, range: [0, 100], indicators: "
        "{SAF_S03: {method: goalposts, lower: 0, upper: 40, scale: 100}}}",
    )
    from saferspaces.core.assessment import edition_pipeline_load

    pipe = edition_pipeline_load(text=text, edition=small, source="gp.pipeline.yaml")
    r = assessments_score(
        edition=small, pipeline=pipe, units=_round(5), spreads={"U0": {"SAF_S03": (0.0, 30.0)}}
    )
    assert [r.unit(f"U{k}").indicators["SAF_S03"].score for k in range(5)] == pytest.approx(
        [25, 50, 75, 100, 100]
    )
    assert r.unit("U0").indicators["SAF_S03"].interval == pytest.approx((0.0, 75.0))
    assert r.rules["SAF_S03"].params["normalisation"] == "goalposts"
    assert (r.rules["SAF_S03"].params["lower"], r.rules["SAF_S03"].params["upper"]) == (0, 40)
    # the other data_driven indicator keeps the default min-max
    assert r.rules["LIV_S02"].params["normalisation"] == "minmax"
