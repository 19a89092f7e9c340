"""A round's results as the outputs read them (selectors), and its published aggregates.

The round dashboard's values of the top-level dimensions, the published aggregates, the rows
of the exports' scores table and each unit's indicators, and the stamps (counts and latest
changes) that fingerprints of reports and exports take from the results. All read the fact
index and the runs; none orders authorities by score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet

from saferspaces.assessments.models import Assessment, Round
from saferspaces.core.assessment import OVERALL_CODE
from saferspaces.results.models import PeerProfile, PublishedAggregate, ResultFact, ResultRun
from saferspaces.results.selectors import KIND_MEASURES

#: the measures of a composite node, as the round dashboard and the exports read them
NODE_MEASURES = (*KIND_MEASURES.values(), "gap", "coverage")


def _round_facts(*, round_: Round) -> QuerySet[ResultFact]:
    """The facts of the round's assessments, read through each assessment's facts (the index
    ``result_fact_unique``): the fact index has no index of rounds, which every round's write
    would pay for (1.41 million entries for 10,000 assessments) for these few readers."""
    return ResultFact.objects.filter(
        round_id=round_.pk,
        assessment_id__in=Assessment.objects.filter(round_id=round_.pk).values("pk"),
    )


def round_node_values(
    *, round_: Round, nodes: list[str], states: Iterable[str]
) -> list[tuple[int, str, dict[str, float | None]]]:
    """(assessment, node, measure -> value) of ``nodes`` for the round's assessments in
    ``states``, by assessment and in the order the facts were computed."""
    rows: dict[tuple[int, str], dict[str, float | None]] = {}
    for a_id, node, measure, value in (
        _round_facts(round_=round_)
        .filter(
            node__in=nodes,
            measure__in=NODE_MEASURES,
            category="",
            instance="",
            assessment__state__in=list(states),
        )
        .order_by("assessment_id", "id")
        .values_list("assessment_id", "node", "measure", "value")
    ):
        rows.setdefault((a_id, node), {})[measure] = value
    return [(a_id, node, values) for (a_id, node), values in rows.items()]


@dataclass(frozen=True)
class NodeRow:
    """One scored (sub-)dimension of one assessment: its composite measures."""

    node: str
    depth: int  # the node's ancestors (0: a top dimension, or the overall composite)
    score: float | None
    perception: float | None
    status: float | None
    gap: float | None
    coverage: float | None


def round_node_rows(*, round_: Round) -> dict[int, list[NodeRow]]:
    """Per assessment of the round, its scored nodes (every dimension with a ``coverage``
    fact; indicators have none), by node code."""
    nodes: dict[tuple[int, str], dict[str, Any]] = {}
    overall: set[int] = set()
    for a_id, node, measure, value, depth in (
        _round_facts(round_=round_)
        .filter(measure__in=NODE_MEASURES, category="", instance="")
        .order_by("assessment_id", "node")
        .values_list("assessment_id", "node", "measure", "value", "depth")
    ):
        nodes.setdefault((a_id, node), {"depth": depth})[measure] = value
        if node == OVERALL_CODE:
            overall.add(a_id)
    out: dict[int, list[NodeRow]] = {}
    for (a_id, node), v in nodes.items():
        if "coverage" not in v:
            continue  # an indicator's score
        # ancestors: the index counts a top dimension 1 (0 is the overall composite)
        depth = v["depth"] - (0 if a_id in overall or node == OVERALL_CODE else 1)
        out.setdefault(a_id, []).append(
            NodeRow(
                node,
                depth,
                v.get("score"),
                v.get("perception"),
                v.get("status"),
                v.get("gap"),
                v.get("coverage"),
            )
        )
    return out


def round_node_count(*, round_: Round) -> int:
    """How many (assessment, scored node) pairs the round has: one ``coverage`` fact each."""
    return _round_facts(round_=round_).filter(measure="coverage", category="", instance="").count()


def unit_indicators(*, assessment_id: int) -> dict[str, tuple[Any, float | None]]:
    """Each indicator of the assessment's latest results: (the value it was computed from, in
    the run's explanation; its score, from the fact index)."""
    return units_indicators(assessment_ids=[assessment_id]).get(assessment_id, {})


