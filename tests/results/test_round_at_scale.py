"""A round's results at scale (issue 16 item 4): answers are read, scored and written by chunks
of assessments, and the stored results are the same whatever the chunk sizes; one submission's
own results read only the data_driven answers of the others."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saferspaces.assessments import bulk
from saferspaces.assessments.editions import assessment_edition
from saferspaces.assessments.models import Answer, Assessment
from saferspaces.core.framework.answers import AnswerState
from saferspaces.results import computing
from saferspaces.results.computing import (
    COMPUTED_TOGETHER,
    assessment_results_compute,
    round_results_compute,
)
from saferspaces.results.index import PACKED_FIELDS
from saferspaces.results.models import PeerProfile, ResultFact, ResultRun, unit_key


def _round() -> tuple[Any, list[Assessment]]:
    scored = Assessment.objects.filter(state__in=COMPUTED_TOGETHER, round__isnull=False)
    last = scored.order_by("-pk").first()
    assert last is not None
    members = list(scored.filter(round_id=last.round_id).select_related("authority"))
    assert len(members) >= 5  # enough to read and write in several chunks
    return last.round, members


def _stored(members: list[Assessment]) -> tuple[list[tuple[Any, ...]], dict[int, Any]]:
    """The round's facts (without their run ids) and each assessment's latest run's content."""
    ids = [a.pk for a in members]
    facts = sorted(
        ResultFact.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", *PACKED_FIELDS
        ),
        key=repr,
    )
    runs = {}
    for run in ResultRun.objects.filter(assessment_id__in=ids).order_by("pk"):
        runs[run.assessment_id] = (
            run.model,
            run.units,
            run.state,
            run.explanation,
            run.meta,
            run.full_meta,
            run.basis_id,
            run.facts,
            run.warnings,
        )
    return facts, runs


def _answer_reads(queries: CaptureQueriesContext) -> tuple[list[str], list[str]]:
    """The queries reading agreed answers of every status: of every code, and of some codes
    only (the peer profiles' background answers, read per chunk, are not counted)."""
    # PostgreSQL reads through a server-side cursor: "DECLARE ... CURSOR FOR SELECT ..."
    sqls = [re.sub(r"^DECLARE .*? CURSOR .*?FOR ", "", q["sql"]) for q in queries.captured_queries]
    reads = [
        sql
        for sql in sqls
        if sql.startswith("SELECT")
        and 'FROM "assessments_answer"' in sql
        and '"assessments_answer"."status" =' not in sql
    ]
    some = [sql for sql in reads if '"assessments_answer"."code" IN' in sql]
    return [sql for sql in reads if sql not in some], some


