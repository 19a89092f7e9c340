"""Report pages: a round's pilot analysis, an assessment's authority report, their PDF jobs and
the jobs' progress and download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saferspaces.assessments.models import Assessment, Round
from saferspaces.assessments.permissions import assessment_refused
from saferspaces.background import job_pages
from saferspaces.background.job_pages import JobTarget, job_file_response, job_page_context
from saferspaces.errors import DomainError
from saferspaces.languages import language_codes
from saferspaces.reports import permissions, selectors
from saferspaces.reports.models import ReportJob, ReportKind
from saferspaces.reports.services import report_job_create


def _language() -> str:
    return (get_language() or "en")[:2]


def _round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("network", "edition"), pk=pk)
    if not permissions.can_view_round_analysis(request.user, round_):
        raise PermissionDenied
    return round_


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("authority", "round__network", "edition"), pk=pk
    )
    if not permissions.can_view_authority_report(request.user, assessment):
        raise assessment_refused()
    return assessment


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
    language = request.POST.get("language") or _language()
    try:
        if language not in language_codes(offered=True):  # not one still being translated
            raise DomainError(_("Choose a language of the list."), field="language")
        job = report_job_create(
            kind=ReportKind.ROUND_ANALYSIS,
            parameters={"round": round_.pk},
            language=language,
            user=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:round_analysis", pk=pk)
    return redirect("reports:job", pk=job.pk)


@login_required
def authority_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    context = selectors.authority_report_page(assessment=assessment, language=_language())
    return render(request, "reports/authority_report.html", context)


@login_required
@require_POST
def authority_report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    language = request.POST.get("language") or _language()
    try:
        if language not in language_codes(offered=True):  # not one still being translated
            raise DomainError(_("Choose a language of the list."), field="language")
        job = report_job_create(
            kind=ReportKind.AUTHORITY_REPORT,
            parameters={"assessment": assessment.pk},
            language=language,
            user=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:authority_report", pk=pk)
    return redirect("reports:job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> tuple[ReportJob, JobTarget]:
    job = get_object_or_404(ReportJob, pk=pk)

    def target(
        title: str, back_url: str, back_label: str, retry_url: str, crumbs: list[tuple[str, str]]
    ) -> JobTarget:
        return JobTarget(
            title=title,
            back_url=back_url,
            back_label=back_label,
            retry_url=retry_url,
            crumbs=crumbs,
            here=_("PDF"),
            status_url=reverse("reports:job_status", args=[job.pk]),
            download_url=reverse("reports:job_download", args=[job.pk]),
            download_label=_("Download the PDF"),
            retry_fields={"language": job.language},
        )

    if job.kind == ReportKind.AUTHORITY_REPORT:
        assessment = (
            Assessment.objects.select_related("authority")
            .filter(pk=job.parameters.get("assessment"))
            .first()
        )
        if assessment is None:
            raise Http404
        if not permissions.can_view_authority_report(request.user, assessment):
            raise assessment_refused()
        back = reverse("reports:authority_report", args=[assessment.pk])
        return job, target(
            _("PDF of the report of %(name)s") % {"name": assessment.authority.name},
            back,
            _("Back to the report"),
            reverse("reports:authority_report_pdf", args=[assessment.pk]),
            [
                (reverse("assessments:detail", args=[assessment.pk]), assessment.title),
                (back, _("Report")),
            ],
        )
    round_ = (
        Round.objects.select_related("network", "edition")
        .filter(pk=job.parameters.get("round"))
        .first()
    )
    if round_ is None:
        raise Http404
    if not permissions.can_view_round_analysis(request.user, round_):
        raise PermissionDenied
    back = reverse("reports:round_analysis", args=[round_.pk])
    return job, target(
        _("PDF of the pilot analysis of %(round)s") % {"round": round_.title},
        back,
        _("Back to the pilot analysis"),
        reverse("reports:round_analysis_pdf", args=[round_.pk]),
        [
            (reverse("assessments:round_detail", args=[round_.pk]), round_.title),
            (back, _("Pilot analysis")),
        ],
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
