"""The answers template of an edition, as CSV or Excel, optionally pre-filled with answers.

An export of an assessment is the same file: pass its current ``states`` (and comments and
evidence), and reading the file back gives the same answers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from saferspaces.core.answers_io.columns import COLUMNS, questions_listed
from saferspaces.core.answers_io.model import EvidenceRef
from saferspaces.core.framework.answerkey import (
    AnswerKey,
    AnswerKeyError,
    answer_key_check,
    answer_key_parse,
    edition_item_places,
)
from saferspaces.core.framework.answers import (
    NUMERIC_TYPES,
    AnswerState,
    AnswerValue,
    Question,
)
from saferspaces.core.framework.model import Edition, text_get
from saferspaces.core.labels import label_get
from saferspaces.core.spreadsheets import csv_writer_open

#: the lines of the instructions sheet, in order (``answers_template.instructions.<name>``)
INSTRUCTION_LINES = ("title", "rows", "status", "answer", "optional", "upload")


def instructions(*, language: str) -> tuple[str, ...]:
    """The instructions sheet's lines in ``language`` (English where a line is not translated)."""
    return tuple(
        label_get(f"answers_template.instructions.{name}", language) for name in INSTRUCTION_LINES
    )


def _word(key: str, language: str) -> str:
    return label_get(f"answers_template.allowed.{key}", language)


def _num(x: float) -> str:
    return f"{x:g}".replace("e+", "e")


def allowed_text(*, question: Question, language: str) -> str:
    """A short human hint of what the answer cell takes, in ``language``."""
    spec = question.answer
    atype = spec.type
    if atype in (*NUMERIC_TYPES, "year"):
        parts = [_word(atype, language)]
        lo, hi = spec.min, spec.max
        if atype == "rate_per_100k" and lo is None:
            lo = 0
        if atype != "percentage":
            if lo is not None:
                parts.append(_word("from", language).format(lo=_num(lo)))
            if hi is not None:
                parts.append(_word("to", language).format(hi=_num(hi)))
        if spec.unit:
            parts.append(_word("unit", language).format(unit=text_get(spec.unit, language)))
        return " ".join(parts)
    if atype in ("likert", "yes_partly_no", "single_choice", "multiple_choice"):
        codes = "; ".join(
            f"{c.code} = {text_get(c.label, language)}" for c in spec.choice_options()
        )
        key = "many" if atype == "multiple_choice" else "one"
        return _word(key, language).format(codes=codes)
    return _word("text", language)


def answer_cell(*, question: Question, value: AnswerValue) -> str | int | float | None:
    """How an answer value is written in the template (numbers stay numbers)."""
    if value is None:
        return None
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def template_rows(
    *,
    edition: Edition,
    language: str,
    states: Mapping[str, AnswerState] | None,
    comments: Mapping[str, str] | None,
    evidence: Mapping[str, EvidenceRef] | None,
) -> list[tuple[Question, list[Any]]]:
    """The template's data rows (values in :data:`COLUMNS` order) with their questions."""
    out: list[tuple[Question, list[Any]]] = []
    for dimension, q in questions_listed(edition=edition, language=language):
        state = (states or {}).get(q.code)
        ev = (evidence or {}).get(q.code)
        status = answer = None
        if state is not None:
            status = state.status
            answer = answer_cell(question=q, value=state.value) if state.answered else None
        values: dict[str, Any] = {
            "code": q.code,
            "dimension": dimension,
            "question": text_get(q.question, language),
            "answer_type": q.answer.type,
            "allowed": allowed_text(question=q, language=language),
            "status": status,
            "answer": answer,
            "comment": (comments or {}).get(q.code) or None,
            "evidence_source": ev.source or None if ev else None,
            "evidence_year": ev.year if ev else None,
            "evidence_url": ev.url if ev else None,
        }
        out.append((q, [values[c] for c in COLUMNS]))
    for key, dimension, q in _repeat_keys(edition=edition, language=language, states=states):
        state = (states or {}).get(key)
        status = answer = None
        if state is not None:
            status = state.status
            answer = answer_cell(question=q, value=state.value) if state.answered else None
        values = {
            "code": key,
            "dimension": dimension,
            "question": text_get(q.question, language),
            "answer_type": q.answer.type,
            "allowed": allowed_text(question=q, language=language),
            "status": status,
            "answer": answer,
            "comment": (comments or {}).get(key) or None,
            "evidence_source": None,
            "evidence_year": None,
            "evidence_url": None,
        }
        out.append((q, [values[c] for c in COLUMNS]))
    return out


def _repeat_keys(
    *, edition: Edition, language: str, states: Mapping[str, AnswerState] | None
) -> list[tuple[str, str, Question]]:
    """The rows of items inside repeat groups: (answer key, dimension text, item), one per
    stored instance by position, or the first instance when none is stored (so that the
    template shows how such an answer is addressed)."""
    places = edition_item_places(edition=edition)
    order = {code: k for k, code in enumerate(places)}
    stored: list[AnswerKey] = []
    for code in states or {}:
        if "[" not in code:
            continue
        try:
            key = answer_key_parse(text=code)
            answer_key_check(key=key, places=places)
        except AnswerKeyError:
            continue
        stored.append(key)
    wanted = set(stored)
    for place in places.values():
        if place.repeats and not any(k.item == place.item.code for k in stored):
            wanted.add(AnswerKey(place.item.code, tuple((g.code, 1) for g in place.repeats)))
    out: list[tuple[str, str, Question]] = []
    for key in sorted(wanted, key=lambda k: (k.instances, order[k.item])):
        place = places[key.item]
        if place.item.answer.type == "not_scored":
            continue
        dim = place.dimension
        out.append((str(key), f"{dim.code} {text_get(dim.title, language)}", place.item))
    return out


def answers_template_csv(
    *,
    edition: Edition,
    language: str,
    states: Mapping[str, AnswerState] | None = None,
    comments: Mapping[str, str] | None = None,
    evidence: Mapping[str, EvidenceRef] | None = None,
    delimiter: str = ",",
) -> bytes:
    """The answers template as CSV: UTF-8 with a BOM (so that Excel opens it), CRLF lines."""
    buf = io.StringIO()
    writer = csv_writer_open(out=buf, delimiter=delimiter)
    writer.writerow(COLUMNS)
    rows = template_rows(
        edition=edition, language=language, states=states, comments=comments, evidence=evidence
    )
    for _, values in rows:
        writer.writerow(values)  # text that a spreadsheet would run gets a quote in front
    return buf.getvalue().encode("utf-8-sig")
