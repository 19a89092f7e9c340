"""Who may read reports: a round's analysis its network's coordinators and administrators; an
authority's report whoever may read the assessment (its team, the coordinators of the round's
network, administrators)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from saferspaces.assessments.permissions import can_view_assessment, can_view_round

if TYPE_CHECKING:
    from saferspaces.assessments.models import Assessment, Round


def can_view_round_analysis(user: Any, round_: Round) -> bool:
    return can_view_round(user, round_)


def can_view_authority_report(user: Any, assessment: Assessment) -> bool:
    return can_view_assessment(user, assessment)
