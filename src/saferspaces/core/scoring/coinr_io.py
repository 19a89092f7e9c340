"""COINr-style tables: read ``iData``/``iMeta`` CSV files, write results CSV.

``iMeta`` has one row per column of ``iData`` except ``uCode``, ``uName`` and ``Time``:
``Level, iCode, iName, Direction, Weight, Unit, Target, Denominator, Parent, Type`` (and an
optional ``Kind``, e.g. perception or status), with ``Type`` one of Indicator, Aggregate, Group,
Denominator, Other. Every problem is reported at once with its file, row and column.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from saferspaces.core.spreadsheets import csv_writer_open

from .data import Dataset, Framework, Node, dataset_build, framework_build
from .errors import DataError, Problem

MISSING = ("", "NA", "NaN", "nan", "N/A", "#N/A")
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")


@dataclass(frozen=True)
class MetaTable:
    framework: Framework
    groups: tuple[str, ...]
    denominators: tuple[str, ...]
    others: tuple[str, ...]


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise DataError([Problem(f"cannot read file: {exc.strerror}", file=str(path))]) from None
    except UnicodeDecodeError:
        raise DataError([Problem("file is not UTF-8 text", file=str(path))]) from None
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
    dup = sorted({h for h in header if header.count(h) > 1})
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


def data_read(*, path: Path, meta: MetaTable) -> Dataset:
    """Read an iData CSV described by ``meta``; every bad cell is reported."""
    src = str(path)
    header, rows = _read_rows(path)
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
    dup = sorted({h for h in header if header.count(h) > 1})
    problems.extend(Problem("column name appears twice", file=src, row=1, column=h) for h in dup)
    for code in [*fw.indicators, *meta.groups, *meta.denominators]:
        if code not in header:
            problems.append(
                Problem("column described in iMeta is missing from the data", file=src, column=code)
            )
    if problems:
        raise DataError(problems)
    col = {h: k for k, h in enumerate(header)}
    body = [r for r in rows if any(c.strip() for c in r)]
    line_of = [i for i, r in enumerate(rows, start=2) if any(c.strip() for c in r)]

    def numeric_block(codes: Sequence[str]) -> np.ndarray:
        out = np.full((len(body), len(codes)), np.nan)
        for j, code in enumerate(codes):
            k = col[code]
            for i, r in enumerate(body):
                raw = r[k] if k < len(r) else ""
                v = _number(raw)
                if v is None:
                    problems.append(
                        Problem(
                            f"not a number: {raw.strip()!r}", file=src, row=line_of[i], column=code
                        )
                    )
                else:
                    out[i, j] = v
        return out

    units: list[str] = []
    for i, r in enumerate(body):
        if len(r) != len(header):
            problems.append(
                Problem(
                    f"row has {len(r)} cells, the header has {len(header)}",
                    file=src,
                    row=line_of[i],
                )
            )
        u = r[col["uCode"]].strip() if col["uCode"] < len(r) else ""
        if not u:
            problems.append(Problem("empty uCode", file=src, row=line_of[i], column="uCode"))
        units.append(u)
    inds = list(fw.indicators)
    values = numeric_block(inds)
    dens = numeric_block(meta.denominators)
    times = numeric_block(["Time"])[:, 0] if "Time" in col else None
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
                    row=line_of[i],
                    column="uCode",
                    unit=u,
                )
            )
        else:
            seen[key] = line_of[i]
    if body and not problems:
        for j, code in enumerate(inds):
            if np.isnan(values[:, j]).all():
                problems.append(
                    Problem("indicator has no data", file=src, column=code, indicator=code)
                )
    if not body:
        problems.append(Problem("no data rows", file=src))
    if problems:
        raise DataError(problems)
    groups = {
        g: tuple((r[col[g]].strip() if col[g] < len(r) else "") or None for r in body)
        for g in meta.groups
    }
    groups = {g: tuple(None if v in MISSING else v for v in vals) for g, vals in groups.items()}
    names = tuple(r[col["uName"]].strip() for r in body) if "uName" in col else None
    return dataset_build(
        units=units,
        codes=inds,
        values=values,
        groups=groups,
        denominators={d: dens[:, j] for j, d in enumerate(meta.denominators)},
        names=names,
        times=times if has_panel else None,
        source=src,
    )


def _fmt(v: float) -> str:
    return "NA" if math.isnan(v) else repr(float(v))


def results_write(*, path: Path, data: Dataset, framework: Framework) -> None:
    """Write one row per unit: ``uCode`` (``uName``, ``Time`` if known), then every code."""
    order = [c for c in (*framework.indicators, *framework.aggregates()) if c in data.codes]
    idx = [data.index(c) for c in order]
    head = (
        ["uCode"]
        + (["uName"] if data.names is not None else [])
        + (["Time"] if data.times is not None else [])
    )
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv_writer_open(out=fh)
        w.writerow([*head, *order])
        for i, u in enumerate(data.units):
            lead = [u]
            if data.names is not None:
                lead.append(data.names[i])
            if data.times is not None:
                lead.append(_fmt(float(data.times[i])))
            w.writerow([*lead, *(_fmt(float(data.values[i, j])) for j in idx)])


def table_read(*, path: Path) -> tuple[list[str], dict[str, dict[str, float]]]:
    """Read a results-style CSV (``uCode`` + numeric columns) as ``{uCode: {code: value}}``."""
    header, rows = _read_rows(path)
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
