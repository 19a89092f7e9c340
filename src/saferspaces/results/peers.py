"""Reading peers' results (selectors: reads only): the peer profiles of a round, the pool and
the group under a filter, the quartiles of the group's scores, and the scores of chosen peers.

Peers are other authorities' submitted or accepted assessments of the same round. Nothing here
orders authorities by score.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from django.db import connection
from django.db.models import QuerySet, Subquery

from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.core.dashboard import Distribution, PeerFacts, PeerFilter, distribution_summary
from saferspaces.results.models import PeerProfile, ResultFact
from saferspaces.results.selectors import KIND_MEASURES, TOP_DEPTH

#: the states of the assessments that are peers
PEER_STATES = (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)


def _scalar(qs: QuerySet[ResultFact]) -> QuerySet[ResultFact]:
    """Facts of a whole node (no category, no instance)."""
    return qs.filter(category="", instance="")


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


def peer_distributions(
    *, peers: QuerySet[PeerProfile], peer_ids: list[int], nodes: list[str], minimum: int
) -> dict[str, dict[str, Distribution | None]]:
    """Quartiles of the peers' scores per top-level dimension (of ``nodes``) and kind (None
    below ``minimum`` scores).

    On PostgreSQL the database computes them (``percentile_cont``: linear interpolation between
    order statistics, the same type 7 as :func:`~saferspaces.core.dashboard.distribution_summary`)
    so that a group of a thousand peers costs one row per node and kind, not a thousand;
    elsewhere (SQLite) the peers' scores are read and summarised in Python.
    """
    if connection.vendor == "postgresql":
        return distributions_sql(peer_ids, nodes, minimum)
    return distributions_python(peers, nodes, minimum)


def distributions_python(
    peers: QuerySet[PeerProfile], nodes: list[str], minimum: int
) -> dict[str, dict[str, Distribution | None]]:
    kinds = {m: k for k, m in KIND_MEASURES.items()}
    values: dict[str, dict[str, list[float | None]]] = defaultdict(lambda: defaultdict(list))
    for node, measure, value in _scalar(
        ResultFact.objects.filter(
            assessment_id__in=peers.values("assessment_id"),
            node__in=nodes,
            measure__in=list(kinds),
            depth=TOP_DEPTH,
        )
    ).values_list("node", "measure", "value"):
        values[node][kinds[measure]].append(value)
    return {
        node: {k: distribution_summary(values=v[k], minimum=minimum) for k in KIND_MEASURES}
        for node, v in values.items()
    }


def distributions_query(peer_ids: list[int], nodes: list[str]) -> tuple[str, list[Any]]:
    """The SQL and parameters of the peers' quartiles on PostgreSQL (rows: node, measure, how
    many facts, how many finite values, their quartiles)."""
    # NaN and infinities are left out, as distribution_summary does
    finite = "f.value NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)"
    # only constants are inlined; the peers (already read for their number) are one array
    # parameter, which PostgreSQL reads through the top-level scores' partial index
    # (result_fact_top) without planning the peer filter again (a subquery here tempted it
    # into a parallel scan); the measures are constants of the query, so that the planner sees
    # them within the index's condition
    table = ResultFact._meta.db_table
    measures = ", ".join(f"'{m}'" for m in sorted(KIND_MEASURES.values()))
    # the facts are grouped by hashing (one array of finite values per node and measure), and
    # each group's quartiles computed from its array: an ordered-set aggregate over the groups
    # made PostgreSQL sort every fact read (about 22 000 for a group of 1 450) by node and
    # measure first, then each group by value again
    sql = (
        "SELECT node, measure, total, finite, (SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75]) "  # noqa: S608
        "WITHIN GROUP (ORDER BY v) FROM unnest(vals) AS v) FROM ("
        f"SELECT f.node, f.measure, COUNT(*) AS total, COUNT(*) FILTER (WHERE {finite}) AS "
        f"finite, array_agg(f.value) FILTER (WHERE {finite}) AS vals FROM {table} f "
        "WHERE f.assessment_id = ANY(string_to_array(%s, ',')::bigint[]) "
        "AND f.node = ANY(%s::varchar[]) "
        f"AND f.measure IN ({measures}) AND f.depth = %s AND f.category = '' "
        "AND f.instance = '' GROUP BY f.node, f.measure) AS groups"
    )
    # the ids as one text ("12,34,..."): the driver adapted each of a thousand integers
    return sql, [",".join(str(int(i)) for i in peer_ids), list(nodes), TOP_DEPTH]


def distributions_sql(
    peer_ids: list[int], nodes: list[str], minimum: int
) -> dict[str, dict[str, Distribution | None]]:
    if minimum < 1:
        raise ValueError("the minimum group size must be at least 1")
    kinds = {m: k for k, m in KIND_MEASURES.items()}
    sql, params = distributions_query(peer_ids, nodes)
    out: dict[str, dict[str, Distribution | None]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for node, measure, total, n, quartiles in cursor.fetchall():
            row = out.setdefault(node, dict.fromkeys(KIND_MEASURES))
            row[kinds[measure]] = (
                Distribution(
                    n=n,
                    q1=float(quartiles[0]),
                    median=float(quartiles[1]),
                    q3=float(quartiles[2]),
                    missing=total - n,
                )
                if n >= minimum and quartiles is not None
                else None
            )
    return out


def top_scores(*, assessments: QuerySet[Any]) -> list[tuple[int, str, str, float | None]]:
    """(authority, its name, top-level dimension, score) of ``assessments`` (a query of
    assessment ids), by authority name: named peers' scores."""
    return list(
        _scalar(
            ResultFact.objects.filter(
                assessment_id__in=assessments, depth=TOP_DEPTH, measure="score"
            )
        )
        .order_by("authority__name", "authority_id")
        .values_list("authority_id", "authority__name", "node", "value")
    )


