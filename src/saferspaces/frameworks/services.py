"""Store framework editions: upload (validated, atomic) and the bundled editions' sync."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saferspaces.core.framework import (
    Edition,
    FrameworkValidationError,
    Problem,
    edition_load,
)
from saferspaces.core.framework.dump import edition_dump
from saferspaces.core.framework.xlsform_import import xlsform_import
from saferspaces.core.framework.yamlsource import yaml_read
from saferspaces.core.limits import EDITION_FILE_MAX_BYTES, MB, InputError
from saferspaces.core.safeload.text import text_decode
from saferspaces.errors import DomainError
from saferspaces.frameworks.models import FrameworkEdition

EDITIONS_DIR = Path(__file__).resolve().parent / "editions"


class FrameworkUploadError(DomainError):
    """An uploaded edition was refused; ``problems`` is the validation report (may be empty)."""

    def __init__(self, message: str, *, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message, field="file")
        self.problems = problems


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _previous(edition_id: str | None) -> Edition | None:
    if not edition_id:
        return None
    row = FrameworkEdition.objects.filter(edition_id=edition_id).first()
    if row is None:
        return None
    try:
        return edition_load(text=row.source, file=f"{row.edition_id}.yaml")
    except FrameworkValidationError:
        return None


def _peek_previous(text: str) -> str | None:
    """The ``edition.previous`` id, read before validation (to check changes against it)."""
    data: Any = yaml_read(text=text, file="upload").data
    try:
        value = data["edition"]["previous"]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def edition_parse_upload(*, filename: str, content: bytes) -> tuple[Edition, str]:
    """Validate an uploaded YAML edition or XLSForm; returns the edition and its YAML source."""
    if len(content) > EDITION_FILE_MAX_BYTES:
        raise FrameworkUploadError(
            _("The file is larger than %(mb)s MB.") % {"mb": EDITION_FILE_MAX_BYTES // MB}
        )
    name = Path(filename).name or "upload"
    # an XLSForm is a zip archive: told by its content, even when the name has no extension
    if name.lower().endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        import io

        try:
            edition = xlsform_import(stream=io.BytesIO(content), file=name)
        except FrameworkValidationError as exc:
            raise FrameworkUploadError(
                _("The XLSForm is not a valid edition."), problems=exc.problems
            ) from None
        return edition, edition_dump(edition=edition)
    try:
        text = text_decode(content=content, where=name)
    except InputError as exc:
        raise FrameworkUploadError(
            _("The file is not UTF-8 text."),
            problems=(Problem(name, "", exc.line, f"column {exc.column}: {exc.message}"),),
        ) from None
    previous = _previous(_peek_previous(text))
    try:
        edition = edition_load(text=text, file=name, previous=previous)
    except FrameworkValidationError as exc:
        raise FrameworkUploadError(
            _("The file is not a valid edition."), problems=exc.problems
        ) from None
    return edition, text


def framework_edition_upload(*, user: Any, filename: str, content: bytes) -> FrameworkEdition:
    """Validate and store a new edition uploaded by ``user`` (YAML or XLSForm).

    Raises :class:`FrameworkUploadError` (with the validation report in ``problems``) when the
    file is invalid or its edition id is already stored. Nothing is written then.
    """
    edition, text = edition_parse_upload(filename=filename, content=content)
    with transaction.atomic():
        if FrameworkEdition.objects.select_for_update().filter(edition_id=edition.id).exists():
            raise FrameworkUploadError(
                _(
                    "An edition with the identifier %(id)s exists already; give the new edition a new identifier."
                )
                % {"id": edition.id}
            )
        return FrameworkEdition.objects.create(
            edition_id=edition.id,
            date=edition.date,
            title=dict(edition.title),
            source=text,
            sha256=_sha(text),
            filename=Path(filename).name[:255],
            previous_id=edition.previous or "",
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    # edition id -> the languages whose texts files were merged, and those still incomplete
    # (language -> texts missing) or with problems (their lines)
    merged: dict[str, list[str]] = field(default_factory=dict)
    incomplete: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def framework_editions_sync_bundled(*, directory: Path | None = None) -> SyncReport:
    """Store every edition file of ``editions/`` (idempotent; updates changed bundled files).

    The texts files beside an edition (``editions/<id>/<language>.yaml``) of each language whose
    translation is complete are merged into it first, so the stored source carries every such
    language (:func:`~saferspaces.core.framework.translations.edition_bundle_load`); the others
    are reported. Raises :class:`FrameworkValidationError` when a bundled file is invalid
    (nothing written). An uploaded edition with the same identifier is never overwritten
    (reported as conflict).
    """
    # the scoring stack (scipy) loads here, not on every upload or ``framework`` command
    from saferspaces.core.assessment import edition_pipeline_load
    from saferspaces.core.framework.translations import edition_bundle_load

    folder = directory or EDITIONS_DIR
    report = SyncReport()
    loaded: list[tuple[Edition, str, str]] = []
    by_id: dict[str, Edition] = {}
    pipelines: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        edition, text, texts = edition_bundle_load(path=path)
        loaded.append((edition, text, path.name))
        report.merged[edition.id] = texts.merged
        report.incomplete[edition.id] = {
            lang: len(status.missing)
            for lang, status in texts.statuses.items()
            if lang not in texts.merged
        }
        report.problems += [str(problem) for problem in texts.problems]
        by_id[edition.id] = edition
        companion = path.with_name(f"{edition.id}.pipeline.yml")
        if companion.is_file():
            pipeline_text = companion.read_text(encoding="utf-8-sig")
            edition_pipeline_load(text=pipeline_text, edition=edition, source=companion.name)
            pipelines[edition.id] = pipeline_text
    with transaction.atomic():
        for edition, text, name in loaded:
            pipeline = pipelines.get(edition.id, "")
            sha = _sha(text)
            row = FrameworkEdition.objects.select_for_update().filter(edition_id=edition.id).first()
            fields = {
                "pipeline": pipeline,
                "date": edition.date,
                "title": dict(edition.title),
                "source": text,
                "sha256": sha,
                "filename": name,
                "previous_id": edition.previous or "",
                "bundled": True,
            }
            if row is None:
                FrameworkEdition.objects.create(edition_id=edition.id, **fields)
                report.created.append(edition.id)
            elif not row.bundled:
                report.conflicts.append(edition.id)
            elif row.sha256 == sha and row.pipeline == pipeline:
                report.unchanged.append(edition.id)
            else:
                for key, value in fields.items():
                    setattr(row, key, value)
                row.save()
                report.updated.append(edition.id)
    return report
