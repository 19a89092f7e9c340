"""The research-export scale set of issue 18 (target 3): one round of N authorities, every
question answered, built fast with PostgreSQL ``COPY``; and the measurement of its
``answers.csv`` streamed by the code the download view runs.

Run inside a dedicated, migrated PostgreSQL database (``DATABASE_URL``)::

    DATABASE_URL=postgres://.../saferspaces_bench_export \\
      DJANGO_SETTINGS_MODULE=saferspaces.settings \\
      .venv/bin/python benchmarks/scale_export.py build 100000
    ... .venv/bin/python benchmarks/scale_export.py stream answers /tmp/answers.csv

``build`` prints one JSON line (the round, the rows, the timings). ``file all.zip`` makes a file
as the export job does (``exports.files.file_write``) and prints the same measures. ``stream`` writes the table
as the download view streams it (``round_export`` + ``exports.files.csv_chunks``) and prints one
JSON line: wall time, bytes, rows, queries, the process's own peak RSS (``getrusage``, which
includes the interpreter, Django and every imported library) and CPU time, and the CPU time of
its PostgreSQL backend (``/proc``, when the server runs on the same machine).

**Shape of the set**: the bundled edition ``ssf-2026.1``, the demo's NUTS regions, one network,
N authorities (bulk inserts) with one assessment each in one round (2025), 5 % of them publish
their results (named in the export, the others coded); every answerable question of the edition
answered for every assessment (about 200 answers each: 20 million for N = 100 000), written with
``COPY``: 8 % "don't know", 2 % not applicable, the others a value drawn by the demo's answer
generator (``demo.assessments._value``) from a pool of 16 values per question, a comment on 3 %,
an open-data provenance on 2 % of numeric answers. ``VACUUM ANALYZE`` at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from typing import Any

from peak_memory import peak_rss_mb

NETWORK = "Export scale network (synthetic)"
POOL = 16


def _copy_text(table: str, columns: tuple[str, ...], lines: Any) -> None:
    """Bulk-load text-format ``lines`` (blocks of ``\\n``-terminated rows) with COPY."""
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for block in lines:
                copy.write(block)


def _json_cell(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def export_build(*, authorities: int, seed: int = 18) -> dict[str, Any]:
    """Build the set in the current (empty, migrated) database."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from saferspaces.assessments.models import Assessment, Round
    from saferspaces.authorities.models import Authority, Network, NutsRegion
    from saferspaces.core.exports.tables import NUMERIC_TYPES, edition_question_index
    from saferspaces.dashboard.models import PeerSharing
    from saferspaces.demo.assessments import _value
    from saferspaces.demo.generator import _ensure_regions
    from saferspaces.frameworks.models import FrameworkEdition
    from saferspaces.frameworks.selectors import edition_parsed
    from saferspaces.frameworks.services import framework_editions_sync_bundled

    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 2)

    now = timezone.now()
    rng = random.Random(seed)
    framework_editions_sync_bundled()
    row = FrameworkEdition.objects.get(edition_id="ssf-2026.1")
    edition = edition_parsed(row=row)
    _ensure_regions()
    regions = list(NutsRegion.objects.order_by("code"))
    network = Network.objects.create(name=NETWORK, slug="export-scale-network")
    created = Authority.objects.bulk_create(
        [
            Authority(
                name=f"Export authority {i:06d}",
                slug=f"export-{i:06d}",
                country_code=regions[i % len(regions)].country_code,
                kind="municipality",
                nuts_region=regions[i % len(regions)],
                population=rng.randint(3_000, 300_000),
                languages=["en"],
            )
            for i in range(authorities)
        ],
        batch_size=5000,
    )
    PeerSharing.objects.bulk_create(
        [
            PeerSharing(authority_id=a.pk, publish_results=True, updated_at=now)
            for a in created
            if rng.random() < 0.05
        ],
        batch_size=5000,
    )
    lap("authorities")
    round_ = Round.objects.create(
        network=network,
        edition=row,
        title="Export scale round 2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=dt.date(2026, 3, 31),
        created_at=now,
    )
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                authority_id=a.pk,
                round=round_,
                edition=row,
                title=round_.title,
                state="accepted",
                reference_year=2025,
                created_at=now,
                updated_at=now,
                submitted_at=now,
            )
            for a in created
        ],
        batch_size=5000,
    )
    lap("assessments")

    questions = [q for q, _d, _k, _b in edition_question_index(edition=edition)]
    pools = [
        [_json_cell(_value(q, random.Random(seed * 1000 + j * POOL + k), 0.6)) for k in range(POOL)]
        for j, q in enumerate(questions)
    ]
    numeric = [q.answer.type in NUMERIC_TYPES for q in questions]
    codes = [q.code for q in questions]
    stamp = now.isoformat()
    prefill = _json_cell({"dataset": "urb_percep", "period": "2019"})

    def lines() -> Any:
        r = random.Random(seed)
        block: list[str] = []
        for a in assessments:
            a_id = a.pk
            for j, code in enumerate(codes):
                x = r.random()
                if x < 0.08:
                    status, value = "dont_know", "\\N"
                elif x < 0.10:
                    status, value = "not_applicable", "\\N"
                else:
                    status, value = "answered", pools[j][int(x * 1_000_003) % POOL]
                comment = "Checked with the police district." if 0.10 < x < 0.13 else ""
                pre = prefill if numeric[j] and 0.5 < x < 0.52 else "\\N"
                block.append(f"{a_id}\t{code}\t{status}\t{value}\t{comment}\t{pre}\t1\t{stamp}\n")
            if len(block) > 50_000:
                yield "".join(block).encode("utf-8")
                block = []
        if block:
            yield "".join(block).encode("utf-8")

    _copy_text(
        "assessments_answer",
        ("assessment_id", "code", "status", "value", "comment", "prefill", "version", "updated_at"),
        lines(),
    )
    lap("answers (COPY)")
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE assessments_answer")
        cursor.execute("VACUUM ANALYZE assessments_assessment")
    lap("vacuum analyze")
    return {
        "round": round_.pk,
        "authorities": authorities,
        "questions": len(codes),
        "answers": authorities * len(codes),
        "timings": timings,
    }


