"""Hostile COINr tables for ``index build`` (issue 18): part of the corpus of ``hostile_corpus.py``.

The iData files carry the header of :data:`INDEX_META` (a valid iMeta of three indicators,
written as ``index-meta.csv``), so that each is refused for its own fault, not for its columns:
a cell over the csv module's field limit (a traceback before issue 18), a line over
``LINE_MAX_CHARS``, more cells than ``INDEX_TABLE_CELLS_MAX``, a file over
``INDEX_TABLE_MAX_BYTES`` (sparse: nothing is written to disk), mixed encodings, a quoted cell cut
short. The iMeta files go beyond the smaller limits of a metadata table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hostile_corpus import MB, Hostile

#: a valid iMeta: three indicators in one pillar, one index
INDEX_META = (
    "Level,iCode,iName,Direction,Weight,Parent,Type\r\n"
    "1,a,A,1,1,P,Indicator\r\n1,b,B,1,1,P,Indicator\r\n1,c,C,-1,1,P,Indicator\r\n"
    "2,P,Pillar,1,1,IDX,Aggregate\r\n3,IDX,Index,1,1,,Aggregate\r\n"
)
IDATA_HEADER = b"uCode,uName,a,b,c\r\n"


def _meta(path: Path) -> None:
    path.write_text(INDEX_META, encoding="utf-8", newline="")


def _cell_200k(path: Path) -> None:
    """A unit name of 200,000 characters: over the csv module's limit of 131,072."""
    path.write_bytes(IDATA_HEADER + b"U1,Name,1,2,3\r\nU2," + b"n" * 200_000 + b",1,2,3\r\n")


def _line_4mb(path: Path) -> None:
    """A second line of two million short cells (4 MB), beyond LINE_MAX_CHARS."""
    path.write_bytes(IDATA_HEADER + b"U1,Name" + b",1" * (2 * MB) + b"\r\n")


def _many_cells(path: Path) -> None:
    """2.1 million rows of five cells (about 30 MB): more than INDEX_TABLE_CELLS_MAX cells."""
    with path.open("wb") as fh:
        fh.write(IDATA_HEADER)
        block = b"".join(b"U%07d,n,1,2,3\r\n" % i for i in range(100_000))
        for _ in range(21):
            fh.write(block)


def _sparse(size: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as fh:
            fh.write(IDATA_HEADER)
            fh.truncate(size)  # a hole: the file has this size without holding it on disk

    return write


def _latin1(path: Path) -> None:
    path.write_bytes(IDATA_HEADER + b"U1,S\xc3\xa9ville,1,2,3\r\nU2,M\xe1laga,1,2,3\r\n")


def _cut_in_quote(path: Path) -> None:
    path.write_bytes(IDATA_HEADER + b'U1,Name,1,2,3\r\nU2,"Name, cut short')


def _meta_many_cells(path: Path) -> None:
    """An iMeta of 2.2 million cells (4.4 MB): more than a metadata table may hold."""
    row = b",".join([b"1"] * 100) + b"\r\n"
    path.write_bytes(INDEX_META.encode() + row * 22_000)


IDATA: tuple[Hostile, ...] = (
    Hostile("idata-cell-200k.csv", "idata", _cell_200k, r"line 3: a cell is longer than 131,072"),
    Hostile(
        "idata-line-4mb.csv", "idata", _line_4mb, r"line 2: the line is [\d,]+ characters long"
    ),
    Hostile("idata-many-cells.csv", "idata", _many_cells, r"more than 10,000,000 cells"),
    Hostile(
        "idata-300mb.csv", "idata", _sparse(300 * MB), r"the file is 300 MB; the limit is 256 MB"
    ),
    Hostile("idata-latin1.csv", "idata", _latin1, r"not UTF-8"),
    Hostile(
        "idata-cut-in-quote.csv",
        "idata",
        _cut_in_quote,
        r"row 3: row has 2 cells, the header has 5",
    ),
)
IMETA: tuple[Hostile, ...] = (
    Hostile("imeta-many-cells.csv", "imeta", _meta_many_cells, r"more than 1,000,000 cells"),
)
#: the valid iMeta the iData files are read with
META = Hostile("index-meta.csv", "imeta", _meta, "")
