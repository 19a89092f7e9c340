"""Keep the copied assessment state of :class:`~saferspaces.dashboard.models.PeerProfile` in step.

A peer profile is written when an assessment is scored (with the assessment's state then), but
an assessment also changes state without being scored again: accepted, returned, reopened. The
peer pool reads the state from the profile, so every save of an assessment that may change its
state copies it to the profile (one indexed UPDATE; nothing when the assessment has no profile).
"""

from __future__ import annotations

from typing import Any

from saferspaces.assessments.models import Assessment
from saferspaces.dashboard.models import PeerProfile


def assessment_state_copy(
    sender: type[Assessment],
    instance: Assessment,
    created: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """post_save of an assessment: copy its state to its peer profile, if it has one."""
    if created or (update_fields is not None and "state" not in update_fields):
        return
    PeerProfile.objects.filter(assessment_id=instance.pk).exclude(state=instance.state).update(
        state=instance.state
    )
