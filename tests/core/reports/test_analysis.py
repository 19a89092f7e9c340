"""The pilot analysis core on hand-built rounds of the small test edition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import Edition
from saferspaces.core.reports import (
    AnswerInput,
    FlagInput,
    IndividualInput,
    RoundInputs,
    Thresholds,
    UnitInput,
    UnitScores,
    round_analyse,
)

SMALL = Path(__file__).resolve().parent.parent / "assessment" / "fixtures" / "small.yaml"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def small() -> Edition:
    return edition_load(path=SMALL)


def units(n: int) -> tuple[UnitInput, ...]:
    return tuple(
        UnitInput(unit=str(i), authority=f"Town {i:02d}", state="submitted") for i in range(n)
    )


def revise_reasons(analysis: object, code: str) -> dict[str, float]:
    for q in analysis.revise:  # type: ignore[attr-defined]
        if q.code == code:
            return {r.reason: r.value for r in q.reasons}
    return {}


def test_cronbach_alpha_matches_a_value_worked_by_hand(small: Edition) -> None:
    # two items x = 1..5, y = 2,1,4,3,5: var x = var y = 2.5, var(x + y) = 9,
    # alpha = 2/1 * (1 - 5/9) = 8/9
    x = [1, 2, 3, 4, 5]
    y = [2, 1, 4, 3, 5]
    scores = tuple(
        UnitScores(unit=str(i), indicators={"LIV_P01": x[i], "LIV_S01": y[i]}) for i in range(5)
    )
    inputs = RoundInputs(edition=small, units=units(5), scores=scores)
    a = round_analyse(inputs=inputs, thresholds=Thresholds(min_units_reliability=5))
    liv_a = next(d for d in a.reliability.alphas if d.dimension == "LIV_A")
    assert liv_a.children == ("LIV_P01", "LIV_S01")
    assert liv_a.complete == 5
    assert liv_a.alpha == pytest.approx(8 / 9, abs=1e-12)
    assert liv_a.low is False
    # with the default minimum (10 assessments) it says there are too few
    d = round_analyse(inputs=inputs)
    liv_a = next(r for r in d.reliability.alphas if r.dimension == "LIV_A")
    assert liv_a.alpha is None and liv_a.reason == "too_few_assessments"
    assert d.reliability.enough is False and d.reliability.item_totals == ()


def test_a_flat_dimension_is_named_not_its_pass_through(small: Edition) -> None:
    a = round_analyse(inputs=RoundInputs(edition=small, units=units(3)))
    names = {d.dimension for d in a.reliability.alphas}
    assert "SAF" in names and not any(n.startswith("_PAD") for n in names)


def test_near_constant_rule_at_ninety_percent(small: Edition) -> None:
    def run(yes: int, n: int = 10) -> dict[str, float]:
        answers = tuple(
            AnswerInput(str(i), "CL_SURVEY_RUNS", "answered", "yes" if i < yes else "no")
            for i in range(n)
        )
        a = round_analyse(inputs=RoundInputs(edition=small, units=units(n), answers=answers))
        dist = next(d for d in a.distributions if d.code == "CL_SURVEY_RUNS")
        assert dict(dist.counts) == {"yes": yes, "partly": 0, "no": n - yes}
        return revise_reasons(a, "CL_SURVEY_RUNS")

    assert run(9)["near_constant_answers"] == pytest.approx(0.9)
    assert run(10)["near_constant_answers"] == 1.0
    assert "near_constant_answers" not in run(8)
    # fewer than MIN_ANSWERS answers: the rule does not apply
    assert "near_constant_answers" not in run(4, n=4)


def test_constant_indicator_scores_never_discriminate(small: Edition) -> None:
    scores = tuple(UnitScores(str(i), indicators={"SAF_S02": 100.0}) for i in range(6))
    a = round_analyse(inputs=RoundInputs(edition=small, units=units(6), scores=scores))
    assert revise_reasons(a, "SAF_S02")["near_constant_scores"] == 1.0
    spread = next(s for s in a.reliability.spreads if s.code == "SAF_S02")
    assert spread.sd == 0.0 and spread.n == 6


def test_non_response_dont_know_and_skip_logic(small: Edition) -> None:
    # 10 assessments: SAF_P01 answered by 5, don't know by 2, nothing from 3
    rows = [AnswerInput(str(i), "SAF_P01", "answered", 40.0 + i) for i in range(5)]
    rows += [AnswerInput(str(i), "SAF_P01", "dont_know") for i in (5, 6)]
    # SAF_P02 only applies where a survey runs (yes/partly): 4 assessments say yes
    rows += [AnswerInput(str(i), "CL_SURVEY_RUNS", "answered", "yes") for i in range(4)]
    rows += [AnswerInput(str(i), "CL_SURVEY_RUNS", "answered", "no") for i in range(4, 10)]
    rows += [AnswerInput(str(i), "SAF_P02", "answered", 4) for i in range(4)]
    a = round_analyse(inputs=RoundInputs(edition=small, units=units(10), answers=tuple(rows)))
    r = next(x for x in a.responses if x.code == "SAF_P01")
    assert (r.expected, r.answered, r.dont_know, r.unanswered) == (10, 5, 2, 3)
    assert r.non_response_rate == pytest.approx(0.3)
    assert r.dont_know_rate == pytest.approx(0.2)
    reasons = revise_reasons(a, "SAF_P01")
    assert reasons["non_response"] == pytest.approx(0.3)
    assert reasons["dont_know"] == pytest.approx(0.2)
    p02 = next(x for x in a.responses if x.code == "SAF_P02")
    assert (p02.expected, p02.answered, p02.unanswered) == (4, 4, 0)
    dist = next(d for d in a.distributions if d.code == "SAF_P01")
    assert dist.numeric is not None
    assert (dist.numeric.minimum, dist.numeric.median, dist.numeric.maximum) == (40, 42, 44)
    assert (dist.numeric.q1, dist.numeric.q3) == (41, 43)


def test_participation_by_name_and_time_taken(small: Edition) -> None:
    us = (
        UnitInput("a", "Zeta", "submitted", T0, T0 + dt.timedelta(days=10)),
        UnitInput("b", "alpha", "accepted", T0, T0 + dt.timedelta(days=30)),
        UnitInput("c", "Mid", "submitted", T0, T0 + dt.timedelta(days=20)),
        UnitInput("d", "Beta", "draft", T0, None),
    )
    answers = (
        AnswerInput("a", "SAF_P01", "answered", 50.0),
        AnswerInput("a", "SAF_S01", "dont_know"),
    )
    a = round_analyse(inputs=RoundInputs(edition=small, units=us, answers=answers))
    assert [r.authority for r in a.authorities] == ["alpha", "Beta", "Mid", "Zeta"]
    zeta = a.authorities[-1]
    assert (zeta.totals.answered, zeta.totals.marked) == (1, 1)
    assert zeta.sections["SAF"].done == 2
    assert (a.time.n, a.time.median_days, a.time.min_days, a.time.max_days) == (3, 20, 10, 30)
    saf = next(s for s in a.by_section if s.section == "SAF")
    assert saf.totals.answered == 1 and saf.complete_units == 0 and saf.units == 4


def test_evidence_and_prefill_coverage(small: Edition) -> None:
    answers = tuple(
        AnswerInput(str(i), "SAF_P01", "answered", 50.0, prefilled=i < 1) for i in range(4)
    )
    inputs = RoundInputs(
        edition=small,
        units=units(4),
        answers=answers,
        evidence=frozenset({("0", "SAF_P01"), ("1", "SAF_P01")}),
    )
    a = round_analyse(inputs=inputs)
    r = next(x for x in a.responses if x.code == "SAF_P01")
    assert r.evidence_share == 0.5 and r.prefill_share == 0.25
    saf = next(c for c in a.coverage if c.section == "SAF")
    assert (saf.answered, saf.with_evidence, saf.prefilled) == (4, 2, 1)


def test_every_reason_for_a_question_is_listed(small: Edition) -> None:
    n = 12
    # SAF_S02 moves against the other SAF indicators: its correlation with SAF is negative
    scores = []
    for i in range(n):
        good = 10.0 * i
        scores.append(
            UnitScores(
                str(i),
                indicators={
                    "SAF_P01": good,
                    "SAF_P02": good + 1,
                    "SAF_S01": good + 2,
                    "SAF_S03": good - 3,
                    "SAF_S02": 100.0 - good if i % 3 else 40.0,
                },
                nodes={"SAF": good},
            )
        )
    flags = (
        FlagInput("SAF_S02", "unclear", "What counts as a plan?", "1"),
        FlagInput("SAF_S02", "not_fitting", "", "2"),
        FlagInput("SAF_S02", "unclear", "", "3"),
    )
    individual = tuple(
        IndividualInput(str(i), "SAF_S02", person, "answered", v)
        for i in range(4)
        for person, v in (("p1", "yes"), ("p2", "no" if i < 3 else "yes"))
    )
    a = round_analyse(
        inputs=RoundInputs(
            edition=small, units=units(n), scores=tuple(scores), flags=flags, individual=individual
        )
    )
    reasons = revise_reasons(a, "SAF_S02")
    assert reasons["negative_item_total"] < 0
    assert reasons["flagged_unclear"] == 2 and reasons["flagged_not_fitting"] == 1
    assert reasons["disagreement"] == 0.75
    assert reasons["non_response"] == 1.0  # no agreed answers at all
    item = next(x for x in a.reliability.item_totals if x.code == "SAF_S02")
    assert item.dimension == "SAF" and item.n == n
    fb = next(f for f in a.feedback if f.code == "SAF_S02")
    assert fb.counts == {"not_fitting": 1, "unclear": 2}
    assert fb.notes == (("unclear", "What counts as a plan?"),)
    dis = next(d for d in a.disagreement if d.code == "SAF_S02")
    assert (dis.compared, dis.differed, dis.mean_distinct) == (4, 3, 1.75)
    # reasons keep a fixed order and the list keeps the edition order
    order = [r.reason for q in a.revise if q.code == "SAF_S02" for r in q.reasons]
    assert order == sorted(
        order,
        key=[
            "non_response",
            "negative_item_total",
            "flagged_unclear",
            "flagged_not_fitting",
            "disagreement",
        ].index,
    )
    codes = [q.code for q in a.revise]
    assert codes == [c for c in a.questions if c in codes]


def test_numeric_disagreement_spread(small: Edition) -> None:
    individual = (
        IndividualInput("0", "SAF_P01", "p1", "answered", 40.0),
        IndividualInput("0", "SAF_P01", "p2", "answered", 50.0),
        IndividualInput("1", "SAF_P01", "p1", "answered", 60.0),
        IndividualInput("1", "SAF_P01", "p2", "answered", 60.0),
        IndividualInput("2", "SAF_P01", "p1", "answered", 60.0),  # alone: not compared
    )
    a = round_analyse(inputs=RoundInputs(edition=small, units=units(3), individual=individual))
    (d,) = a.disagreement
    assert (d.compared, d.differed, d.share, d.mean_range) == (2, 1, 0.5, 5.0)


STATUSES = st.sampled_from(["answered", "dont_know", "not_applicable", "not_collected", None])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(STATUSES, STATUSES, STATUSES), min_size=1, max_size=15))
def test_counts_add_up_and_rates_are_shares(
    small: Edition, rows: list[tuple[str | None, ...]]
) -> None:
    codes = ("SAF_P01", "SAF_S01", "LIV_S01")
    answers = tuple(
        AnswerInput(str(i), code, status, 30.0 if status == "answered" else None)
        for i, row in enumerate(rows)
        for code, status in zip(codes, row, strict=True)
        if status is not None
    )
    a = round_analyse(inputs=RoundInputs(edition=small, units=units(len(rows)), answers=answers))
    for r in a.responses:
        assert (
            r.answered + r.dont_know + r.not_collected + r.not_applicable + r.unanswered
            == r.expected
        )
        for rate in (r.non_response_rate, r.dont_know_rate, r.not_collected_rate):
            assert rate is None or 0 <= rate <= 1
    for row in a.authorities:
        assert row.totals.completion is None or 0 <= row.totals.completion <= 1
