"""The engine's warnings when a round is scored: kept in the result and stored with the scores."""

from __future__ import annotations

import json

from saferspaces.core.assessment import (
    assessments_score,
    score_result_to_json,
    unit_scores_from_json,
)
from saferspaces.core.framework.model import Edition

from .conftest import ans, make_pipeline
from .test_score_small import A


def test_constant_data_driven_indicator_is_warned_and_stored(small: Edition) -> None:
    units = {f"U{k}": {**A, "SAF_S03": ans(7.0)} for k in range(5)}
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units=units)
    (w,) = r.warnings
    assert (w.kind, w.indicator, w.step, w.units) == ("constant", "SAF_S03", "1 (normalise)", ())
    assert "all present values are equal (7)" in w.message
    assert r.unit("U0").warnings == (w,)
    stored = json.loads(json.dumps(score_result_to_json(r, units=["U2"]), allow_nan=False))
    assert stored["warnings"] == [w.as_json()]
    assert unit_scores_from_json(stored, "U2").warnings == (w,)


def test_scores_without_warnings_store_none(small: Edition) -> None:
    units = {f"U{k}": {**A, "SAF_S03": ans(float(k))} for k in range(5)}
    r = assessments_score(edition=small, pipeline=make_pipeline(small), units=units)
    assert r.warnings == () and r.unit("U1").warnings == ()
    stored = score_result_to_json(r, units=["U1"])
    assert "warnings" not in stored  # the stored format is unchanged when there is nothing to say
    assert unit_scores_from_json(stored, "U1").warnings == ()
