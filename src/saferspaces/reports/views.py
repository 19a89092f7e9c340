"""The pilot-analysis page of a round, its PDF job and the job's progress and download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from saferspaces.assessments.models import Round
from saferspaces.errors import DomainError
from saferspaces.reports import permissions, selectors
from saferspaces.reports.models import JobState, ReportJob, ReportKind
from saferspaces.reports.services import report_job_create


def _language() -> str:
    return (get_language() or "en")[:2]


def _round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("network", "edition"), pk=pk)
    if not permissions.can_view_round_analysis(request.user, round_):
        raise PermissionDenied
    return round_


@login_required
def round_analysis_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    language = _language()
    context = selectors.round_analysis(round_=round_, language=language)
    context["jobs"] = selectors.round_report_jobs(round_=round_, language=language)
    return render(request, "reports/round_analysis.html", context)


@login_required
@require_POST
def round_analysis_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    try:
        job = report_job_create(
            kind=ReportKind.ROUND_ANALYSIS,
            parameters={"round": round_.pk},
            language=_language(),
            user=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:round_analysis", pk=pk)
    return redirect("reports:job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> tuple[ReportJob, Round]:
    job = get_object_or_404(ReportJob, pk=pk)
    round_ = (
        Round.objects.select_related("network", "edition")
        .filter(pk=job.parameters.get("round"))
        .first()
    )
    if round_ is None:
        raise Http404
    if not permissions.can_view_report_job(request.user, job, round_):
        raise PermissionDenied
    return job, round_


@login_required
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    job, round_ = _job(request, pk)
    return render(request, "reports/job.html", {"job": job, "round": round_})


@login_required
def job_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's status block alone (polled with htmx while the job runs)."""
    job, round_ = _job(request, pk)
    return render(request, "reports/_job_status.html", {"job": job, "round": round_})


@login_required
def job_download_view(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)[0]
    stored = job.file.name or ""
    if job.state != JobState.DONE or not stored or not job.file.storage.exists(stored):
        raise Http404
    name = stored.rsplit("/", 1)[-1]
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
