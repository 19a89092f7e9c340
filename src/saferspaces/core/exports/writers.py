"""Writing tables: CSV (streamed in chunks), XLSX (openpyxl write-only) and Parquet (pyarrow,
in row-group batches). Memory stays bounded by one chunk or batch whatever the table's size.

Cells: a missing value is an empty CSV field, an empty XLSX cell and a Parquet null; booleans
are ``yes``/``no`` in CSV and XLSX and booleans in Parquet; numbers are written as Python's
shortest round-trip form. CSV and XLSX go through :mod:`saferspaces.core.spreadsheets`, so that
no text is ever a live formula there; Parquet keeps the typed raw values.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import IO, Any

from saferspaces.core.spreadsheets import csv_writer_open, workbook_create

from .errors import ExportError, Problem
from .model import Column, Table

CSV_CHUNK_ROWS = 2000
PARQUET_BATCH_ROWS = 50_000
XLSX_MAX_ROWS = 1_048_576


def cell_text(value: Any) -> str:
    """How a cell reads in CSV (and how tests compare read-back values)."""
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _bool_cells(columns: Sequence[Column]) -> list[int]:
    return [j for j, c in enumerate(columns) if c.type == "boolean"]


def _yes_no(rows: Iterable[tuple[Any, ...]], flags: list[int]) -> Iterator[Sequence[Any]]:
    if not flags:
        yield from rows
        return
    for r in rows:
        out = list(r)
        for j in flags:
            v = out[j]
            if v is not None:
                out[j] = "yes" if v else "no"
        yield out


def table_csv_chunks(*, table: Table, chunk_rows: int = CSV_CHUNK_ROWS) -> Iterator[bytes]:
    """The table as UTF-8 CSV (header first), in chunks of about ``chunk_rows`` rows."""
    buf = io.StringIO()
    w = csv_writer_open(out=buf)
    w.writerow(table.header)
    rows = _yes_no(table.rows, _bool_cells(table.columns))
    while True:
        batch = list(islice(rows, chunk_rows))
        w.writerows(batch)
        text = buf.getvalue()
        if text:
            yield text.encode("utf-8")
        buf.seek(0)
        buf.truncate(0)
        if len(batch) < chunk_rows:
            return


def tables_xlsx_write(*, tables: Sequence[Table], out: IO[bytes]) -> None:
    """One sheet per table (sheet name = table name) in a write-only workbook."""
    wb = workbook_create(write_only=True)
    for table in tables:
        ws = wb.sheet(title=table.name[:31])
        ws.append(list(table.header))
        flags = _bool_cells(table.columns)
        n = 1
        for row in _yes_no(table.rows, flags):
            n += 1
            if n > XLSX_MAX_ROWS:
                raise ExportError(
                    [
                        Problem(
                            f"more than {XLSX_MAX_ROWS:,} rows do not fit in a sheet; "
                            "download CSV or Parquet instead",
                            table=table.name,
                        )
                    ]
                )
            ws.append(list(row))
    wb.save(out=out)


PARQUET_TYPES = ("string", "integer", "number", "boolean")


def parquet_schema(*, columns: Sequence[Column], metadata: Mapping[str, str]) -> Any:
    import pyarrow as pa

    kinds = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
    }
    fields = [
        pa.field(c.name, kinds[c.type], nullable=True, metadata={"label_en": c.label.get("en", "")})
        for c in columns
    ]
    return pa.schema(fields, metadata={k.encode(): v.encode() for k, v in metadata.items()})


def table_parquet_write(
    *,
    table: Table,
    out: IO[bytes],
    metadata: Mapping[str, str],
    batch_rows: int = PARQUET_BATCH_ROWS,
) -> None:
    """Write ``table`` to ``out`` in row groups of ``batch_rows`` rows, with ``metadata`` as the
    file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(columns=table.columns, metadata=metadata)
    rows = iter(table.rows)
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        wrote = False
        while True:
            batch = list(islice(rows, batch_rows))
            if not batch and wrote:
                return
            cols = list(zip(*batch, strict=True)) if batch else [()] * len(table.columns)
            arrays = [pa.array(list(col), type=schema.field(j).type) for j, col in enumerate(cols)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            wrote = True
            if len(batch) < batch_rows:
                return


def codebook_json(rows: Iterable[tuple[Any, ...]]) -> str:
    """Codebook rows as compact JSON (for Parquet metadata)."""
    return json.dumps([list(r) for r in rows], ensure_ascii=False, separators=(",", ":"))