def units_indicators(
    *, assessment_ids: Iterable[int]
) -> dict[int, dict[str, tuple[Any, float | None]]]:
    """:func:`unit_indicators` of several assessments at once, in three queries whatever their
    number (the exports read them a batch of units at a time)."""
    ids = list(assessment_ids)
    latest: dict[int, int] = {}
    for a_id, run_id in (
        ResultRun.objects.filter(assessment_id__in=ids)
        .order_by("assessment_id", "-computed_at", "-id")
        .values_list("assessment_id", "id")
    ):
        latest.setdefault(a_id, run_id)
    indicators: dict[int, dict[str, Any]] = {}
    for a_id, explanation in ResultRun.objects.filter(id__in=list(latest.values())).values_list(
        "assessment_id", "explanation"
    ):
        got = explanation.get("indicators") if isinstance(explanation, dict) else None
        if isinstance(got, dict):
            indicators[a_id] = got
    scores: dict[int, dict[str, float | None]] = {}
    for a_id, node, value in ResultFact.objects.filter(
        assessment_id__in=list(indicators), measure="score", category="", instance=""
    ).values_list("assessment_id", "node", "value"):
        if node in indicators[a_id]:
            scores.setdefault(a_id, {})[node] = value
    return {
        a_id: {
            code: (item.get("value"), scores.get(a_id, {}).get(code))
            for code, item in items.items()
            if isinstance(item, dict)
        }
        for a_id, items in indicators.items()
    }


def published_aggregates(*, round_: Round | None = None) -> QuerySet[PublishedAggregate]:
    """The published aggregates (of one round), with their round, network and edition."""
    qs = PublishedAggregate.objects.select_related("round", "round__network", "round__edition")
    return qs.filter(round=round_) if round_ is not None else qs


@dataclass(frozen=True)
class Aggregate:
    """A distribution of one node and kind of a round's scores, to publish."""

    node: str
    kind: str  # all | perception | status
    n: int
    q1: float
    median: float
    q3: float
    gap_counts: dict[str, int]


@transaction.atomic
def published_aggregates_replace(
    *,
    round_: Round,
    aggregates: list[Aggregate],
    accepted: int,
    participants: int,
    user: Any,
    now: dt.datetime,
) -> list[PublishedAggregate]:
    """Make ``aggregates`` the round's published results, recording how many of its
    assessments were accepted and took part (the others are withdrawn). The caller checks who
    may publish and that each group is large enough."""
    PublishedAggregate.objects.filter(round=round_).delete()
    return PublishedAggregate.objects.bulk_create(
        PublishedAggregate(
            round=round_,
            node=a.node,
            kind=a.kind,
            n=a.n,
            q1=a.q1,
            median=a.median,
            q3=a.q3,
            gap_counts=a.gap_counts,
            accepted=accepted,
            participants=participants,
            published_by=user,
            published_at=now,
        )
        for a in aggregates
    )


def runs_stamp(*, scope: Q) -> dict[str, Any]:
    """How many runs match ``scope`` (a filter on :class:`ResultRun`), the latest and when."""
    return ResultRun.objects.filter(scope).aggregate(
        n=Count("pk"), last=Max("pk"), at=Max("computed_at")
    )


def facts_stamp(*, network_id: int) -> dict[str, Any]:
    """How many facts the network's rounds have, and the latest."""
    # through the network's assessments and the index of an assessment's facts (see
    # _round_facts)
    return ResultFact.objects.filter(
        round__network_id=network_id,
        assessment_id__in=Assessment.objects.filter(round__network_id=network_id).values("pk"),
    ).aggregate(n=Count("pk"), last=Max("pk"))


def profiles_stamp(*, round_: Round) -> dict[str, Any]:
    """How many peer profiles the round has, and the latest."""
    return PeerProfile.objects.filter(round=round_).aggregate(n=Count("pk"), last=Max("pk"))


def round_results_date(*, round_: Round) -> dt.datetime | None:
    """When the round's latest results were computed (None: never)."""
    return ResultRun.objects.filter(assessment__round=round_).aggregate(at=Max("computed_at"))["at"]
