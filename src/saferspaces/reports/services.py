"""Report jobs: the renderers of each kind of report, and ``report_job_create``.

``report_job_create`` reuses a finished job with the same kind, parameters, language and data
fingerprint (the file would be byte-identical), or the job already waiting for the same data;
otherwise it creates a job and gives it to the task queue, where a worker process renders it
with progress (:mod:`saferspaces.background.jobs`, the machinery every file job shares). A
failure is stored on the job (state ``failed`` with a message for people).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saferspaces.assessments.models import Assessment, Round
from saferspaces.background.jobs import JobKind, JobType, Progress, Rendered, job_create, job_key
from saferspaces.errors import DomainError
from saferspaces.reports.jobs import report_job_task
from saferspaces.reports.models import ReportJob, ReportKind
from saferspaces.reports.pdf import PdfError, pdf_render

__all__ = ["FINGERPRINTS", "RENDERERS", "REPORT_JOBS", "Rendered", "report_job_create"]


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


REPORT_JOBS = JobType(
    name="report job",
    logger="saferspaces.reports.jobs",
    model=ReportJob,
    kinds={k: JobKind(fingerprint=FINGERPRINTS[k], render=RENDERERS[k]) for k in RENDERERS},
    task=report_job_task,
    started=gettext_lazy("Reading the round's data"),
    done=gettext_lazy("The PDF is ready."),
    unexpected=gettext_lazy(
        "The report could not be made because of an unexpected error (job %(job)s). The "
        "site's operators can find it in the log. Try again later."
    ),
    errors=(DomainError, PdfError),
)


def _key(kind: str, parameters: dict[str, Any], language: str, fingerprint: str) -> str:
    """One report of the same data: at most one job per key waits or runs."""
    return job_key(kind=kind, parameters=parameters, language=language, fingerprint=fingerprint)


def report_job_create(
    *,
    kind: str,
    parameters: dict[str, Any],
    language: str,
    user: Any,
    now: dt.datetime | None = None,
) -> ReportJob:
    """A finished job for the same data, the job already waiting or running for it, or a new
    job given to the task queue (see ``saferspaces.background.jobs.job_create``)."""
    if kind not in RENDERERS:
        raise DomainError(_("Unknown kind of report."), field="kind")
    job = job_create(
        jobs=REPORT_JOBS,
        kind=kind,
        parameters=parameters,
        language=language,
        user=user,
        now=now or timezone.now(),
    )
    assert isinstance(job, ReportJob)
    return job
