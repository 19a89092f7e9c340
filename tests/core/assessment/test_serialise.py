"""JSON form of scores: serialisable, stable, read back unit by unit."""

from __future__ import annotations

import json
import random

import pytest

from saferspaces.core.assessment import (
    AssessmentError,
    assessments_score,
    edition_pipeline_find,
    score_result_to_json,
    unit_scores_from_json,
)
from saferspaces.core.framework.model import Edition

from .conftest import EDITIONS, make_pipeline
from .helpers import random_states
from .test_score_small import A


def test_round_trip_real_edition(real: Edition) -> None:
    pipe = edition_pipeline_find(edition=real, directory=EDITIONS)
    units = {f"C{k}": random_states(real, random.Random(k), p_missing=0.2) for k in range(7)}
    spreads = {"C1": {"QOL_P01": (70.0, 90.0), "URB_S01": (10.0, 20.0)}}
    for k in range(7):
        units[f"C{k}"].pop("QOL_P02", None)  # some unanswered too
    r = assessments_score(edition=real, pipeline=pipe, units=units, spreads=spreads)
    data = score_result_to_json(r)
    text = json.dumps(data, allow_nan=False)
    again = json.loads(text)
    assert again == data
    for unit in units:
        assert unit_scores_from_json(again, unit) == r.unit(unit)
    assert json.dumps(score_result_to_json(r)) == text  # stable
    one = score_result_to_json(r, units=["C1"])
    assert list(one["units"]) == ["C1"]
    assert unit_scores_from_json(json.loads(json.dumps(one)), "C1") == r.unit("C1")
    assert data["pipeline"]["sha256"] == pipe.sha256
    assert data["edition"] == "ssf-2026.1"
    assert data["steps"][2] == {
        "kind": "aggregate",
        "id": "aggregate",
        "params": data["steps"][2]["params"],
    }


def test_round_trip_small_with_overall_and_multiple_choice(small: Edition) -> None:
    r = assessments_score(
        edition=small,
        pipeline=make_pipeline(small, overall=True),
        units={"A": A},
        spreads={"A": {"SAF_S02": ("no", "yes")}},
    )
    data = json.loads(json.dumps(score_result_to_json(r)))
    back = unit_scores_from_json(data, "A")
    assert back == r.unit("A")
    assert (
        back.nodes["SAF"].all_kinds.contributions
        == r.unit("A").nodes["SAF"].all_kinds.contributions
    )
    assert back.rules["SAF_S01"].params == {"target": 50, "worst": 1050}


def test_unreadable_json_gives_an_error(small: Edition) -> None:
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units={"A": A})
    data = score_result_to_json(r)
    with pytest.raises(AssessmentError, match="unit 'B'"):
        unit_scores_from_json(data, "B")
    with pytest.raises(AssessmentError):
        unit_scores_from_json({**data, "format": "other"}, "A")
    broken = json.loads(json.dumps(data))
    del broken["units"]["A"]["nodes"]["SAF"]["all"]["availability"]
    with pytest.raises(AssessmentError, match="cannot be read"):
        unit_scores_from_json(broken, "A")
