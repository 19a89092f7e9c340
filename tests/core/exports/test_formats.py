"""Every table written as CSV, XLSX and Parquet reads back as what was built; the codebook
describes every column; coded units are not named anywhere; nothing holds a rank."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from saferspaces.core.exports import (
    codebook_json,
    table_csv_chunks,
    table_parquet_write,
    tables_xlsx_write,
)

from .helpers import CITY_NAMES, KEY, as_text, csv_read, round_build

TABLES = ("answers", "scores", "background", "idata", "imeta", "codebook")


@pytest.fixture(scope="module")
def rnd():  # type: ignore[no-untyped-def]
    return round_build(n=8, published=(0,))


def _rows(rnd: Any, name: str) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    t = rnd.tables()[name]
    return t.header, list(t.rows)


@pytest.mark.parametrize("name", TABLES)
def test_csv_reads_back(rnd: Any, name: str) -> None:
    header, rows = _rows(rnd, name)
    data = b"".join(table_csv_chunks(table=rnd.tables()[name], chunk_rows=7))
    back = csv_read(data)
    assert back[0] == list(header)
    assert back[1:] == [as_text(r) for r in rows]
    data.decode("utf-8")  # UTF-8 throughout


def test_xlsx_workbook_reads_back(rnd: Any) -> None:
    buf = io.BytesIO()
    tables = rnd.tables()
    tables_xlsx_write(tables=list(tables.values()), out=buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()), read_only=True)
    assert wb.sheetnames == list(TABLES)
    for name in TABLES:
        header, rows = _rows(rnd, name)
        got = list(wb[name].iter_rows(values_only=True))
        assert list(got[0]) == list(header)
        want = [[("yes" if v else "no") if isinstance(v, bool) else v for v in r] for r in rows]
        width = len(header)  # read-only mode drops trailing empty cells
        back = [list(r) + [None] * (width - len(r)) for r in got[1:]]
        assert len(back) == len(want)
        for b, w in zip(back, want, strict=True):
            # Excel keeps 15 significant digits
            assert b == [pytest.approx(v, rel=1e-13) if isinstance(v, float) else v for v in w]


@pytest.mark.parametrize("name", TABLES)
def test_parquet_reads_back_with_types_and_codebook(rnd: Any, name: str) -> None:
    header, rows = _rows(rnd, name)
    cb_rows = list(rnd.tables()["codebook"].rows)
    buf = io.BytesIO()
    meta = {"saferspaces.table": name, "saferspaces.codebook": codebook_json(cb_rows)}
    table_parquet_write(table=rnd.tables()[name], out=buf, metadata=meta, batch_rows=5)
    pf = pq.ParquetFile(io.BytesIO(buf.getvalue()))
    assert pf.metadata.num_row_groups == max(1, math.ceil(len(rows) / 5))
    t = pf.read()
    assert tuple(t.column_names) == header
    back = [tuple(r.values()) for r in t.to_pylist()]
    assert back == [tuple(r) for r in rows]
    kv = t.schema.metadata
    assert kv[b"saferspaces.table"].decode() == name
    assert json.loads(kv[b"saferspaces.codebook"]) == [list(r) for r in cb_rows]
    types = {c.name: c.type for c in rnd.tables()[name].columns}
    arrow = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool"}
    for f in t.schema:
        assert str(f.type) == arrow[types[f.name]]


def test_empty_table_still_writes_its_schema(rnd: Any) -> None:
    from saferspaces.core.exports import background_table

    t = background_table(units=(), profile_of=lambda u: None)
    buf = io.BytesIO()
    table_parquet_write(table=t, out=buf, metadata={})
    assert pq.read_table(io.BytesIO(buf.getvalue())).num_rows == 0
    assert csv_read(b"".join(table_csv_chunks(table=t))) == [list(t.header)]


def test_codebook_covers_every_column_and_question(rnd: Any) -> None:
    tables = rnd.tables()
    cb = list(tables["codebook"].rows)
    described = {(r[1], r[2]) for r in cb if r[0] == "column"}
    for name, t in tables.items():
        if name == "codebook":
            continue
        for col in t.columns:
            assert (name, col.name) in described
    for r in cb:
        if r[0] == "column":
            assert r[3] and r[4] and r[5] in ("string", "integer", "number", "boolean")
    questions = {r[2] for r in cb if r[0] == "question"}
    _, answers = _rows(rnd, "answers")
    assert {r[1] for r in answers} == questions
    about = {r[2]: r[8] for r in cb if r[0] == "about"}
    c = rnd.context
    assert about["edition_id"] == c.edition.id and about["edition_sha256"] == c.edition_sha256
    assert about["pipeline_name"] == c.pipeline_name
    assert about["pipeline_sha256"] == c.pipeline_sha256
    assert about["anonymisation_rule"] == "published_named" and "coded" in about["anonymisation"]
    assert about["named_units"] == "1" and about["units"] == "8"


def test_answers_one_row_per_unit_and_question_sorted_by_unit_code(rnd: Any) -> None:
    _, rows = _rows(rnd, "answers")
    codes = [r[0] for r in rows]
    assert codes == sorted(codes)
    n_questions = len({r[1] for r in rows})
    assert len(rows) == 8 * n_questions
    numeric = [r for r in rows if r[4] in ("number", "percentage", "likert") and r[5] == "answered"]
    assert numeric and all(isinstance(r[7], float) for r in numeric)
    assert all(r[7] is None for r in rows if r[4] in ("single_choice", "yes_partly_no"))
    multi = [r for r in rows if r[4] == "multiple_choice" and r[5] == "answered"]
    assert multi and all(r[7] is None and r[6] for r in multi)
    pre = [r for r in rows if r[9]]
    assert len(pre) == 8 and all(r[10] == "urb_percep" and r[11] == "2019" for r in pre)


def test_coded_units_are_not_named_anywhere(rnd: Any) -> None:
    named = [u for u in rnd.units if u.named]
    coded = [u for u in rnd.units if not u.named]
    assert len(named) == 1 and named[0].unit.authority == 101
    everything = b"".join(
        b"".join(table_csv_chunks(table=t)) for t in rnd.tables().values()
    ).decode()
    for u in coded:
        assert u.unit.name not in everything
        assert u.code in everything
    assert "BE001C" not in everything  # open-data place codes never exported
    assert named[0].unit.name in everything
    _, bg = _rows(rnd, "background")
    by_code = {r[0]: r for r in bg}
    n = by_code[named[0].code]
    assert n[1] is True and n[2] == named[0].unit.name and n[3] == "BE" and n[4] == "FR100"
    assert n[8] == 123_456.0  # named: exact
    for u in coded:
        r = by_code[u.code]
        assert r[1] is False and r[2] is None and r[3] is None and r[4] is None
        assert r[8] == 120_000.0  # coded: 2 significant digits
    _, answers = _rows(rnd, "answers")
    comments = [r for r in answers if r[8]]
    assert comments and {r[0] for r in comments} == {named[0].code}
    assert all(r[6] is None for r in answers if r[4] == "text" and r[0] != named[0].code)
    _, idata = _rows(rnd, "idata")
    names = {r[0]: r[1] for r in idata}
    assert names[named[0].code] == named[0].unit.name
    assert all(names[u.code] == u.code for u in coded)


def test_codes_are_the_same_in_every_export(rnd: Any) -> None:
    again = round_build(n=8, published=(0,))
    assert [u.code for u in again.units] == [u.code for u in rnd.units]
    assert KEY  # the same key gives the same codes


def test_no_rank_anywhere(rnd: Any) -> None:
    for t in rnd.tables().values():
        for col in t.columns:
            text = " ".join([col.name, *col.label.values(), col.allowed]).lower()
            assert "rank" not in text and "classement" not in text
    blob = b"".join(table_csv_chunks(table=rnd.tables()["codebook"])).decode().lower()
    assert "rank" not in blob and "classement" not in blob
    assert not any(n in blob for n in (c.lower() for c in CITY_NAMES[1:]))
