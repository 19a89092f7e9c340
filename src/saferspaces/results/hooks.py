"""How the results layer follows the workflow (registered in ``ResultsConfig.ready()``).

On every step the assessment's peer profile takes its new state (the peer pool reads it
there); a submission enqueues the computation of its results as a task. Both happen in the
workflow's transaction. An assessment deleted takes its peer profile with it:
the counts of peers kept in the cache are forgotten.
"""

from __future__ import annotations

from typing import Any

from saferspaces.assessments.hooks import TransitionDone
from saferspaces.assessments.models import AssessmentState
from saferspaces.results.computing import results_compute_enqueue
from saferspaces.results.index import peer_pool_changed, peer_profile_state_sync


def results_follow_transition(done: TransitionDone) -> None:
    peer_profile_state_sync(assessment=done.assessment)
    if done.to_state == AssessmentState.SUBMITTED:
        results_compute_enqueue(
            assessment=done.assessment, user=done.user, trigger="submit", now=done.at
        )


def results_follow_deletion(**_kwargs: Any) -> None:
    """An assessment deleted: its peer profile went with it (`on_delete=CASCADE`), so the
    counts of peers kept in the cache are not read again."""
    peer_pool_changed()
