"""Export an edition as an XLSForm (survey, choices, settings): ``xlsform_export``.

Standard columns (type, name, label/hint per language, relevant, constraint) let KoboToolbox or
ODK field the form; custom ``ss_*`` columns and the ``saferspaces`` sheet carry what XLSForm has
no place for (kinds, directions, weights, scoring, guidance), so that the import gives the same
edition back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from saferspaces.core.framework.answers import STATUS_LABELS
from saferspaces.core.framework.dump import (
    change_to_data,
    content_to_data,
    guidance_to_data,
    instrument_to_data,
    relevance_to_data,
    scoring_to_data,
)
from saferspaces.core.framework.expression import expression_xpath
from saferspaces.core.framework.model import (
    YES_PARTLY_NO,
    YPN_LABELS,
    AnswerSpec,
    ChecklistItem,
    Dimension,
    Edition,
    Indicator,
    RepeatGroup,
    Text,
    text_get,
)
from saferspaces.core.framework.relevance import relevance_xpath
from saferspaces.core.framework.xlsform_common import (
    CHECKLIST_GROUP,
    CHECKLIST_TITLE,
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
    COLUMN_SINCE,
    CONSTRAINT_MESSAGES,
    CONSTRAINT_MESSAGES_MIN,
    CUSTOM_COLUMNS,
    META_SHEET,
    REPEAT_KIND,
    STATUS_ANSWERED,
    STATUS_CODES,
    STATUS_HINT,
    STATUS_KIND,
    STATUS_LIST,
    XLSFORM_TYPE,
    YPN_LIST,
    language_column,
    list_name,
    status_field,
)
from saferspaces.core.spreadsheets import workbook_create


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False, default=str)


def _num(value: float) -> str:
    return f"{value:g}"


class _Sheets:
    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.langs = edition.languages
        self.survey_cols = ["type", "name"]
        self.survey_cols += [f"label::{language_column(lang)}" for lang in self.langs]
        self.survey_cols += [f"hint::{language_column(lang)}" for lang in self.langs]
        self.survey_cols += ["relevant", "constraint"]
        self.survey_cols += [f"constraint_message::{language_column(lang)}" for lang in self.langs]
        version = edition.format_version
        if version >= 2:
            self.survey_cols.append("calculation")
        self.survey_cols += [c for c in CUSTOM_COLUMNS if COLUMN_SINCE[c] <= version]
        self.composite = edition.instrument.result_model == "composite"
        self.index = {c: i for i, c in enumerate(self.survey_cols)}
        self.survey: list[list[Any]] = []
        self.choices: list[list[Any]] = []
        self.answer_types = {code: q.answer.type for code, q in edition.questions().items()}
        self.answer_types.update({p.item.code: p.item.answer.type for p in edition.items()})
        self.ypn_used = False
        self.status_used = False

    def row(self, values: Mapping[str, Any]) -> None:
        row: list[Any] = [None] * len(self.survey_cols)
        for key, value in values.items():
            if value is not None and value != "":
                row[self.index[key]] = value
        self.survey.append(row)

    def texts(self, prefix: str, text: Text | None) -> dict[str, str]:
        if text is None:
            return {}
        return {f"{prefix}::{language_column(lang)}": text.get(lang, "") for lang in self.langs}

    def choice(self, lst: str, name: str, label: Text, score: float | None) -> None:
        row: list[Any] = [lst, name]
        row += [label.get(lang) or text_get(label, lang) for lang in self.langs]
        row.append(score)
        self.choices.append(row)

    def answer(self, code: str, answer: AnswerSpec) -> dict[str, Any]:
        cols: dict[str, Any] = {COL_ANSWER: answer.type}
        if answer.type in XLSFORM_TYPE:
            cols["type"] = XLSFORM_TYPE[answer.type]
        elif answer.type == "yes_partly_no":
            cols["type"] = f"select_one {YPN_LIST}"
            self.ypn_used = True
            if answer.scores:
                cols[COL_SCORES] = _json(dict(answer.scores))
        else:
            lst = list_name(code)
            kind = "select_multiple" if answer.type == "multiple_choice" else "select_one"
            cols["type"] = f"{kind} {lst}"
            if answer.type == "likert":
                for p in answer.scale:
                    self.choice(lst, str(p.value), p.label, None)
            else:
                for c in answer.choices:
                    self.choice(lst, c.code, c.label, c.score)
        if answer.unit is not None:
            cols[COL_UNIT] = _json(dict(answer.unit))
        if answer.min is not None:
            cols[COL_MIN] = answer.min
        if answer.max is not None:
            cols[COL_MAX] = answer.max
        lo = answer.min
        hi = answer.max
        if answer.type == "percentage":
            lo = 0 if lo is None else lo
            hi = 100 if hi is None else hi
        if answer.type == "rate_per_100k" and lo is None:
            lo = 0
        if lo is not None or hi is not None:
            parts = []
            if lo is not None:
                parts.append(f". >= {_num(lo)}")
            if hi is not None:
                parts.append(f". <= {_num(hi)}")
            cols["constraint"] = " and ".join(parts)
            for lang in self.langs:
                if hi is not None:
                    template = CONSTRAINT_MESSAGES.get(lang, CONSTRAINT_MESSAGES["en"])
                    msg = template.format(lo=_num(lo) if lo is not None else "-∞", hi=_num(hi))
                else:
                    template = CONSTRAINT_MESSAGES_MIN.get(lang, CONSTRAINT_MESSAGES_MIN["en"])
                    msg = template.format(lo=_num(lo) if lo is not None else "")
                cols[f"constraint_message::{language_column(lang)}"] = msg
        return cols

    def status(self, q: Indicator | ChecklistItem, relevant: str | None) -> str:
        """Add the companion status field of ``q``; return the value field's condition."""
        self.status_used = True
        name = status_field(q.code)
        cols: dict[str, Any] = {
            "type": f"select_one {STATUS_LIST}",
            "name": name,
            "relevant": relevant,
            COL_KIND: STATUS_KIND,
        }
        cols.update(self.texts("label", q.question))
        cols.update(
            {f"hint::{language_column(lang)}": text_get(STATUS_HINT, lang) for lang in self.langs}
        )
        self.row(cols)
        condition = "${" + name + "} = '" + STATUS_ANSWERED + "'"
        return f"{condition} and ({relevant})" if relevant else condition

    def calculated(self, q: Indicator) -> None:
        """A computed field: an XLSForm ``calculate`` row (no status field, never asked)."""
        assert q.calculate is not None
        cols: dict[str, Any] = {"type": "calculate", "name": q.code}
        cols.update(self.texts("label", q.question))
        cols.update(self.texts("hint", q.help))
        cols["calculation"] = expression_xpath(q.calculate.tree)
        cols[COL_CALCULATE] = q.calculate.source
        cols[COL_KIND] = q.kind
        if q.answer != AnswerSpec("number"):
            answer = self.answer(q.code, q.answer)
            cols.update({k: v for k, v in answer.items() if k.startswith("ss_")})
        if q.content is not None:
            cols[COL_CONTENT] = _json(content_to_data(q.content))
        self.row(cols)

    def question(self, q: Indicator | ChecklistItem) -> None:
        if isinstance(q, Indicator) and q.calculate is not None:
            self.calculated(q)
            return
        relevant = None
        if q.relevant is not None:
            relevant = relevance_xpath(condition=q.relevant, answer_types=self.answer_types)
        if q.answer.type != "not_scored":
            relevant = self.status(q, relevant)
        cols: dict[str, Any] = {"name": q.code}
        cols.update(self.texts("label", q.question))
        cols.update(self.texts("hint", q.help))
        cols.update(self.answer(q.code, q.answer))
        cols["relevant"] = relevant
        if q.relevant is not None:
            cols[COL_RELEVANT] = _json(relevance_to_data(q.relevant))
        if isinstance(q, ChecklistItem):
            cols[COL_KIND] = "checklist"
            cols[COL_SECTION] = q.section
        else:
            cols[COL_KIND] = q.kind
            cols[COL_DIRECTION] = q.direction
            cols[COL_WEIGHT] = q.weight
            if self.composite:
                cols[COL_SCORING] = _json(scoring_to_data(q.scoring))
            if q.content is not None:
                cols[COL_CONTENT] = _json(content_to_data(q.content))
            if q.guidance is not None:
                cols[COL_GUIDANCE] = _json(guidance_to_data(q.guidance))
            if q.sdg:
                cols[COL_SDG] = " ".join(q.sdg)
        self.row(cols)

    def dimension(self, dim: Dimension) -> None:
        cols: dict[str, Any] = {"type": "begin_group", "name": dim.code, COL_KIND: "dimension"}
        cols.update(self.texts("label", dim.title))
        cols.update(self.texts("hint", dim.description))
        cols[COL_ROLE] = dim.role
        cols[COL_WEIGHT] = dim.weight
        if dim.content is not None:
            cols[COL_CONTENT] = _json(content_to_data(dim.content))
        self.row(cols)
        for child in dim.children:
            self.dimension(child)
        for ind in dim.indicators:
            self.question(ind)
        for group in dim.repeats:
            self.repeat(group)
        self.row({"type": "end_group", "name": dim.code})

    def repeat(self, group: RepeatGroup) -> None:
        cols: dict[str, Any] = {"type": "begin_repeat", "name": group.code, COL_KIND: REPEAT_KIND}
        cols.update(self.texts("label", group.title))
        cols.update(self.texts("hint", group.help))
        cols[COL_MIN] = group.min
        cols[COL_MAX] = group.max
        self.row(cols)
        for item in group.items:
            self.question(item)
        for sub in group.repeats:
            self.repeat(sub)
        self.row({"type": "end_repeat", "name": group.code})


