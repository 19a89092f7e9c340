"""What the dashboard does to stay fast at scale (issues 6 and 18) gives the same answers as the
plain way: the peers' quartiles from their packed scores and from the fact index, the assessment
state copied onto the peer profiles and the assessment's own, the selects rendered in Python and
Django's templates."""

from __future__ import annotations

import importlib
import math
import re
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from django import forms
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kept_helpers import kept_as_committed
from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.authorities.models import Authority
from saferspaces.core.dashboard import PeerCriteria, distribution_summary, peer_filter_build
from saferspaces.core.dashboard.packed import PackedError, top_scores_pack, top_scores_unpack
from saferspaces.dashboard.forms import PeerCriteriaForm, PlainSelect
from saferspaces.demo.generator import PERSONA_AUTHORITY
from saferspaces.results.index import result_index_clear, result_index_write
from saferspaces.results.models import PeerProfile, ResultFact, ResultRun
from saferspaces.results.peers import (
    PEER_STATES,
    POOL_COUNT_TTL_S,
    POOL_VERSION_KEY,
    ROUND_TABLE_READ_EVERY_S,
    _round_table_read,
    peer_facts,
    peer_filter_apply,
    peer_pool,
    peer_pool_size,
    previous_round_scores,
    profiles_read,
    round_table,
)

peers_module = importlib.import_module("saferspaces.results.peers")
upgrade = importlib.import_module("saferspaces.results.migrations.0010_peer_profile_top_scores")

WIDE = PeerCriteria(same_kind=False, population_factor=None)


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


def _top_facts(ids: list[int]) -> dict[int, dict[tuple[str, str], float | None]]:
    """The fact index's top-level scores of ``ids``: assessment -> (node, kind) -> value."""
    kinds = {"score": "all", "perception": "perception", "status": "status"}
    out: dict[int, dict[tuple[str, str], float | None]] = {i: {} for i in ids}
    for a_id, node, measure, value in ResultFact.objects.filter(
        assessment_id__in=ids, depth=1, category="", instance="", measure__in=list(kinds)
    ).values_list("assessment_id", "node", "measure", "value"):
        out[a_id][node, kinds[measure]] = value
    return out


