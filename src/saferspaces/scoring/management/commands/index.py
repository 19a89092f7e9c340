"""``saferspaces index build|sensitivity``: run a COINr-style pipeline on iData/iMeta tables.

Only parses arguments, calls the pure core (:mod:`saferspaces.core.scoring`) and prints; the
core's errors become a :class:`CommandError` with their message (non-zero exit, no traceback).
Every step's warnings (infinite or missing values, constant indicators...) go to stderr after
the results are written, each with its step, indicator and units.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saferspaces.core.scoring.coinr_io import data_read, meta_read, results_write
from saferspaces.core.scoring.errors import ScoringError, StepWarning
from saferspaces.core.scoring.pipeline import pipeline_load, pipeline_run
from saferspaces.core.scoring.sensitivity import (
    SensitivityResult,
    sensitivity_parse,
    sensitivity_run,
)
from saferspaces.core.spreadsheets import csv_writer_open


def _fmt(v: float) -> str:
    return "NA" if math.isnan(v) else repr(float(v))


class Command(BaseCommand):
    help = "Build a composite indicator from COINr-style iData/iMeta tables, or analyse its sensitivity."
    # a file tool: Django's system checks import every view; ``saferspaces check`` runs them
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{build,sensitivity}")
        for name, text in (
            (
                "build",
                "run the pipeline and write one row per unit with every indicator and aggregate",
            ),
            ("sensitivity", "run the uncertainty/sensitivity analysis of the pipeline file"),
        ):
            p = sub.add_parser(name, help=text, description=text)
            p.add_argument(
                "--data", required=True, type=Path, help="iData CSV (uCode, groups, indicators)"
            )
            p.add_argument(
                "--meta", required=True, type=Path, help="iMeta CSV (Level, iCode, ..., Type)"
            )
            p.add_argument("--pipeline", required=True, type=Path, help="pipeline YAML file")
            p.add_argument("--out", required=True, type=Path, help="output CSV")
            if name == "sensitivity":
                p.add_argument("--indices-out", type=Path, help="CSV of sensitivity indices")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "build":
                self._build(options)
            else:
                self._sensitivity(options)
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror}") from None

    def _load(self, options: dict[str, Any]) -> tuple[Any, Any, Any]:
        meta = meta_read(path=options["meta"])
        data = data_read(path=options["data"], meta=meta)
        spec = pipeline_load(path=options["pipeline"], framework=meta.framework)
        return meta, data, spec

    def _build(self, options: dict[str, Any]) -> None:
        meta, data, spec = self._load(options)
        t0 = time.perf_counter()
        result = pipeline_run(data=data, framework=meta.framework, spec=spec)
        elapsed = time.perf_counter() - t0
        results_write(path=options["out"], data=result.results, framework=meta.framework)
        for rec in result.records:
            self.stdout.write(f"step {rec.index + 1} {rec.id}: {rec.kind} {dict(rec.params)}")
        self.stdout.write(
            f"{len(result.results.units)} units x {len(result.results.codes)} codes "
            f"written to {options['out']} ({elapsed:.3f} s)"
        )
        self._warn("Warnings", [(w, None) for w in result.warnings])

    def _warn(self, title: str, items: list[tuple[StepWarning, int | None]], runs: int = 0) -> None:
        """Print warnings to stderr, one a line (with the number of runs that had it, if given)."""
        if not items:
            return
        self.stderr.write(f"{title} ({len(items)}):", style_func=self.style.WARNING)
        for w, n in items:
            prefix = f"in {n} of {runs} runs: " if n is not None else ""
            self.stderr.write(f"  {prefix}{w}", style_func=self.style.WARNING)

    def _sensitivity(self, options: dict[str, Any]) -> None:
        meta, data, spec = self._load(options)
        if spec.sensitivity is None:
            raise CommandError(
                f"{options['pipeline']}: the pipeline file has no 'sensitivity' section"
            )
        sens = sensitivity_parse(
            raw=spec.sensitivity,
            spec=spec,
            framework=meta.framework,
            source=str(options["pipeline"]),
        )
        t0 = time.perf_counter()
        res = sensitivity_run(data=data, framework=meta.framework, spec=spec, sens=sens)
        elapsed = time.perf_counter() - t0
        self._write_units(options["out"], res)
        runs = res.scores.shape[0]
        self.stdout.write(
            f"{runs} pipeline runs in {elapsed:.3f} s; per-unit intervals written to {options['out']}"
        )
        self._warn("Warnings of the pipeline as written", [(w, None) for w in res.warnings])
        self._warn("Other warnings of the analysis runs", list(res.run_warnings), runs)
        if res.failed_runs:
            self.stderr.write(
                f"{res.failed_runs} of {runs} runs failed (their scores are missing):",
                style_func=self.style.WARNING,
            )
            for message in res.failure_messages:
                text = message.replace("\n", "\n  ")
                self.stderr.write(f"  {text}", style_func=self.style.WARNING)
        if res.indices is not None:
            self.stdout.write(f"{'assumption':<20} {'first':>8} {'total':>8}  (5-95 % bootstrap)")
            for i in res.indices:
                self.stdout.write(
                    f"{i.name:<20} {i.first:8.3f} {i.total:8.3f}  "
                    f"[{i.first_ci[0]:.3f}, {i.first_ci[1]:.3f}] [{i.total_ci[0]:.3f}, {i.total_ci[1]:.3f}]"
                )
            if options.get("indices_out"):
                with options["indices_out"].open("w", encoding="utf-8", newline="") as fh:
                    w = csv_writer_open(out=fh)
                    w.writerow(
                        [
                            "assumption",
                            "first",
                            "first_q05",
                            "first_q95",
                            "total",
                            "total_q05",
                            "total_q95",
                        ]
                    )
                    for i in res.indices:
                        w.writerow(
                            [i.name, *map(_fmt, (i.first, *i.first_ci, i.total, *i.total_ci))]
                        )

    @staticmethod
    def _write_units(path: Path, res: SensitivityResult) -> None:
        with path.open("w", encoding="utf-8", newline="") as fh:
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
