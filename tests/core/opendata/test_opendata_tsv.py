"""The TSV readers: the real legacy urb_percep file, SDMX 2.1 TSV fixtures, malformed rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.opendata import DataFormat, ParseError, Problem, ReadStats, tsv_read
from saferspaces.core.opendata.readers import tsv_cell_parse, tsv_header_parse

from .helpers import FIXTURES


def _urb_percep(shared_data: Path) -> Path:
    return shared_data / "eurostat" / "urb_percep.tsv"


class CountingStream(io.RawIOBase):
    """A binary stream that remembers how many bytes were taken from it."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.taken += len(chunk)
        return len(chunk)


def test_legacy_file_parses_completely_with_known_values(shared_data: Path) -> None:
    stats = ReadStats()
    problems: list[Problem] = []
    with _urb_percep(shared_data).open("rb") as stream:
        cells = {
            (o.series["indic_ur"], o.geo, o.time): o
            for o in tsv_read(stream=stream, dataset="urb_percep", stats=stats, problems=problems)
        }
    assert problems == []
    assert stats.rows == 37651
    assert stats.cells == len(cells) == 37651 * 6
    assert stats.time_periods == ("2019", "2015", "2012", "2009", "2006", "2004")
    assert stats.dimensions == ("indic_ur", "unit", "cities")
    assert len({o.series["indic_ur"] for o in cells.values()}) == 410
    assert len({o.geo for o in cells.values()}) == 115
    # the brief's anchor value and a 2019 safety item ("I feel safe walking alone at night in
    # my city", strongly agree) for Vienna
    assert cells[("PS1012V", "AT001C", "2019")].value == 70.0
    safe = cells[("PS3514V", "AT001C", "2019")]
    assert (safe.value, safe.flags) == (49.2, ())
    assert cells[("PS3519V", "BE001C", "2019")].value == 31.8
    # flagged value: estimated, kept with the number
    riga = cells[("PS1012V", "LV002C", "2015")]
    assert (riga.value, riga.flags) == (18.2, ("e",))
    assert riga.line == 80 and riga.column == 3
    # missing stays missing; a flag on a missing value is kept
    assert cells[("PS1012V", "AT002C", "2004")].value is None
    low = [o for o in cells.values() if o.value is None and o.flags == ("u",)]
    assert len(low) == 362
    flagged = [o for o in cells.values() if o.flags]
    assert {f for o in flagged for f in o.flags} == {"b", "d", "e", "u"}
    assert cells[("PS1012V", "AT001C", "2019")].dimensions == {
        "indic_ur": "PS1012V",
        "unit": "PC",
        "cities": "AT001C",
        "time": "2019",
    }


def test_reader_streams_instead_of_loading_the_whole_file(shared_data: Path) -> None:
    data = _urb_percep(shared_data).read_bytes()
    raw = CountingStream(data)
    reader = tsv_read(stream=io.BufferedReader(raw, 8192), dataset="urb_percep")
    first = next(reader)
    assert first.series["indic_ur"] == "PS1012V"
    assert raw.taken < 64 * 1024 < len(data)


def test_sdmx_fixture_with_flags_and_missing() -> None:
    stats = ReadStats()
    with (FIXTURES / "crim_gen_reg_sdmx.tsv").open("rb") as stream:
        obs = list(tsv_read(stream=stream, dataset="crim_gen_reg", stats=stats))
    assert stats.time_periods == ("2019", "2020", "2021", "2022")
    assert stats.dimensions == ("freq", "unit", "iccs", "geo")
    by_key = {(o.series["unit"], o.series["iccs"], o.geo, o.time): o for o in obs}
    cell = by_key[("P_HTHAB", "ICCS0401", "DE111", "2021")]
    assert (cell.value, cell.flags) == (15.7, ("e", "p"))
    confidential = by_key[("P_HTHAB", "ICCS0401", "DE111", "2020")]
    assert (confidential.value, confidential.flags) == (None, ("c",))
    assert by_key[("NR", "ICCS0401", "DE", "2019")].flags == ("b",)
    assert by_key[("NR", "ICCS0101", "DE111", "2021")].value is None
    assert len(obs) == 11 * 4


