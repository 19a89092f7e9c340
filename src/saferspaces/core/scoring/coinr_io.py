"""COINr-style tables: read ``iData``/``iMeta`` CSV files, write results CSV.

``iMeta`` has one row per column of ``iData`` except ``uCode``, ``uName`` and ``Time``:
``Level, iCode, iName, Direction, Weight, Unit, Target, Denominator, Parent, Type`` (and an
optional ``Kind``, e.g. perception or status), with ``Type`` one of Indicator, Aggregate, Group,
Denominator, Other. Every problem is reported at once with its file, row and column (up to
:data:`PROBLEMS_MAX` of them).

Both files are read within the limits of :mod:`saferspaces.core.limits` (size, line length,
cells). A big iData table is read by pyarrow (:mod:`.coinr_arrow`), which gives the same data
as the Python reader below for every valid file; a file with any problem is read by the Python
reader, which names every problem's row and column. Results are written by the product's CSV
writer, through pyarrow for big tables (:func:`saferspaces.core.spreadsheets.csv_table_write`).
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from saferspaces.core.limits import (
    FILE_MAX_BYTES,
    INDEX_TABLE_CELLS_MAX,
    INDEX_TABLE_MAX_BYTES,
    LINE_MAX_CHARS,
    TABLE_CELLS_MAX,
    InputError,
)

from .data import Dataset, Framework, Node, dataset_build, framework_build
from .errors import DataError, Problem

if TYPE_CHECKING:
    import numpy as np

MISSING = ("", "NA", "NaN", "nan", "N/A", "#N/A")
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
#: how many problems of the cells of one file are listed (a file of bad cells could list millions)
PROBLEMS_MAX = 1_000
#: iData files from this size on are read by pyarrow, and results of this many cells written by it
#: (below, importing pyarrow costs more than it saves)
ARROW_FROM_BYTES = 2 * 1024 * 1024
ARROW_FROM_CELLS = 100_000


@dataclass(frozen=True)
class MetaTable:
    framework: Framework
    groups: tuple[str, ...]
    denominators: tuple[str, ...]
    others: tuple[str, ...]


def _file_bytes(path: Path, max_bytes: int) -> bytes:
    from saferspaces.core.safeload.text import file_read

    try:
        return file_read(path=path, max_bytes=max_bytes)
    except OSError as exc:
        raise DataError([Problem(f"cannot read file: {exc.strerror}", file=str(path))]) from None
    except InputError as exc:
        raise DataError([Problem(exc.message, file=str(path))]) from None


def _records(content: bytes, src: str, max_cells: int) -> Iterator[list[str]]:
    """The records of a CSV file (the first is the header), read within the limits.

    The csv module's lenient reading is kept (a quote inside a cell is a character, text after
    a closing quote joins the cell), as the files were always read.
    """
    from saferspaces.core.safeload.text import csv_records

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError([Problem("file is not UTF-8 text", file=src)]) from None
    records = csv_records(
        text=text, delimiter=",", where=src, max_line=LINE_MAX_CHARS, max_cells=max_cells,
        strict=False,
    )  # fmt: skip
    try:
        for _line, record in records:
            yield record
    except InputError as exc:
        at = f"line {exc.line}: " if exc.line is not None else ""
        raise DataError([Problem(f"{at}{exc.message}", file=src)]) from None


def _read_rows(
    path: Path, *, max_bytes: int = FILE_MAX_BYTES, max_cells: int = TABLE_CELLS_MAX
) -> tuple[list[str], list[list[str]]]:
    rows = list(_records(_file_bytes(path, max_bytes), str(path), max_cells))
    if not rows:
        raise DataError([Problem("file is empty", file=str(path))])
    header = [h.strip() for h in rows[0]]
    return header, rows[1:]


def _number(cell: str) -> float | None:
    """Parse a numeric cell: float, NaN for missing, None when not a finite number."""
    s = cell.strip()
    if s in MISSING:
        return math.nan
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def meta_read(*, path: Path) -> MetaTable:
    """Read an iMeta CSV into a framework plus the names of group/denominator columns."""
    src = str(path)
    header, rows = _read_rows(path)
    problems: list[Problem] = []
    for col in ("iCode", "Type"):
        if col not in header:
            problems.append(Problem(f"required column {col!r} is missing", file=src, row=1))
    dup = sorted(h for h, n in Counter(header).items() if n > 1)
    problems.extend(Problem("column name appears twice", file=src, row=1, column=h) for h in dup)
    if problems:
        raise DataError(problems)
    mcol = {h: k for k, h in enumerate(header)}

    def cell(r: list[str], name: str) -> str:
        k = mcol.get(name)
        return r[k].strip() if k is not None and k < len(r) else ""

    nodes: list[Node] = []
    groups: list[str] = []
    dens: list[str] = []
    others: list[str] = []
    for i, r in enumerate(rows, start=2):
        if not any(c.strip() for c in r):
            continue
        code = cell(r, "iCode")
        typ = cell(r, "Type")
        if not code:
            problems.append(Problem("empty iCode", file=src, row=i, column="iCode"))
            continue
        if typ not in TYPES:
            problems.append(
                Problem(
                    f"unknown Type {typ!r}; expected one of {', '.join(TYPES)}",
                    file=src,
                    row=i,
                    column="Type",
                )
            )
            continue
        if typ == "Group":
            groups.append(code)
        elif typ == "Denominator":
            dens.append(code)
        elif typ == "Other":
            others.append(code)
        if typ not in ("Indicator", "Aggregate"):
            continue
        nums: dict[str, float] = {}
        for name, default, required in (
            ("Level", None, True),
            ("Direction", 1.0, False),
            ("Weight", 1.0, False),
            ("Target", None, False),
        ):
            raw = cell(r, name)
            v = _number(raw)
            if v is None:
                problems.append(Problem(f"not a number: {raw!r}", file=src, row=i, column=name))
                continue
            if math.isnan(v):
                if required:
                    problems.append(Problem("a value is required", file=src, row=i, column=name))
                    continue
                if default is None:
                    continue
                v = default
            nums[name] = v
        if "Level" not in nums:
            continue
        level = nums["Level"]
        if not level.is_integer() or level < 1:
            problems.append(
                Problem(
                    f"Level must be a whole number >= 1, got {level}",
                    file=src,
                    row=i,
                    column="Level",
                )
            )
            continue
        if typ == "Indicator" and level != 1:
            problems.append(
                Problem("an Indicator must be at Level 1", file=src, row=i, column="Level")
            )
        if typ == "Aggregate" and level < 2:
            problems.append(
                Problem("an Aggregate must be at Level 2 or above", file=src, row=i, column="Level")
            )
        direction = nums.get("Direction", 1.0)
        if direction not in (-1.0, 1.0):
            problems.append(
                Problem(
                    f"Direction must be 1 or -1, got {direction}",
                    file=src,
                    row=i,
                    column="Direction",
                )
            )
            direction = 1.0
        weight = nums.get("Weight", 1.0)
        if weight < 0:
            problems.append(
                Problem(f"Weight must be >= 0, got {weight}", file=src, row=i, column="Weight")
            )
        nodes.append(
            Node(
                code=code,
                level=int(level),
                parent=cell(r, "Parent") or None,
                direction=int(direction),
                weight=weight,
                name=cell(r, "iName"),
                kind=cell(r, "Kind") or None,
                target=nums.get("Target"),
                denominator=cell(r, "Denominator") or None,
                unit=cell(r, "Unit"),
            )
        )
    fw: Framework | None = None
    try:
        fw = framework_build(nodes, source=src)
    except DataError as exc:
        problems.extend(exc.problems)
    for n in nodes:
        if n.denominator and n.denominator not in dens:
            problems.append(
                Problem(
                    f"Denominator {n.denominator!r} is not a row of Type Denominator",
                    file=src,
                    indicator=n.code,
                )
            )
    if problems or fw is None:
        raise DataError(problems)
    return MetaTable(
        framework=fw, groups=tuple(groups), denominators=tuple(dens), others=tuple(others)
    )


def header_problems(*, header: Sequence[str], meta: MetaTable, src: str) -> list[Problem]:
    """What is wrong with the (stripped) header of an iData file described by ``meta``."""
    problems: list[Problem] = []
    fw = meta.framework
    known = {
        "uCode",
        "uName",
        "Time",
        *fw.indicators,
        *meta.groups,
        *meta.denominators,
        *meta.others,
    }
    if "uCode" not in header:
        problems.append(Problem("required column 'uCode' is missing", file=src, row=1))
    for h in header:
        if h not in known:
            if fw.has(h):
                problems.append(
                    Problem(
                        "aggregates are computed, not read: remove this column",
                        file=src,
                        row=1,
                        column=h,
                    )
                )
            else:
                problems.append(Problem("column not described in iMeta", file=src, row=1, column=h))
    dup = sorted(h for h, n in Counter(header).items() if n > 1)
    problems.extend(Problem("column name appears twice", file=src, row=1, column=h) for h in dup)
    present = set(header)
    for code in [*fw.indicators, *meta.groups, *meta.denominators]:
        if code not in present:
            problems.append(
                Problem("column described in iMeta is missing from the data", file=src, column=code)
            )
    return problems


def data_read(*, path: Path, meta: MetaTable, arrow: bool | None = None) -> Dataset:
    """Read an iData CSV described by ``meta``; every bad cell is reported.

    ``arrow`` chooses the reader of a valid file (None: pyarrow from :data:`ARROW_FROM_BYTES`
    on); both give the same data, and a file with problems is always read by Python.
    """
    src = str(path)
    content = _file_bytes(path, INDEX_TABLE_MAX_BYTES)
    if arrow if arrow is not None else len(content) >= ARROW_FROM_BYTES:
        from .coinr_arrow import data_arrow_read

        fast = data_arrow_read(content=content, src=src, meta=meta)
        if fast is not None:
            return fast
    return _data_python_read(content, src, meta)


class _Cells:
    """Numbers of some columns of iData, row after row, and the problems of their cells."""

    def __init__(self, codes: Sequence[str], cols: Sequence[int], src: str) -> None:
        self.codes = codes
        self.cols = cols
        self.src = src
        self.values = array("d")
        self.problems: dict[str, list[Problem]] = {c: [] for c in codes}
        self.count = 0

    def add(self, r: list[str], line: int) -> None:
        try:  # most rows hold numbers only: float() reads them as _number would
            row = [float(r[k]) for k in self.cols]
            total = sum(row)
            if total - total == 0.0:  # all finite (a NaN may be "NAN", which is not missing)
                self.values.extend(row)
                return
        except (ValueError, IndexError):
            pass
        n = len(r)
        for code, k in zip(self.codes, self.cols, strict=True):
            raw = r[k] if k < n else ""
            v = _number(raw)
            if v is None:
                if self.count < PROBLEMS_MAX:
                    self.problems[code].append(
                        Problem(
                            f"not a number: {raw.strip()!r}", file=self.src, row=line, column=code
                        )
                    )
                self.count += 1
                v = math.nan
            self.values.append(v)

    def matrix(self, rows: int) -> np.ndarray:
        import numpy as np

        return np.frombuffer(self.values, dtype=np.float64).reshape(rows, len(self.codes))

    def listed(self) -> list[Problem]:
        """The problems column by column, as the columns were always checked."""
        return [p for c in self.codes for p in self.problems[c]]


def _data_python_read(content: bytes, src: str, meta: MetaTable) -> Dataset:
    """The reference reader: one record at a time, every problem with its row and column."""
    import numpy as np

    records = _records(content, src, INDEX_TABLE_CELLS_MAX)
    first = next(records, None)
    if first is None:
        raise DataError([Problem("file is empty", file=src)])
    header = [h.strip() for h in first]
    problems = header_problems(header=header, meta=meta, src=src)
    if problems:
        raise DataError(problems)
    fw = meta.framework
    col = {h: k for k, h in enumerate(header)}
    inds = list(fw.indicators)
    cells = _Cells(inds, [col[c] for c in inds], src)
    dens = _Cells(meta.denominators, [col[c] for c in meta.denominators], src)
    time = _Cells(["Time"], [col["Time"]], src) if "Time" in col else None
    row_problems: list[Problem] = []
    units: list[str] = []
    lines: list[int] = []
    names: list[str] = []
    groups: dict[str, list[str | None]] = {g: [] for g in meta.groups}
    u_col, name_col = col["uCode"], col.get("uName")
    for line, r in enumerate(records, start=2):
        if not any(c.strip() for c in r):
            continue
        n = len(r)
        if n != len(header) and len(row_problems) < PROBLEMS_MAX:
            row_problems.append(
                Problem(f"row has {n} cells, the header has {len(header)}", file=src, row=line)
            )
        u = r[u_col].strip() if u_col < n else ""
        if not u and len(row_problems) < PROBLEMS_MAX:
            row_problems.append(Problem("empty uCode", file=src, row=line, column="uCode"))
        units.append(u)
        lines.append(line)
        cells.add(r, line)
        dens.add(r, line)
        if time is not None:
            time.add(r, line)
        if name_col is not None:
            names.append(r[name_col].strip() if name_col < n else "")
        for g, vals in groups.items():
            v = (r[col[g]].strip() if col[g] < n else "") or None
            vals.append(None if v in MISSING else v)
    problems = row_problems + cells.listed() + dens.listed()
    if time is not None:
        problems += time.listed()
    values = cells.matrix(len(units))
    den_values = dens.matrix(len(units))
    times = time.matrix(len(units))[:, 0] if time is not None else None
    has_panel = times is not None and len(
        {(u, t) for u, t in zip(units, times, strict=True)}
    ) != len(set(units))
    seen: dict[tuple[str, float], int] = {}
    for i, u in enumerate(units):
        key = (u, float(times[i]) if has_panel and times is not None else 0.0)
        if key in seen:
            problems.append(
                Problem(
                    f"unit code appears twice (first at row {seen[key]})",
                    file=src,
                    row=lines[i],
                    column="uCode",
                    unit=u,
                )
            )
        else:
            seen[key] = lines[i]
    if units and not problems:
        for j, code in enumerate(inds):
            if np.isnan(values[:, j]).all():
                problems.append(
                    Problem("indicator has no data", file=src, column=code, indicator=code)
                )
    if not units:
        problems.append(Problem("no data rows", file=src))
    dropped = cells.count + dens.count + (time.count if time is not None else 0)
    if len(problems) > PROBLEMS_MAX or dropped > PROBLEMS_MAX:
        problems = problems[:PROBLEMS_MAX]
        problems.append(Problem(f"more problems: the first {PROBLEMS_MAX:,} are listed", file=src))
    if problems:
        raise DataError(problems)
    return dataset_build(
        units=units,
        codes=inds,
        values=values,
        groups={g: tuple(v) for g, v in groups.items()},
        denominators={d: den_values[:, j] for j, d in enumerate(meta.denominators)},
        names=tuple(names) if name_col is not None else None,
        times=times if has_panel else None,
        source=src,
    )


def _fmt(v: float) -> str:
    return "NA" if math.isnan(v) else repr(float(v))


def results_write(
    *, path: Path, data: Dataset, framework: Framework, arrow: bool | None = None
) -> None:
    """Write one row per unit: ``uCode`` (``uName``, ``Time`` if known), then every code.

    Numbers are written as Python writes them (the shortest text that reads back to the same
    double), ``NA`` for a missing value. ``arrow`` chooses the writer (None: pyarrow from
    :data:`ARROW_FROM_CELLS` numbers on); both write the same bytes.
    """
    from saferspaces.core.spreadsheets import csv_table_write, csv_writer_open

    order = [c for c in (*framework.indicators, *framework.aggregates()) if c in data.codes]
    idx = [data.index(c) for c in order]
    head = (
        ["uCode"]
        + (["uName"] if data.names is not None else [])
        + (["Time"] if data.times is not None else [])
    )
    texts = []
    for i, u in enumerate(data.units):
        lead = [u]
        if data.names is not None:
            lead.append(data.names[i])
        if data.times is not None:
            lead.append(_fmt(float(data.times[i])))
        texts.append(lead)
    with path.open("w", encoding="utf-8", newline="") as fh:
        if arrow if arrow is not None else len(data.units) * len(idx) >= ARROW_FROM_CELLS:
            numbers = data.values[:, idx]
            csv_table_write(out=fh, header=[*head, *order], texts=texts, numbers=numbers)
            return
        w = csv_writer_open(out=fh)
        w.writerow([*head, *order])
        for i, lead in enumerate(texts):
            w.writerow([*lead, *(_fmt(float(data.values[i, j])) for j in idx)])


def table_read(*, path: Path) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Read a results-style CSV (``uCode`` + numeric columns) as ``{uCode: {code: value}}``."""
    header, rows = _read_rows(
        path, max_bytes=INDEX_TABLE_MAX_BYTES, max_cells=INDEX_TABLE_CELLS_MAX
    )
    out: dict[str, dict[str, float]] = {}
    k = header.index("uCode")
    for r in rows:
        vals: dict[str, float] = {}
        for h, c in zip(header, r, strict=False):
            if h in ("uCode", "uName"):
                continue
            v = _number(c)
            vals[h] = math.nan if v is None else v
        out[r[k]] = vals
    return header, out
