"""Build real answer files the way people and tools write them (no data here, only writers).

Templates come from the production code; they are filled with openpyxl or the csv module like
a person in Excel would, and submission exports are built from the edition's real XLSForm with
the headers KoboToolbox and ODK Central write (see docs/answer-files.md for the sources).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from saferspaces.core.framework import Edition, edition_load
from saferspaces.core.framework.xlsform_export import xlsform_export

REPO = Path(__file__).resolve().parents[3]
FIRST_EDITION = REPO / "src" / "saferspaces" / "frameworks" / "editions" / "ssf-2026.1.yaml"
ANSWER_COLUMNS = (
    "code",
    "dimension",
    "question",
    "answer_type",
    "allowed",
    "status",
    "answer",
    "comment",
    "evidence_source",
    "evidence_year",
    "evidence_url",
)

Fill = Mapping[str, Mapping[str, Any]]  # code -> column -> value


@cache
def first_edition() -> Edition:
    return edition_load(path=FIRST_EDITION)


def xlsx_fill(
    template: bytes, fill: Fill, *, extra_rows: Sequence[Mapping[str, Any]] = ()
) -> bytes:
    """Type values into the template's answers sheet, as a person would in Excel."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb["answers"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for code, values in fill.items():
        for name, value in values.items():
            ws.cell(row=rows[code], column=col[name], value=value)
    for extra in extra_rows:
        r = ws.max_row + 1
        for name, value in extra.items():
            ws.cell(row=r, column=col[name], value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_row_of(content: bytes, code: str) -> int:
    ws = load_workbook(io.BytesIO(content), read_only=True)["answers"]
    for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row and row[0] == code:
            return i
    raise KeyError(code)


def csv_fill(
    template: bytes,
    fill: Fill,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
    extra_rows: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    """Fill the CSV template and save it as Excel would: ``;`` and cp1252 in a French Excel,
    ``,`` and UTF-8 with BOM for "CSV UTF-8", UTF-16 with tabs for "Unicode text"."""
    rows = list(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    header = rows[0]
    by_code = {r[0]: r for r in rows[1:]}
    for code, values in fill.items():
        for name, value in values.items():
            by_code[code][header.index(name)] = "" if value is None else str(value)
    for extra in extra_rows:
        row = [""] * len(header)
        for name, value in extra.items():
            row[header.index(name)] = str(value)
        rows.append(row)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def csv_row_of(content: bytes, code: str) -> int:
    text = content.decode("utf-8-sig")
    for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if row and row[0] == code:
            return i
    raise KeyError(code)


# --- XLSForm submission exports -------------------------------------------------------------


def form_fields(edition: Edition) -> list[tuple[tuple[str, ...], str, str]]:
    """(group path, name, xlsform type) of every field of the edition's real XLSForm."""
    buf = io.BytesIO()
    xlsform_export(edition=edition, out=buf)
    buf.seek(0)
    ws = load_workbook(buf, read_only=True)["survey"]
    rows = ws.iter_rows(values_only=True)
    header = [str(h) for h in next(rows)]
    t, n = header.index("type"), header.index("name")
    path: list[str] = []
    out = []
    for row in rows:
        xtype, name = str(row[t] or ""), row[n]
        if xtype == "begin_group":
            path.append(str(name))
        elif xtype == "end_group":
            path.pop()
        elif xtype:
            out.append((tuple(path), str(name), xtype))
    return out


KOBO_META = (
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)
ODK_CENTRAL_META = (
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)


def _choices(edition: Edition, name: str) -> list[str]:
    q = edition.questions()[name]
    return [c.code for c in q.answer.choice_options()]


def kobo_table(
    edition: Edition, submissions: Sequence[Mapping[str, Any]], *, groups: bool = True
) -> list[list[Any]]:
    """KoboToolbox export, "XML values and headers", groups in headers with '/', select
    many as "single and separate columns" (the summary column, then one 0/1 column each)."""
    header: list[str] = ["start", "end"]
    cells: list[tuple[str, str | None]] = [("start", None), ("end", None)]
    for path, name, xtype in form_fields(edition):
        full = "/".join((*path, name)) if groups else name
        header.append(full)
        cells.append((name, None))
        if xtype.startswith("select_multiple"):
            for choice in _choices(edition, name):
                header.append(f"{full}/{choice}")
                cells.append((name, choice))
    header += list(KOBO_META)
    cells += [(m, None) for m in KOBO_META]
    table: list[list[Any]] = [header]
    for k, sub in enumerate(submissions, start=1):
        row: list[Any] = []
        for name, choice in cells:
            value = sub.get(name)
            if choice is not None:
                chosen = str(value or "").split()
                row.append(("1" if choice in chosen else "0") if value else "")
            elif name == "_index":
                row.append(k)
            else:
                row.append("" if value is None else value)
        table.append(row)
    return table


def odk_central_table(
    edition: Edition, submissions: Sequence[Mapping[str, Any]]
) -> list[list[Any]]:
    """ODK Central CSV export: SubmissionDate, fields with '-' group paths, meta-instanceID,
    then KEY and Central's own columns (as in central-backend's lib/data/briefcase.js)."""
    header = ["SubmissionDate"]
    names = ["SubmissionDate"]
    for path, name, _ in form_fields(edition):
        header.append("-".join((*path, name)))
        names.append(name)
    header.append("meta-instanceID")
    names.append("instanceID")
    header += list(ODK_CENTRAL_META)
    names += list(ODK_CENTRAL_META)
    table: list[list[Any]] = [header]
    for sub in submissions:
        values = dict(sub)
        values.setdefault("KEY", values.get("instanceID"))
        table.append(["" if values.get(n) is None else values.get(n) for n in names])
    return table


def table_csv(table: Sequence[Sequence[Any]], *, delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    return buf.getvalue().encode("utf-8")


def table_xlsx(
    table: Sequence[Sequence[Any]], *, sheet: str, more_sheets: Sequence[str] = ()
) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for row in table:
        ws.append(list(row))
    for name in more_sheets:
        wb.create_sheet(name).append(["_index", "_parent_index"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
