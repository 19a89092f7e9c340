"""Download names, how each file is produced, and which files are streamed.

A CSV table up to :data:`STREAM_MAX_BYTES` (estimated) is streamed by the request that asks for
it; every other file (Parquet, the XLSX workbook, the zip, a larger CSV) is made by a job on the
task queue (``exports.jobs``) and served from storage once made.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db import connection

from saferspaces.core.exports import (
    Table,
    codebook_about,
    codebook_json,
    table_csv_chunks,
    table_parquet_write,
    tables_xlsx_write,
)
from saferspaces.core.exports import writers as export_writers
from saferspaces.exports.selectors import TABLES, RoundExport

FORMATS = ("csv", "parquet", "xlsx", "zip")
# whole-round files: the XLSX workbook and a zip of every CSV
ALL = "all"
SPOOL_BYTES = 32 * 1024 * 1024
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
# rough bytes per CSV row, for the sizes shown and the streaming limit
BYTES_PER_ROW = {
    "answers": 95,
    "scores": 110,
    "background": 90,
    "codebook": 160,
    "idata": 1200,
    "imeta": 120,
}
# A CSV table estimated above this is made in the background instead of streamed. Measured on
# the 10,000-authority benchmark set (PostgreSQL, an unloaded core): scores.csv (12.8 MB) streamed
# in 5.3 s, about 2.4 MB/s with its database reads, and answers.csv (78 MB) took 27 s, too close
# to gunicorn's 30-second timeout. 10 MB take about 4 s, which leaves room for a loaded machine.
STREAM_MAX_BYTES = 10 * 1024 * 1024
# progress is reported every this many rows
PROGRESS_ROWS = 5000


@dataclass(frozen=True)
class Download:
    table: str  # a table name or ALL
    fmt: str

    @property
    def name(self) -> str:
        return f"{self.table}.{self.fmt}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]

    @property
    def tables(self) -> tuple[str, ...]:
        return TABLES if self.table == ALL else (self.table,)


def download_parse(filename: str) -> Download | None:
    """``answers.csv`` -> Download('answers', 'csv'); None for anything not offered."""
    table, dot, fmt = filename.rpartition(".")
    if not dot:
        return None
    if table == ALL and fmt in ("xlsx", "zip"):
        return Download(table, fmt)
    if table in TABLES and fmt in ("csv", "parquet"):
        return Download(table, fmt)
    return None


def offered() -> list[str]:
    return [f"{t}.{f}" for t in TABLES for f in ("csv", "parquet")] + ["all.xlsx", "all.zip"]


def csv_bytes(sizes: dict[str, int], table: str) -> int:
    """The estimated size of a table as CSV."""
    return sizes[table] * BYTES_PER_ROW[table] + 200


def streamed(download: Download, sizes: dict[str, int]) -> bool:
    """Whether the request streams this file (a CSV table up to the limit), rather than a job."""
    return download.fmt == "csv" and csv_bytes(sizes, download.table) <= STREAM_MAX_BYTES


def too_large_for_excel(sizes: dict[str, int]) -> list[str]:
    """The tables with more rows than an Excel sheet holds (header included)."""
    return [t for t in TABLES if sizes[t] + 1 > export_writers.XLSX_MAX_ROWS]


def parquet_metadata(export: RoundExport, table: str) -> dict[str, str]:
    book = list(export.codebook().rows)
    about = codebook_about(
        context=export.context,
        named=sum(u.named for u in export.units),
        units=len(export.units),
        left_out=export.coinr().left_out,
    )
    return {
        "saferspaces.table": table,
        **{f"saferspaces.{k}": v for k, v in about},
        "saferspaces.codebook": codebook_json(book),
    }


def _counted(table: Table, rows_done: Callable[[int], None] | None) -> Table:
    """The table, calling ``rows_done(n)`` every :data:`PROGRESS_ROWS` rows and at its end."""
    if rows_done is None:
        return table

    def rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        for row in table.rows:
            yield row
            n += 1
            if n == PROGRESS_ROWS:
                rows_done(n)
                n = 0
        rows_done(n)

    return Table(table.name, table.columns, rows())


def csv_chunks(
    export: RoundExport, table: str, *, rows_done: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The table ``table`` of ``export`` as CSV chunks: ``answers`` formatted by the database on
    PostgreSQL (``answers_copy``: the same bytes, in less than half the CPU), anything else and
    SQLite by the Python writer."""
    if table == "answers" and connection.vendor == "postgresql":
        from saferspaces.exports.answers_copy import answers_copy_chunks

        return answers_copy_chunks(export=export, rows_done=rows_done)
    return table_csv_chunks(table=_counted(export.table(table), rows_done))


def file_write(
    export: RoundExport,
    download: Download,
    *,
    rows_done: Callable[[int], None] | None = None,
) -> IO[bytes]:
    """Write a file to a temporary file (spooled to disk when large), read from its start.
    ``rows_done(n)`` is called as rows are written (for progress)."""
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    if download.fmt == "csv":
        for chunk in csv_chunks(export, download.table, rows_done=rows_done):
            out.write(chunk)
        out.seek(0)
        return out
    if download.fmt == "parquet":
        table_parquet_write(
            table=_counted(export.table(download.table), rows_done),
            out=out,
            metadata=parquet_metadata(export, download.table),
        )
    elif download.fmt == "xlsx":
        tables = [_counted(export.table(name), rows_done) for name in download.tables]
        tables_xlsx_write(tables=tables, out=out)
    elif download.fmt == "zip":
        # entries dated by the data, not by the download: the same data give the same zip
        stamp = export.context.data_as_of.timetuple()[:6]
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for name in download.tables:
                entry = zipfile.ZipInfo(f"{name}.csv", date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with z.open(entry, "w") as fh:
                    for chunk in csv_chunks(export, name, rows_done=rows_done):
                        fh.write(chunk)
    else:  # pragma: no cover - download_parse offers no other format
        raise ValueError(download.fmt)
    out.seek(0)
    return out