def scores_with_previous(
    *, peers: QuerySet[PeerProfile], nodes: list[str], round_: Round | None
) -> list[tuple[int, str, int, str, float, float | None]]:
    """(authority, name, assessment, node, score, the same authority's score on that node in the
    round before ``round_``) of the assessments of ``peers`` (peer profiles) on ``nodes``
    (top-level dimensions).

    The previous round is the network's latest one that ended before ``round_`` started; the
    previous scores are those of the same authorities' submitted or accepted assessments there,
    read in a second query keyed by authority (a correlated lookup per candidate fact cost more
    than both queries together; the authorities as a subquery, as a list of a few hundred ids
    cost more in Python than the query in PostgreSQL), and none without candidates."""
    facts = _scalar(
        ResultFact.objects.filter(
            assessment_id__in=peers.values("assessment_id"),
            node__in=nodes,
            measure="score",
            depth=TOP_DEPTH,  # within the top-level scores' index, which holds the authority
            value__isnull=False,
        )
    ).values_list("authority_id", "authority__name", "assessment_id", "node", "value")
    rows = cast(list[tuple[int, str, int, str, float]], list(facts))
    before: dict[tuple[int, str], float | None] = {}
    if rows and round_ is not None:
        previous = (
            Round.objects.filter(network_id=round_.network_id, period_end__lt=round_.period_start)
            .order_by("-period_end")
            .values("pk")[:1]
        )
        earlier = PeerProfile.objects.filter(
            round_id=Subquery(previous),
            authority_id__in=peers.values("authority_id"),
            state__in=PEER_STATES,
        ).values("assessment_id")
        for auth, node, value in _scalar(
            ResultFact.objects.filter(assessment_id__in=earlier, node__in=nodes, measure="score")
        ).values_list("authority_id", "node", "value"):
            before.setdefault((auth, node), value)
    # ``value`` is never null here (filtered above)
    return [(*row, before.get((row[0], row[3]))) for row in rows]
