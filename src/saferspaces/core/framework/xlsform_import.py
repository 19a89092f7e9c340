"""Import an XLSForm back into a framework edition: ``xlsform_import``.

Reads the standard columns (type, name, label/hint per language, choices) and the custom ``ss_*``
columns and ``saferspaces`` sheet written by the export, rebuilds the edition's plain data and
runs the same validation as for YAML files: every problem is reported with sheet and row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from saferspaces.core.filetypes import signature_of
from saferspaces.core.framework.errors import FrameworkValidationError, Problem
from saferspaces.core.framework.expression import ExpressionError, calculation_from_xpath
from saferspaces.core.framework.loader import edition_from_data
from saferspaces.core.framework.model import FORMAT_V1, Edition
from saferspaces.core.framework.xlsform_common import (
    CHECKLIST_GROUP,
    COL_ANSWER,
    COL_CALCULATE,
    COL_CONTENT,
    COL_DIRECTION,
    COL_GUIDANCE,
    COL_KIND,
    COL_MAX,
    COL_MIN,
    COL_RELEVANT,
    COL_ROLE,
    COL_SCORE,
    COL_SCORES,
    COL_SCORING,
    COL_SDG,
    COL_SECTION,
    COL_UNIT,
    COL_WEIGHT,
    LANG_SUFFIX_RE,
    META_SHEET,
    NOT_QUESTION_TYPES,
    STATUS_ANSWERED,
    STATUS_KIND,
    STATUS_LIST,
    STATUS_SUFFIX,
    YPN_LIST,
)
from saferspaces.core.framework.yamlsource import path_join as pj
from saferspaces.core.limits import EDITION_FILE_MAX_BYTES, InputError, LimitExceeded
from saferspaces.core.safeload.jsontext import json_loads
from saferspaces.core.safeload.sheets import sheet_header, sheet_rows, workbook_open
from saferspaces.core.safeload.text import file_read, size_text

_FROM_XLSFORM_TYPE = {
    "decimal": "number",
    "integer": "number",
    "text": "text",
    "select_one": "single_choice",
    "select_multiple": "multiple_choice",
}


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}

    def add(self, sheet: str, row: int | None, message: str, path: str = "") -> None:
        self.problems.append(Problem(f"{self.name} [{sheet}]", path, row, message))

    def json(self, sheet: str, row: int, column: str, raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        try:
            return json_loads(text=str(raw), where=column)
        except json.JSONDecodeError as exc:
            self.add(sheet, row, f"column {column}: invalid JSON ({exc.msg})")
        except LimitExceeded as exc:
            self.add(sheet, row, f"column {column}: {exc.message}")
        return None


def _rows(ws: Any, name: str) -> list[tuple[int, dict[str, Any]]]:
    where = f"{name} [{ws.title}]"
    header = sheet_header(ws, where=where)
    names = [str(h).strip() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    out = []
    for i, values in sheet_rows(ws, where=where, width=len(names)):
        record = {
            n: v for n, v in zip(names, values, strict=False) if n and v is not None and v != ""
        }
        if record:
            out.append((i, record))
    return out


def _problem(error: InputError, name: str, prefix: str = "") -> Problem:
    """A bounded reader's error as a problem of the file (its sheet and row when known)."""
    file = error.where or name
    if error.column is not None:
        prefix += f"column {error.column}: "
    return Problem(file, "", error.row or error.line, prefix + error.message)


def _content(path: Path | str | None, stream: IO[bytes] | None, name: str) -> bytes:
    """The bytes of the workbook, refused beyond the size of an edition file."""
    if path is not None:
        return file_read(path=path, max_bytes=EDITION_FILE_MAX_BYTES, where=name)
    assert stream is not None
    content = stream.read(EDITION_FILE_MAX_BYTES + 1)
    if len(content) > EDITION_FILE_MAX_BYTES:
        raise LimitExceeded(
            f"the file is larger than {size_text(EDITION_FILE_MAX_BYTES)}", where=name
        )
    return content


def _texts(record: dict[str, Any], prefix: str) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for key, value in record.items():
        if key == prefix:
            out.setdefault("en", str(value))
        elif key.startswith(prefix + "::"):
            m = LANG_SUFFIX_RE.search(key)
            lang = m.group(1) if m else key.split("::", 1)[1].strip().lower()
            out[lang] = str(value)
    return out or None


