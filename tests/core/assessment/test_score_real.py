"""Scoring the real edition ssf-2026.1: hand-checked values and agreement with the engine."""

from __future__ import annotations

import random

import numpy as np
import pytest

from saferspaces.core.assessment import (
    assessments_score,
    edition_pipeline_find,
    edition_scoring_framework,
)
from saferspaces.core.framework.answers import ANSWERED, AnswerState
from saferspaces.core.framework.model import Edition
from saferspaces.core.scoring.data import dataset_build
from saferspaces.core.scoring.kinds import scores_by_kind
from saferspaces.core.scoring.pipeline import pipeline_parse, pipeline_run

from .conftest import EDITIONS, ans
from .helpers import random_states


def _complete(real: Edition, seed: int) -> dict[str, AnswerState]:
    """Every question answered, survey questions relevant (so nothing is skipped)."""
    rng = random.Random(seed)
    states = random_states(real, rng, p_missing=0.0)
    states["CL_SURVEY_RUNS"] = ans("yes")
    states["CL_SURVEY_GENDER"] = ans("yes")
    states["CL_SURVEY_SAMPLE"] = ans(1000)
    states["CL_SURVEY_VICTIM"] = ans("yes")
    states["CL_SURVEY_GROUPS"] = ans(["age", "disability", "migrant", "lgbti"])
    states["CL_PEOPLE_PARTNERS"] = ans(["transport_operator"])
    states["CL_SCOPE_SPACES"] = ans(["squares", "parks"])
    states["URB_S14"] = ans("yes")
    states["URB_S18"] = ans(["cctv"])
    return states


def test_hand_checked_qol_scores(real: Edition) -> None:
    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    answers = {
        "QOL_P01": ans(84.0),  # goalposts 70..98       -> 50
        "QOL_P02": ans(62.5),  # goalposts 30..95       -> 50
        "QOL_P04": ans(60.0),  # goalposts 5..60        -> 100
        "QOL_S01": ans(20.0),  # goalposts 5..35, worse -> 50
        "QOL_S02": ans(19.5),  # target 9, worst 30     -> 50
        "QOL_S03": ans(100.0),  # goalposts 40..100     -> 100
        "QOL_S04": ans(0.0),  # goalposts 0..10, worse  -> 100
        "URB_S13": ans("partly"),  # choice             -> 50
        "URB_P05": ans(3),
    }
    u = assessments_score(edition=real, pipeline=pipe, units={"city": answers}).unit("city")
    got = {c: u.indicators[c].score for c in answers if c != "URB_P05"}
    assert got == pytest.approx(
        {"QOL_P01": 50, "QOL_P02": 50, "QOL_P04": 100, "QOL_S01": 50, "QOL_S02": 50,
         "QOL_S03": 100, "QOL_S04": 100, "URB_S13": 50}
    )  # fmt: skip
    qol = u.nodes["QOL"]
    # QOL_P03 is skipped (no survey): not applicable; weights 30, 25, 20 renormalised
    assert u.indicators["QOL_P03"].reason == "not_relevant"
    assert qol.perception.score == pytest.approx((30 * 50 + 25 * 50 + 20 * 100) / 75)
    # QOL_S05 (data_driven) unanswered: missing, 4 of 5 status indicators answered
    assert qol.status.score == pytest.approx((25 * 50 + 20 * 50 + 20 * 100 + 20 * 100) / 85)
    assert qol.status.missing == {"QOL_S05": "unanswered"}
    assert qol.gap.value == pytest.approx(qol.perception.score - qol.status.score)
    assert u.nodes["SOC"].all_kinds.reason == "insufficient_data"


