"""Issue 18, target 2: big COINr tables are read and written by pyarrow, with the same results.

The pyarrow reader (``coinr_arrow.data_arrow_read``) must give exactly what the Python reader
gives for every file it reads (same units, names, groups, times, the same double in every cell)
and leave every file with a problem to the Python reader, which names the problem's row and
column: generated files full of what people's files hold (quotes, line breaks inside cells,
blank lines and rows of commas, padded numbers, missing markers, ``NAN``, ``1e999``, rows of the
wrong length, three kinds of line ends, a byte-order mark) hold the two readers to it. The
pyarrow writer (``spreadsheets.csv_table_write``) must write the very bytes of the product's CSV
writer: random doubles (every bit pattern, whole numbers, tiny and huge ones, infinities, NaN)
and texts that look like formulas hold it to that.
"""

from __future__ import annotations

import io
import math
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferspaces.core.scoring import coinr_arrow
from saferspaces.core.scoring.coinr_arrow import _longest_line, data_arrow_read
from saferspaces.core.scoring.coinr_io import (
    MetaTable,
    data_read,
    meta_read,
    results_write,
    table_read,
)
from saferspaces.core.scoring.data import Dataset
from saferspaces.core.scoring.errors import DataError
from saferspaces.core.scoring.pipeline import pipeline_parse, pipeline_run
from saferspaces.core.spreadsheets import csv_table_write, csv_writer_open

META = (
    "Level,iCode,iName,Direction,Weight,Parent,Type,Denominator\n"
    ",grp,Group,,,,Group,\n,den,Den,,,,Denominator,\n,oth,Other,,,,Other,\n"
    "1,a,A,1,1,P,Indicator,\n1,b,B,1,1,P,Indicator,den\n1,c,C,-1,1,P,Indicator,\n"
    "2,P,Pillar,1,1,IDX,Aggregate,\n3,IDX,Index,1,1,,Aggregate,\n"
)


@pytest.fixture(scope="module")
def meta(tmp_path_factory: pytest.TempPathFactory) -> MetaTable:
    path = tmp_path_factory.mktemp("meta") / "iMeta.csv"
    path.write_text(META, encoding="utf-8")
    return meta_read(path=path)


def _same(a: Dataset, b: Dataset) -> None:
    assert (a.units, a.codes, a.names, a.groups) == (b.units, b.codes, b.names, b.groups)
    for x, y in [(a.values, b.values), *((a.denominators[k], b.denominators[k]) for k in b.denominators)]:  # fmt: skip
        assert np.array_equal(np.isnan(x), np.isnan(y))
        assert x[~np.isnan(x)].tobytes() == y[~np.isnan(y)].tobytes()  # -0.0 too
    assert set(a.denominators) == set(b.denominators)
    assert (a.times is None) == (b.times is None)
    if a.times is not None and b.times is not None:
        assert a.times.tobytes() == b.times.tobytes()


def _outcome(path: Path, meta: MetaTable, arrow: bool) -> Dataset | str:
    try:
        return data_read(path=path, meta=meta, arrow=arrow)
    except DataError as error:
        return str(error)


NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(-1e6, 1e6).map(lambda v: f"{v:.3f}"),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(
        ["", "NA", "NaN", "nan", "N/A", "#N/A", " 1.5 ", "\t2", "1_000", "\u0661\u0662", "NAN",
         "-nan", "inf", "-inf", "Infinity", "1e999", "abc", "+.5", "5.", "-0", "0", "1e-400",
         "0x10", " NA", "1 000", "\u00a03", "1e5", "12345678901234567890.5"]
    ),
)  # fmt: skip
TEXTS = st.one_of(
    st.sampled_from(["U1", "U2", "U3", "U4", "", " ", " U1 ", "NA", "Name, with comma"]),
    st.text(alphabet='ab ,"\r\n\t=é\u2028', max_size=8),
)


def _cell(text: str, quote: bool) -> str:
    if quote or any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