def _eq(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.django_db
def test_every_peer_profile_carries_its_top_level_facts(demo: Any) -> None:
    """The packed scores of each profile are its assessment's top-level facts, written from the
    same run: every node and kind the index has, and no other."""
    profiles = list(PeerProfile.objects.values_list("assessment_id", "top_nodes", "top_scores"))
    assert len(profiles) > 20
    facts = _top_facts([a_id for a_id, _l, _p in profiles])
    for a_id, layout, packed in profiles:
        got = top_scores_unpack(layout=layout, packed=bytes(packed))
        assert set(got) == set(facts[a_id]) and got, a_id
        assert all(_eq(got[k], facts[a_id][k]) for k in got), a_id


@pytest.mark.django_db
def test_the_peers_quartiles_are_those_of_their_facts(demo: Any) -> None:
    """Same n, missing and type-7 quartiles per node and kind as distribution_summary over the
    fact index, with facts without a value mixed in (written as a computation writes them:
    through the runs), for minimum group sizes that pass and that refuse."""
    pilot = _pilot()
    target = peer_facts(PeerProfile.objects.get(assessment=pilot))
    peers = peer_filter_apply(
        peer_pool(assessment=pilot), peer_filter_build(target=target, criteria=WIDE)
    )
    ids = list(peers.values_list("assessment_id", flat=True))
    assert len(ids) >= 5
    nodes = sorted({n for f in _top_facts(ids).values() for n, _k in f})
    node = nodes[0]
    # facts without a value (a run's JSON holds no NaN nor infinity: those are the core's
    # tests of packed scores, tests/core/dashboard/test_packed.py)
    odd = {ids[0]: ("score", None), ids[1]: ("score", None), ids[2]: ("status", None)}
    for a_id, (measure, value) in odd.items():
        run = ResultRun.objects.filter(assessment_id=a_id).order_by("-pk").first()
        assert run is not None
        at = run.facts["fields"]
        for row in run.facts["rows"]:
            if row[at.index("node")] == node and row[at.index("measure")] == measure:
                row[at.index("value")] = value
        run.save(update_fields=["facts"])
        result_index_write(runs=[run])
    facts = _top_facts(ids)
    group = profiles_read(profiles=peers)
    assert sorted(group.assessment_ids) == sorted(ids)
    for minimum in (1, 5, len(ids) - 1, len(ids) + 1):
        got = group.scores.distributions(nodes=nodes, minimum=minimum)
        assert set(got) == set(nodes)
        for code in nodes:
            for kind in ("all", "perception", "status"):
                values = [f[code, kind] for f in facts.values() if (code, kind) in f]
                want = distribution_summary(values=values, minimum=minimum) if values else None
                assert _same(got[code][kind], want), (minimum, code, kind)
    some = group.scores.distributions(nodes=[node], minimum=1)[node]
    assert some["all"] is not None and some["all"].missing >= 2
    assert some["status"] is not None and some["status"].missing >= 1


@pytest.mark.django_db
def test_profiles_are_read_as_their_rows_in_one_query(demo: Any) -> None:
    """Every profile's assessment, authority and scores as the ORM reads them row by row, in
    one query (on PostgreSQL the rows joined into one value per layout), with profiles of a
    second layout (another edition's dimensions) and without top-level scores mixed in."""
    profiles = PeerProfile.objects.all()
    pks = list(profiles.order_by("pk").values_list("pk", flat=True))
    assert len(pks) > 20
    other = top_scores_pack(scores={("Z1", "all"): 1.5, ("Z1", "status"): None, ("A0", "all"): 2})
    PeerProfile.objects.filter(pk__in=pks[:3]).update(top_nodes=other[0], top_scores=other[1])
    PeerProfile.objects.filter(pk__in=pks[3:5]).update(top_nodes="", top_scores=b"")
    rows = list(profiles.values_list("assessment_id", "authority_id", "top_nodes", "top_scores"))
    with CaptureQueriesContext(connection) as queries:
        group = profiles_read(profiles=profiles)
    assert len(queries) == 1
    if connection.vendor == "postgresql":
        assert "string_agg(" in queries[0]["sql"]
    at = {a_id: k for k, a_id in enumerate(group.assessment_ids.tolist())}
    assert len(at) == len(rows) == len(group.authority_ids) == group.scores.size
    nodes = {n for _a, _b, layout, _p in rows for n in layout.split(",") if layout} | {"none"}
    for a_id, auth, layout, packed in rows:
        k = at[a_id]
        assert group.authority_ids[k] == auth
        want = top_scores_unpack(layout=layout, packed=bytes(packed))
        for node in nodes:
            for kind in ("all", "perception", "status"):
                assert group.scores.column(node, kind)[k] == want.get((node, kind)), (a_id, node)
    # a subset keeps its peers' rows together
    keep = group.authority_ids % 2 == 0
    part = group.subset(keep)
    assert part.assessment_ids.tolist() == group.assessment_ids[keep].tolist()
    assert part.scores.column("Z1", "all") == [
        v for v, wanted in zip(group.scores.column("Z1", "all"), keep, strict=True) if wanted
    ]
    # nothing to read: no query (an empty list of ids) or no row
    none = profiles_read(profiles=profiles.filter(authority_id__in=[]))
    assert none.scores.size == len(none.assessment_ids) == 0
    assert profiles_read(profiles=profiles.filter(pk=-1)).scores.size == 0


@pytest.mark.django_db
def test_a_profile_whose_scores_do_not_fit_their_layout_is_refused(demo: Any) -> None:
    """One packed value too long and another too short in the same layout (their sum fits)."""
    pks = list(PeerProfile.objects.order_by("pk").values_list("pk", flat=True)[:2])
    packed = {pk: bytes(p) for pk, p in PeerProfile.objects.values_list("pk", "top_scores")}
    PeerProfile.objects.filter(pk=pks[0]).update(top_scores=packed[pks[0]] + b"\0")
    PeerProfile.objects.filter(pk=pks[1]).update(top_scores=packed[pks[1]][:-1])
    with pytest.raises(PackedError, match="does not fit its layout"):
        profiles_read(profiles=PeerProfile.objects.all())


@pytest.mark.django_db
def test_the_upgrade_packs_the_scores_the_index_writes(demo: Any) -> None:
    """Migration ``results.0010`` fills the packed scores of existing profiles from the fact
    index: the same bytes as the index writes from the runs."""
    written = dict(PeerProfile.objects.values_list("assessment_id", "top_scores"))
    layouts = dict(PeerProfile.objects.values_list("assessment_id", "top_nodes"))
    PeerProfile.objects.update(top_nodes="", top_scores=b"")
    upgrade.fill(django_apps, SimpleNamespace(connection=connection))
    for a_id, layout, packed in PeerProfile.objects.values_list(
        "assessment_id", "top_nodes", "top_scores"
    ):
        assert (layout, bytes(packed)) == (layouts[a_id], bytes(written[a_id])), a_id


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


def _pool_counted(assessment: Assessment) -> tuple[int, int]:
    """(the pool's size as the page reads it, the number of its members counted by the ORM)."""
    return peer_pool_size(assessment=assessment), peer_pool(assessment=assessment).count()


def _as_committed() -> None:
    """What the commit of a transaction that changed profiles (or sharing choices) does to
    what is kept (the test's own transaction, which stands for the requests' autocommit,
    never commits)."""
    kept_as_committed()


def _counts_the_round(assessment: Assessment) -> bool:
    with CaptureQueriesContext(connection) as queries:
        peer_pool_size(assessment=assessment)
    return any("COUNT(*)" in q["sql"] and "authority_id" not in q["sql"] for q in queries)


@pytest.mark.django_db
def test_the_pool_is_counted_once_and_again_after_every_change(demo: Any, personas: Any) -> None:
    """The size of the pool is counted once per round (kept in the cache) and again after
    every change of the profiles once committed (a state, results cleared or written, an
    assessment deleted); the transaction that made the change counts for itself at once. Each
    authority's size leaves out its own assessments."""
    _as_committed()
    profile = (
        PeerProfile.objects.filter(assessment__state=AssessmentState.SUBMITTED)
        .exclude(round=None)
        .select_related("assessment")
        .first()
    )
    assert profile is not None
    round_id = profile.round_id
    mine = Assessment.objects.filter(round_id=round_id).order_by("pk")
    for a in mine:
        a_size, counted = _pool_counted(a)
        assert a_size == counted, a
    other = mine.exclude(authority_id=profile.authority_id).first()
    assert other is not None
    size, counted = _pool_counted(other)
    assert size == counted > 5
    assert not _counts_the_round(other)  # kept

    def after(change: Any, expected: int) -> None:
        change()
        assert _counts_the_round(other)  # this transaction counts for itself
        assert _pool_counted(other) == (expected, expected)
        _as_committed()
        assert _pool_counted(other) == (expected, expected)  # counted again, then kept
        assert not _counts_the_round(other)

    # a state: the returned assessment leaves the pool
    after(
        lambda: assessment_transition(
            assessment=profile.assessment,
            action="return",
            user=personas["coordinator"],
            comment="Please add the sources.",
        ),
        size - 1,
    )
    peer = (
        Assessment.objects.filter(round_id=round_id, state=AssessmentState.ACCEPTED)
        .exclude(authority_id=other.authority_id)
        .first()
    )
    assert peer is not None
    peer_run = ResultRun.objects.filter(assessment_id=peer.pk).order_by("-pk").first()
    assert peer_run is not None
    # results cleared, then written again
    after(lambda: result_index_clear(assessment_ids=[peer.pk]), size - 2)
    after(lambda: result_index_write(runs=[peer_run]), size - 1)
    # an assessment deleted (its profile goes by the cascade)
    after(peer.delete, size - 2)


@pytest.mark.django_db
def test_a_count_is_kept_only_outside_a_transaction(demo: Any) -> None:
    """A transaction of its own (a task, a service) counts without the cache, not even
    reading it (a read deletes the expired entries it finds): the cache's rows would stay
    locked until its end. The version read before a change is gone
    after its commit, with whatever count a reader kept under it."""
    _as_committed()
    pilot = _pilot()
    assert pilot.round_id is not None
    size = peer_pool_size(assessment=pilot)
    key = f"results:peer-pool:{pilot.round_id}"
    version = cache.get(POOL_VERSION_KEY)
    assert version is not None and cache.get(key) == (version, size + 1)  # the pilot's own
    cache.delete(key)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert peer_pool_size(assessment=pilot) == size
    assert not [q for q in queries if "saferspaces_cache" in q["sql"]]  # not even read
    assert cache.get(key) is None
    peers = list(peer_pool(assessment=pilot).values_list("assessment_id", flat=True)[:2])
    for a_id in peers:
        result_index_clear(assessment_ids=[a_id])
    cache.set(key, (version, size + 1))  # a reader elsewhere, before the commit
    _as_committed()
    assert cache.get(POOL_VERSION_KEY) is None
    assert peer_pool_size(assessment=pilot) == size - 2 == peer_pool(assessment=pilot).count()


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
    assessment's score on the same node in the network's round before (read per authority
    here)."""
    round_, nodes = _learning_case()
    authorities = list(
        PeerProfile.objects.filter(round=round_).values_list("authority_id", flat=True)
    )
    assert authorities
    before = previous_round_scores(round_=round_, authority_ids=authorities, nodes=nodes)
    before_round = (
        Round.objects.filter(network_id=round_.network_id, period_end__lt=round_.period_start)
        .order_by("-period_end")
        .first()
    )
    assert before_round is not None
    found = 0
    for node in nodes:
        assert len(before[node]) == len(authorities)
        for auth, got in zip(authorities, before[node].tolist(), strict=True):
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
            if expected is None:
                assert math.isnan(got), (auth, node)
            else:
                assert got == expected, (auth, node)
                found += 1
    assert found  # some candidates were in the previous round
    # without a round before, no previous score
    first = Round.objects.filter(network_id=round_.network_id).order_by("period_end").first()
    assert first is not None
    alone = previous_round_scores(round_=first, authority_ids=authorities, nodes=nodes)
    assert all(math.isnan(v) for node in nodes for v in alone[node].tolist())


@pytest.mark.django_db
def test_learn_from_peers_reads_the_previous_round_in_one_query_by_authority(demo: Any) -> None:
    """The candidates' previous scores are one query for all of them (and the round before),
    the authorities one array parameter on PostgreSQL, read through the index of an authority's
    profiles by round, not a scan of the round."""
    round_, nodes = _learning_case()
    authorities = list(
        PeerProfile.objects.filter(round=round_).values_list("authority_id", flat=True)
    )
    sent: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        previous_round_scores(round_=round_, authority_ids=authorities, nodes=nodes)
    assert len(sent) == 2  # the round before, the profiles
    if connection.vendor != "postgresql":
        return
    sql, params = sent[1]
    assert "= ANY(" in sql and len(params) <= 4, sql
    with connection.cursor() as cursor:
        # the profiles' other indexes dropped in the test's transaction (rolled back after
        # it): on the small demo the planner may prefer the round's; here it has this index or
        # a table scan, and takes the index only if the query can use it
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [PeerProfile._meta.db_table],
        )
        for (name,) in cursor.fetchall():
            if name != "peer_profile_authority_round":
                cursor.execute(f"DROP INDEX {name}")
        cursor.execute(f"ANALYZE {PeerProfile._meta.db_table}")  # statistics as autovacuum's
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    assert "peer_profile_authority_round" in str(plan), plan


CRITERIA_CASES = [
    PeerCriteria(),  # the default: the same kind, population within a factor of 3
    WIDE,
    PeerCriteria(same_kind=False, same_country=True, population_factor=None),
    PeerCriteria(same_level=True, population_factor=None),
    PeerCriteria(same_urbanisation=True, population_factor=2.0),
    PeerCriteria(same_kind=True, density_factor=5.0, population_factor=None),
    PeerCriteria(same_kind=False, income_range=0.25, population_factor=None),
    PeerCriteria(same_country=True, same_level=True, population_factor=10.0, income_range=0.5),
]


@pytest.mark.django_db
def test_a_round_table_selects_the_peers_the_database_selects(demo: Any) -> None:
    """A round's peers kept as columns (``round_table``) select, for every assessment of the
    demo and every kind of criterion, the group that ``peer_filter_apply`` selects in SQL: the
    same assessments, authorities and scores, the same pool, and the same previous round's
    scores; profiles without a fact (NULL, a blank text) meet no equality and no range."""
    # some profiles without facts, as registries leave them
    some = list(PeerProfile.objects.exclude(round=None).order_by("pk").values_list("pk", flat=True))
    PeerProfile.objects.filter(pk__in=some[::7]).update(population=None, urbanisation="")
    PeerProfile.objects.filter(pk__in=some[3::11]).update(nuts_level=None, income=None)
    PeerProfile.objects.filter(pk__in=some[5::13]).update(density=None, country="")
    checked = 0
    for round_ in Round.objects.all():
        table = _round_table_read(round_.pk)
        for a in Assessment.objects.filter(round=round_).order_by("pk"):
            profile = PeerProfile.objects.filter(assessment=a).first()
            if profile is None:
                continue
            assert table.pool_size(without_authority=a.authority_id) == (
                peer_pool(assessment=a).count()
            )
            for criteria in CRITERIA_CASES:
                peer_filter = peer_filter_build(target=peer_facts(profile), criteria=criteria)
                want = profiles_read(
                    profiles=peer_filter_apply(peer_pool(assessment=a), peer_filter)
                )
                got = table.peers.subset(
                    table.select(peer_filter=peer_filter, without_authority=a.authority_id)
                )
                order_w = np.argsort(want.assessment_ids)
                order_g = np.argsort(got.assessment_ids)
                assert got.assessment_ids[order_g].tolist() == want.assessment_ids[order_w].tolist()
                assert got.authority_ids[order_g].tolist() == want.authority_ids[order_w].tolist()
                for node in ("PSL", "QOL", "SOC", "SOS", "URB"):
                    for kind in ("all", "perception", "status"):
                        assert np.array_equal(
                            got.scores.array(node, kind)[order_g],
                            want.scores.array(node, kind)[order_w],
                            equal_nan=True,
                        )
                checked += 1
    assert checked > 100
    # the previous round's scores from the kept table and from the database
    _as_committed()
    round_, nodes = _learning_case()
    authorities = list(Authority.objects.order_by("pk").values_list("pk", flat=True))
    previous_round_scores(round_=round_, authority_ids=authorities, nodes=nodes)  # read once
    with CaptureQueriesContext(connection) as queries:
        kept = previous_round_scores(round_=round_, authority_ids=authorities, nodes=nodes)
    assert not [q for q in queries if "results_peerprofile" in q["sql"]]  # from the kept table
    with transaction.atomic():  # a transaction of its own reads the database
        read = previous_round_scores(round_=round_, authority_ids=authorities, nodes=nodes)
    for node in nodes:
        assert np.array_equal(kept[node], read[node], equal_nan=True)
        assert not np.isnan(kept[node]).all()


@pytest.mark.django_db
def test_a_round_table_is_read_once_per_version_of_the_profiles(
    demo: Any, personas: Any, monkeypatch: Any
) -> None:
    """The table is read from the database once, then kept (one read of the version); after a
    change of the profiles is committed it is read again; the transaction that changed them,
    and a transaction of its own, read the database instead."""
    profile = (
        PeerProfile.objects.filter(assessment__state=AssessmentState.SUBMITTED)
        .exclude(round=None)
        .select_related("assessment")
        .first()
    )
    assert profile is not None and profile.round_id is not None
    peers = PeerProfile.objects.filter(round_id=profile.round_id, state__in=PEER_STATES)

    def reads() -> tuple[bool, int | None]:
        with CaptureQueriesContext(connection) as queries:
            table = round_table(round_id=profile.round_id)
        read = any("results_peerprofile" in q["sql"] for q in queries)
        return read, None if table is None else table.size

    assert reads() == (False, None)  # the demo was just written in this transaction
    _as_committed()
    size = peers.count()
    assert reads() == (True, size)
    assert reads() == (False, size)  # kept
    with transaction.atomic():
        assert reads() == (False, None)
    assessment_transition(
        assessment=profile.assessment,
        action="return",
        user=personas["coordinator"],
        comment="Please add the sources.",
    )
    assert reads() == (False, None)  # this transaction changed the profiles
    _as_committed()
    # read at most once in ROUND_TABLE_READ_EVERY_S: until then, the database (no stale table)
    assert reads() == (False, None)
    clock = peers_module._clock
    later = [0.0]
    monkeypatch.setattr(peers_module, "_clock", lambda: clock() + later[0])
    later[0] = ROUND_TABLE_READ_EVERY_S
    assert reads() == (True, size - 1)  # read again
    assert reads() == (False, size - 1)
    # kept at most as long as a count, should a change bypass the writers of profiles
    later[0] += POOL_COUNT_TTL_S
    assert reads() == (True, size - 1)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_peer_view_from_the_kept_table_is_the_page_from_the_database(
    client_as: Any, language: str
) -> None:
    """Whole pages: the peer view drawn from the kept round tables is the page drawn from the
    database (a request inside a transaction of its own), for several criteria and pages of
    named peers."""
    from django.db import transaction as tx

    _as_committed()
    client = client_as("lead")
    client.cookies["django_language"] = language
    pilot = _pilot()
    latest = (
        Assessment.objects.filter(authority=pilot.authority).order_by("round__period_end").last()
    )
    assert latest is not None
    for a in (pilot, latest):
        for query in (
            "",
            "?criteria=1",
            "?criteria=1&same_country=on",
            "?criteria=1&same_kind=on&population_factor=2",
            "?named=2",
        ):
            url = f"/assessments/{a.pk}/peers/{query}"
            client.get(url)  # the round's table read
            with CaptureQueriesContext(connection) as queries:
                kept = client.get(url).content.decode()
            # the reader's own profile only: the group, its pool and the round before kept
            assert sum("results_peerprofile" in q["sql"] for q in queries) == 1, url
            with tx.atomic():
                read = client.get(url).content.decode()
            csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
            assert csrf.sub("", kept) == csrf.sub("", read), url
            assert "peers-result" in kept
