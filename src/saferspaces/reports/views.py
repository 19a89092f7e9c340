"""Report pages: a round's pilot analysis, an assessment's authority report, their PDF jobs and
the jobs' progress and download. What differs between kinds of report comes from the registry
(:mod:`saferspaces.reports.kinds`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saferspaces.background import job_pages
from saferspaces.background.job_pages import JobTarget, job_file_response, job_page_context
from saferspaces.errors import DomainError
from saferspaces.reports import selectors
from saferspaces.reports.kinds import (
    ASSESSMENT_RESULTS,
    AUTHORITY_REPORT,
    REPORT_KINDS,
    ROUND_ANALYSIS,
    ReportKindEntry,
)
from saferspaces.reports.models import ReportJob
from saferspaces.reports.services import report_job_create


def _language() -> str:
    return (get_language() or "en")[:2]


def _object(request: HttpRequest, kind: ReportKindEntry, pk: int) -> Any:
    """The object a report of ``kind`` is about, if the person may read it (else 404 or the
    kind's refusal)."""
    obj = kind.load(pk)
    if obj is None:
        raise Http404
    if not kind.permission(request.user, obj):
        raise kind.refusal()
    return obj


def _pdf_request(request: HttpRequest, kind: ReportKindEntry, pk: int, back: str) -> HttpResponse:
    """Ask for the PDF of a report in the language posted: its job's page, or back to the
    report with a message."""
    obj = _object(request, kind, pk)
    try:
        job = report_job_create(
            kind=kind.name,
            parameters=kind.parameters(obj),
            language=request.POST.get("language") or _language(),
            user=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back, pk=pk)
    return redirect("reports:job", pk=job.pk)


@login_required
def round_analysis_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _object(request, ROUND_ANALYSIS, pk)
    language = _language()
    context = selectors.round_analysis(round_=round_, language=language)
    context["jobs"] = selectors.round_report_jobs(round_=round_, language=language)
    return render(request, "reports/round_analysis.html", context)


@login_required
@require_POST
def round_analysis_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_request(request, ROUND_ANALYSIS, pk, "reports:round_analysis")


@login_required
def authority_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _object(request, AUTHORITY_REPORT, pk)
    context = selectors.authority_report_page(assessment=assessment, language=_language())
    return render(request, "reports/authority_report.html", context)


@login_required
@require_POST
def authority_report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_request(request, AUTHORITY_REPORT, pk, "reports:authority_report")


@login_required
@require_POST
def assessment_results_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_request(request, ASSESSMENT_RESULTS, pk, "dashboard:assessment_results")


def _job(request: HttpRequest, pk: int) -> tuple[ReportJob, JobTarget]:
    """A report job whose report the person may read, and what its page shows around it."""
    job = ReportJob.objects.filter(pk=pk).first()
    kind = REPORT_KINDS.get(job.kind) if job is not None else None
    pk_of = job.parameters.get(kind.parameter) if job is not None and kind is not None else None
    if job is None or kind is None or not isinstance(pk_of, int) or isinstance(pk_of, bool):
        raise Http404
    page = kind.page(_object(request, kind, pk_of))
    return job, JobTarget(
        title=page.title,
        back_url=page.back_url,
        back_label=page.back_label,
        retry_url=page.retry_url,
        crumbs=page.crumbs,
        here=_("PDF"),
        status_url=reverse("reports:job_status", args=[job.pk]),
        download_url=reverse("reports:job_download", args=[job.pk]),
        download_label=_("Download the PDF"),
        retry_fields={"language": job.language},
    )


@login_required
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    job, target = _job(request, pk)
    context = job_page_context(job=job, target=target, now=timezone.now())
    return render(request, job_pages.PAGE, context)


@login_required
def job_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's status block alone (polled with htmx while the job runs)."""
    job, target = _job(request, pk)
    context = job_page_context(job=job, target=target, now=timezone.now())
    return render(request, job_pages.STATUS, context)


@login_required
def job_download_view(request: HttpRequest, pk: int) -> FileResponse:
    return job_file_response(job=_job(request, pk)[0], content_type="application/pdf")
