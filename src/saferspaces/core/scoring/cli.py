"""``saferspaces index build|sensitivity``: run a COINr-style pipeline on iData/iMeta tables.

The one implementation of the ``index`` command, in the pure core: ``saferspaces index ...``
runs it without setting Django up, and Django's management command ``index`` calls it for
``call_command``. The grammar is in :mod:`saferspaces.core.commands`. Only parses arguments,
calls the engine and prints; the engine's errors become :class:`CommandFailed` with their
message (exit status 1, no traceback). Every step's warnings (infinite or missing values,
constant indicators...) go to ``err`` after the results are written, each with its step,
indicator and units.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from saferspaces.core.commands import CommandFailed, Output, index_parser

if TYPE_CHECKING:
    from .coinr_io import MetaTable
    from .data import Dataset
    from .errors import StepWarning
    from .pipeline import PipelineSpec
    from .sensitivity import SensitivityResult


def index_cli(
    *, argv: Sequence[str], out: TextIO, err: TextIO, prog: str = "saferspaces index"
) -> int:
    """Run ``index build|sensitivity`` with ``argv``; returns the exit status."""
    try:
        args = index_parser(prog=prog).parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        index_run(args=args, out=out, err=err)
    except CommandFailed as exc:
        err.write(exc.message + "\n")
        return 1
    return 0


def index_run(*, args: Any, out: Output, err: Output) -> None:
    """Run ``args.action`` (``build`` or ``sensitivity``); raises :class:`CommandFailed`."""
    from .errors import ScoringError

    try:
        if args.action == "build":
            _build(args, out, err)
        else:
            _sensitivity(args, out, err)
    except ScoringError as exc:
        raise CommandFailed(str(exc)) from None
    except OSError as exc:
        raise CommandFailed(f"{exc.filename}: {exc.strerror}") from None


def _load(args: Any) -> tuple[MetaTable, Dataset, PipelineSpec]:
    from .coinr_io import data_read, meta_read
    from .pipeline import pipeline_load

    meta = meta_read(path=args.meta)
    data = data_read(path=args.data, meta=meta)
    spec = pipeline_load(path=args.pipeline, framework=meta.framework)
    return meta, data, spec


def _build(args: Any, out: Output, err: Output) -> None:
    from .coinr_io import results_write
    from .pipeline import pipeline_run

    meta, data, spec = _load(args)
    t0 = time.perf_counter()
    result = pipeline_run(data=data, framework=meta.framework, spec=spec, keep_intermediate=False)
    elapsed = time.perf_counter() - t0
    results_write(path=args.out, data=result.results, framework=meta.framework)
    for rec in result.records:
        out.write(f"step {rec.index + 1} {rec.id}: {rec.kind} {dict(rec.params)}\n")
    out.write(
        f"{len(result.results.units)} units x {len(result.results.codes)} codes "
        f"written to {args.out} ({elapsed:.3f} s)\n"
    )
    _warn(err, "Warnings", [(w, None) for w in result.warnings])


def _warn(
    err: Output, title: str, items: list[tuple[StepWarning, int | None]], runs: int = 0
) -> None:
    """Print warnings, one a line (with the number of runs that had it, if given)."""
    if not items:
        return
    err.write(f"{title} ({len(items)}):\n")
    for w, n in items:
        prefix = f"in {n} of {runs} runs: " if n is not None else ""
        err.write(f"  {prefix}{w}\n")


def _fmt(v: float) -> str:
    return "NA" if math.isnan(v) else repr(float(v))


def _sensitivity(args: Any, out: Output, err: Output) -> None:
    from .sensitivity import sensitivity_parse, sensitivity_run

    meta, data, spec = _load(args)
    if spec.sensitivity is None:
        raise CommandFailed(f"{args.pipeline}: the pipeline file has no 'sensitivity' section")
    sens = sensitivity_parse(
        raw=spec.sensitivity, spec=spec, framework=meta.framework, source=str(args.pipeline)
    )
    t0 = time.perf_counter()
    res = sensitivity_run(data=data, framework=meta.framework, spec=spec, sens=sens)
    elapsed = time.perf_counter() - t0
    _write_units(args.out, res)
    runs = res.scores.shape[0]
    out.write(
        f"{runs} pipeline runs in {elapsed:.3f} s; per-unit intervals written to {args.out}\n"
    )
    _warn(err, "Warnings of the pipeline as written", [(w, None) for w in res.warnings])
    _warn(err, "Other warnings of the analysis runs", list(res.run_warnings), runs)
    if res.failed_runs:
        err.write(f"{res.failed_runs} of {runs} runs failed (their scores are missing):\n")
        for message in res.failure_messages:
            text = message.replace("\n", "\n  ")
            err.write(f"  {text}\n")
    if res.indices is None:
        return
    out.write(f"{'assumption':<20} {'first':>8} {'total':>8}  (5-95 % bootstrap)\n")
    for i in res.indices:
        out.write(
            f"{i.name:<20} {i.first:8.3f} {i.total:8.3f}  "
            f"[{i.first_ci[0]:.3f}, {i.first_ci[1]:.3f}] [{i.total_ci[0]:.3f}, {i.total_ci[1]:.3f}]\n"
        )
    if getattr(args, "indices_out", None):
        from saferspaces.core.spreadsheets import csv_writer_open

        with Path(args.indices_out).open("w", encoding="utf-8", newline="") as fh:
            w = csv_writer_open(out=fh)
            w.writerow(
                ["assumption", "first", "first_q05", "first_q95", "total", "total_q05", "total_q95"]
            )
            for i in res.indices:
                w.writerow([i.name, *map(_fmt, (i.first, *i.first_ci, i.total, *i.total_ci))])


def _write_units(path: Path, res: SensitivityResult) -> None:
    from saferspaces.core.spreadsheets import csv_writer_open

    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        w = csv_writer_open(out=fh)
        w.writerow(
            [
                "uCode", "target", "nominal", "mean", "median", "q05", "q95",
                "band_nominal", "band_stability",
                "rank_nominal", "rank_mean", "rank_median", "rank_q05", "rank_q95",
            ]
        )  # fmt: skip
        for k, u in enumerate(res.units):
            w.writerow(
                [
                    u,
                    res.target,
                    *map(
                        _fmt,
                        (
                            res.nominal[k], res.score_mean[k], res.score_median[k],
                            res.score_q05[k], res.score_q95[k], res.band_nominal[k],
                            res.band_stability[k], res.rank_nominal[k], res.rank_mean[k],
                            res.rank_median[k], res.rank_q05[k], res.rank_q95[k],
                        ),
                    ),
                ]
            )  # fmt: skip


def main() -> None:
    sys.exit(index_cli(argv=sys.argv[1:], out=sys.stdout, err=sys.stderr))
