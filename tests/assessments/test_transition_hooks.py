"""The workflow knows nothing above it: the layers above follow it through registered hooks,
which run in the step's transaction."""

from __future__ import annotations

from typing import Any

import pytest

from assessment_helpers import fill_all
from saferspaces.assessments import hooks
from saferspaces.assessments.hooks import TransitionDone, transition_hook_register
from saferspaces.assessments.models import Transition
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.results.models import ResultRun


def test_the_results_layer_registers_its_hook() -> None:
    assert "results" in hooks.transition_hooks()


def test_a_submission_computes_results_through_the_hook(assessment: Any, team: Any) -> None:
    fill_all(assessment, team.respondent)
    assessment_transition(assessment=assessment, action="submit", user=team.lead)
    run = ResultRun.objects.get(assessment=assessment)
    assert (run.trigger, run.state) == ("submit", "submitted")


def test_a_hook_that_fails_undoes_the_step(
    assessment: Any, team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[TransitionDone] = []

    def failing(done: TransitionDone) -> None:
        seen.append(done)
        raise RuntimeError("the hook failed")

    monkeypatch.setattr(hooks, "_HOOKS", dict(hooks._HOOKS))
    transition_hook_register(name="failing", hook=failing)
    fill_all(assessment, team.respondent)
    with pytest.raises(RuntimeError, match="the hook failed"):
        assessment_transition(assessment=assessment, action="submit", user=team.lead)
    assert [(d.action, d.from_state, d.to_state) for d in seen] == [
        ("submit", "draft", "submitted")
    ]
    assessment.refresh_from_db()
    assert assessment.state == "draft"
    assert not Transition.objects.filter(assessment=assessment, action="submit").exists()
    assert not ResultRun.objects.filter(assessment=assessment).exists()