def test_a_round_is_read_scored_and_written_by_chunks_of_assessments(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_, members = _round()
    monkeypatch.setattr(computing, "STORE_CHUNK", 2)
    monkeypatch.setattr(computing, "results_compute", counted := _Counted())
    with CaptureQueriesContext(connection) as queries:
        round_results_compute(round_=round_, user=None, now=timezone.now())
    every, some = _answer_reads(queries)
    assert len(every) == math.ceil(len(members) / 2), every
    assert len(some) == 1, some  # the data_driven answers (and those skip logic reads) of all
    assert counted.sizes == [len(c) for c in computing._chunks(members, 2)]


def test_a_round_removes_its_members_old_results_once_not_per_chunk(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk's delete of its assessments' facts was planned as a scan of the whole fact table
    when its statistics were missing (a fresh database): the scan grew with every chunk written
    in the round's transaction (about a minute of a round of 100,000). The round's old facts
    and profiles go in one statement each, before the first chunk; the results are the same."""
    round_, members = _round()
    now = timezone.now()
    round_results_compute(round_=round_, user=None, now=now)
    facts_before, _runs = _stored(members)
    monkeypatch.setattr(computing, "STORE_CHUNK", 2)
    with CaptureQueriesContext(connection) as queries:
        round_results_compute(round_=round_, user=None, now=now)
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len([d for d in deletes if 'FROM "results_fact"' in d]) == 1, deletes
    assert len([d for d in deletes if 'FROM "results_peerprofile"' in d]) == 1, deletes
    assert _stored(members)[0] == facts_before
    assert ResultFact.objects.filter(assessment_id__in=[a.pk for a in members]).count() == len(
        facts_before
    )
    assert PeerProfile.objects.filter(assessment__in=members).count() == len(members)


class _Counted:
    """``results_compute``, noting how many units each call scored."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def __call__(self, **kwargs: Any) -> Any:
        from saferspaces.core.results import results_compute

        self.sizes.append(len(kwargs["units"]))
        return results_compute(**kwargs)


def test_a_submissions_own_results_score_it_alone_with_its_rounds_spread(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its results are those the round's computation gives it, but only its own answers are
    read whole and scored: a round of 10,000 is not scored again for one submission."""
    round_, members = _round()
    now = timezone.now()
    round_results_compute(round_=round_, user=None, now=now)
    _facts, by_round = _stored(members)
    one = members[-1]
    monkeypatch.setattr(computing, "results_compute", counted := _Counted())
    with CaptureQueriesContext(connection) as queries:
        run = assessment_results_compute(assessment=one, user=None, trigger="submit", now=now)
    every, some = _answer_reads(queries)
    assert len(every) == 1 and len(some) == 1
    assert counted.sizes == [1]
    assert run.units == len(members)
    assert (
        run.explanation,
        run.meta,
        run.full_meta,
        run.basis_id,
        run.facts,
        run.warnings,
    ) == by_round[one.pk][3:]


def test_the_chunked_reader_reads_every_answer_as_one_query_would(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = _round()[1]
    monkeypatch.setattr(bulk, "IDS_PER_QUERY", 2)
    monkeypatch.setattr(bulk, "FETCH_ROWS", 7)
    edition = assessment_edition(assessment=members[0])
    units, _spreads = computing._answers([a.pk for a in members], edition, spreads=True)
    expected: dict[str, dict[str, AnswerState]] = {unit_key(a.pk): {} for a in members}
    for a_id, code, status, value in Answer.objects.filter(assessment__in=members).values_list(
        "assessment_id", "code", "status", "value"
    ):
        expected[unit_key(a_id)][code] = AnswerState(status, value)
    assert units == expected


def test_round_results_are_the_same_whatever_the_chunk_sizes(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_, members = _round()
    now = timezone.now()
    whole = round_results_compute(round_=round_, user=None, now=now)
    assert len(whole) == len(members)
    facts_whole, runs_whole = _stored(members)
    assert facts_whole and len(runs_whole) == len(members)
    monkeypatch.setattr(bulk, "IDS_PER_QUERY", 2)
    monkeypatch.setattr(computing, "STORE_CHUNK", 2)
    chunked = round_results_compute(round_=round_, user=None, now=now)
    assert len(chunked) == len(members)
    assert {r.assessment_id for r in chunked} == {a.pk for a in members}
    facts_chunked, runs_chunked = _stored(members)
    assert facts_chunked == facts_whole
    assert runs_chunked == runs_whole
    # the index points at the latest runs only
    latest = {r.pk for r in chunked}
    assert (
        set(
            ResultFact.objects.filter(assessment_id__in=[a.pk for a in members]).values_list(
                "run_id", flat=True
            )
        )
        == latest
    )


def test_the_round_task_computes_and_stores_every_member(team: Any) -> None:
    from saferspaces.results.tasks import round_results_task

    round_, members = _round()
    at = timezone.now().isoformat()
    assert round_results_task.call(round_id=round_.pk, user_id=None, at=at) == len(members)
    assert ResultRun.objects.filter(
        assessment__in=members, trigger="round", computed_at=dt.datetime.fromisoformat(at)
    ).count() == len(members)
    assert round_results_task.call(round_id=10**9, user_id=None, at=at) == 0  # a round gone


def test_the_garbage_collector_pauses_while_a_round_is_computed(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its passes over a chunk's millions of small objects took a third of a round's time: it
    is paused while the chunks are scored and runs again afterwards, even after an error, and
    not when it did not run before."""
    import gc

    round_ = _round()[0]
    monkeypatch.setattr(computing, "STORE_CHUNK", 2)
    seen: list[bool] = []

    def noted(**kwargs: Any) -> Any:
        from saferspaces.core.results import results_compute

        seen.append(gc.isenabled())
        if kwargs.pop("fail", False):
            raise RuntimeError("scoring failed")
        return results_compute(**kwargs)

    monkeypatch.setattr(computing, "results_compute", noted)
    assert gc.isenabled()
    round_results_compute(round_=round_, user=None, now=timezone.now())
    assert seen and not any(seen)
    assert gc.isenabled()

    def failing(**kwargs: Any) -> Any:
        return noted(**kwargs, fail=len(seen) == 1)

    seen.clear()
    monkeypatch.setattr(computing, "results_compute", failing)
    with pytest.raises(RuntimeError):
        round_results_compute(round_=round_, user=None, now=timezone.now())
    assert seen == [False, False] and gc.isenabled()

    gc.disable()
    try:
        monkeypatch.setattr(computing, "results_compute", noted)
        round_results_compute(round_=round_, user=None, now=timezone.now())
        assert not gc.isenabled()
    finally:
        gc.enable()
