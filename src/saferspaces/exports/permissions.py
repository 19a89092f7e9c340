"""Who may download a round's data: the coordinators of the round's network and administrators
(leads, respondents and outsiders may not, even for their own authority)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from saferspaces.assessments.permissions import can_view_round

if TYPE_CHECKING:
    from saferspaces.assessments.models import Round


def can_export_round(user: Any, round_: Round) -> bool:
    return can_view_round(user, round_)
