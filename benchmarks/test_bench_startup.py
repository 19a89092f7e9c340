"""Start-up of the command line (issue 18, target 1). Each asserts its bound on the median of
whole processes (start-up, imports, work and exit), as a person waits for them:

* ``saferspaces help``: < 0.3 s
* ``saferspaces framework validate`` of the first edition: < 0.8 s
* ``saferspaces index build`` on COINr's ASEM example: < 0.5 s, and at least 2 times faster than
  COINr's whole process (R, ``library(COINr)``, reading, building, writing) where R and COINr
  1.1.14 are installed (the comparison is skipped elsewhere, the bound is not)

The rounds alternate the commands compared, so that a change in the machine's load touches both.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path
from typing import Any

import pytest

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parent))  # coinr_tables
from coinr_tables import coinr_argv, coinr_env, whole_process

from conftest import SHARED_DATA, require

REPO = Path(__file__).resolve().parent.parent
EXE = str(REPO / ".venv" / "bin" / "saferspaces")
FIRST = REPO / "src" / "saferspaces" / "frameworks" / "editions" / "ssf-2026.1.yaml"
ROUNDS = 9


def _bench(benchmark: Any, argv: list[str]) -> tuple[float, float]:
    """Median wall and CPU seconds of ``argv`` over ROUNDS runs (after one warm-up)."""
    whole_process(argv)
    cpu: list[float] = []

    def once() -> None:
        cpu.append(whole_process(argv)[1])

    benchmark.pedantic(once, rounds=ROUNDS, iterations=1)
    median_cpu = statistics.median(cpu)
    benchmark.extra_info["cpu_median_s"] = round(median_cpu, 3)
    benchmark.extra_info["load_average"] = round(os.getloadavg()[0], 1)
    return benchmark.stats.stats.median, median_cpu


def test_help(benchmark: Any) -> None:
    wall, _ = _bench(benchmark, [EXE, "help"])
    assert wall < 0.3


def test_framework_validate_of_the_first_edition(benchmark: Any) -> None:
    wall, _ = _bench(benchmark, [EXE, "framework", "validate", str(FIRST)])
    assert wall < 0.8


def test_index_build_on_asem_against_coinr(benchmark: Any, tmp_path: Path) -> None:
    require(SHARED_DATA.is_dir(), f"reference data not found at {SHARED_DATA}")
    asem = SHARED_DATA / "coinr-asem"
    data, meta = asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv"
    ours = [
        EXE, "index", "build", "--data", str(data), "--meta", str(meta),
        "--pipeline", str(REPO / "examples" / "pipelines" / "coinr_example_pipeline.yaml"),
        "--out", str(tmp_path / "ours.csv"),
    ]  # fmt: skip
    env = coinr_env()
    theirs = coinr_argv(data, meta, tmp_path / "coinr.csv", build="example")
    walls: dict[str, list[float]] = {"ours": [], "coinr": []}
    if env is not None:
        whole_process(theirs, env=env)
    whole_process(ours)

    def pair() -> None:  # ours, then COINr's: the ratio is taken pair by pair
        walls["ours"].append(whole_process(ours)[0])
        if env is not None:
            walls["coinr"].append(whole_process(theirs, env=env)[0])

    benchmark.pedantic(pair, rounds=ROUNDS, iterations=1)
    ours_median = statistics.median(walls["ours"])
    benchmark.extra_info["ours_median_s"] = round(ours_median, 3)
    benchmark.extra_info["load_average"] = round(os.getloadavg()[0], 1)
    assert ours_median < 0.5
    if env is None:
        pytest.skip("R and COINr 1.1.14 are not installed: the comparison with COINr is skipped")
    ratio = statistics.median(c / o for o, c in zip(walls["ours"], walls["coinr"], strict=True))
    benchmark.extra_info["coinr_median_s"] = round(statistics.median(walls["coinr"]), 3)
    benchmark.extra_info["coinr_over_ours"] = round(ratio, 1)
    assert ratio >= 2