def xlsform_import(
    *, path: Path | str | None = None, stream: IO[bytes] | None = None, file: str | None = None
) -> Edition:
    """Read an XLSForm (from ``path`` or a binary ``stream``) into a validated :class:`Edition`.

    Raises :class:`FrameworkValidationError` with every problem (sheet and row in ``file``).
    """
    name = file or (str(path) if path is not None else "<xlsform>")
    if path is not None:  # read the file by its content, whatever its name or extension
        try:
            fh = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise FrameworkValidationError(
                [Problem(name, "", None, f"cannot read the file: {exc.strerror or exc}")]
            ) from None
        with fh:
            return xlsform_import(stream=fh, file=name)
    assert stream is not None, "give a path or a stream"
    _workbook_check(stream, name)
    reader = _Reader(name)
    try:
        wb = workbook_open(content=_content(None, stream, name), where=name)
    except OSError as exc:
        raise FrameworkValidationError(
            [Problem(name, "", None, f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    except InputError as exc:
        raise FrameworkValidationError(
            [_problem(exc, name, "cannot read the workbook: ")]
        ) from None
    try:
        sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}
        for required in ("survey", META_SHEET):
            if required not in sheets:
                reader.add(required, None, f"the workbook has no {required!r} sheet")
        if reader.problems:
            raise FrameworkValidationError(reader.problems)
        choices = _choices(_rows(sheets["choices"], name) if "choices" in sheets else [])
        data = _meta(_rows(sheets[META_SHEET], name), reader)
        _survey(_rows(sheets["survey"], name), choices, data, reader)
    except InputError as exc:
        raise FrameworkValidationError([_problem(exc, name)]) from None
    finally:
        wb.close()
    if reader.problems:
        raise FrameworkValidationError(reader.problems)
    return edition_from_data(data=data, lines=reader.lines, file=f"{name} [survey]", source=name)


def _workbook_check(stream: IO[bytes], name: str) -> None:
    """Refuse, by its first bytes, a file that is not an Excel workbook, saying what it is."""
    start = stream.tell()
    head = stream.read(4096)
    stream.seek(start)
    if head.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head[:200]:
            what = "an OpenDocument spreadsheet (.ods)"
        elif b"word/" in head and b"xl/" not in head:
            what = "a Word document (.docx)"
        else:
            return  # a zip archive: openpyxl says what is missing if it is not a workbook
    elif (signature := signature_of(head)) is not None:
        what = signature[1]
    elif b"\0" not in head:
        what = "a text file (CSV or similar)"
    else:
        what = "a file of another kind"
    message = (
        f"it is {what}, not an Excel workbook: save it as an Excel workbook (.xlsx)"
        if head
        else "the file is empty"
    )
    raise FrameworkValidationError(
        [Problem(name, "", None, f"cannot read the workbook: {message}")]
    )


def _choices(rows: list[tuple[int, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for _, rec in rows:
        lst = rec.get("list_name") or rec.get("list name")
        if lst is None or "name" not in rec:
            continue
        out.setdefault(str(lst), []).append(
            {"name": rec["name"], "label": _texts(rec, "label"), "score": rec.get(COL_SCORE)}
        )
    return out


def _meta(rows: list[tuple[int, dict[str, Any]]], reader: _Reader) -> dict[str, Any]:
    values: dict[str, tuple[int, Any]] = {}
    for row, rec in rows:
        if "key" in rec:
            values[str(rec["key"])] = (row, rec.get("value"))
    edition: dict[str, Any] = {}
    for key in ("id", "date", "previous"):
        if key in values:
            edition[key] = str(values[key][1]) if values[key][1] is not None else None
    for key in ("title", "description", "changes"):
        if key in values and values[key][1] is not None:
            edition[key] = reader.json(META_SHEET, values[key][0], key, values[key][1])
    if "languages" in values and values["languages"][1]:
        edition["languages"] = str(values["languages"][1]).split()
    fmt = values.get("format", (0, None))[1]
    data: dict[str, Any] = {"format": fmt, "edition": edition}
    if "instrument" in values and values["instrument"][1] is not None:
        row, raw = values["instrument"]
        data["instrument"] = reader.json(META_SHEET, row, "instrument", raw)
    return {**data, "checklist": [], "dimensions": []}


def _container(
    stack: list[tuple[dict[str, Any], str, str]], data: dict[str, Any], kind: str
) -> tuple[list[Any], str]:
    """Where the next group (a ``dimension`` or a ``repeat``) goes: the list and its path."""
    if not stack:
        return data["dimensions"], "dimensions"
    parent, ppath, _ = stack[-1]
    key = "children" if kind == "dimension" else "repeats"
    parent.setdefault(key, [])
    return parent[key], pj(ppath, key)


def _survey(
    rows: list[tuple[int, dict[str, Any]]],
    choices: dict[str, list[dict[str, Any]]],
    data: dict[str, Any],
    reader: _Reader,
) -> None:
    # stack of (dimension or repeat dict, its path, "dimension" | "repeat")
    stack: list[tuple[dict[str, Any], str, str]] = []
    in_checklist = False
    v1 = data.get("format") in (None, FORMAT_V1)
    for row, rec in rows:
        xtype = str(rec.get("type", "")).strip()
        first = xtype.split()[0] if xtype else ""
        # "begin group" and "begin_group" are the same row; "end" alone is the end-time metadata
        structure = "_".join(xtype.lower().split())
        name = rec.get("name")
        if structure in ("begin_group", "begin_repeat"):
            if structure == "begin_repeat" and (v1 or not stack):
                where = "in a format-1 edition" if v1 else "outside a dimension group"
                reader.add("survey", row, f"repeats are not supported {where}")
                continue
            if name == CHECKLIST_GROUP and not stack:
                in_checklist = True
                continue
            group: dict[str, Any] = {"code": name, "title": _texts(rec, "label")}
            if structure == "begin_repeat":
                kind = "repeat"
                if (help_ := _texts(rec, "hint")) is not None:
                    group["help"] = help_
                for col, key in ((COL_MIN, "min"), (COL_MAX, "max")):
                    if col in rec:
                        group[key] = _int(rec[col])
            else:
                kind = "dimension"
                if not stack and COL_ROLE in rec:
                    group["role"] = rec[COL_ROLE]
                if (desc := _texts(rec, "hint")) is not None:
                    group["description"] = desc
                if content := reader.json("survey", row, COL_CONTENT, rec.get(COL_CONTENT)):
                    group["content"] = content
                if COL_WEIGHT in rec:
                    group["weight"] = rec[COL_WEIGHT]
            if kind == "dimension" and stack and stack[-1][2] == "repeat":
                reader.add("survey", row, f"group {name!r} is inside a repeat: not supported")
                continue
            container, cpath = _container(stack, data, kind)
            path = pj(cpath, len(container))
            container.append(group)
            reader.lines[path] = row
            stack.append((group, path, kind))
            continue
        if structure in ("end_group", "end_repeat"):
            if in_checklist and not stack:
                in_checklist = False
            elif stack:
                stack.pop()
            else:
                reader.add("survey", row, "end_group without begin_group")
            continue
        if not xtype:
            continue
        if first.lower() == "calculate" and not (COL_CALCULATE in rec or COL_KIND in rec):
            continue  # a foreign form's own calculation, not an item of the edition
        if first.lower() in NOT_QUESTION_TYPES - {"calculate"}:
            continue  # metadata (start, end, today, deviceid, ...) and form furniture
        if _is_status_field(xtype, name, rec):
            continue  # companion status field of the next question (answers only)
        if in_checklist and not stack:
            path = pj("checklist", len(data["checklist"]))
            item = _question(row, rec, choices, reader, checklist=True, v1=v1)
            data["checklist"].append(item)
        elif stack:
            holder, hpath, kind = stack[-1]
            key = "indicators" if kind == "dimension" else "items"
            holder.setdefault(key, [])
            path = pj(pj(hpath, key), len(holder[key]))
            holder[key].append(_question(row, rec, choices, reader, checklist=False, v1=v1))
        else:
            reader.add("survey", row, f"question {name!r} is outside any dimension group")
            continue
        _mark_lines(path, row, reader)
    if stack or in_checklist:
        reader.add("survey", None, "a begin_group has no matching end_group")


def _is_status_field(xtype: str, name: object, rec: dict[str, Any]) -> bool:
    if rec.get(COL_KIND) == STATUS_KIND:
        return True
    return xtype.split() == ["select_one", STATUS_LIST] and str(name).endswith(STATUS_SUFFIX)


def _own_relevant(rec: dict[str, Any]) -> str | None:
    """The question's own skip logic, without the condition on its companion status field."""
    relevant = str(rec.get("relevant") or "").strip()
    status = "${" + str(rec.get("name")) + STATUS_SUFFIX + "} = '" + STATUS_ANSWERED + "'"
    if relevant == status:
        return None
    if relevant.startswith(status + " and (") and relevant.endswith(")"):
        relevant = relevant[len(status) + len(" and (") : -1]
    return relevant or None


def _mark_lines(path: str, row: int, reader: _Reader) -> None:
    reader.lines[path] = row


def _question(
    row: int,
    rec: dict[str, Any],
    choices: dict[str, list[dict[str, Any]]],
    reader: _Reader,
    *,
    checklist: bool,
    v1: bool = True,
) -> dict[str, Any]:
    parts = str(rec["type"]).split()
    xtype = parts[0]
    lst = parts[1] if len(parts) > 1 else None
    q: dict[str, Any] = {"code": rec.get("name")}
    if checklist:
        q["section"] = rec.get(COL_SECTION)
    elif v1 or COL_KIND in rec:
        q["kind"] = rec.get(COL_KIND)
    q["question"] = _texts(rec, "label")
    if (help_ := _texts(rec, "hint")) is not None:
        q["help"] = help_
    if (content := reader.json("survey", row, COL_CONTENT, rec.get(COL_CONTENT))) is not None:
        q["content"] = content
    if xtype.lower() == "calculate":
        return _calculated(row, rec, q, reader)
    atype = rec.get(COL_ANSWER) or _FROM_XLSFORM_TYPE.get(xtype)
    if atype is None:
        reader.add("survey", row, f"question type {xtype!r} is not supported")
        atype = "text"
    if lst == YPN_LIST and COL_ANSWER not in rec:
        atype = "yes_partly_no"
    answer: dict[str, Any] = {"type": atype}
    if (unit := reader.json("survey", row, COL_UNIT, rec.get(COL_UNIT))) is not None:
        answer["unit"] = unit
    for col, key in ((COL_MIN, "min"), (COL_MAX, "max")):
        if col in rec:
            answer[key] = rec[col]
    if atype in ("likert", "single_choice", "multiple_choice"):
        options = choices.get(lst or "")
        if options is None:
            reader.add("choices", None, f"choice list {lst!r} of {rec.get('name')!r} is missing")
            options = []
        if atype == "likert":
            answer["scale"] = [{"value": _int(o["name"]), "label": o["label"]} for o in options]
        else:
            answer["choices"] = []
            for o in options:
                choice: dict[str, Any] = {"code": str(o["name"]), "label": o["label"]}
                if o["score"] is not None:
                    choice["score"] = o["score"]
                answer["choices"].append(choice)
    if (scores := reader.json("survey", row, COL_SCORES, rec.get(COL_SCORES))) is not None:
        answer["scores"] = scores
    q["answer"] = answer
    if not checklist:
        if COL_DIRECTION in rec:
            q["direction"] = rec[COL_DIRECTION]
        q["scoring"] = reader.json("survey", row, COL_SCORING, rec.get(COL_SCORING))
        if q["scoring"] is None:
            del q["scoring"]
        if COL_WEIGHT in rec:
            q["weight"] = rec[COL_WEIGHT]
    if (rel := reader.json("survey", row, COL_RELEVANT, rec.get(COL_RELEVANT))) is not None:
        q["relevant"] = rel
    elif (own := _own_relevant(rec)) is not None:
        reader.add(
            "survey",
            row,
            f"column {COL_RELEVANT} is needed to import the skip logic {own!r}",
        )
    if not checklist:
        if (g := reader.json("survey", row, COL_GUIDANCE, rec.get(COL_GUIDANCE))) is not None:
            q["guidance"] = g
        if COL_SDG in rec:
            q["sdg"] = str(rec[COL_SDG]).split()
    return q


def _calculated(
    row: int, rec: dict[str, Any], q: dict[str, Any], reader: _Reader
) -> dict[str, Any]:
    """A computed field: its expression from ``ss_calculate``, else read back from XPath."""
    if COL_CALCULATE in rec:
        q["calculate"] = str(rec[COL_CALCULATE])
    else:
        try:
            q["calculate"] = calculation_from_xpath(text=str(rec.get("calculation", ""))).source
        except ExpressionError as exc:
            reader.add(
                "survey",
                row,
                f"column {COL_CALCULATE} is needed to import the calculation "
                f"{rec.get('calculation')!r} ({exc})",
            )
    if COL_ANSWER in rec:
        answer: dict[str, Any] = {"type": rec[COL_ANSWER]}
        if (unit := reader.json("survey", row, COL_UNIT, rec.get(COL_UNIT))) is not None:
            answer["unit"] = unit
        for col, key in ((COL_MIN, "min"), (COL_MAX, "max")):
            if col in rec:
                answer[key] = rec[col]
        q["answer"] = answer
    return q


def _int(value: Any) -> Any:
    try:
        return int(str(value))
    except ValueError:
        return value
