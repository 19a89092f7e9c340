"""Answers in files: export (the template, filled with the current answers) and import with a
preview. Nothing is written until the person confirms; a confirmation refuses answers that
changed since the preview, and writes everything or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.assessments import permissions
from saferspaces.assessments.answering import Lock, answer_write
from saferspaces.assessments.editions import Question, assessment_edition, edition_layout
from saferspaces.assessments.models import (
    Answer,
    AnswerImport,
    AnswerSource,
    Assessment,
    Evidence,
)
from saferspaces.assessments.repeats import repeat_question
from saferspaces.core.answers_io import (
    AnswerFileError,
    AnswerRow,
    EvidenceRef,
    RowProblem,
    answers_read,
    answers_template_csv,
    answers_template_xlsx,
    xlsform_submissions_read,
)
from saferspaces.core.framework.answers import AnswerState
from saferspaces.core.limits import ANSWERS_FILE_MAX_BYTES
from saferspaces.errors import DomainError

MAX_IMPORT_BYTES = ANSWERS_FILE_MAX_BYTES
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def answers_export(*, assessment: Assessment, fmt: str, language: str) -> tuple[bytes, str, str]:
    """The answers template of the assessment's edition, filled with its current answers.

    Returns (content, file name, content type). The same file can be filled in and imported.
    """
    if fmt not in CONTENT_TYPES:
        raise DomainError(_("Unknown format %(fmt)s: use csv or xlsx.") % {"fmt": fmt})
    edition = assessment_edition(assessment=assessment)
    answers = list(Answer.objects.filter(assessment=assessment))
    states = {a.code: AnswerState(a.status, a.value) for a in answers}
    comments = {a.code: a.comment for a in answers if a.comment}
    evidence: dict[str, EvidenceRef] = {}
    for e in Evidence.objects.filter(assessment=assessment).order_by("added_at"):
        evidence.setdefault(
            e.code, EvidenceRef(source=e.source_name, year=e.year, url=e.url or None)
        )
    build = answers_template_csv if fmt == "csv" else answers_template_xlsx
    content = build(
        edition=edition, language=language, states=states, comments=comments, evidence=evidence
    )
    name = f"{assessment.authority.slug}-{edition.id}-answers.{fmt}"
    return content, name, CONTENT_TYPES[fmt]


def _row_json(r: AnswerRow) -> dict[str, Any]:
    ev = r.evidence
    return {
        "row": r.row,
        "column": r.column,
        "code": r.code,
        "status": r.state.status,
        "value": r.state.value,
        "comment": r.comment,
        "evidence": None
        if ev is None or not (ev.source or ev.url)
        else {"source": ev.source, "year": ev.year, "url": ev.url},
    }


def _problem_json(p: RowProblem) -> dict[str, Any]:
    return {"row": p.row, "column": p.column, "code": p.code, "message": p.message}


def answers_import_preview(
    *,
    assessment: Assessment,
    user: Any,
    filename: str,
    content: bytes,
    kind: str,
    now: dt.datetime | None = None,
) -> AnswerImport:
    """Read an uploaded answers file (``kind`` = answers) or XLSForm submission export (``kind``
    = submission) and keep it for the preview. Writes no answer."""
    now = now or timezone.now()
    if not permissions.can_answer(user, assessment):
        raise DomainError(_("Only the assessment's team can import answers."))
    if not assessment.editable:
        raise DomainError(_("This assessment is not open for changes."))
    if kind not in ("answers", "submission"):
        raise DomainError(_("Choose what kind of file this is."), field="kind")
    edition = assessment_edition(assessment=assessment)
    try:
        if kind == "answers":
            read = answers_read(
                filename=filename, content=content, edition=edition, max_bytes=MAX_IMPORT_BYTES
            )
            sets: list[dict[str, Any]] = [
                {
                    "identifier": "",
                    "submitted": None,
                    "rows": [_row_json(r) for r in read.rows],
                    "problems": [_problem_json(p) for p in read.problems],
                }
            ]
            fmt = read.format
        else:
            subs = xlsform_submissions_read(
                filename=filename, content=content, edition=edition, max_bytes=MAX_IMPORT_BYTES
            )
            sets = [
                {
                    "identifier": s.identifier,
                    "submitted": s.submitted,
                    "rows": [_row_json(r) for r in s.rows],
                    "problems": [_problem_json(p) for p in s.problems],
                }
                for s in subs.submissions
            ]
            fmt = subs.format
    except AnswerFileError as error:
        raise DomainError(
            _("The file %(name)s cannot be imported: %(why)s")
            % {"name": error.filename, "why": error.message},
            field="file",
        ) from None
    _sections, section_of, _q = edition_layout(edition=edition)
    assigned = permissions.assigned_people(assessment=assessment, fresh=True)
    for s in sets:  # rows in parts assigned to other colleagues are problems too
        keep = []
        for r in s["rows"]:
            section = section_of.get(r["code"]) or _repeat_section(edition, r["code"])
            if permissions.can_edit_section(user, assessment, section, assigned):
                keep.append(r)
            else:
                s["problems"].append(
                    {
                        "row": r["row"],
                        "column": r["column"],
                        "code": r["code"],
                        "message": _("this part is assigned to other colleagues"),
                    }
                )
        s["rows"] = keep
        s["problems"].sort(key=lambda p: (p["row"], p["column"]))
    versions = dict(Answer.objects.filter(assessment=assessment).values_list("code", "version"))
    return AnswerImport.objects.create(
        assessment=assessment,
        file_name=filename[-255:],
        kind=kind,
        file_format=fmt,
        sets=sets,
        base_versions=versions,
        uploaded_by=user,
        created_at=now,
    )


@dataclass
class PreviewRow:
    row: int
    column: str
    code: str
    question: Question | None
    current: Answer | None
    new: AnswerState
    comment: str
    evidence: dict[str, Any] | None
    change: str  # new | changed | unchanged


def import_set(*, imported: AnswerImport, identifier: str | None) -> dict[str, Any]:
    sets = imported.sets
    if identifier is None:
        return sets[0]
    for s in sets:
        if s["identifier"] == identifier:
            return s
    raise DomainError(_("No submission %(id)s in this file.") % {"id": identifier})


def _repeat_item(edition: Any, code: str) -> Question | None:
    """The item of an answer key inside repeat groups (None for anything else)."""
    try:
        found = repeat_question(edition=edition, code=code)
    except DomainError:
        return None
    return found[0] if found else None


def _repeat_section(edition: Any, code: str) -> str:
    """The part holding an answer key inside repeat groups ('' for anything else)."""
    try:
        found = repeat_question(edition=edition, code=code)
    except DomainError:
        return ""
    return found[1] if found else ""


def import_preview_rows(*, imported: AnswerImport, identifier: str | None) -> list[PreviewRow]:
    """The rows of the chosen set next to the current answers, with what would change."""
    chosen = import_set(imported=imported, identifier=identifier)
    edition = assessment_edition(assessment=imported.assessment)
    _s, _sec, questions = edition_layout(edition=edition)
    current = {
        a.code: a
        for a in Answer.objects.filter(assessment=imported.assessment).select_related("updated_by")
    }
    out = []
    for r in chosen["rows"]:
        new = AnswerState(r["status"], r["value"])
        cur = current.get(r["code"])
        if cur is None:
            change = "new"
        elif (
            cur.status == new.status
            and cur.value == new.value
            and (not r["comment"] or r["comment"] == cur.comment)
        ):
            change = "unchanged"
        else:
            change = "changed"
        out.append(
            PreviewRow(
                row=r["row"],
                column=r["column"],
                code=r["code"],
                question=questions.get(r["code"]) or _repeat_item(edition, r["code"]),
                current=cur,
                new=new,
                comment=r["comment"],
                evidence=r["evidence"],
                change=change,
            )
        )
    return out


def answers_import_confirm(
    *,
    imported: AnswerImport,
    user: Any,
    identifier: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Write the valid answers of the chosen set; returns how many answers changed.

    All or nothing: if any answer changed since the preview, nothing is written and the
    person is asked to upload again.
    """
    now = now or timezone.now()
    chosen = import_set(imported=imported, identifier=identifier)
    with transaction.atomic():
        locked = AnswerImport.objects.select_for_update().get(pk=imported.pk)
        if locked.applied_at is not None:
            raise DomainError(_("This file was imported already."))
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("authority", "edition")
            .get(pk=imported.assessment_id)
        )
        if not assessment.editable:
            raise DomainError(_("This assessment is not open for changes."))
        if not permissions.can_answer(user, assessment):
            raise DomainError(_("Only the assessment's team can import answers."))
        if assessment.consensus and not permissions.is_lead_of(user, assessment):
            raise DomainError(_("In this assessment only a lead sets the agreed answers."))
        edition = assessment_edition(assessment=assessment)
        _s, section_of, questions = edition_layout(edition=edition)
        current = {a.code: a for a in Answer.objects.filter(assessment=assessment)}
        base = locked.base_versions
        stale = [
            r["code"]
            for r in chosen["rows"]
            if (current[r["code"]].version if r["code"] in current else 0) != base.get(r["code"], 0)
        ]
        if stale:
            raise DomainError(
                _(
                    "Nothing was imported: %(codes)s changed since the preview. Upload the file "
                    "again to see the current answers."
                )
                % {"codes": ", ".join(stale[:10])}
            )
        changed = 0
        for r in chosen["rows"]:
            code = r["code"]
            before = current.get(code)
            question, section = repeat_question(edition=edition, code=code) or (
                questions[code],
                section_of[code],
            )
            lock = Lock(assessment=assessment, question=question, section=section, code=code)
            after = answer_write(
                lock=lock,
                state=AnswerState(r["status"], r["value"]),
                comment=r["comment"] or (before.comment if before else ""),
                user=user,
                expected_version=before.version if before else 0,
                source=AnswerSource.IMPORT,
                note=f"{locked.file_name}, row {r['row']}",
                prefill=None,
                now=now,
            )
            if before is None or after.version != before.version:
                changed += 1
            ev = r["evidence"]
            if (
                ev
                and not Evidence.objects.filter(
                    assessment=assessment, code=code, source_name=ev["source"] or ev["url"]
                ).exists()
            ):
                Evidence.objects.create(
                    assessment=assessment,
                    code=code,
                    source_name=(ev["source"] or ev["url"])[:300],
                    year=ev["year"],
                    url=ev["url"] or "",
                    added_by=user,
                    added_at=now,
                )
        locked.applied_at = now
        locked.applied_set = chosen["identifier"]
        locked.applied_by = user
        locked.save(update_fields=["applied_at", "applied_set", "applied_by"])
        return changed
