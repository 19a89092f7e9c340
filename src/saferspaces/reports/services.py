"""Report jobs: create (or reuse) one, and run it with progress, in the background.

``report_job_create`` reuses a finished job with the same kind, parameters, language and data
fingerprint (the file would be byte-identical); otherwise it queues a job that starts after the
transaction commits, in a daemon thread. ``report_job_run`` never raises: a failure is stored
on the job (state ``failed`` with a message). Operators can run queued jobs with
``saferspaces reports run-pending``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saferspaces.assessments.models import Assessment, Round
from saferspaces.errors import DomainError
from saferspaces.reports.models import JobState, ReportJob, ReportKind
from saferspaces.reports.pdf import PdfError, pdf_render, sha256_hex

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Rendered:
    data: bytes
    filename: str


def _round(parameters: dict[str, Any]) -> Round:
    pk = parameters.get("round")
    round_ = (
        Round.objects.select_related("network", "edition").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if round_ is None:
        raise DomainError(_("This round does not exist any more."), field="round")
    return round_


def _round_fingerprint(parameters: dict[str, Any]) -> str:
    from saferspaces.reports.loading import round_data_stamp

    return round_data_stamp(round_=_round(parameters))[0]


def _round_render(parameters: dict[str, Any], language: str, progress: Progress) -> Rendered:
    from saferspaces.reports.selectors import round_analysis

    round_ = _round(parameters)
    progress(20, _("Analysing the answers of the round"))
    context = round_analysis(round_=round_, language=language)
    progress(60, _("Writing the PDF"))
    title = _("Pilot analysis: %(round)s") % {"round": round_.title}
    data = pdf_render(
        template="reports/round_analysis_pdf.html",
        context=context,
        title=title,
        language=language,
        date=context["data_date"],
    )
    return Rendered(data, f"pilot-analysis-round-{round_.pk}-{language}.pdf")


def _assessment(parameters: dict[str, Any]) -> Assessment:
    pk = parameters.get("assessment")
    assessment = (
        Assessment.objects.select_related("authority", "round__network", "edition")
        .filter(pk=pk)
        .first()
        if isinstance(pk, int)
        else None
    )
    if assessment is None:
        raise DomainError(_("This assessment does not exist any more."), field="assessment")
    return assessment


def _authority_fingerprint(parameters: dict[str, Any]) -> str:
    from saferspaces.reports.authority import authority_report_stamp

    return authority_report_stamp(assessment=_assessment(parameters))[0]


def _authority_render(parameters: dict[str, Any], language: str, progress: Progress) -> Rendered:
    from saferspaces.reports.authority import authority_report

    assessment = _assessment(parameters)
    progress(20, _("Reading the scores, the progress and the peers"))
    context = authority_report(assessment=assessment, language=language)
    if context["scored"] is None:
        raise DomainError(_("This assessment has no scores yet."), field="assessment")
    progress(60, _("Writing the PDF"))
    title = _("Report of %(authority)s: %(assessment)s") % {
        "authority": assessment.authority.name,
        "assessment": assessment.title,
    }
    data = pdf_render(
        template="reports/authority_report_pdf.html",
        context=context,
        title=title,
        language=language,
        date=context["data_date"],
    )
    slug = assessment.authority.slug
    return Rendered(data, f"report-{slug}-assessment-{assessment.pk}-{language}.pdf")


FINGERPRINTS: dict[str, Callable[[dict[str, Any]], str]] = {
    ReportKind.ROUND_ANALYSIS: _round_fingerprint,
    ReportKind.AUTHORITY_REPORT: _authority_fingerprint,
}
RENDERERS: dict[str, Callable[[dict[str, Any], str, Progress], Rendered]] = {
    ReportKind.ROUND_ANALYSIS: _round_render,
    ReportKind.AUTHORITY_REPORT: _authority_render,
}


def report_job_start(*, job_id: int) -> threading.Thread:
    """Run a job in a daemon thread (its own database connection, closed at the end)."""

    def target() -> None:
        close_old_connections()
        try:
            report_job_run(job_id=job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=f"report-job-{job_id}", daemon=True)
    thread.start()
    return thread


def report_job_create(
    *,
    kind: str,
    parameters: dict[str, Any],
    language: str,
    user: Any,
    now: dt.datetime | None = None,
    background: bool = True,
) -> ReportJob:
    """A finished job for the same data, or a new queued one (started after commit)."""
    if kind not in RENDERERS:
        raise DomainError(_("Unknown kind of report."), field="kind")
    fingerprint = FINGERPRINTS[kind](parameters)
    reuse = (
        ReportJob.objects.filter(
            kind=kind,
            parameters=parameters,
            language=language,
            fingerprint=fingerprint,
            state=JobState.DONE,
        )
        .exclude(file="")
        .first()
    )
    if reuse is not None and reuse.file.storage.exists(reuse.file.name or ""):
        return reuse
    pending = ReportJob.objects.filter(
        kind=kind,
        parameters=parameters,
        language=language,
        fingerprint=fingerprint,
        state__in=(JobState.QUEUED, JobState.RUNNING),
    ).first()
    if pending is not None:
        return pending
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=kind,
            parameters=parameters,
            language=language,
            fingerprint=fingerprint,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_at=now or timezone.now(),
            message=_("Waiting to start"),
        )
        if background:
            transaction.on_commit(lambda: report_job_start(job_id=job.pk))
    return job


def _update(lookup: dict[str, Any], fields: dict[str, Any]) -> int:
    """Update job rows. SQLite refuses a write while another connection reads the table
    ("database table is locked", e.g. the progress page polling); such a write is retried for
    up to about two seconds instead of failing the job."""
    for attempt in range(40):
        try:
            return ReportJob.objects.filter(**lookup).update(**fields)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 39:
                raise
            time.sleep(0.05)
    return 0


def _set(job_id: int, **fields: Any) -> None:
    _update({"pk": job_id}, fields)


def report_job_run(*, job_id: int, now: Callable[[], dt.datetime] = timezone.now) -> ReportJob:
    """Render a queued job, updating its progress at each stage. Never raises for a failed
    report: the job ends ``failed`` with a message. A job already taken is left alone."""
    claimed = _update(
        {"pk": job_id, "state": JobState.QUEUED},
        {"state": JobState.RUNNING, "progress": 5, "message": _("Reading the round's data")},
    )
    job = ReportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    with translation.override(job.language):

        def progress(value: int, message: str) -> None:
            _set(job_id, progress=value, message=message)

        try:
            rendered = RENDERERS[job.kind](dict(job.parameters), job.language, progress)
            progress(90, _("Storing the file"))
            job.file.save(rendered.filename, ContentFile(rendered.data), save=False)
            _set(
                job_id,
                file=job.file.name,
                sha256=sha256_hex(rendered.data),
                state=JobState.DONE,
                progress=100,
                message=_("The PDF is ready."),
                finished_at=now(),
            )
        except (DomainError, PdfError) as exc:
            _set(
                job_id,
                state=JobState.FAILED,
                message=exc.message[:500],
                finished_at=now(),
            )
        except Exception as exc:  # a report must never end in a server error
            log.exception("report job %s failed", job_id)
            _set(
                job_id,
                state=JobState.FAILED,
                message=(_("The report could not be made: %(error)s") % {"error": exc})[:500],
                finished_at=now(),
            )
    return ReportJob.objects.get(pk=job_id)


def report_jobs_run_pending() -> list[ReportJob]:
    """Run every queued job, oldest first (the operators' command)."""
    ids = list(
        ReportJob.objects.filter(state=JobState.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return [report_job_run(job_id=pk) for pk in ids]
