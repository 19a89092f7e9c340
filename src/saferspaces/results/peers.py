"""Reading peers' results (selectors: reads only): the peer profiles of a round, the pool and
the group under a filter, the quartiles of the group's scores, and the scores of chosen peers.

Peers are other authorities' submitted or accepted assessments of the same round. Nothing here
orders authorities by score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from django.db import connections
from django.db.models import F, QuerySet

from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.core.dashboard import PeerFacts, PeerFilter
from saferspaces.core.dashboard.packed import PackedTable
from saferspaces.results.models import PeerProfile
from saferspaces.results.sql import AnyOf, binary_cursor

#: the states of the assessments that are peers
PEER_STATES = (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)


def peer_profile_of(*, assessment: Assessment) -> PeerProfile | None:
    return PeerProfile.objects.filter(assessment=assessment).first()


def peer_facts(profile: PeerProfile) -> PeerFacts:
    """The background conditions of a profile, as the peer filter reads them."""
    return PeerFacts(
        kind=profile.kind or None,
        nuts_level=profile.nuts_level,
        country=profile.country or None,
        urbanisation=profile.urbanisation or None,
        population=profile.population,
        density=profile.density,
        income=profile.income,
    )


def peer_pool(*, assessment: Assessment) -> QuerySet[PeerProfile]:
    """The other authorities' submitted or accepted assessments of the round (their profiles,
    which carry the assessment's state: one table, no join)."""
    if assessment.round_id is None:
        return PeerProfile.objects.none()
    return PeerProfile.objects.filter(round_id=assessment.round_id, state__in=PEER_STATES).exclude(
        authority_id=assessment.authority_id
    )


def peer_filter_apply(qs: QuerySet[PeerProfile], peer_filter: PeerFilter) -> QuerySet[PeerProfile]:
    for fact, value in peer_filter.equal.items():
        qs = qs.filter(**{fact: value})
    for fact, (lo, hi) in peer_filter.ranges.items():
        qs = qs.filter(**{f"{fact}__gte": lo, f"{fact}__lte": hi})
    return qs


def round_peer_profiles(*, round_: Round) -> QuerySet[PeerProfile]:
    return PeerProfile.objects.filter(round=round_)


@dataclass(frozen=True)
class PeerGroup:
    """The peers of a group as columns: their assessments, their authorities and their
    packed top-level scores, decoded once (row ``k`` of each is the same peer)."""

    assessment_ids: Sequence[int]
    authority_ids: Sequence[int]
    scores: PackedTable

    def subset(self, keep: Sequence[bool]) -> PeerGroup:
        """The peers whose ``keep`` is true, in their order."""
        return PeerGroup(
            [a for a, wanted in zip(self.assessment_ids, keep, strict=True) if wanted],
            [a for a, wanted in zip(self.authority_ids, keep, strict=True) if wanted],
            self.scores.subset(np.array(keep, dtype=bool)),
        )


def peer_group_read(*, peers: QuerySet[PeerProfile]) -> PeerGroup:
    """The peers of ``peers`` with their packed top-level scores, in one query: the group's ids
    and everything its quartiles, its named peers and whom to learn from need (one value per
    peer, not one fact per peer, node and kind; on PostgreSQL read from the peer sets' indexes
    alone, and in binary: :func:`~saferspaces.results.sql.binary_cursor`)."""
    query = peers.order_by().values_list("assessment_id", "authority_id", "top_nodes", "top_scores")
    sql, params = query.query.sql_with_params()
    with binary_cursor(connections[query.db]) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return PeerGroup([], [], PackedTable(layouts=[], packed=[]))
    ids, authorities, layouts, packed = zip(*rows, strict=True)
    return PeerGroup(list(ids), list(authorities), PackedTable(layouts=layouts, packed=packed))


def previous_round_scores(
    *, round_: Round, authority_ids: Sequence[int], nodes: Sequence[str]
) -> dict[str, np.ndarray]:
    """Node -> the score of each of ``authority_ids`` (in their order) on that node (of
    ``nodes``, top-level dimensions) in the round before ``round_``: the network's latest round
    that ended before ``round_`` started, their submitted or accepted assessments there (of
    several, the first with a score); NaN without such a round, an assessment there, or a
    score."""
    out = {node: np.full(len(authority_ids), np.nan) for node in nodes}
    if not authority_ids or not nodes:
        return out
    previous = (
        Round.objects.filter(network_id=round_.network_id, period_end__lt=round_.period_start)
        .order_by("-period_end")
        .values_list("pk", flat=True)
        .first()
    )
    if previous is None:
        return out
    # the round as a value, not a subquery: the planner then reads the authorities' profiles
    # through their index (a subquery's round made it scan the whole round, 100 000 profiles)
    earlier = sorted(  # the first assessment last, so that it stays (sorted here: in SQL the
        # planner was tempted to read the whole table in that order on a small database)
        PeerProfile.objects.filter(
            AnyOf(F("authority_id"), authority_ids), round_id=previous, state__in=PEER_STATES
        )
        .order_by()
        .values_list("assessment_id", "authority_id", "top_nodes", "top_scores"),
        key=itemgetter(0),
        reverse=True,
    )
    if not earlier:
        return out
    _ids, authorities, layouts, packed = zip(*earlier, strict=True)
    at = {auth: k for k, auth in enumerate(authority_ids)}
    positions = np.array([at[auth] for auth in authorities], dtype=np.intp)
    table = PackedTable(layouts=layouts, packed=packed)
    for node in nodes:
        values = table.array(node, "all")
        found = ~np.isnan(values)
        out[node][positions[found]] = values[found]
    return out
