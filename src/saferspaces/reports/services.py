"""Report jobs: the renderers of each kind of report, and ``report_job_create``.

``report_job_create`` reuses a finished job with the same kind, parameters, language and data
fingerprint (the file would be byte-identical), or the job already waiting for the same data;
otherwise it creates a job and gives it to the task queue (``reports.jobs``), where a worker
process renders it with progress. A failure is stored on the job (state ``failed`` with a
message for people).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.assessments.models import Assessment, Round
from saferspaces.errors import DomainError
from saferspaces.reports.jobs import report_job_enqueue, report_jobs_reconcile
from saferspaces.reports.models import PENDING, JobState, ReportJob, ReportKind
from saferspaces.reports.pdf import pdf_render

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


def _key(kind: str, parameters: dict[str, Any], language: str, fingerprint: str) -> str:
    """One report of the same data: at most one job per key waits or runs."""
    text = json.dumps([kind, parameters, language, fingerprint], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_job_create(
    *,
    kind: str,
    parameters: dict[str, Any],
    language: str,
    user: Any,
    now: dt.datetime | None = None,
) -> ReportJob:
    """A finished job for the same data, the job already waiting or running for it, or a new
    job given to the task queue (in this transaction: both are stored, or neither).

    A waiting or running job is first checked: if its worker stopped, the queue retries it or
    the job fails (with its "Try again" button), so asking again never returns a stuck job.
    """
    if kind not in RENDERERS:
        raise DomainError(_("Unknown kind of report."), field="kind")
    now = now or timezone.now()
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
    key = _key(kind, parameters, language, fingerprint)
    pending = ReportJob.objects.filter(key=key, state__in=PENDING).first()
    if pending is not None:
        from saferspaces.background.recovery import tasks_recover_now

        tasks_recover_now(now=now)
        report_jobs_reconcile(now=now, job_ids=[pending.pk])
        pending.refresh_from_db()
        if pending.state in PENDING:
            return pending
    with transaction.atomic():
        try:
            with transaction.atomic():
                job = ReportJob.objects.create(
                    kind=kind,
                    parameters=parameters,
                    language=language,
                    fingerprint=fingerprint,
                    key=key,
                    created_by=user if getattr(user, "is_authenticated", False) else None,
                    created_at=now,
                    message=_("Waiting to start"),
                )
        except IntegrityError:  # another request created it at the same moment
            return ReportJob.objects.get(key=key, state__in=PENDING)
        return report_job_enqueue(job=job)