def export_stream(*, table: str, path: str) -> dict[str, Any]:
    """Write ``table`` of the set's round as the download view streams it."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saferspaces.assessments.models import Round
    from saferspaces.exports.files import csv_chunks
    from saferspaces.exports.selectors import round_export

    started = time.perf_counter()
    cpu = time.process_time()
    size = rows = 0
    with connection.cursor() as cursor:  # the set is on PostgreSQL
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    database_before = _backend_cpu(backend)
    with CaptureQueriesContext(connection) as ctx, open(path, "wb") as out:
        round_ = Round.objects.select_related("edition", "network").get(network__name=NETWORK)
        export = round_export(round_=round_)
        for chunk in csv_chunks(export, table):
            size += len(chunk)
            rows += chunk.count(b"\n")
            out.write(chunk)
    return {
        "table": table,
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": size,
        "rows": rows - 1,
        "queries": len(ctx.captured_queries),
        "peak_mb": round(peak_rss_mb(), 1),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        # the server's work for this process (None when it runs on another machine)
        "database_cpu_seconds": None
        if database_before is None
        else round((_backend_cpu(backend) or 0.0) - database_before, 2),
    }


def _backend_cpu(pid: int | None) -> float | None:
    """CPU seconds of the PostgreSQL backend ``pid`` so far (from ``/proc`` when the server
    runs on this machine, as in the benchmark; None otherwise)."""
    import os

    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return None
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)


def export_file(*, name: str) -> dict[str, Any]:
    """Make the file ``name`` (``answers.parquet``, ``all.zip``) of the set's round as the
    export job makes it (``exports.files.file_write``)."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saferspaces.assessments.models import Round
    from saferspaces.exports.files import download_parse, file_write
    from saferspaces.exports.selectors import round_export

    download = download_parse(name)
    assert download is not None, name
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        round_ = Round.objects.select_related("edition", "network").get(network__name=NETWORK)
        out = file_write(round_export(round_=round_), download)
        size = out.seek(0, 2)
    return {
        "file": name,
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": size,
        "queries": len(ctx.captured_queries),
        "peak_mb": round(peak_rss_mb(), 1),
    }


if __name__ == "__main__":
    if sys.argv[1] == "build":
        print(json.dumps(export_build(authorities=int(sys.argv[2]))))
    elif sys.argv[1] == "file":
        print(json.dumps(export_file(name=sys.argv[2])))
    else:
        print(json.dumps(export_stream(table=sys.argv[2], path=sys.argv[3])))
