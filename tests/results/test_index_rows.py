"""The fact index is the copy of the runs' packed facts, whichever way it is written (on
PostgreSQL the database makes the rows from the runs' JSON; elsewhere Python does), and its
links are kept: a deleted assessment takes its facts along."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import orjson
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saferspaces.assessments.models import Assessment
from saferspaces.authorities.models import Authority
from saferspaces.results.computing import (
    COMPUTED_TOGETHER,
    assessment_results_compute,
    round_results_compute,
)
from saferspaces.results.index import FACT_COLUMNS, _fact_rows, json_text, results_rebuild
from saferspaces.results.models import PeerProfile, ResultBasis, ResultFact, ResultRun


def _members() -> tuple[Any, list[Assessment]]:
    last = (
        Assessment.objects.filter(state__in=COMPUTED_TOGETHER, round__isnull=False)
        .order_by("-pk")
        .first()
    )
    assert last is not None
    members = list(Assessment.objects.filter(round_id=last.round_id, state__in=COMPUTED_TOGETHER))
    return last.round, members


def test_the_index_rows_are_the_runs_packed_facts(team: Any) -> None:
    round_, members = _members()
    runs = round_results_compute(round_=round_, user=None, now=timezone.now())
    assert runs
    by_pk = {a.pk: a for a in members}
    expected = []
    for run in ResultRun.objects.filter(pk__in=[r.pk for r in runs]):
        expected += _fact_rows(run, by_pk[run.assessment_id])
    stored = list(
        ResultFact.objects.filter(run_id__in=[r.pk for r in runs]).values_list(*FACT_COLUMNS)
    )
    assert len(stored) == len(expected) > 100
    assert sorted(stored, key=repr) == sorted(expected, key=repr)
    # numbers come back as the same floats, empty texts as "", missing values as None
    assert any(row[FACT_COLUMNS.index("value")] is None for row in stored)
    assert all(isinstance(row[FACT_COLUMNS.index("parent")], str) for row in stored)


def test_a_deleted_assessment_takes_its_facts_and_runs_along(team: Any) -> None:
    round_, members = _members()
    round_results_compute(round_=round_, user=None, now=timezone.now())
    gone = members[0]
    assert ResultFact.objects.filter(assessment_id=gone.pk).exists()
    gone.delete()
    assert not ResultFact.objects.filter(assessment_id=gone.pk).exists()
    assert not ResultRun.objects.filter(assessment_id=gone.pk).exists()
    assert ResultFact.objects.filter(assessment_id=members[1].pk).exists()


def test_a_run_reads_back_as_it_was_written(team: Any) -> None:
    """Runs are written with COPY and orjson on PostgreSQL: what is read back is the run as
    computed."""
    _round, members = _members()
    run = assessment_results_compute(
        assessment=members[0], user=None, trigger="submit", now=timezone.now()
    )
    stored = ResultRun.objects.get(pk=run.pk)
    for field in ("explanation", "meta", "facts", "warnings", "units", "state", "model"):
        assert getattr(stored, field) == getattr(run, field), field
    assert stored.explanation["indicators"]


def test_a_runs_explanation_keeps_its_order_and_is_stored_as_compact_json(team: Any) -> None:
    """The explanation is read back in the order it was computed (the edition's order of
    nodes and indicators; a ``jsonb`` column sorted keys by length), from its JSON text stored
    as written: PostgreSQL neither parses nor rebuilds 28 kB a run (a round of 10,000 spent
    about 4.5 s of the database's time on that)."""
    _round, members = _members()
    run = assessment_results_compute(
        assessment=members[0], user=None, trigger="submit", now=timezone.now()
    )
    stored = ResultRun.objects.get(pk=run.pk)
    assert list(stored.explanation) == list(run.explanation)
    for part in ("nodes", "indicators"):
        assert list(stored.explanation[part]) == list(run.explanation[part]), part
    code = next(iter(run.explanation["nodes"]))
    assert list(stored.explanation["nodes"][code]) == list(run.explanation["nodes"][code])
    # the stored text is the compact JSON written, whatever the database
    table = ResultRun._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT explanation FROM {table} WHERE id = %s", [run.pk])  # noqa: S608
        (raw,) = cursor.fetchone()
    text = raw if isinstance(raw, str) else bytes(raw).decode("utf-8")
    assert text == orjson.dumps(run.explanation).decode("utf-8")
    # read as values too (the exports read explanations without their runs)
    (read,) = ResultRun.objects.filter(pk=run.pk).values_list("explanation", flat=True)
    assert read == run.explanation


def test_peer_profiles_are_written_with_copy_on_postgresql(team: Any) -> None:
    """The same profiles as Django's bulk INSERT writes (SQLite keeps that), with COPY on
    PostgreSQL (which the captured queries do not show)."""
    _round, members = _members()
    round_results_compute(round_=_round, user=None, now=timezone.now())
    columns = ("assessment_id", "round_id", "authority_id", "state", "kind", "nuts_level")
    columns += ("country", "urbanisation", "population", "density", "income", "sources")
    ids = [a.pk for a in members]
    before = sorted(PeerProfile.objects.filter(assessment_id__in=ids).values_list(*columns))
    assert len(before) == len(ids) and any(row[-1] for row in before)  # with their sources
    with CaptureQueriesContext(connection) as queries:
        assert results_rebuild(assessments=members) == len(ids)
    inserts = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('INSERT INTO "results_peerprofile"')
    ]
    assert bool(inserts) == (connection.vendor != "postgresql"), inserts
    assert sorted(PeerProfile.objects.filter(assessment_id__in=ids).values_list(*columns)) == before


