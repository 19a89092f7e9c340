"""Infinite normalised values: parity with COINr 1.1.14, which keeps them and aggregates each
aggregate over its own children only (fixtures made by ``fixtures/coinr_infinite.R``)."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from saferspaces.core.scoring.data import Dataset
from saferspaces.core.scoring.pipeline import pipeline_parse, pipeline_run

from .helpers import asem

# numpy must not warn: every division by zero is handled and reported as a step warning
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOL = 1e-9


def _minmax(lower: float, method: str, fracmax: tuple[str, ...] = ("Tariff",)) -> dict[str, Any]:
    return {
        "steps": [
            {
                "step": "normalise",
                "params": {
                    "method": "minmax",
                    "range": [lower, 100],
                    "indicators": {c: {"method": "fracmax"} for c in fracmax},
                },
            },
            {"step": "aggregate", "params": {"method": method}},
        ]
    }


# the configurations of fixtures/coinr_infinite.R, in the engine's pipeline format
CONFIGS: dict[str, dict[str, Any]] = {
    "amean": _minmax(0, "arithmetic"),
    "gmean": _minmax(1, "geometric"),
    "hmean": _minmax(1, "harmonic"),
    "fracmax_amean": {
        "steps": [
            {"step": "normalise", "params": {"method": "fracmax"}},
            {"step": "aggregate", "params": {"method": "arithmetic"}},
        ]
    },
}


def coinr_table(path: Path) -> tuple[list[str], dict[str, dict[str, float]]]:
    """A fixture: ``uCode`` then codes; ``NA`` (missing) and ``NaN`` (0/0) are both missing."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = [c for c in rows[0] if c != "uCode"]
    table = {
        r["uCode"]: {c: math.nan if r[c] in ("NA", "NaN") else float(r[c]) for c in codes}
        for r in rows
    }
    return codes, table


def mismatches(ds: Dataset, path: Path) -> list[str]:
    codes, expected = coinr_table(path)
    assert set(expected) == set(ds.units)
    out = []
    for u, row in expected.items():
        for c in codes:
            a, b = float(ds.values[ds.units.index(u), ds.index(c)]), row[c]
            same = (
                (math.isnan(a) and math.isnan(b))
                or (math.isinf(b) and a == b)
                or (math.isfinite(a) and math.isfinite(b) and abs(a - b) < TOL)
            )
            if not same:
                out.append(f"{u}/{c}: engine {a!r}, COINr {b!r}")
    return out


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_infinite_values_aggregate_like_coinr(shared_data: Path, name: str) -> None:
    fw, data = asem(shared_data)
    spec = pipeline_parse(raw=CONFIGS[name], framework=fw)
    res = pipeline_run(data=data, framework=fw, spec=spec, keep_intermediate=False)
    assert mismatches(res.results, FIXTURES / f"coinr_inf_{name}.csv") == []


def test_fixture_has_infinite_and_finite_aggregates() -> None:
    """The fixtures test what they claim: Tariff is infinite, unrelated pillars are finite."""
    _, table = coinr_table(FIXTURES / "coinr_inf_amean.csv")
    aus = table["AUS"]
    assert aus["Tariff"] == math.inf and aus["Instit"] == math.inf and aus["Index"] == math.inf
    assert all(math.isfinite(aus[c]) for c in ("Physical", "Environ", "Sust"))
    assert math.isnan(table["CHE"]["Tariff"])  # 0 / 0: Switzerland's tariff is 0
    assert math.isfinite(table["CHE"]["Instit"])


def test_unrelated_aggregates_stay_finite_in_every_method(shared_data: Path) -> None:
    """One infinite indicator never reaches aggregates that are not above it."""
    fw, data = asem(shared_data)
    for method, lower in (("arithmetic", 0), ("geometric", 1), ("harmonic", 1), ("copeland", 0)):
        raw = _minmax(lower, method)
        if method == "copeland":
            raw["steps"][1]["params"] = {
                "method": {2: "copeland", 3: "arithmetic", 4: "arithmetic"}
            }
        res = pipeline_run(
            data=data, framework=fw, spec=pipeline_parse(raw=raw, framework=fw)
        ).results
        sust = res.column("Sust")
        assert np.isfinite(sust).all(), method
        assert np.isfinite(res.column("Physical")).all(), method
