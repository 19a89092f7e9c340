"""Writing answers: save as you go with a version check, individual answers, consensus, evidence.

Every write runs in one transaction that first locks the assessment row, so a save never races
a submission, and checks the version the person started from: a stale version raises
:class:`AnswerConflict` and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saferspaces.assessments import permissions
from saferspaces.assessments.answer_messages import answer_error_field, answer_error_message
from saferspaces.assessments.editions import Question, assessment_edition, edition_layout
from saferspaces.assessments.models import (
    Answer,
    AnswerRevision,
    AnswerSource,
    Assessment,
    IndividualAnswer,
)
from saferspaces.assessments.repeats import repeat_question
from saferspaces.core.framework import AnswerError
from saferspaces.core.framework.answers import AnswerState, answer_state_build
from saferspaces.core.limits import COMMENT_MAX_CHARS, TEXT_ANSWER_MAX_CHARS
from saferspaces.errors import DomainError
from saferspaces.inputs import text_clean


class AnswerConflict(DomainError):
    """The answer changed since the person loaded it; ``current`` is what is stored now."""

    def __init__(self, *, current: Answer | None) -> None:
        who = str(current.updated_by) if current and current.updated_by else _("someone else")
        super().__init__(
            _(
                "%(who)s changed this answer while you were editing it. Nothing was overwritten: "
                "compare the two answers, then save yours again if it should replace theirs."
            )
            % {"who": who},
            field="value",
        )
        self.current = current


@dataclass(frozen=True)
class Lock:
    """The locked assessment of a write, with its edition and question map."""

    assessment: Assessment
    question: Question
    section: str
    code: str  # the answer key: the question's code, or e.g. MEASURES[2]/MEASURE_LEVEL


def answer_lock(
    *,
    assessment_id: int,
    code: str,
    user: Any,
    read: Assessment | None = None,
    locked: bool = False,
) -> Lock:
    """Lock the assessment (``select_for_update``), check it takes answers from ``user`` on
    ``code``; raises :class:`DomainError` otherwise. Call inside ``transaction.atomic``: the
    evidence and import services share it with :func:`answer_save`.

    The assessment's row is read again under the lock (its state may have changed). Its
    authority and edition are taken from ``read``, the caller's copy of the assessment, when
    it has the same ones (they are not part of what the lock protects), else read with it.
    ``locked``: ``read`` was read under the row lock in the transaction still open (the save
    view's), so it is not read again.
    """
    if locked:
        if (
            read is None
            or read.pk != assessment_id
            or not transaction.get_connection().in_atomic_block
        ):
            raise RuntimeError(
                "locked: give the assessment read under its lock, in its transaction"
            )
        assessment = read
    else:
        query = Assessment.objects.select_for_update(of=("self",))
        if read is None:
            # the edition's source is read only if the edition is not parsed yet (edition_parsed)
            query = query.select_related("authority", "edition").defer("edition__source")
        assessment = query.get(pk=assessment_id)
        if read is not None and read.pk == assessment.pk:
            if read.authority_id == assessment.authority_id:
                assessment.authority = read.authority
            if read.edition_id == assessment.edition_id:
                assessment.edition = read.edition
    if not assessment.editable:
        raise DomainError(
            _("This assessment is %(state)s: its answers can no longer be changed.")
            % {"state": assessment.get_state_display().lower()}
        )
    edition = assessment_edition(assessment=assessment)
    _sections, section_of, questions = edition_layout(edition=edition)
    question: Question | None = questions.get(code)
    section = section_of.get(code, "")
    repeated = repeat_question(edition=edition, code=code)
    if repeated is not None:
        question, section = repeated
    if question is None or question.answer.type == "not_scored":
        raise DomainError(
            _("%(code)s is not a question of the edition %(edition)s.")
            % {"code": code, "edition": edition.id},
            field="code",
        )
    if not permissions.can_edit_section(
        user, assessment, section, permissions.assigned_people(assessment=assessment, fresh=True)
    ):
        raise DomainError(_("This part of the assessment is assigned to other colleagues."))
    return Lock(assessment=assessment, question=question, section=section, code=code)


def _state(question: Question, status: str, raw: object) -> AnswerState:
    if question.answer.type == "text" and isinstance(raw, str):
        text_clean(raw, field="value", label=_("Answer"), max_chars=TEXT_ANSWER_MAX_CHARS)
    try:
        return answer_state_build(question=question, status=status, raw=raw)
    except AnswerError as error:
        message = answer_error_message(
            error, question=question, language=(get_language() or "en")[:2]
        )
        raise DomainError(message, field=answer_error_field(error)) from None


def comment_clean(comment: str) -> str:
    """The comment on an answer as stored, or :class:`DomainError` for the ``comment`` field."""
    return text_clean(comment, field="comment", label=_("Comment"), max_chars=COMMENT_MAX_CHARS)


def answer_write(
    *,
    lock: Lock,
    state: AnswerState,
    comment: str,
    user: Any,
    expected_version: int,
    source: str,
    note: str,
    prefill: dict[str, Any] | None,
    now: dt.datetime,
) -> Answer:
    """Write one agreed answer under ``lock`` (from :func:`answer_lock`): a new version and its
    revision, or nothing when the answer did not change; :class:`AnswerConflict` when someone
    changed it since ``expected_version``. Used by :func:`answer_save` and the file import."""
    assessment, code = lock.assessment, lock.code
    current = Answer.objects.filter(assessment=assessment, code=code).first()
    current_version = current.version if current else 0
    if current_version != expected_version:
        raise AnswerConflict(current=current)
    comment = comment_clean(comment)
    if (
        current is not None
        and current.status == state.status
        and current.value == state.value
        and current.comment == comment
        and (prefill is None or current.prefill == prefill)
    ):
        return current  # nothing changed (a double click): no new version
    if current is None:
        current = Answer(assessment=assessment, code=code, version=0)
    current.status = state.status
    current.value = state.value
    current.comment = comment
    if prefill is not None or source != AnswerSource.PREFILL:
        current.prefill = prefill
    current.version += 1
    current.updated_by = user if getattr(user, "is_authenticated", False) else None
    current.updated_at = now
    current.save()
    AnswerRevision.objects.create(
        assessment=assessment,
        code=code,
        version=current.version,
        status=state.status,
        value=state.value,
        comment=comment,
        source=source,
        note=note[:300],
        prefill=prefill,
        changed_by=current.updated_by,
        changed_at=now,
    )
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=now)
    return current


def answer_save(
    *,
    assessment: Assessment,
    code: str,
    user: Any,
    status: str,
    raw: object,
    comment: str = "",
    expected_version: int,
    source: str = AnswerSource.FORM,
    note: str = "",
    prefill: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    locked: bool = False,
) -> Answer:
    """Save the assessment's answer to ``code`` if nobody changed it since ``expected_version``.

    ``expected_version`` is the version the person's form was built from (0: no answer yet).
    Raises :class:`AnswerConflict` when it is stale, :class:`DomainError` for an answer that does
    not fit the question, a locked assessment or a section assigned to others. In an assessment
    that works by consensus only a lead sets these (agreed) answers.

    ``locked``: the caller read ``assessment`` under its row lock (``select_for_update``)
    in the transaction it holds open; the save is part of that transaction (no savepoint of
    its own: an error rolls the caller's transaction back) and the row is not read again.
    """
    now = now or timezone.now()
    with transaction.atomic(savepoint=not locked):
        lock = answer_lock(
            assessment_id=assessment.pk, code=code, user=user, read=assessment, locked=locked
        )
        if (
            lock.assessment.consensus
            and source == AnswerSource.FORM
            and not permissions.is_lead_of(user, lock.assessment)
        ):
            raise DomainError(
                _(
                    "In this assessment everyone first answers alone; the lead then sets the "
                    "agreed answer."
                )
            )
        state = _state(lock.question, status, raw)
        return answer_write(
            lock=lock,
            state=state,
            comment=comment,
            user=user,
            expected_version=expected_version,
            source=source,
            note=note,
            prefill=prefill,
            now=now,
        )


def individual_answer_save(
    *,
    assessment: Assessment,
    code: str,
    user: Any,
    status: str,
    raw: object,
    comment: str = "",
    now: dt.datetime | None = None,
    locked: bool = False,
) -> IndividualAnswer:
    """A respondent's own answer in a consensus assessment (only they write it: no conflict).
    ``locked`` as for :func:`answer_save`."""
    now = now or timezone.now()
    with transaction.atomic(savepoint=not locked):
        lock = answer_lock(
            assessment_id=assessment.pk, code=code, user=user, read=assessment, locked=locked
        )
        if not lock.assessment.consensus:
            raise DomainError(_("This assessment does not collect individual answers."))
        state = _state(lock.question, status, raw)
        row, _created = IndividualAnswer.objects.update_or_create(
            assessment=lock.assessment,
            code=code,
            user=user,
            defaults={
                "status": state.status,
                "value": state.value,
                "comment": comment_clean(comment),
                "updated_at": now,
            },
        )
        return row
