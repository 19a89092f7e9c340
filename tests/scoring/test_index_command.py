"""``saferspaces index build|sensitivity``: arguments, outputs, clean errors."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saferspaces.core.scoring.coinr_io import table_read
from saferspaces.scoring.management.commands.index import Command

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "pipelines"


def _args(shared_data: Path, pipeline: Path, out: Path) -> list[str]:
    d = shared_data / "coinr-asem"
    return [
        "--data",
        str(d / "ASEM_iData.csv"),
        "--meta",
        str(d / "ASEM_iMeta.csv"),
        "--pipeline",
        str(pipeline),
        "--out",
        str(out),
    ]


def test_build_writes_one_row_per_unit_with_every_code(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    stdout = StringIO()
    call_command(
        Command(),
        "build",
        *_args(shared_data, EXAMPLES / "coinr_example_pipeline.yaml", out),
        stdout=stdout,
    )
    header, rows = table_read(path=out)
    assert header[:2] == ["uCode", "uName"]
    assert len(rows) == 51 and "Index" in header and "LPI" in header and len(header) == 2 + 49 + 11
    _, expected = table_read(path=shared_data / "coinr-asem" / "expected_example_pipeline.csv")
    assert abs(rows["AUT"]["Index"] - expected["AUT"]["Index"]) < 1e-9
    assert "step 4 treat" in stdout.getvalue()


def test_sensitivity_writes_intervals_and_indices(shared_data: Path, tmp_path: Path) -> None:
    out, ind = tmp_path / "u.csv", tmp_path / "s.csv"
    stdout = StringIO()
    args = _args(shared_data, EXAMPLES / "coinr_example_pipeline.yaml", out)
    call_command(Command(), "sensitivity", *args, "--indices-out", str(ind), stdout=stdout)
    header, rows = table_read(path=out)
    assert {"q05", "q95", "band_stability", "rank_median"} <= set(header)
    assert len(rows) == 51
    assert "600 pipeline runs" in stdout.getvalue()
    assert ind.read_text().startswith("assumption,first")


def test_errors_become_command_errors(shared_data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - step: normalise\n    params: {method: minmix}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"step 1 \(normalise\).*minmix"):
        call_command(Command(), "build", *_args(shared_data, bad, tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="no 'sensitivity' section"):
        call_command(
            Command(),
            "sensitivity",
            *_args(shared_data, EXAMPLES / "coinr_minmax_amean.yaml", tmp_path / "o.csv"),
        )
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            Command(), "build", *_args(shared_data, tmp_path / "missing.yaml", tmp_path / "o.csv")
        )


TARIFF_FRACMAX = """\
steps:
  - step: normalise
    params: {method: minmax, range: [0, 100], indicators: {Tariff: {method: fracmax}}}
  - step: aggregate
"""


def test_build_prints_every_step_warning_to_stderr(shared_data: Path, tmp_path: Path) -> None:
    pipeline, out = tmp_path / "p.yaml", tmp_path / "results.csv"
    pipeline.write_text(TARIFF_FRACMAX, encoding="utf-8")
    stdout, stderr = StringIO(), StringIO()
    call_command(
        Command(), "build", *_args(shared_data, pipeline, out), stdout=stdout, stderr=stderr
    )
    err = stderr.getvalue()
    assert "Warnings (" in err and "Warnings" not in stdout.getvalue()
    lines = err.splitlines()
    tariff = [ln for ln in lines if "indicator 'Tariff'" in ln]
    assert len(tariff) == 2  # infinite for 46 units, missing (0/0) for the 2 at 0
    assert "step 1 (normalise), indicator 'Tariff': values are infinite" in tariff[0]
    assert "(46 units: AUT, BEL, BGR, HRV, CYP and 41 more)" in tariff[0]
    assert "set to missing" not in tariff[0]
    assert "values are set to missing" in tariff[1] and "(2 units: CHE, SGP)" in tariff[1]
    assert any("indicator 'Instit': the aggregate is infinite" in ln for ln in lines)
    # the unrelated aggregates are computed, as COINr computes them
    _, rows = table_read(path=out)
    assert 0 < rows["AUS"]["Physical"] < 100 and 0 < rows["AUS"]["Sust"] < 100


def test_sensitivity_prints_warnings_and_failed_runs(shared_data: Path, tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(
        TARIFF_FRACMAX
        + """\
sensitivity:
  analysis: uncertainty
  target: Sust
  N: 8
  seed: 3
  assumptions:
    - name: Normalisation
      step: normalise
      values:
        - {method: minmax, range: [0, 100], indicators: {Tariff: {method: fracmax}}}
        - {method: minmax, range: [0, 100], indicators: {CostImpEx: {method: fracmax}}}
    - {name: Aggregation, step: aggregate, param: method, values: [arithmetic, geometric]}
""",
        encoding="utf-8",
    )
    stdout, stderr = StringIO(), StringIO()
    args = _args(shared_data, pipeline, tmp_path / "u.csv")
    call_command(Command(), "sensitivity", *args, stdout=stdout, stderr=stderr)
    err = stderr.getvalue()
    assert "Warnings of the pipeline as written (" in err
    assert "indicator 'Tariff': values are infinite" in err
    other = [ln for ln in err.splitlines() if "'CostImpEx': values are infinite" in ln]
    assert other and all(ln.strip().startswith("in ") and " of 8 runs: " in ln for ln in other)
    # the geometric mean over min-max zeros fails: counted and explained
    assert " of 8 runs failed (their scores are missing):" in err
    assert "geometric mean needs positive values" in err
