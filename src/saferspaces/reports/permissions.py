"""Who may read the pilot analysis of a round: its network's coordinators and administrators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from saferspaces.assessments.permissions import can_view_round

if TYPE_CHECKING:
    from saferspaces.assessments.models import Round
    from saferspaces.reports.models import ReportJob


def can_view_round_analysis(user: Any, round_: Round) -> bool:
    return can_view_round(user, round_)


def can_view_report_job(user: Any, job: ReportJob, round_: Round) -> bool:
    """A job of a round's analysis: whoever may read that analysis."""
    return can_view_round_analysis(user, round_)
