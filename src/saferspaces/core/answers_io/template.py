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
from saferspaces.core.framework.answers import (
    NUMERIC_TYPES,
    AnswerState,
    AnswerValue,
    Question,
)
from saferspaces.core.framework.model import Edition, text_get
from saferspaces.core.spreadsheets import csv_writer_open

_ALLOWED: Mapping[str, Mapping[str, str]] = {
    "en": {
        "number": "a number",
        "percentage": "a percentage from 0 to 100",
        "rate_per_100k": "a rate per 100,000 inhabitants",
        "year": "a year",
        "from": "from {lo}",
        "to": "to {hi}",
        "unit": "in {unit}",
        "one": "one code of: {codes}",
        "many": "one or more codes, separated by spaces, of: {codes}",
        "text": "free text",
    },
    "fr": {
        "number": "un nombre",
        "percentage": "un pourcentage de 0 à 100",
        "rate_per_100k": "un taux pour 100 000 habitants",
        "year": "une année",
        "from": "à partir de {lo}",
        "to": "jusqu'à {hi}",
        "unit": "en {unit}",
        "one": "un code parmi : {codes}",
        "many": "un ou plusieurs codes, séparés par des espaces, parmi : {codes}",
        "text": "texte libre",
    },
}

INSTRUCTIONS: Mapping[str, tuple[str, ...]] = {
    "en": (
        "How to fill in this answers file",
        "One row per question. Do not change the 'code' column; the columns dimension, "
        "question, answer_type and allowed are there to help you and are not read back.",
        "status: leave it blank when you give an answer (it then means 'answered'), or choose "
        "dont_know (don't know), not_applicable (not applicable) or not_collected (data not "
        "collected) and leave the answer empty. Rows with neither are skipped.",
        "answer: a number (decimal point or comma), a year, a choice code, several choice "
        "codes separated by spaces, or text, as the 'allowed' column says. The sheet 'codes' "
        "lists every choice code with its label.",
        "comment, evidence_source, evidence_year (four digits), evidence_url (starting with "
        "http:// or https://) are optional.",
        "Upload the file as .xlsx or .csv (UTF-8, or the CSV your Excel writes). You will "
        "see every change and every problem, with its row and column, before anything is "
        "saved.",
    ),
    "fr": (
        "Comment remplir ce fichier de réponses",
        "Une ligne par question. Ne modifiez pas la colonne « code » ; les colonnes dimension, "
        "question, answer_type et allowed vous aident et ne sont pas relues.",
        "status : laissez-la vide si vous donnez une réponse (elle vaut alors « answered »), "
        "ou choisissez dont_know (ne sait pas), not_applicable (sans objet) ou not_collected "
        "(données non recueillies) et laissez la réponse vide. Les lignes sans l'un ni "
        "l'autre sont ignorées.",
        "answer : un nombre (virgule ou point décimal), une année, un code de choix, plusieurs "
        "codes séparés par des espaces, ou du texte, selon la colonne « allowed ». La feuille "
        "« codes » donne chaque code de choix avec son libellé.",
        "comment, evidence_source, evidence_year (quatre chiffres), evidence_url (commençant "
        "par http:// ou https://) sont facultatives.",
        "Déposez le fichier en .xlsx ou .csv (UTF-8, ou le CSV écrit par votre Excel). Vous "
        "verrez chaque modification et chaque problème, avec sa ligne et sa colonne, avant "
        "tout enregistrement.",
    ),
}


def _num(x: float) -> str:
    return f"{x:g}".replace("e+", "e")


def allowed_text(*, question: Question, language: str) -> str:
    """A short human hint of what the answer cell takes, in ``language``."""
    words = _ALLOWED.get(language, _ALLOWED["en"])
    spec = question.answer
    atype = spec.type
    if atype in (*NUMERIC_TYPES, "year"):
        parts = [words[atype]]
        lo, hi = spec.min, spec.max
        if atype == "rate_per_100k" and lo is None:
            lo = 0
        if atype != "percentage":
            if lo is not None:
                parts.append(words["from"].format(lo=_num(lo)))
            if hi is not None:
                parts.append(words["to"].format(hi=_num(hi)))
        if spec.unit:
            parts.append(words["unit"].format(unit=text_get(spec.unit, language)))
        return " ".join(parts)
    if atype in ("likert", "yes_partly_no", "single_choice", "multiple_choice"):
        codes = "; ".join(
            f"{c.code} = {text_get(c.label, language)}" for c in spec.choice_options()
        )
        key = "many" if atype == "multiple_choice" else "one"
        return words[key].format(codes=codes)
    return words["text"]


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
