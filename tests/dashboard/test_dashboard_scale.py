"""What the dashboard does to stay fast at scale (issue 6) gives the same answers as the plain way:
PostgreSQL's quartiles and Python's, the assessment state copied onto the peer profiles and the
assessment's own, the selects rendered in Python and Django's templates."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.authorities.models import Authority
from saferspaces.core.dashboard import PeerCriteria, distribution_summary, peer_filter_build
from saferspaces.dashboard.forms import PeerCriteriaForm, PlainSelect
from saferspaces.demo.generator import PERSONA_AUTHORITY
from saferspaces.results.models import PeerProfile, ResultFact
from saferspaces.results.peers import (
    distributions_python,
    distributions_query,
    distributions_sql,
    peer_facts,
    peer_filter_apply,
    peer_pool,
    scores_with_previous,
)

WIDE = PeerCriteria(same_kind=False, population_factor=None)


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's (run by the PostgreSQL pass of make test)")


def _pilot() -> Assessment:
    a = Authority.objects.get(name=PERSONA_AUTHORITY)
    pilot = Assessment.objects.filter(authority=a).order_by("round__period_end").first()
    assert pilot is not None
    return pilot


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return (a.n, a.missing) == (b.n, b.missing) and all(
        math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-9)
        for x, y in ((a.q1, b.q1), (a.median, b.median), (a.q3, b.q3))
    )


@pytest.mark.django_db
def test_postgresql_quartiles_agree_with_python_on_the_peer_group(demo: Any) -> None:
    """Same n, missing and type-7 quartiles per node and kind, with missing, NaN and infinite
    scores mixed in, for minimum group sizes that pass and that refuse."""
    _postgresql_only()
    pilot = _pilot()
    target = peer_facts(PeerProfile.objects.get(assessment=pilot))
    peers = peer_filter_apply(
        peer_pool(assessment=pilot), peer_filter_build(target=target, criteria=WIDE)
    )
    ids = list(peers.values_list("assessment_id", flat=True))
    assert len(ids) >= 5
    # the top-level dimensions: the only ones that get quartiles (the page, its chart and
    # learn-from-peers read no others), read from their partial index on PostgreSQL
    facts = ResultFact.objects.filter(
        assessment_id__in=ids, measure__in=("score", "perception", "status"), depth=1
    ).order_by("pk")
    nodes = sorted(set(facts.values_list("node", flat=True)))
    node = nodes[0]
    odd = list(facts.filter(node=node, measure="score").values_list("assessment_id", flat=True)[:3])
    of = facts.filter(node=node)
    of.filter(assessment_id=odd[0], measure="score").update(value=None)
    of.filter(assessment_id=odd[1], measure="score").update(value=float("nan"))
    of.filter(assessment_id=odd[1], measure="perception").update(value=float("inf"))
    of.filter(assessment_id=odd[2], measure="status").update(value=float("-inf"))
    for minimum in (1, 5, len(ids) - 1, len(ids) + 1):
        sql = distributions_sql(ids, nodes, minimum)
        python = distributions_python(peers, nodes, minimum)
        assert set(sql) == set(python) == set(nodes)
        for code in nodes:
            for kind in ("all", "perception", "status"):
                assert _same(sql[code][kind], python[code][kind]), (minimum, code, kind)
    some = distributions_sql(ids, [node], 1)[node]
    assert some["all"] is not None and some["all"].missing == 2  # the None and the NaN
    assert some["perception"] is not None and some["perception"].missing >= 1  # infinity


def _pilot_quartiles_query() -> tuple[str, list[Any]]:
    """The quartiles' SQL and parameters for the pilot's peers and top-level dimensions."""
    pilot = _pilot()
    ids = list(peer_pool(assessment=pilot).values_list("assessment_id", flat=True))
    nodes = sorted(
        set(ResultFact.objects.filter(assessment=pilot, depth=1).values_list("node", flat=True))
    )
    return distributions_query(ids, nodes)


@pytest.mark.django_db
def test_the_peers_quartiles_are_read_from_the_top_level_scores_index(demo: Any) -> None:
    """The quartiles' query is one that the partial index of the top-level scores
    (``result_fact_top``: depth 1, whole nodes, the three kinds' measures) can serve from the
    index alone: its condition is implied by the query's (checked by PostgreSQL's planner, the
    other indexes of the table dropped and table scans discouraged on the small demo)."""
    _postgresql_only()
    sql, params = _pilot_quartiles_query()
    table = ResultFact._meta.db_table
    with connection.cursor() as cursor:
        # the fact index's other indexes are dropped in the test's transaction (rolled back
        # after it): the planner then has this index or a table scan, and takes the index only
        # if the query is within its condition (on the small demo it may prefer another one)
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s "
            "AND indexname NOT LIKE '%%pkey'",
            [table, "result_fact_top"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    text = str(plan)
    assert "result_fact_top" in text and "Index Only Scan" in text, text


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.floats(min_value=0, max_value=100, allow_nan=False) | st.none(), min_size=1, max_size=40
    )
)
def test_percentile_cont_is_the_type_7_interpolation_of_distribution_summary(
    values: list[float | None],
) -> None:
    _postgresql_only()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(v), percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v) "
            "FROM unnest(%s::float8[]) AS v",
            [values],
        )
        n, quartiles = cursor.fetchone()
    expected = distribution_summary(values=values, minimum=1)
    if expected is None:
        assert n == 0
        return
    assert n == expected.n
    for got, want in zip(quartiles, (expected.q1, expected.median, expected.q3), strict=True):
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9)


@pytest.mark.django_db
def test_the_peer_profile_follows_the_assessment_state(demo: Any, personas: Any) -> None:
    """A returned assessment leaves the other authorities' peer pool at once, without being
    scored again: its profile carries the new state."""
    profile = (
        PeerProfile.objects.filter(assessment__state=AssessmentState.SUBMITTED)
        .exclude(round=None)
        .select_related("assessment")
        .first()
    )
    assert profile is not None and profile.state == AssessmentState.SUBMITTED
    other = (
        Assessment.objects.filter(round_id=profile.round_id)
        .exclude(authority_id=profile.authority_id)
        .first()
    )
    assert other is not None
    pool_before = peer_pool(assessment=other).count()
    assessment_transition(
        assessment=profile.assessment,
        action="return",
        user=personas["coordinator"],
        comment="Please add the sources of the crime figures.",
    )
    profile.refresh_from_db()
    assert profile.state == AssessmentState.RETURNED
    assert peer_pool(assessment=other).count() == pool_before - 1
    for p in PeerProfile.objects.select_related("assessment"):
        assert p.state == p.assessment.state, p


GROUPED = [("", "any"), ("Group <b>", [("2", "two & more"), ("3", "three")]), ("5", '"five"')]


@pytest.mark.parametrize("choices", ["form", "grouped"])
@pytest.mark.parametrize("value", [None, "", "2", "3", "bogus", ["2", "3"]])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_population_factor"},
        {"id": "x", "aria-invalid": "true", "disabled": True, "data-off": False, "title": "<&>"},
    ],
)
def test_the_plain_select_renders_djangos_select_html(
    choices: str, value: Any, attrs: dict[str, Any] | None
) -> None:
    options = (
        PeerCriteriaForm.base_fields["population_factor"].choices  # type: ignore[attr-defined]
        if choices == "form"
        else GROUPED
    )
    plain = PlainSelect(choices=options).render("population_factor", value, attrs)
    django = forms.Select(choices=options).render("population_factor", value, attrs)
    assert plain == django


@pytest.mark.parametrize(
    "query",
    [{}, {"criteria": "1", "income_range": "0.25"}, {"criteria": "1", "density_factor": "oops"}],
)
def test_the_criteria_form_renders_as_with_djangos_select(query: dict[str, str]) -> None:
    form = PeerCriteriaForm.from_query(query)
    form.is_valid()
    for name in ("population_factor", "density_factor", "income_range"):
        bound = form[name]
        plain = str(bound)
        bound.field.widget = forms.Select(choices=bound.field.choices)  # type: ignore[attr-defined]
        assert plain == str(form[name]), name


def _learning_case() -> tuple[Any, list[str]]:
    """The round of the persona's latest assessment (the demo's second round, which has a
    previous one) and its top-level dimensions."""
    a = Authority.objects.get(name=PERSONA_AUTHORITY)
    latest = Assessment.objects.filter(authority=a).order_by("round__period_end").last()
    assert latest is not None and latest.round is not None
    nodes = sorted(
        set(ResultFact.objects.filter(depth=1, round=latest.round).values_list("node", flat=True))
    )
    return latest.round, nodes


@pytest.mark.django_db
def test_learn_from_peers_reads_each_previous_score_of_the_same_authority(demo: Any) -> None:
    """The previous round's score of each candidate is that authority's submitted or accepted
    assessment's score on the same node in the network's round before (read per row here)."""
    round_, nodes = _learning_case()
    rows = scores_with_previous(
        peers=PeerProfile.objects.filter(round=round_),
        nodes=nodes,
        round_=round_,
    )
    assert rows
    before_round = (
        Round.objects.filter(network_id=round_.network_id, period_end__lt=round_.period_start)
        .order_by("-period_end")
        .first()
    )
    assert before_round is not None
    found = 0
    for auth, _name, a_id, node, score, before in rows:
        fact = ResultFact.objects.get(assessment_id=a_id, node=node, measure="score")
        assert fact.authority_id == auth and fact.value == score
        earlier = PeerProfile.objects.filter(
            round=before_round, authority_id=auth, state__in=("submitted", "accepted")
        ).first()
        expected = (
            ResultFact.objects.filter(
                assessment_id=earlier.assessment_id, node=node, measure="score"
            ).values_list("value", flat=True)[0]
            if earlier is not None
            else None
        )
        assert before == expected, (auth, node)
        found += before is not None
    assert found  # some candidates were in the previous round
    # without a round before, no previous score
    first = Round.objects.filter(network_id=round_.network_id).order_by("period_end").first()
    assert first is not None
    alone = scores_with_previous(
        peers=PeerProfile.objects.filter(round=first),
        nodes=nodes,
        round_=first,
    )
    assert alone and all(row[5] is None for row in alone)


@pytest.mark.django_db
def test_learn_from_peers_looks_up_no_score_per_candidate(demo: Any) -> None:
    """The candidates' previous scores are one query keyed by authority, not a lookup per
    candidate fact (a correlated subquery: a SubPlan in PostgreSQL's plan)."""
    _postgresql_only()
    round_, nodes = _learning_case()
    with CaptureQueriesContext(connection) as queries:
        scores_with_previous(
            peers=PeerProfile.objects.filter(round=round_),
            nodes=nodes,
            round_=round_,
        )
    assert len(queries) == 2
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            (plan,) = cursor.fetchone()
            assert "SubPlan" not in str(plan), query["sql"]


@pytest.mark.django_db
def test_the_peers_quartiles_need_no_sort_of_the_facts(demo: Any) -> None:
    """The facts read for the quartiles are grouped by node and measure without sorting them
    all first (the planner can hash the groups: with sorting discouraged, the plan has no Sort
    node; an ordered-set aggregate over the groups could not be hashed)."""
    _postgresql_only()
    sql, params = _pilot_quartiles_query()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    assert "'Node Type': 'Sort'" not in str(plan), plan
