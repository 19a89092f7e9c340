"""Generated COINr tables for the start-up and big-table benchmarks (issue 18), COINr itself, and
the timing of a whole process.

:func:`coinr_tables_write` writes an iData/iMeta pair of any size (units x indicators in pillars of
10, pillars in 4 dimensions, one index), as people's files look: most cells with three decimals,
one column in three at full precision (computed ratios), one in seven whole numbers (counts), 2 %
``NA`` and 0.5 % empty cells, some skewed columns; and a pipeline file doing COINr's usual build
(mean imputation, screening, winsorisation, min-max, arithmetic mean).

COINr runs where R and COINr 1.1.14 are installed: ``Rscript`` on the PATH and the package in
one of R's libraries or in ``SAFERSPACES_COINR_LIB`` (``R CMD INSTALL --no-docs -l DIR COINr``
from the ``v1.1.14`` tag, as in ``tests/core/scoring/fixtures/README.md``). :func:`coinr_argv`
gives the whole COINr process (R start, library, reading, build, writing) for a pair of tables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
R_SCRIPT = BENCH / "coinr_build.R"

#: the pipeline of the generated tables, and COINr's equivalent in coinr_build.R
PIPELINE = """\
name: generated tables, COINr's usual build
steps:
  - step: impute
    params: {method: mean}
  - step: screen
    params: {unit_min_availability: 0.5}
  - step: treat
    params: {winmax: 5}
  - step: normalise
    params: {method: minmax, range: [0, 100]}
  - step: aggregate
    params: {method: arithmetic}
"""


def coinr_tables_write(directory: Path, *, units: int, indicators: int, seed: int = 18) -> Path:
    """Write ``iData.csv``, ``iMeta.csv`` and ``pipeline.yaml`` into ``directory`` (once)."""
    directory.mkdir(parents=True, exist_ok=True)
    done = directory / "done"
    if done.exists():
        return directory
    rng = np.random.default_rng(seed)
    pillars = max(1, indicators // 10)
    meta = ["Level,iCode,iName,Direction,Weight,Parent,Type"]
    meta += [
        f"1,i{j},Indicator {j},{1 if j % 7 else -1},1,P{j % pillars},Indicator"
        for j in range(indicators)
    ]
    meta += [f"2,P{p},Pillar {p},1,1,D{p % 4},Aggregate" for p in range(pillars)]
    meta += [f"3,D{d},Dimension {d},1,1,IDX,Aggregate" for d in range(min(4, pillars))]
    meta += ["4,IDX,Index,1,1,,Aggregate"]
    (directory / "iMeta.csv").write_text("\n".join(meta) + "\n", encoding="utf-8")
    columns = []
    for j in range(indicators):
        x = rng.lognormal(2, 1.2, units) if j % 5 == 0 else rng.normal(50, 10, units)
        if j % 7 == 0:
            text = np.char.mod("%d", np.round(np.abs(x) * 10).astype(np.int64))
        elif j % 3 == 0:
            text = np.array([repr(v) for v in x.tolist()])
        else:
            text = np.char.mod("%.3f", x)
        text = text.astype(object)
        draw = rng.random(units)
        text[draw < 0.02] = "NA"
        text[(draw >= 0.02) & (draw < 0.025)] = ""
        columns.append(text)
    codes = np.array([f"U{i:06d}" for i in range(units)], dtype=object)
    names = np.array([f"Unit {i}" for i in range(units)], dtype=object)
    body = np.column_stack([codes, names, *columns])
    with (directory / "iData.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(["uCode", "uName", *(f"i{j}" for j in range(indicators))]) + "\n")
        for row in body:
            fh.write(",".join(row) + "\n")
    (directory / "pipeline.yaml").write_text(PIPELINE, encoding="utf-8")
    done.write_text("", encoding="utf-8")
    return directory


def saferspaces_argv(directory: Path, out: Path) -> list[str]:
    """``saferspaces index build`` on the tables of ``directory``, as a person types it."""
    exe = Path(os.environ.get("VIRTUAL_ENV", BENCH.parent / ".venv")) / "bin" / "saferspaces"
    if not exe.exists():
        exe = BENCH.parent / ".venv" / "bin" / "saferspaces"
    return [
        str(exe), "index", "build",
        "--data", str(directory / "iData.csv"), "--meta", str(directory / "iMeta.csv"),
        "--pipeline", str(directory / "pipeline.yaml"), "--out", str(out),
    ]  # fmt: skip


def coinr_env() -> dict[str, str] | None:
    """The environment in which ``library(COINr)`` loads COINr 1.1.14, or None without it."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    env = dict(os.environ)
    lib = os.environ.get("SAFERSPACES_COINR_LIB")
    if lib:
        env["R_LIBS"] = lib
    probe = subprocess.run(
        [rscript, "-e", 'cat(as.character(packageVersion("COINr")))'],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return env if probe.returncode == 0 and probe.stdout.strip() == "1.1.14" else None


def coinr_argv(data: Path, meta: Path, out: Path, *, build: str) -> list[str]:
    """COINr's whole process on ``data``/``meta``: ``build`` is ``example`` (the ASEM example
    pipeline, ``build_example_coin``'s steps) or ``generated`` (:data:`PIPELINE`)."""
    return [str(shutil.which("Rscript")), str(R_SCRIPT), build, str(data), str(meta), str(out)]


def whole_process(argv: list[str], *, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run ``argv`` to its end: (wall seconds, CPU seconds of the process and its children).

    Raises when it fails. The wall time is the person's wait, start-up included; the CPU time
    (user + system, from ``wait4``) says more on a loaded machine.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or dict(os.environ)
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {proc.returncode}: {err.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime
