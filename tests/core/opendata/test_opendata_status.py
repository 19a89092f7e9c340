"""Eurostat's status codes as files downloaded today carry them.

Since 27 January 2025 Eurostat splits its flags into two code lists: the observation status
(``b d e f i m n p u``) and the confidentiality status (``C N P``). The SDMX 2.1 TSV writes the
confidentiality status after ``@`` (``: @C``); JSON-stat 2.0 writes it after ``|`` (``"|C"``).
The files below are written here in the exact shape Eurostat serves them.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from saferspaces.core.opendata import (
    FLAG_MEANINGS,
    FileTransport,
    InMemorySink,
    ParseError,
    Problem,
    ReadStats,
    RunStatus,
    flags_describe,
    jsonstat_read,
    source_get,
    source_import,
    tsv_read,
)
from saferspaces.core.opendata.readers import tsv_cell_parse

from .helpers import StepClock

YEARS = tuple(str(y) for y in range(2014, 2025))
REGIONS = ("DE111", "DE112", "DE113", "DE114", "DE115", "DE116", "DE117")
AGES = ("TOTAL", "Y_GE65", "Y_LT15")


def _demo_r_pjanaggr3_2025() -> bytes:
    """A ``demo_r_pjanaggr3`` SDMX 2.1 TSV in the layout of the API in 2025: every cell padded
    with the space that separates a value from its status, 14 cells ``: @C`` or ``: @N``."""
    lines = ["freq,unit,sex,age,geo\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in YEARS)]
    secret = 0
    for region_index, geo in enumerate(REGIONS):
        for age in AGES:
            cells = []
            for year_index, _year in enumerate(YEARS):
                base = {"TOTAL": 600_000, "Y_GE65": 120_000, "Y_LT15": 80_000}[age]
                value = base + 1000 * region_index + 10 * year_index
                if age == "Y_LT15" and year_index in (2, 3) and secret < 14:
                    cells.append(": @C" if secret % 2 == 0 else ": @N")
                    secret += 1
                elif year_index == len(YEARS) - 1:
                    cells.append(f"{value} p")
                else:
                    cells.append(f"{value} ")
            lines.append(f"A,NR,T,{age},{geo}\t" + "\t".join(cells))
    assert secret == 14
    return ("\n".join(lines) + "\n").encode()


def test_cells_with_a_confidentiality_status_are_missing_with_the_status_kept() -> None:
    assert tsv_cell_parse(text=": @C") == (None, ("C",))
    assert tsv_cell_parse(text=": @N") == (None, ("N",))
    assert tsv_cell_parse(text=": @P") == (None, ("P",))
    assert tsv_cell_parse(text="1234 p@C") == (1234.0, ("p", "C"))
    # the other notations Eurostat uses today
    assert tsv_cell_parse(text=": m") == (None, ("m",))
    assert tsv_cell_parse(text="0n ") == (0.0, ("n",))
    assert tsv_cell_parse(text="12.5 bep") == (12.5, ("b", "e", "p"))
    for bad in ("12 @C@N", "12 e@c!", "12 @1"):
        with pytest.raises(ValueError, match="status"):
            tsv_cell_parse(text=bad)


def test_a_2025_tsv_download_is_read_whole() -> None:
    stats = ReadStats()
    problems: list[Problem] = []
    obs = list(
        tsv_read(
            stream=io.BytesIO(_demo_r_pjanaggr3_2025()),
            dataset="demo_r_pjanaggr3",
            stats=stats,
            problems=problems,
        )
    )
    assert problems == []
    assert len(obs) == len(REGIONS) * len(AGES) * len(YEARS)
    secret = [o for o in obs if o.flags in (("C",), ("N",))]
    assert len(secret) == 14 and all(o.value is None for o in secret)
    assert stats.flag_counts == {"C": 7, "N": 7, "p": 21}
    assert stats.unknown_flags == {}
    first = secret[0]
    assert (first.geo, first.time, first.series["age"], first.line, first.column) == (
        "DE111",
        "2016",
        "Y_LT15",
        4,
        4,
    )


def test_the_whole_2025_download_imports(tmp_path: Path) -> None:
    path = tmp_path / "demo_r_pjanaggr3.tsv"
    path.write_bytes(_demo_r_pjanaggr3_2025())
    sink = InMemorySink()
    report = source_import(
        source=source_get(name="demo_r_pjanaggr3"),
        transport=FileTransport(path),
        sink=sink,
        clock=StepClock(),
    )
    assert report.status is RunStatus.SUCCEEDED, report.warnings
    assert report.counts.kept == len(sink.observations) == 7 * 3 * 11
    assert report.counts.missing == 14
    assert report.flag_counts == {"C": 7, "N": 7, "p": 21}
    # no share under 15 where the count is confidential, the others are derived
    derived = {(d.indicator, d.geo, d.time) for d in sink.derived}
    assert ("demo_r_pjanaggr3.share_under_15", "DE111", "2016") not in derived
    assert ("demo_r_pjanaggr3.share_under_15", "DE111", "2015") in derived


def _jsonstat_2025() -> dict[str, object]:
    """A ``demo_r_pjanaggr3`` answer of the statistics API (JSON-stat 2.0) in its 2025 shape:
    sparse ``value`` and ``status`` objects keyed by flat index, the confidentiality status
    after ``|``, status labels in ``extension``."""
    geo = ["DE111", "DE112"]
    time = ["2022", "2023"]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Population on 1 January by broad age group, sex and NUTS 3 region",
        "source": "ESTAT",
        "updated": "2025-03-14T23:00:00+0100",
        "value": {"0": 630305, "1": 633484, "3": 210117},
        "status": {"1": "p", "2": "|C", "3": "ep", "5": "|N", "6": ":", "7": "p|C"},
        "id": ["freq", "unit", "sex", "age", "geo", "time"],
        "size": [1, 1, 1, 2, 2, 2],
        "dimension": {
            "freq": {"label": "Time frequency", "category": {"index": {"A": 0}}},
            "unit": {"label": "Unit of measure", "category": {"index": {"NR": 0}}},
            "sex": {"label": "Sex", "category": {"index": {"T": 0}}},
            "age": {"label": "Age class", "category": {"index": {"TOTAL": 0, "Y_LT15": 1}}},
            "geo": {
                "label": "Geopolitical entity",
                "category": {"index": {g: i for i, g in enumerate(geo)}},
            },
            "time": {"label": "Time", "category": {"index": {t: i for i, t in enumerate(time)}}},
        },
        "extension": {
            "lang": "EN",
            "id": "DEMO_R_PJANAGGR3",
            "agencyId": "ESTAT",
            "status": {
                "label": {
                    "p": "provisional",
                    "e": "estimated",
                    "C": "confidential",
                    "N": "not for publication",
                    ":": "not available",
                }
            },
        },
    }


def test_jsonstat_status_reads_the_confidentiality_status() -> None:
    stats = ReadStats()
    data = json.dumps(_jsonstat_2025()).encode()
    obs = {
        (o.series["age"], o.geo, o.time): o
        for o in jsonstat_read(stream=io.BytesIO(data), dataset="demo_r_pjanaggr3", stats=stats)
    }
    assert (obs[("TOTAL", "DE111", "2023")].value, obs[("TOTAL", "DE111", "2023")].flags) == (
        633484.0,
        ("p",),
    )
    secret = obs[("TOTAL", "DE112", "2022")]
    assert (secret.value, secret.flags) == (None, ("C",))
    assert obs[("Y_LT15", "DE111", "2023")].flags == ("N",)
    assert obs[("TOTAL", "DE112", "2023")].flags == ("e", "p")
    assert obs[("Y_LT15", "DE112", "2023")].flags == ("p", "C")
    # ':' alone is "not available", not a flag
    assert obs[("Y_LT15", "DE112", "2022")].flags == ()
    assert stats.unknown_flags == {}
    assert stats.flag_counts == {"p": 3, "C": 2, "N": 1, "e": 1}


def test_a_status_that_is_not_eurostat_letters_is_reported_with_its_cell() -> None:
    doc = _jsonstat_2025()
    doc["status"] = {"1": "p%"}
    with pytest.raises(ParseError) as caught:
        list(jsonstat_read(stream=io.BytesIO(json.dumps(doc).encode()), dataset="d", source="f"))
    assert "status[1]" in str(caught.value) and "'p%'" in str(caught.value)


def test_every_status_code_has_its_meaning() -> None:
    # observation status (OBS_STATUS) and confidentiality status (CONF_STATUS) since 2025
    for letter in "bdefimnpu":
        assert letter in FLAG_MEANINGS
    assert FLAG_MEANINGS["C"] == "confidential"
    assert FLAG_MEANINGS["N"] == "not for publication"
    assert "secrecy" in FLAG_MEANINGS["P"]
    assert FLAG_MEANINGS["m"].startswith("missing value")
    # the codes of files downloaded before 2025 keep theirs
    for letter in "csrz":
        assert letter in FLAG_MEANINGS
    assert flags_describe(flags=("p", "C")) == "p (provisional), C (confidential)"
