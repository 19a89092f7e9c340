"""The list of assessments a person may see, filtered by state, round and authority, in an order
people choose: latest change first (the default), by authority, by round or by state.

Never by score: the list is a working list for coordinators and teams, not a league table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.assessments.selectors import assessments_visible
from saferspaces.authorities.models import Authority

#: the orders people may choose; each is total (ties end on the primary key), none uses a score
ORDERS: dict[str, tuple[str, ...]] = {
    "recent": ("-updated_at", "authority__name", "-pk"),
    "authority": ("authority__name", "-round__period_end", "-pk"),
    "round": ("-round__period_end", "round__title", "authority__name", "-pk"),
    "state": ("state", "authority__name", "-pk"),
}
DEFAULT_ORDER = "recent"


@dataclass(frozen=True)
class ListChoices:
    """What the filters offer this person: only rounds and authorities they may see."""

    rounds: list[Round]
    authorities: list[Authority]
    states: list[tuple[str, Any]]


def assessment_list_choices(*, user: Any) -> ListChoices:
    visible = assessments_visible(user=user)
    rounds = list(
        Round.objects.filter(assessments__in=visible)
        .select_related("network")
        .distinct()
        .order_by("-period_end", "title", "pk")
    )
    authorities = list(
        Authority.objects.filter(assessments__in=visible).distinct().order_by("name", "pk")
    )
    return ListChoices(rounds, authorities, list(AssessmentState.choices))


def assessment_list(
    *,
    user: Any,
    state: str = "",
    round_id: int | None = None,
    authority_id: int | None = None,
    private: bool = False,
    order: str = DEFAULT_ORDER,
) -> QuerySet[Assessment]:
    """The assessments ``user`` may see that match every filter given, in ``order``.

    ``private`` keeps only self-assessments outside any round. An unknown order is refused with
    a ``ValueError`` (the form offers only :data:`ORDERS`).
    """
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}")
    qs = assessments_visible(user=user).select_related("round__network")
    if state:
        qs = qs.filter(state=state)
    if private:
        qs = qs.filter(round__isnull=True)
    elif round_id is not None:
        qs = qs.filter(round_id=round_id)
    if authority_id is not None:
        qs = qs.filter(authority_id=authority_id)
    return qs.order_by(*ORDERS[order])
