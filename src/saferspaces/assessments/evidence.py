"""Evidence attached to an answer: a source, a year, a link and/or a file (type and size checked)."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.assessments import permissions
from saferspaces.assessments.answering import answer_lock
from saferspaces.assessments.models import Assessment, Evidence
from saferspaces.core.filetypes import EVIDENCE_KINDS, FileTypeError, filetype_detect
from saferspaces.errors import DomainError
from saferspaces.inputs import max_length, text_clean


def _check_url(url: str) -> str:
    url = text_clean(url, field="url", label=_("Link"), max_chars=max_length(Evidence, "url"))
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except Exception:
        raise DomainError(
            _("Enter a full web address starting with https:// or http://."), field="url"
        ) from None
    return url


def evidence_max_bytes() -> int:
    """The largest evidence file, from ``SAFERSPACES_EVIDENCE_MAX_MB``."""
    return int(settings.EVIDENCE_MAX_MB) * 1024 * 1024


def evidence_add(
    *,
    assessment: Assessment,
    code: str,
    user: Any,
    source_name: str,
    year: int | None = None,
    url: str = "",
    file: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> Evidence:
    """Attach evidence to the answer to ``code``. A file must be of an accepted type (checked on
    its content, not only its name) and within ``SAFERSPACES_EVIDENCE_MAX_MB``."""
    now = now or timezone.now()
    source_name = text_clean(
        source_name,
        field="source_name",
        label=_("Source"),
        max_chars=max_length(Evidence, "source_name"),
    )
    if not source_name:
        raise DomainError(_("Name the source of the evidence."), field="source_name")
    if year is not None and not 1900 <= year <= now.year + 1:
        raise DomainError(
            _("Enter a year between 1900 and %(max)s.") % {"max": now.year + 1}, field="year"
        )
    url = _check_url(url)
    file_fields: dict[str, Any] = {}
    if file is not None:
        limit = evidence_max_bytes()
        if file.size is None or file.size > limit:
            raise DomainError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.EVIDENCE_MAX_MB},
                field="file",
            )
        name = PurePath(file.name or "evidence").name[-200:]
        file.seek(0)
        head = file.read(8192)
        file.seek(0)
        try:
            kind = filetype_detect(name=name, head=head, allowed=EVIDENCE_KINDS)
        except FileTypeError as error:
            raise DomainError(
                _("The file was refused: %(why)s.") % {"why": error}, field="file"
            ) from None
        file_fields = {
            "file_name": name,
            "file_type": kind.media_type,
            "file_size": file.size,
        }
    with transaction.atomic():
        lock = answer_lock(assessment_id=assessment.pk, code=code, user=user, read=assessment)
        evidence = Evidence(
            assessment=lock.assessment,
            code=code,
            source_name=source_name,
            year=year,
            url=url,
            added_by=user,
            added_at=now,
            **file_fields,
        )
        if file is not None:
            evidence.file.save(file_fields["file_name"], file, save=False)
        evidence.save()
        return evidence


def evidence_remove(*, evidence: Evidence, user: Any) -> None:
    with transaction.atomic():
        answer_lock(assessment_id=evidence.assessment_id, code=evidence.code, user=user)
        if evidence.added_by_id != user.pk and not permissions.is_lead_of(
            user, evidence.assessment
        ):
            raise DomainError(_("Only the person who added it or a lead can remove evidence."))
        stored = evidence.file.name if evidence.file else ""
        evidence.delete()
        if stored:
            transaction.on_commit(lambda: evidence.file.storage.delete(stored))
