"""Asking for an export file that is made in the background (``export_file_prepare``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from saferspaces.assessments.models import Round
from saferspaces.background.jobs import job_create
from saferspaces.core.exports import writers as export_writers
from saferspaces.errors import DomainError
from saferspaces.exports import selectors
from saferspaces.exports.files import Download, too_large_for_excel
from saferspaces.exports.jobs import EXPORT_JOBS
from saferspaces.exports.models import ExportJob, ExportKind


def excel_refusal(*, sizes: dict[str, int]) -> str:
    """Why the XLSX workbook cannot be made ("" when it can): a table with more rows than an
    Excel sheet holds. Said before any work, instead of failing after minutes of writing."""
    tables = too_large_for_excel(sizes)
    if not tables:
        return ""
    return _(
        "The workbook would be too large for Excel: the %(tables)s table has more rows than an "
        "Excel sheet holds (%(max)s). Download the tables as CSV or Parquet instead."
    ) % {
        "tables": ", ".join(tables),
        "max": number_format(export_writers.XLSX_MAX_ROWS, force_grouping=True),
    }


def export_file_prepare(
    *, round_: Round, download: Download, user: Any, language: str, now: dt.datetime
) -> ExportJob:
    """The job that makes ``download`` of ``round_`` from its current data: the finished one
    whose file is still stored, the one waiting or running, or a new one given to the task
    queue. Raises :class:`DomainError` for a workbook too large for Excel."""
    if download.fmt == "xlsx":
        refusal = excel_refusal(sizes=selectors.round_export_sizes(round_=round_))
        if refusal:
            raise DomainError(refusal, field="file")
    job = job_create(
        jobs=EXPORT_JOBS,
        kind=ExportKind.ROUND_FILE,
        parameters={"round": round_.pk, "file": download.name},
        language=language,
        user=user,
        now=now,
        fingerprint=selectors.round_export_fingerprint(round_=round_),
    )
    assert isinstance(job, ExportJob)
    return job