def xlsform_export(*, edition: Edition, out: IO[bytes]) -> None:
    """Write ``edition`` to ``out`` as an XLSForm workbook (.xlsx)."""
    sheets = _Sheets(edition)
    if edition.checklist:
        cols: dict[str, Any] = {"type": "begin_group", "name": CHECKLIST_GROUP}
        cols.update(
            sheets.texts("label", {lang: text_get(CHECKLIST_TITLE, lang) for lang in sheets.langs})
        )
        sheets.row(cols)
        for item in edition.checklist:
            sheets.question(item)
        sheets.row({"type": "end_group", "name": CHECKLIST_GROUP})
    for dim in edition.dimensions:
        sheets.dimension(dim)
    if sheets.ypn_used:
        for code in YES_PARTLY_NO:
            sheets.choice(YPN_LIST, code, YPN_LABELS[code], None)
    if sheets.status_used:
        for code in STATUS_CODES:
            sheets.choice(STATUS_LIST, code, STATUS_LABELS[code], None)

    wb = workbook_create(write_only=True)
    ws = wb.sheet(title="survey")
    ws.append(sheets.survey_cols)
    for row in sheets.survey:
        ws.append(row)
    ws = wb.sheet(title="choices")
    ws.append(
        [
            "list_name",
            "name",
            *[f"label::{language_column(lang)}" for lang in sheets.langs],
            COL_SCORE,
        ]
    )
    for row in sheets.choices:
        ws.append(row)
    ws = wb.sheet(title="settings")
    ws.append(["form_title", "form_id", "version", "default_language"])
    ws.append(
        [
            text_get(edition.title, "en"),
            edition.id,
            edition.date.strftime("%Y%m%d"),
            language_column("en"),
        ]
    )
    ws = wb.sheet(title=META_SHEET)
    ws.append(["key", "value"])
    meta: list[tuple[str, Any]] = [
        ("format", edition.format),
        ("id", edition.id),
        ("date", edition.date.isoformat()),
        ("title", _json(dict(edition.title))),
        ("description", _json(dict(edition.description)) if edition.description else None),
        ("languages", " ".join(edition.languages)),
        ("previous", edition.previous),
        (
            "changes",
            _json([change_to_data(c) for c in edition.changes]) if edition.changes else None,
        ),
    ]
    if edition.instrument.declared:
        meta.append(("instrument", _json(instrument_to_data(edition.instrument))))
    for key, value in meta:
        ws.append([key, value])
    wb.save(out=out)
