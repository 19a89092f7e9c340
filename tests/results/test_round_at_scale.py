"""A round's results at scale (issue 16 item 4): answers are read by chunks of assessments, runs
and facts are written by chunks, and the stored results are the same whatever the chunk sizes."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saferspaces.assessments.editions import assessment_edition
from saferspaces.assessments.models import Answer, Assessment
from saferspaces.core.framework.answers import AnswerState
from saferspaces.results import computing
from saferspaces.results.computing import COMPUTED_TOGETHER, round_results_compute
from saferspaces.results.models import ResultFact, ResultRun, unit_key


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
            "assessment_id",
            "node",
            "measure",
            "category",
            "instance",
            "value",
            "parent",
            "depth",
            "coverage",
            "n",
            "reason",
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
            run.facts,
            run.warnings,
        )
    return facts, runs


def test_answers_are_read_by_chunks_of_assessments(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_, members = _round()
    monkeypatch.setattr(computing, "ANSWERS_CHUNK", 2)
    with CaptureQueriesContext(connection) as queries:
        round_results_compute(round_=round_, user=None, now=timezone.now())
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and '"assessments_answer"."status" AS' in q["sql"]
    ]
    assert len(reads) == math.ceil(len(members) / 2), reads


def test_the_chunked_reader_reads_every_answer_as_one_query_would(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = _round()[1]
    monkeypatch.setattr(computing, "ANSWERS_CHUNK", 2)
    edition = assessment_edition(assessment=members[0])
    units, _spreads = computing._answers(members, edition, spreads=True)
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
    monkeypatch.setattr(computing, "ANSWERS_CHUNK", 2)
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