def test_json_text_writes_numbers_of_numpy_and_missing_values() -> None:
    value = {"a": np.float64(1.5), "b": [1, None, "x", np.int64(3)], "c": float("nan")}
    assert json.loads(json_text(value)) == {"a": 1.5, "b": [1, None, "x", 3], "c": None}
    assert json.loads(json_text({"é": "ü\n\t\\"})) == {"é": "ü\n\t\\"}


def test_a_deleted_authority_takes_its_facts_along(team: Any) -> None:
    round_, members = _members()
    round_results_compute(round_=round_, user=None, now=timezone.now())
    gone = members[0]
    authority_id = gone.authority_id
    assert ResultFact.objects.filter(authority_id=authority_id).exists()
    Authority.objects.filter(pk=authority_id).delete()
    assert not ResultFact.objects.filter(authority_id=authority_id).exists()
    assert ResultFact.objects.filter(assessment_id=members[1].pk).exists()


def test_a_rounds_runs_share_one_basis_and_keep_only_their_own_meta(team: Any) -> None:
    """What produced a round's results (pipeline, steps, options, the rules of every
    indicator) is stored once; each run keeps only what concerns its unit, and reads whole."""
    round_, members = _members()
    runs = round_results_compute(round_=round_, user=None, now=timezone.now())
    stored = list(ResultRun.objects.filter(pk__in=[r.pk for r in runs]).select_related("basis"))
    assert len({r.basis_id for r in stored}) == 1
    basis = stored[0].basis
    assert basis is not None
    assert {"rules", "steps", "options", "pipeline", "n_units"} <= set(basis.meta)
    assert basis.meta["n_units"] == len(members)
    for run in stored:
        assert not {"rules", "steps"} & set(run.meta)
        assert run.full_meta == {**basis.meta, **run.meta}
    # computing the same round again finds the same basis, and no other is made
    bases = ResultBasis.objects.count()
    again = round_results_compute(round_=round_, user=None, now=timezone.now())
    assert ResultBasis.objects.count() == bases
    assert {r.basis_id for r in ResultRun.objects.filter(pk__in=[r.pk for r in again])} == {
        basis.pk
    }
