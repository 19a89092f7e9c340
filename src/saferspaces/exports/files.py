"""Download names and how each is produced (the views pick one of these by its file name)."""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO

from saferspaces.core.exports import (
    codebook_about,
    codebook_json,
    table_csv_chunks,
    table_parquet_write,
    tables_xlsx_write,
)
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


@dataclass(frozen=True)
class Download:
    table: str  # a table name or ALL
    fmt: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]


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


def file_write(export: RoundExport, download: Download) -> IO[bytes]:
    """Write a non-streamed download to a temporary file (spooled to disk when large)."""
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    if download.fmt == "parquet":
        table_parquet_write(
            table=export.table(download.table),
            out=out,
            metadata=parquet_metadata(export, download.table),
        )
    elif download.fmt == "xlsx":
        tables_xlsx_write(tables=export.tables(), out=out)
    elif download.fmt == "zip":
        # entries dated by the data, not by the download: the same data give the same zip
        stamp = export.context.data_as_of.timetuple()[:6]
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for table in export.tables():
                entry = zipfile.ZipInfo(f"{table.name}.csv", date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with z.open(entry, "w") as fh:
                    for chunk in table_csv_chunks(table=table):
                        fh.write(chunk)
    else:  # pragma: no cover - CSV is streamed by the view
        raise ValueError(download.fmt)
    out.seek(0)
    return out
