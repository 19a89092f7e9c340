"""The profile's coverage: per (sub-)dimension, how many of the answered indicators under it
(its own and its sub-dimensions') were pre-filled from open data."""

from __future__ import annotations

from typing import Any

from saferspaces.assessments.models import Answer, Assessment
from saferspaces.dashboard.profile import profile_rows
from saferspaces.demo.assessments import ROUND_TITLES
from saferspaces.results.selectors import scored_read


def test_prefilled_answers_are_counted_under_every_dimension_that_holds_them(team: Any) -> None:
    pilot = Assessment.objects.get(authority=team.authority, round__title=ROUND_TITLES[0])
    scored = scored_read(assessment=pilot)
    assert scored is not None
    unit = scored.unit
    answered = sorted(c for c, i in unit.indicators.items() if i.status == "answered")
    chosen = answered[::3]
    assert len(chosen) >= 5
    changed = Answer.objects.filter(assessment=pilot, code__in=chosen).update(
        prefill={"source": "test", "value": 1}
    )
    assert changed == len(chosen)

    def under(code: str) -> int:
        count = 0
        for c in chosen:
            node = unit.indicators[c].holder
            while node is not None:
                if node == code:
                    count += 1
                    break
                parent = unit.nodes.get(node)
                node = parent.parent if parent is not None else None
        return count

    rows = profile_rows(scored=scored, language="en")
    assert {r.code: r.coverage.prefilled for r in rows} == {r.code: under(r.code) for r in rows}
    assert any(r.depth > 0 and r.coverage.prefilled for r in rows)  # sub-dimensions too
    assert sum(r.coverage.prefilled for r in rows if r.depth == 0) == len(chosen)