@st.composite
def idata(draw: st.DrawFn) -> bytes:
    """An iData file for META: mostly sound, now and then not."""
    columns = ["uCode", "uName", "grp", "den", "oth", "a", "b", "c"]
    if draw(st.booleans()):
        columns.append("Time")
    columns = draw(st.permutations(columns))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [",".join(columns)]
    for i in range(draw(st.integers(0, 7))):
        kind = draw(st.sampled_from(["row"] * 8 + ["blank", "commas", "short", "long", "broken"]))
        if kind == "blank":
            lines.append("")
            continue
        if kind == "commas":
            lines.append("," * (len(columns) - 1))
            continue
        cells = []
        for name in columns:
            if name == "uCode":
                text = draw(st.sampled_from([f"U{i}", f"U{i}", "U0", "", f" U{i} "]))
            elif name in ("a", "b", "c", "den"):
                text = draw(NUMBERS)
            elif name == "Time":
                text = draw(st.sampled_from(["2020", "2021", "NA", "x"]))
            else:
                text = draw(TEXTS)
            cells.append(_cell(text, draw(st.booleans())))
        if kind == "short":
            cells = cells[:-1]
        elif kind == "long":
            cells.append("1")
        elif kind == "broken":
            cells[0] = '"x"y'
        lines.append(",".join(cells))
    text = end.join(lines) + draw(st.sampled_from([end, ""]))
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=idata())
def test_the_arrow_reader_reads_what_python_reads_or_leaves_the_file_to_it(
    content: bytes, meta: MetaTable, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("idata") / "iData.csv"
    path.write_bytes(content)
    expected = _outcome(path, meta, arrow=False)
    fast = data_arrow_read(content=content, src=str(path), meta=meta)
    if fast is not None:
        assert not isinstance(expected, str), expected
        _same(fast, expected)
    got = _outcome(path, meta, arrow=True)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert not isinstance(got, str), got
        _same(got, expected)


SOUND = (
    "\ufeffuCode,uName,grp,den,oth,a,b,c,Time\r\n"
    'U1,"Name, with comma",EU,10,x,1.5,NA,-0,2020\r\n'
    "\r\n"
    ",,,,,,,,\r\n"
    'U2,"Two\r\nlines",,20, y , 2.5 ,#N/A,1_000,2020\r\n'
    "U1,One again,Asia,30,,3.25,\u0661\u0662,1e-400,2021\r\n"
    "U3,Three,NA,40,,12345678901234567890.5,0.1,+.5,NA\r\n"
)


def test_the_arrow_reader_reads_a_sound_file_with_every_oddity(
    meta: MetaTable, tmp_path: Path
) -> None:
    """Blank lines, rows of commas, a quoted line break, padded and unusual numbers, a panel:
    read by pyarrow (not left to Python), the same data as Python's."""
    path = tmp_path / "iData.csv"
    path.write_bytes(SOUND.encode("utf-8"))
    fast = data_arrow_read(content=path.read_bytes(), src=str(path), meta=meta)
    assert fast is not None
    expected = data_read(path=path, meta=meta, arrow=False)
    _same(fast, expected)
    assert fast.units == ("U1", "U2", "U1", "U3") and fast.times is not None
    assert fast.names == ("Name, with comma", "Two\r\nlines", "One again", "Three")
    assert fast.groups["grp"] == ("EU", None, "Asia", None)
    assert fast.values[1, 2] == 1000.0 and fast.values[2, 1] == 12.0  # "1_000", "١٢"
    assert math.copysign(1, fast.values[0, 2]) == -1  # "-0"


def test_a_clean_file_is_read_in_one_pass_with_numbers_as_numbers(
    meta: MetaTable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow parses the numbers while it splits the file; a doubt (here "NAN") sends it back
    to reading text, and the Python reader's rule refuses the cell."""
    passes: list[list[str]] = []
    table = coinr_arrow._table

    def counted(content: bytes, names: list[str], numbers: list[str]) -> object:
        passes.append(numbers)
        return table(content, names, numbers)

    monkeypatch.setattr(coinr_arrow, "_table", counted)
    clean = "uCode,uName,grp,den,a,b,c\nU1,One,EU,1,1.5,NA,3\nU2,Two,,2, 4 ,2.5,-6e-3\nU3,,,3,,,1\n"
    fast = data_arrow_read(content=clean.encode(), src="clean.csv", meta=meta)
    assert fast is not None and passes == [["den", "a", "b", "c"]]
    path = tmp_path / "clean.csv"
    path.write_text(clean, encoding="utf-8")
    _same(fast, data_read(path=path, meta=meta, arrow=False))
    passes.clear()
    doubtful = clean.replace("-6e-3", "NAN").encode()
    assert data_arrow_read(content=doubtful, src="d.csv", meta=meta) is None
    assert passes == [["den", "a", "b", "c"], []]


def test_a_bad_cell_is_named_with_its_row_and_column_by_either_reader(
    meta: MetaTable, tmp_path: Path
) -> None:
    path = tmp_path / "iData.csv"
    path.write_bytes(SOUND.replace("3.25", "3,25").replace("0.1", "NAN").encode("utf-8"))
    for arrow in (True, False):
        with pytest.raises(DataError) as info:
            data_read(path=path, meta=meta, arrow=arrow)
        assert "row 6: row has 10 cells, the header has 9" in str(info.value)
        assert "row 7, column 'b': not a number: 'NAN'" in str(info.value)


def test_a_file_of_bad_cells_lists_the_first_thousand(meta: MetaTable, tmp_path: Path) -> None:
    path = tmp_path / "iData.csv"
    rows = "".join(f"U{i},n,g,1,o,x,y,z\n" for i in range(2_000))
    path.write_text("uCode,uName,grp,den,oth,a,b,c\n" + rows, encoding="utf-8")
    with pytest.raises(DataError) as info:
        data_read(path=path, meta=meta)
    assert len(info.value.problems) == 1_001
    assert str(info.value.problems[-1]).endswith("more problems: the first 1,000 are listed")


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # the same window for every example
@given(content=st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"\n")))
def test_the_line_check_is_never_looser_than_the_python_readers(
    content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The longest line in bytes, window after window, bounds every line the Python reader sees."""
    monkeypatch.setattr(coinr_arrow, "_WINDOW_BYTES", 7)  # several windows per file
    from saferspaces.core.safeload.text import _LINE

    pieces = content.split(b"\n")
    assert _longest_line(content) == max([len(p) + 1 for p in pieces[:-1]] + [len(pieces[-1])])
    text = content.decode("utf-8", "replace")
    assert _longest_line(content) >= max((len(m.group()) for m in _LINE.finditer(text)), default=0)


# --- the writer -------------------------------------------------------------------------


def _reference(
    header: list[str], texts: list[list[str]], numbers: np.ndarray, missing: str = "NA"
) -> str:
    out = io.StringIO()
    writer = csv_writer_open(out=out)
    writer.writerow(header)
    for lead, row in zip(texts, numbers.tolist(), strict=True):
        writer.writerow([*lead, *(missing if math.isnan(v) else repr(v) for v in row)])
    return out.getvalue()


DOUBLES = st.one_of(
    st.floats(),
    st.integers(0, 2**64 - 1).map(lambda n: struct.unpack("<d", struct.pack("<Q", n))[0]),
    st.integers(-(10**12), 10**12).map(float),
    st.sampled_from([0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e10, 9999999999.999998, 1e16]),
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 6).flatmap(
        lambda k: st.lists(
            st.tuples(st.lists(TEXTS, min_size=0, max_size=2), st.lists(DOUBLES, min_size=k, max_size=k)),
            min_size=1,
            max_size=8,
        )
    ),
    missing=st.sampled_from(["NA", "", "-", "n/a"]),
)  # fmt: skip
def test_the_arrow_writer_writes_the_bytes_of_the_csv_writer(
    rows: list[tuple[list[str], list[float]]], missing: str
) -> None:
    width = max(len(lead) for lead, _ in rows)
    texts = [lead + [""] * (width - len(lead)) for lead, _ in rows]
    numbers = np.array([values for _, values in rows], dtype=np.float64)
    header = [f"t{j}" for j in range(width)] + [
        "=x",
        *(f"n{j}" for j in range(numbers.shape[1] - 1)),
    ]
    out = io.StringIO()
    csv_table_write(out=out, header=header, texts=texts, numbers=numbers, missing=missing)
    assert out.getvalue() == _reference(header, texts, numbers, missing)


def test_the_arrow_writer_formats_a_million_doubles_as_python() -> None:
    rng = np.random.default_rng(18)
    bits = rng.integers(0, 2**64, 400_000, dtype=np.uint64, endpoint=False).view(np.float64)
    numbers = np.concatenate(
        [bits, rng.normal(50, 10, 300_000), np.round(rng.normal(0, 1e6, 150_000)),
         10.0 ** rng.uniform(-12, 20, 150_000)]
    ).reshape(-1, 100)  # fmt: skip
    texts = [[f"U{i}"] for i in range(numbers.shape[0])]
    header = ["uCode", *(f"c{j}" for j in range(100))]
    out = io.StringIO()
    csv_table_write(out=out, header=header, texts=texts, numbers=numbers)
    assert out.getvalue() == _reference(header, texts, numbers)


# --- the real tables of COINr's ASEM example ------------------------------------------------


TARIFF_FRACMAX = {
    "steps": [
        {"step": "normalise", "params": {"method": "minmax", "range": [0, 100],
                                          "indicators": {"Tariff": {"method": "fracmax"}}}},
        {"step": "aggregate"},
    ]
}  # fmt: skip


def test_asem_is_read_and_written_the_same_by_both_paths(shared_data: Path, tmp_path: Path) -> None:
    """COINr's ASEM tables; results with infinite and missing values (Tariff by fracmax)."""
    asem = shared_data / "coinr-asem"
    meta = meta_read(path=asem / "ASEM_iMeta.csv")
    data = data_read(path=asem / "ASEM_iData.csv", meta=meta, arrow=True)
    _same(data, data_read(path=asem / "ASEM_iData.csv", meta=meta, arrow=False))
    spec = pipeline_parse(raw=TARIFF_FRACMAX, framework=meta.framework)
    result = pipeline_run(data=data, framework=meta.framework, spec=spec).results
    assert np.isinf(result.values).any() and np.isnan(result.values).any()
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    results_write(path=a, data=result, framework=meta.framework, arrow=True)
    results_write(path=b, data=result, framework=meta.framework, arrow=False)
    assert a.read_bytes() == b.read_bytes()
    header, rows = table_read(path=a)
    assert header[:2] == ["uCode", "uName"] and len(rows) == 51
    assert ",inf," in a.read_text(encoding="utf-8")
