"""The research export at the scale of every local authority of the EU (issue 18, target 3).

A dedicated PostgreSQL database is created and migrated for the run, and the set of
``benchmarks/scale_export.py`` is built in it with ``COPY``: one round of 100 000 authorities,
every answerable question of the first edition answered (119 questions: 11.9 million answers).
Then a fresh process writes the round's ``answers.csv`` with the code the download view streams
and the export job writes (``round_export`` + ``exports.files.csv_chunks``: on PostgreSQL the
database formats the lines, one ``COPY`` per batch of 1,000 units, ``exports/answers_copy.py``)
to a file, and reports its own CPU time and that of its PostgreSQL backend (from ``/proc``).

Targets: under 2 minutes wall time and under 500 MB peak RSS of that process (``getrusage``:
the interpreter, Django and every library included), with a number of queries that does not
depend on the rows (a transaction per batch). ``SAFERSPACES_BENCH_EXPORT_AUTHORITIES``
(default 100 000) changes the number of authorities. Needs PostgreSQL, as the dashboard
benchmark (``SAFERSPACES_TEST_POSTGRES_URL``). Run::

    SAFERSPACES_TEST_POSTGRES_URL=postgres://saferspaces:saferspaces@127.0.0.1:5432/saferspaces \\
      .venv/bin/pytest benchmarks/test_bench_export_scale.py --benchmark-only -p no:cacheprovider -s
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.append(str(ROOT / "benchmarks"))

from pg_database import dedicated_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent
AUTHORITIES = int(os.environ.get("SAFERSPACES_BENCH_EXPORT_AUTHORITIES", "100000"))
DB_SUFFIX = "_bench_export"
TARGET_S, TARGET_MB = 120.0, 500.0
SCRIPT = str(ROOT / "benchmarks" / "scale_export.py")


@pytest.fixture
def export_database() -> Any:
    """A dedicated, migrated PostgreSQL database holding the set (dropped afterwards)."""
    with dedicated_database(DB_SUFFIX) as (_url, env):
        build = subprocess.run(
            [sys.executable, SCRIPT, "build", str(AUTHORITIES)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        yield json.loads(build.stdout.strip().splitlines()[-1]), env


def test_bench_research_export_answers_csv(
    benchmark: Any, export_database: Any, tmp_path: Path
) -> None:
    data, env = export_database
    path = tmp_path / "answers.csv"
    results: list[dict[str, Any]] = []

    def run() -> None:
        out = subprocess.run(
            [sys.executable, SCRIPT, "stream", "answers", str(path)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))

    benchmark.pedantic(run, rounds=1, iterations=1, warmup_rounds=0)
    got = results[0]
    report = {**got, "set": data, "load_average": [round(x, 2) for x in os.getloadavg()]}
    benchmark.extra_info.update(report)
    print("\nresearch export:", json.dumps(report))
    assert got["rows"] == data["answers"]
    assert got["queries"] <= 20 + AUTHORITIES // 500
    assert got["seconds"] < TARGET_S
    assert got["peak_mb"] < TARGET_MB
