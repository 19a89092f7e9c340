"""Who may do what with rounds and assessments (built on the account rules).

* An authority's respondents and leads see its assessments; so do the coordinators of the
  round's network (of any network of the authority for private ones) and administrators.
* Respondents and leads edit answers while the assessment is a draft or returned. A dimension
  assigned to some people is edited by them and by leads only.
* Leads start private assessments, assign dimensions, set consensus answers, submit and reopen.
* The coordinators of the round's network open rounds, return and accept submissions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from saferspaces.accounts.models import NetworkCoordinator, Role
from saferspaces.accounts.permissions import (
    can_view_authority_private,
    is_administrator,
    role_in_authority,
)

if TYPE_CHECKING:
    from saferspaces.assessments.models import Assessment, Round
    from saferspaces.authorities.models import Authority, Network


def _coordinates(user: Any, network_id: int) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and NetworkCoordinator.objects.filter(user=user, network_id=network_id).exists()
    )


def can_open_round(user: Any, network: Network) -> bool:
    return is_administrator(user) or _coordinates(user, network.pk)


def can_view_round(user: Any, round_: Round) -> bool:
    return is_administrator(user) or _coordinates(user, round_.network_id)


def can_start_assessment(user: Any, authority: Authority) -> bool:
    return is_administrator(user) or role_in_authority(user, authority) == Role.LEAD


def can_view_assessment(user: Any, assessment: Assessment) -> bool:
    return can_view_authority_private(user, assessment.authority)


def is_lead_of(user: Any, assessment: Assessment) -> bool:
    return is_administrator(user) or role_in_authority(user, assessment.authority) == Role.LEAD


def can_answer(user: Any, assessment: Assessment) -> bool:
    """Whether ``user`` is on the assessment's team (the state is checked by the services)."""
    return is_administrator(user) or role_in_authority(user, assessment.authority) is not None


def can_edit_section(
    user: Any, assessment: Assessment, section: str, assigned: dict[str, set[int]]
) -> bool:
    """``assigned`` maps sections to the ids of people assigned to them."""
    if not can_answer(user, assessment):
        return False
    people = assigned.get(section)
    if not people or is_lead_of(user, assessment):
        return True
    return bool(user.pk in people)


def can_review(user: Any, assessment: Assessment) -> bool:
    """Return or accept a submission: the coordinators of the round's network."""
    round_ = assessment.round
    if round_ is None:
        return False
    return is_administrator(user) or _coordinates(user, round_.network_id)


def can_view_flags(user: Any) -> bool:
    from saferspaces.accounts.permissions import can_manage_frameworks

    return can_manage_frameworks(user)
