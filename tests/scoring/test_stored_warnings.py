"""The engine's warnings are stored with the scores of a round and shown where scores are
explained (the assessment's scores page)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from saferspaces.assessments.models import Answer, Assessment, AssessmentState
from saferspaces.demo.generator import PERSONA_AUTHORITY
from saferspaces.results.computing import round_results_compute
from saferspaces.results.models import ResultRun

CODE = "QOL_S05"  # a data_driven indicator of ssf-2026.1, normalised across the round


def test_round_scores_store_and_show_the_engine_warnings(
    demo: Any, personas: Any, client_as: Any
) -> None:
    scored = Assessment.objects.filter(
        state__in=[AssessmentState.SUBMITTED, AssessmentState.ACCEPTED], round__isnull=False
    )
    mine = scored.filter(authority__name=PERSONA_AUTHORITY).order_by("-pk").first()
    assert mine is not None
    members = list(scored.filter(round_id=mine.round_id))
    assert len(members) >= 5  # enough to normalise data_driven indicators across the round
    # every authority of the round reports the same number: nothing to normalise across
    Answer.objects.filter(assessment__in=members, code=CODE).update(status="answered", value=3)
    runs = round_results_compute(
        round_=mine.round, user=personas["coordinator"], now=timezone.now()
    )
    assert len(runs) == len(members)
    run = ResultRun.objects.filter(assessment=mine).order_by("-pk").first()
    assert run is not None and run.pk in {r.pk for r in runs}
    (stored,) = run.meta["warnings"]
    assert stored["kind"] == "constant" and stored["indicator"] == CODE
    assert stored["step"] == "1 (normalise)" and stored["units"] == []
    assert "all present values are equal (3)" in stored["message"]
    # shown to the authority's people, in words, where the scores are explained
    page = client_as("lead").get(f"/assessments/{mine.pk}/scores/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Warnings of the scoring" in html
    assert f"{CODE}: every assessment scored together gave the same value" in html