def test_agrees_with_the_engine_on_complete_answers(real: Edition) -> None:
    """With nothing missing, the platform's scores are the engine's own aggregation of the same
    framework (pass-through levels included); per kind, the engine's aggregation of that kind's
    indicators alone; inside a sub-dimension also ``scores_by_kind``.

    Above the sub-dimensions the platform combines the sub-dimensions' kind scores with the
    sub-dimension weights; ``scores_by_kind`` uses flat effective weights, where a sub-dimension
    with only status indicators weighs twice as much in the status score: they differ there.
    """
    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    units = {f"C{k}": _complete(real, k) for k in range(8)}
    r = assessments_score(edition=real, pipeline=pipe, units=units)
    fw = edition_scoring_framework(edition=real)
    codes = fw.indicators
    x = np.array([[r.unit(u).indicators[c].score for c in codes] for u in units], dtype=float)
    assert not np.isnan(x).any()
    spec = pipeline_parse(
        raw={"steps": [{"step": "aggregate", "params": {"method": "arithmetic"}}]}, framework=fw
    )

    def engine(kind: str | None) -> object:
        keep = np.array([kind is None or fw.node(c).kind == kind for c in codes])
        data = dataset_build(units=list(units), codes=codes, values=np.where(keep, x, np.nan))
        return pipeline_run(data=data, framework=fw, spec=spec).results

    runs = {"all": engine(None), "perception": engine("perception"), "status": engine("status")}
    data = dataset_build(units=list(units), codes=codes, values=x)
    kinds2 = scores_by_kind(data=data, framework=fw, level=2)
    for i, unit in enumerate(units):
        nodes = r.unit(unit).nodes
        for code in (*fw.aggregates(3), *fw.aggregates(2)):
            if code.startswith("_PAD_"):
                continue
            for key, res in runs.items():
                got = nodes[code].kind(key).score
                want = res.column(code)[i]  # type: ignore[attr-defined]
                assert (np.nan if got is None else got) == pytest.approx(
                    want, abs=1e-9, nan_ok=True
                )
        for sub in fw.aggregates(2):
            if sub.startswith("_PAD_"):
                continue
            j = kinds2.dimensions.index(sub)
            for key, arr in (("perception", kinds2.perception), ("status", kinds2.status)):
                got = nodes[sub].kind(key).score
                assert (np.nan if got is None else got) == pytest.approx(
                    arr[i, j], abs=1e-9, nan_ok=True
                )


def test_data_driven_crime_rates_across_a_round(real: Edition) -> None:
    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    rates = [100.0, 200.0, 300.0, 400.0, 500.0]
    units = {f"C{k}": {"URB_S01": ans(v)} for k, v in enumerate(rates)}
    r = assessments_score(edition=real, pipeline=pipe, units=units)
    assert [r.unit(u).indicators["URB_S01"].score for u in units] == pytest.approx(
        [100, 75, 50, 25, 0]
    )
    assert r.rules["URB_S01"].params["min"] == 100.0 and r.rules["URB_S01"].params["max"] == 500.0
    # one indicator of nine answered: below the threshold, the sub-dimension is not scored
    crime = r.unit("C0").nodes["URB_CRIME"].status
    assert crime.score is None and crime.reason == "insufficient_data"
    assert crime.availability.answered == 1 and crime.availability.unanswered == 8


def test_no_rank_anywhere(real: Edition) -> None:
    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    units = {f"C{k}": random_states(real, random.Random(k)) for k in range(6)}
    r = assessments_score(edition=real, pipeline=pipe, units=units)
    from saferspaces.core.assessment import score_result_to_json

    text = repr(score_result_to_json(r)).lower()
    assert "rank" not in text and "position" not in text


def test_statuses_are_counted(real: Edition) -> None:
    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    states = random_states(real, random.Random(3), p_missing=0.3)
    u = assessments_score(edition=real, pipeline=pipe, units={"X": states}).unit("X")
    for node in u.nodes.values():
        a = node.all_kinds.availability
        below = [u.indicators[c] for c in u.indicators if _under(u, c, node.code)]
        assert a.answered + a.missing + a.not_applicable == len(below)
        assert a.not_applicable == sum(i.status == "not_applicable" for i in below)
        assert a.dont_know == sum(i.status == "dont_know" for i in below)
        assert a.answered == sum(i.score is not None for i in below)
    assert any(i.status == ANSWERED for i in u.indicators.values())


def _under(u: object, code: str, node: str) -> bool:
    nodes = u.nodes  # type: ignore[attr-defined]
    h: str | None = u.indicators[code].holder  # type: ignore[attr-defined]
    while h is not None:
        if h == node:
            return True
        h = nodes[h].parent
    return False
