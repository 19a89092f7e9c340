"""A round of N assessments of the first edition with answers, and its results computed as the
task does (issue 16 item 4, issue 18 target 3), for ``test_bench_round_results.py``.

Run inside a dedicated, migrated PostgreSQL database (``DATABASE_URL``), as a script::

    .venv/bin/python benchmarks/scale_round.py build 10000   # the round, its answers (COPY)
    .venv/bin/python benchmarks/scale_round.py compute        # the round's task, measured
    .venv/bin/python benchmarks/scale_round.py submit         # one submission's task, measured
    .venv/bin/python benchmarks/scale_round.py resubmit       # a member's, submitted again
    .venv/bin/python benchmarks/scale_round.py seen 5         # submissions as the team sees them

Each prints one JSON line as its last line. ``build``: one network, N authorities, one round of
``ssf-2026.1`` with one assessment each (70 % accepted, 30 % submitted), and ``NEWCOMERS`` more
authorities whose assessments are drafts, to be submitted while measured; every question answered
by the demo's answer generator (``saferspaces.demo.assessments._answers``) around a
per-authority quality; 200 distinct answer sets are drawn and dealt in turn (drawing 1.3 million
answers one by one would take longer than the computation measured), with the background
conditions of each authority's own registry data. Answers are loaded with ``COPY``.

``compute`` runs :func:`saferspaces.results.tasks.round_results_task` in this process (as a
worker does) and prints its wall time, CPU time (user + system of this process) and the peak
resident memory of this process (its own, ``peak_memory.py``), with how many runs and facts were stored.
``submit`` submits one draft (its row as the workflow leaves it) and does the same for its task
(:func:`results_compute_task`, as after a submission): a new member, whose round's other
members' spread was kept by the round's computation.

``resubmit`` does the same for a member returned and submitted again with one of its data_driven
answers changed: the round's members are no longer those whose spread was kept, so their spread
comes from the rows kept of the others and the answers of that member only
(``results.spreads``).

``seen N`` measures what a team waits for: a task worker runs as deployed (``saferspaces
worker`` with its default interval, in a process of its own, warmed by one submission's task as
a long-running worker is), then N submissions' tasks are given to the queue one after the other,
at a random moment of the worker's interval, each as the workflow gives it (one more draft
submitted and its task given in one transaction, ``results_compute_enqueue``); each is timed from the enqueueing until its results are stored
(read by another connection every 10 ms). The scores page asks for the results' status every
half second and shows them when stored.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from peak_memory import peak_rss_mb

PROFILES = 200  # distinct answer sets dealt to the assessments
#: drafts of the round with every question answered, submitted by ``submit`` and ``seen`` (one
#: for ``submit``, one to warm the worker and five seen): not members when the round is computed
NEWCOMERS = 7
NETWORK = "Round scale network (synthetic)"


def _copy(table: str, columns: tuple[str, ...], rows: Any) -> None:
    from django.db import connection

    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def round_build(*, assessments: int, seed: int = 2026) -> dict[str, Any]:
    """Build the round in the current (empty, migrated) database."""
    from django.utils import timezone

    from saferspaces.assessments.models import Answer, Assessment, Round
    from saferspaces.authorities.models import Authority, Network, NutsRegion
    from saferspaces.demo.assessments import _answers, _background
    from saferspaces.demo.generator import _ensure_regions
    from saferspaces.frameworks.models import FrameworkEdition
    from saferspaces.frameworks.selectors import edition_parsed
    from saferspaces.frameworks.services import framework_editions_sync_bundled

    started = time.perf_counter()
    now = timezone.now()
    rng = random.Random(seed)
    framework_editions_sync_bundled()
    row = FrameworkEdition.objects.get(edition_id="ssf-2026.1")
    edition = edition_parsed(row=row)
    _ensure_regions()
    regions = list(NutsRegion.objects.order_by("code"))
    network = Network.objects.create(name=NETWORK, slug="round-scale-network")
    authorities = []
    for i in range(assessments + NEWCOMERS):
        region = regions[i % len(regions)]
        population = int(3_000 * 1_000 ** rng.random())
        density = 30 * (8_000 / 30) ** rng.random()
        authorities.append(
            Authority(
                name=f"Round scale authority {i:06d}",
                slug=f"round-scale-{i:06d}",
                country_code=region.country_code,
                kind="municipality",
                nuts_region=region,
                population=population,
                area_km2=Decimal(f"{max(population / density, 0.5):.2f}"),
                languages=["en"],
            )
        )
    created = Authority.objects.bulk_create(authorities, batch_size=5000)
    round_ = Round.objects.create(
        network=network,
        edition=row,
        title="Round scale 2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=dt.date(2026, 3, 31),
        created_at=now - dt.timedelta(days=200),
    )
    members = Assessment.objects.bulk_create(
        [
            Assessment(
                authority_id=a.pk,
                round=round_,
                edition=row,
                title=round_.title,
                # the last NEWCOMERS are drafts, submitted while measured
                state="draft"
                if k >= assessments
                else ("accepted" if rng.random() < 0.7 else "submitted"),
                reference_year=2025,
                created_at=round_.created_at,
                updated_at=round_.created_at,
                submitted_at=None
                if k >= assessments
                else round_.created_at + dt.timedelta(days=30),
            )
            for k, a in enumerate(created)
        ],
        batch_size=5000,
    )
    profiles = [
        _answers(edition, random.Random(seed + k), rng.uniform(0.25, 0.85), 1.0)
        for k in range(PROFILES)
    ]
    stamp = now.isoformat()

    def answer_rows() -> Any:
        for k, (assessment, authority) in enumerate(zip(members, created, strict=True)):
            drawn = dict(profiles[k % PROFILES])
            for code, value in _background(authority, random.Random(authority.pk)).items():
                if code in drawn:
                    drawn[code] = ("answered", value)
            for code, (status, value) in drawn.items():
                yield (assessment.pk, code, status, json.dumps(value), "", 1, stamp)

    _copy(
        Answer._meta.db_table,
        ("assessment_id", "code", "status", "value", "comment", "version", "updated_at"),
        answer_rows(),
    )
    from django.db import connection

    with connection.cursor() as cursor:
        # what autovacuum does to these insert-only tables within a minute or so on a live
        # database (answers are written over weeks, not in one COPY): statistics, and the
        # tuples' visibility settled, which the round's first read would otherwise do itself
        cursor.execute("VACUUM ANALYZE")
    return {
        "round_id": round_.pk,
        "assessment_id": members[-1].pk,
        "assessments": len(members) - NEWCOMERS,
        "newcomers": NEWCOMERS,
        "answers": Answer.objects.filter(assessment__round=round_).count(),
        "build_s": round(time.perf_counter() - started, 1),
    }


def _measured(run: Any) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    out = run()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "result": out,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def submitted_row(*, assessment_id: int) -> None:
    """What the workflow's submission leaves on a draft's row (its state and times; the
    transition's record and notifications are not part of the results' work)."""
    from django.utils import timezone

    from saferspaces.assessments.models import Assessment

    now = timezone.now()
    changed = Assessment.objects.filter(pk=assessment_id, state="draft").update(
        state="submitted", updated_at=now, submitted_at=now
    )
    if changed != 1:
        raise RuntimeError(f"assessment {assessment_id} is not a draft")


def resubmitted_row(*, round_: Any) -> int:
    """A member returned and submitted again with one of its data_driven answers changed (its
    answer and its row as the fill-in and the workflow leave them); returns its id."""
    from django.db.models import F
    from django.utils import timezone

    from saferspaces.assessments.models import Answer, Assessment
    from saferspaces.core.assessment import round_spread_indicators
    from saferspaces.frameworks.selectors import edition_parsed, edition_pipeline

    member = Assessment.objects.filter(round=round_, state="accepted").order_by("pk").first()
    if member is None:
        raise RuntimeError("no accepted member to return and submit again")
    edition = edition_parsed(row=member.edition)
    pipeline = edition_pipeline(row=member.edition, edition=edition)
    assert pipeline is not None
    codes = round_spread_indicators(edition=edition, pipeline=pipeline)
    answer = (
        Answer.objects.filter(assessment=member, code__in=codes, status="answered")
        .exclude(value=None)
        .order_by("code")
        .first()
    )
    if answer is None or not isinstance(answer.value, int | float):
        raise RuntimeError(f"assessment {member.pk} has no numeric data_driven answer")
    spec = edition.indicator_map()[answer.code].answer
    low = spec.min if spec.min is not None else answer.value - 10
    high = spec.max if spec.max is not None else answer.value + 10
    # another value within the question's bounds (the fill-in accepts no other)
    changed = (answer.value + low) / 2 if answer.value > low else (answer.value + high) / 2
    now = timezone.now()
    Answer.objects.filter(pk=answer.pk).update(
        value=changed, version=F("version") + 1, updated_at=now
    )
    Assessment.objects.filter(pk=member.pk).update(
        state="submitted", updated_at=now, submitted_at=now
    )
    return member.pk


def submissions_seen(*, round_: Any, count: int, seed: int = 2026) -> dict[str, Any]:
    """Time from the enqueueing of ``count`` submissions' tasks until their results are stored,
    with a task worker as deployed (see the module's docstring)."""
    from django.db import transaction
    from django.utils import timezone

    from saferspaces.assessments.models import Assessment
    from saferspaces.results.computing import results_compute_enqueue
    from saferspaces.results.models import ResultRun

    chosen = list(Assessment.objects.filter(round=round_, state="draft").order_by("pk"))
    chosen = chosen[: count + 1]
    if len(chosen) < count + 1:
        raise RuntimeError(f"{count + 1} drafts to submit are needed, the round has {len(chosen)}")
    command = [str(Path(sys.executable).parent / "saferspaces"), "worker"]
    # in production mode, as deployed (with DEBUG, Django would keep every query's SQL)
    production = {
        "SAFERSPACES_DEBUG": "0",
        "SAFERSPACES_SECRET_KEY": os.urandom(24).hex(),
        "SAFERSPACES_ALLOWED_HOSTS": "localhost",
        "SAFERSPACES_SITE_URL": "http://localhost",
        "EMAIL_URL": "console://",
    }
    worker = subprocess.Popen(
        command,
        env={**os.environ, **production},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def one(assessment: Any) -> float:
        had = ResultRun.objects.filter(assessment=assessment).count()
        started = time.perf_counter()
        with transaction.atomic():  # as the workflow's submission: the row, then the task
            submitted_row(assessment_id=assessment.pk)
            results_compute_enqueue(
                assessment=assessment, user=None, trigger="submit", now=timezone.now()
            )
        while ResultRun.objects.filter(assessment=assessment).count() == had:
            if time.perf_counter() - started > 60 or worker.poll() is not None:
                raise RuntimeError("the worker did not store the results")
            time.sleep(0.01)
        return time.perf_counter() - started

    pick = random.Random(seed)
    try:
        warm = one(chosen[0])  # a long-running worker has its imports and the edition parsed
        seen = []
        for assessment in chosen[1:]:
            time.sleep(pick.uniform(0.0, 1.0))  # any moment of the worker's interval
            seen.append(one(assessment))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return {
        "first_s": round(warm, 2),
        "seen_s": [round(x, 2) for x in seen],
        "median_s": round(statistics.median(seen), 2),
        "max_s": round(max(seen), 2),
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    # a worker runs in production mode: with DEBUG, Django would keep every query's SQL (the
    # runs' explanations: hundreds of megabytes), which a worker does not
    settings.DEBUG = False

    from saferspaces.assessments.models import Assessment, Round
    from saferspaces.results.models import ResultFact, ResultRun
    from saferspaces.results.tasks import results_compute_task, round_results_task

    if argv[0] == "build":
        print(json.dumps(round_build(assessments=int(argv[1]))))
        return
    round_ = Round.objects.get(network__name=NETWORK)
    at = timezone.now().isoformat()
    if argv[0] == "seen":
        print(json.dumps(submissions_seen(round_=round_, count=int(argv[1]))))
        return
    if argv[0] == "compute":
        out = _measured(lambda: round_results_task.call(round_id=round_.pk, user_id=None, at=at))
    elif argv[0] == "resubmit":
        pk = resubmitted_row(round_=round_)
        out = _measured(
            lambda: results_compute_task.call(
                assessment_id=pk, user_id=None, trigger="submit", at=at
            )
        )
    else:
        last = Assessment.objects.filter(round=round_, state="draft").order_by("pk").first()
        assert last is not None, "no draft left to submit (build the round again)"
        submitted_row(assessment_id=last.pk)
        out = _measured(
            lambda: results_compute_task.call(
                assessment_id=last.pk, user_id=None, trigger="submit", at=at
            )
        )
    out["runs"] = ResultRun.objects.filter(assessment__round=round_).count()
    out["facts"] = ResultFact.objects.filter(round_id=round_.pk).count()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