def test_filters_skip_rows_and_periods() -> None:
    stats = ReadStats()
    with (FIXTURES / "crim_gen_reg_sdmx.tsv").open("rb") as stream:
        obs = list(
            tsv_read(
                stream=stream,
                dataset="crim_gen_reg",
                stats=stats,
                keep_series=lambda s: s["unit"] == "P_HTHAB",
                keep_time=lambda t: t >= "2021",
            )
        )
    assert {o.series["unit"] for o in obs} == {"P_HTHAB"}
    assert {o.time for o in obs} == {"2021", "2022"}
    assert stats.cells == 44
    assert stats.skipped == 44 - len(obs) == 36


def test_malformed_rows_are_all_reported_with_line_and_column() -> None:
    problems: list[Problem] = []
    with (FIXTURES / "crim_gen_reg_malformed.tsv").open("rb") as stream:
        obs = list(tsv_read(stream=stream, dataset="x", source="bad.tsv", problems=problems))
    where = [(p.location.line, p.location.column) for p in problems]
    assert where == [(3, 1), (4, 2), (5, 3), (6, 3), (7, 2), (7, 3)]
    assert all(p.location.source == "bad.tsv" for p in problems)
    assert "not a number" in problems[1].message
    assert "expected 3 tab-separated cells, found 2" in problems[2].message
    assert "flag letters" in problems[3].message
    # the good cells are still read
    assert [(o.geo, o.value) for o in obs] == [
        ("DE111", 12.0),
        ("DE111", 13.0),
        ("DE112", 4.0),
        ("DE114", 8.0),
    ]


def test_first_malformed_row_raises_without_a_problem_list() -> None:
    with (
        (FIXTURES / "crim_gen_reg_malformed.tsv").open("rb") as stream,
        pytest.raises(ParseError) as caught,
    ):
        list(tsv_read(stream=stream, dataset="x", source="bad.tsv"))
    assert (caught.value.location.line, caught.value.location.column) == (3, 1)
    assert str(caught.value).startswith("bad.tsv, line 3, column 1: ")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("geo\t2020\n", "first header cell"),
        ("unit,geo\\YEAR\t2020\n", "time dimension"),
        ("unit,geo\\time\t2020 \t2020 \n", "header is not valid"),
        ("unit,geo\\time\n", "header is not valid"),
    ],
)
def test_bad_headers(header: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        tsv_header_parse(line=header, source="h.tsv")


def test_header_layouts() -> None:
    fmt, dims, time_name, periods = tsv_header_parse(
        line="indic_ur,unit,cities\\time\t2019 \t2015 \n"
    )
    assert (fmt, dims, time_name, periods) == (
        DataFormat.LEGACY_TSV,
        ("indic_ur", "unit", "cities"),
        "time",
        ["2019", "2015"],
    )
    fmt, dims, _, _ = tsv_header_parse(line="freq,unit,iccs,geo\\TIME_PERIOD\t2008\t2009\n")
    assert fmt is DataFormat.SDMX_TSV and dims[-1] == "geo"


def test_not_utf8_is_a_parse_error() -> None:
    data = b"unit,geo\\time\t2020 \nPC,AT\t1 \nPC,\xff\xfe\t2 \n"
    with pytest.raises(ParseError, match="UTF-8"):
        list(tsv_read(stream=io.BytesIO(data), dataset="x"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("70.0 ", (70.0, ())),
        (": ", (None, ())),
        (":", (None, ())),
        (": u", (None, ("u",))),
        ("18.2 e", (18.2, ("e",))),
        ("12.5 bep", (12.5, ("b", "e", "p"))),
        ("-3", (-3.0, ())),
        ("0 z", (0.0, ("z",))),
    ],
)
def test_cell_parse(text: str, expected: tuple[float | None, tuple[str, ...]]) -> None:
    assert tsv_cell_parse(text=text) == expected


@pytest.mark.parametrize("text", ["", " ", "abc", "1,5", "inf", "12.5e", "1 2", "1 e!"])
def test_cell_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        tsv_cell_parse(text=text)


@given(
    value=st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=32)),
    flags=st.lists(st.sampled_from("bcdefnpsuz"), unique=True, max_size=4),
)
def test_cell_round_trip(value: float | None, flags: list[str]) -> None:
    number = ":" if value is None else repr(float(value))
    text = f"{number} {''.join(flags)}" if flags else f"{number} "
    parsed_value, parsed_flags = tsv_cell_parse(text=text)
    assert parsed_value == (None if value is None else float(value))
    assert parsed_flags == tuple(flags)
