"""A worker's round on PostgreSQL is written by a thread of its own while the next chunk is read
and scored (issue 16 item 4): the stored results are those of the computation chunk after chunk
in the caller's thread, and an error of either side stores nothing."""

from __future__ import annotations

import math
import threading
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from conftest import require_postgres
from saferspaces.assessments.models import Assessment
from saferspaces.errors import DomainError
from saferspaces.results import computing
from saferspaces.results.computing import COMPUTED_TOGETHER, round_results_compute
from saferspaces.results.index import PACKED_FIELDS
from saferspaces.results.models import PeerProfile, ResultFact, ResultRun

# the writer's connection sees only what is committed: the test's data is, not in a transaction
pytestmark = pytest.mark.django_db(transaction=True)

FACT_FIELDS = ("assessment_id", *PACKED_FIELDS)  # a fact of the index, without its run


def _stored(ids: list[int]) -> tuple[list[Any], dict[int, Any], list[Any]]:
    """The facts (without run ids, in the order they were written), the latest run's content
    and the peer profiles of the assessments ``ids``."""
    facts = list(
        ResultFact.objects.filter(assessment_id__in=ids)
        .order_by("assessment_id", "id")
        .values_list(*FACT_FIELDS)
    )
    runs = {}
    for run in ResultRun.objects.filter(assessment_id__in=ids).order_by("pk"):
        runs[run.assessment_id] = (
            run.model,
            run.units,
            run.state,
            run.trigger,
            run.computed_at,
            run.explanation,
            run.meta,
            run.full_meta,
            run.basis_id,
            run.facts,
            run.warnings,
        )
    profiles = list(
        PeerProfile.objects.filter(assessment_id__in=ids)
        .order_by("assessment_id")
        .values_list("assessment_id", "state", "kind", "population", "density", "sources")
    )
    return facts, runs, profiles


class _Noted:
    """A function of the computation, noting the thread of each call and failing at call
    ``fail_at`` (1-based) when given."""

    def __init__(self, function: Any, fail_at: int | None = None, error: Any = None) -> None:
        self.function, self.fail_at, self.error = function, fail_at, error
        self.threads: list[threading.Thread] = []

    def __call__(self, **kwargs: Any) -> Any:
        self.threads.append(threading.current_thread())
        if self.fail_at is not None and len(self.threads) == self.fail_at:
            raise self.error
        return self.function(**kwargs)


def test_a_workers_round_is_written_while_the_next_chunk_is_scored(
    demo_module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_postgres()
    scored = Assessment.objects.filter(state__in=COMPUTED_TOGETHER, round__isnull=False)
    last = scored.order_by("-pk").first()
    assert last is not None
    round_ = last.round
    ids = list(scored.filter(round_id=round_.pk).values_list("pk", flat=True))
    assert len(ids) >= 5  # at least three chunks of two
    monkeypatch.setattr(computing, "STORE_CHUNK", 2)
    now = timezone.now()

    # in a caller's transaction, the chunks are written one after the other in its thread
    inserts = _Noted(computing.result_runs_insert)
    monkeypatch.setattr(computing, "result_runs_insert", inserts)
    with transaction.atomic():
        in_order = round_results_compute(round_=round_, user=None, now=now)
    assert {t.name for t in inserts.threads} == {threading.current_thread().name}
    expected = _stored(ids)
    assert expected[0] and len(expected[1]) == len(ids) and expected[2]

    # a worker (no transaction): written by a thread of its own, the same results
    inserts = _Noted(computing.result_runs_insert)
    monkeypatch.setattr(computing, "result_runs_insert", inserts)
    overlapped = round_results_compute(round_=round_, user=None, now=now)
    assert len(inserts.threads) == math.ceil(len(ids) / 2)
    assert {t.name for t in inserts.threads} == {"results-writer"}
    assert [r.assessment_id for r in overlapped] == [r.assessment_id for r in in_order]
    assert {r.pk for r in overlapped}.isdisjoint(r.pk for r in in_order)  # new runs
    assert _stored(ids) == expected
    runs = ResultRun.objects.count()
    # the runs come back without their JSON held in memory (a round of 100,000 would hold
    # gigabytes): each is read from the database when asked for
    run = overlapped[0]
    assert not {"explanation", "meta", "facts", "warnings"} & set(run.__dict__)
    stored = ResultRun.objects.get(pk=run.pk)
    assert run.explanation == stored.explanation and run.explanation["nodes"]
    assert run.facts == stored.facts and run.meta == stored.meta

    # an error while the third chunk is scored: nothing of the first two is stored
    monkeypatch.setattr(
        computing,
        "results_compute",
        _Noted(computing.results_compute, fail_at=3, error=RuntimeError("scoring failed")),
    )
    with pytest.raises(RuntimeError, match="scoring failed"):
        round_results_compute(round_=round_, user=None, now=timezone.now())
    assert ResultRun.objects.count() == runs
    assert _stored(ids) == expected
    monkeypatch.undo()
    monkeypatch.setattr(computing, "STORE_CHUNK", 2)

    # an error while the second chunk is written: raised in the caller, nothing stored
    writes = _Noted(
        computing.result_index_write, fail_at=2, error=DomainError("the index refused it")
    )
    monkeypatch.setattr(computing, "result_index_write", writes)
    with pytest.raises(DomainError, match="the index refused it"):
        round_results_compute(round_=round_, user=None, now=timezone.now())
    assert [t.name for t in writes.threads] == ["results-writer"] * 2
    assert ResultRun.objects.count() == runs
    assert _stored(ids) == expected
    assert not any(t.name == "results-writer" for t in threading.enumerate())


def _cycle() -> Any:
    """A weak reference to an object held only by a reference cycle."""
    import weakref

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # type: ignore[attr-defined]
    return weakref.ref(a)


@pytest.mark.django_db(transaction=False)
def test_cycles_are_collected_between_chunks_only_past_a_number_of_young_objects() -> None:
    """A pass over the young objects costs in proportion to their number (a chunk's runs with
    their explanations: about a million containers, 70 ms a chunk); it is made only when many
    have accumulated, and cyclic garbage is still collected."""
    import gc

    from saferspaces.results.overlap import collection_paused

    gc.collect()
    with collection_paused(young_limit=50_000) as between_chunks:
        assert not gc.isenabled()
        ref = _cycle()
        between_chunks()
        assert ref() is not None  # a few young objects: no pass
        kept = [[] for _ in range(60_000)]
        between_chunks()
        assert ref() is None  # past the limit: collected
        del kept
