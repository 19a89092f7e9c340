"""The fact index's indexes are paid for by every round's write (1.41 million rows for 10,000
assessments of the first edition, each entering every index): each one must have readers the
others cannot serve. A round's values are read through its assessments and the index of an
assessment's facts (``result_fact_unique``), not through an index of their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from saferspaces.assessments.models import Assessment
from saferspaces.results.models import ResultFact
from saferspaces.results.peers import PEER_STATES as RESULT_STATES
from saferspaces.results.rounds import (
    NODE_MEASURES,
    _round_facts,
    facts_stamp,
    round_node_count,
    round_node_rows,
    round_node_values,
)

pytestmark = pytest.mark.django_db


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's (run by the PostgreSQL pass of make test)")


def _scored_round() -> Any:
    last = (
        Assessment.objects.filter(round__isnull=False, state__in=RESULT_STATES)
        .order_by("-pk")
        .first()
    )
    assert last is not None
    assert ResultFact.objects.filter(round=last.round).exists()
    return last.round


def _plan(queryset: Any) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    return str(plan)


def test_the_fact_index_has_no_index_of_rounds(demo_module: Any) -> None:
    """Its indexes: the primary key, an assessment's facts (unique), a run's facts (a deleted
    run takes its facts along); not the top-level scores, which the peers read packed on their
    profiles."""
    _postgresql_only()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
            [ResultFact._meta.db_table],
        )
        names = [name for (name,) in cursor.fetchall()]
    assert "result_fact_round" not in names
    assert "result_fact_unique" in names and "result_fact_top" not in names
    assert len(names) == 3, names


def test_a_rounds_values_are_read_through_its_assessments_facts(demo_module: Any) -> None:
    _postgresql_only()
    round_ = _scored_round()
    queryset = ResultFact.objects.filter(
        round_id=round_.pk, measure__in=NODE_MEASURES, category="", instance=""
    )
    plan = _plan(_round_facts(round_=round_).filter(measure__in=NODE_MEASURES))
    assert "result_fact_unique" in plan, plan
    # the same facts as the round's own column gives
    assert sorted(
        _round_facts(round_=round_)
        .filter(measure__in=NODE_MEASURES, category="", instance="")
        .values_list("pk", flat=True)
    ) == sorted(queryset.values_list("pk", flat=True))


def test_a_rounds_reads_give_what_its_facts_hold(demo_module: Any) -> None:
    """The round dashboard's, the exports' and the reports' reads (both databases)."""
    round_ = _scored_round()
    facts = ResultFact.objects.filter(round_id=round_.pk, category="", instance="")
    assert round_node_count(round_=round_) == facts.filter(measure="coverage").count()
    rows = round_node_rows(round_=round_)
    assert set(rows) == set(
        facts.filter(measure="coverage").values_list("assessment_id", flat=True)
    )
    assert sum(len(v) for v in rows.values()) == round_node_count(round_=round_)
    top = sorted(set(facts.filter(depth=1).values_list("node", flat=True)))
    values = round_node_values(round_=round_, nodes=top, states=RESULT_STATES)
    want = {
        (a_id, node)
        for a_id, node in facts.filter(
            node__in=top, measure__in=NODE_MEASURES, assessment__state__in=RESULT_STATES
        ).values_list("assessment_id", "node")
    }
    assert {(a_id, node) for a_id, node, _m in values} == want
    stamp = facts_stamp(network_id=round_.network_id)
    network = ResultFact.objects.filter(round__network_id=round_.network_id)
    assert stamp["n"] == network.count() > 0
    assert stamp["last"] == max(network.values_list("pk", flat=True))
