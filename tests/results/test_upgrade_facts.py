"""The upgrade turns each stored engine document into long-form facts by itself (migration
``results.0002``, which does not import the code of later versions): for a real computation its
facts are the composite model's own, measure for measure."""

from __future__ import annotations

import importlib
import math
from typing import Any

from saferspaces.assessments.models import Assessment, AssessmentState
from saferspaces.demo.assessments import ROUND_TITLES
from saferspaces.results.index import facts_unpack
from saferspaces.results.selectors import result_run_latest

upgrade = importlib.import_module("saferspaces.results.migrations.0002_runs_facts_profiles")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return a == b


def test_the_upgrade_gives_the_facts_of_the_composite_model(team: Any) -> None:
    pilot = Assessment.objects.get(authority=team.authority, round__title=ROUND_TITLES[0])
    assert pilot.state in (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)
    run = result_run_latest(assessment=pilot)
    assert run is not None and run.model == "composite"
    body = {k: v for k, v in run.explanation.items() if k not in ("format", "model")}
    upgraded = facts_unpack(upgrade.unit_facts(body))
    computed = {(f["node"], f["measure"]): f for f in facts_unpack(run.facts)}
    assert len(upgraded) > 50
    nodes = {f["node"] for f in upgraded if f["measure"] == "coverage"}
    assert {"QOL", "SOC"} <= nodes
    for fact in upgraded:
        key = (fact["node"], fact["measure"])
        assert key in computed, key
        for field in ("value", "depth", "coverage", "n"):
            assert _same(fact[field], computed[key][field]), (key, field)
        for field in ("parent", "reason"):
            assert (fact[field] or "") == (computed[key][field] or ""), (key, field)
    # every fact of the old index's measures is there
    old = {k for k in computed if k[1] in ("score", "perception", "status", "gap", "coverage")}
    assert old == {(f["node"], f["measure"]) for f in upgraded}
