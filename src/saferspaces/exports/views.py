"""Pages of the exports app: a round's downloads for its coordinators and administrators.

A CSV table up to the streaming limit is streamed by the request. Every other file is made by a
job on the task queue: the request only stores the job (or finds the finished file of the same
data, or the job already making it) and shows its progress page; the file is then served from
storage until the round's data change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saferspaces.assessments.models import Round
from saferspaces.background import job_pages
from saferspaces.background.job_pages import JobTarget, job_file_response, job_page_context
from saferspaces.core.exports import ExportError
from saferspaces.errors import DomainError
from saferspaces.exports import selectors
from saferspaces.exports.files import (
    CONTENT_TYPES,
    Download,
    csv_bytes,
    csv_chunks,
    download_parse,
    offered,
    streamed,
)
from saferspaces.exports.models import ExportJob
from saferspaces.exports.permissions import can_export_round
from saferspaces.exports.services import excel_refusal, export_file_prepare

DESCRIPTIONS = {
    "answers": gettext_lazy(
        "One row per authority and question: status, value as text and as a number, "
        "open-data source of pre-filled values."
    ),
    "scores": gettext_lazy(
        "One row per authority and dimension: score, perception, status, gap and coverage."
    ),
    "background": gettext_lazy(
        "One row per authority: background conditions, and its name if published."
    ),
    "codebook": gettext_lazy(
        "Every variable and question with labels in English and French, types, allowed "
        "values and units; the edition, the pipeline and the anonymisation rule."
    ),
    "idata": gettext_lazy("COINr iData: one row per authority, one column per scored indicator."),
    "imeta": gettext_lazy(
        "COINr iMeta: the indicators and dimensions with levels, weights and parents."
    ),
}


def _round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("network", "edition"), pk=pk)
    if not can_export_round(request.user, round_):
        raise PermissionDenied
    return round_


def _language() -> str:
    return (get_language() or "en")[:2]


def _no_such_file(request: HttpRequest, round_: Round, filename: str) -> HttpResponse:
    return render(
        request,
        "exports/not_found.html",
        {"round": round_, "filename": filename, "offered": offered()},
        status=404,
    )


@login_required
@require_GET
def exports_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    summary = selectors.round_export_summary(round_=round_)
    sizes = summary.sizes
    fingerprint = selectors.round_export_fingerprint(round_=round_)
    ready, waiting = selectors.export_jobs_current(round_=round_, fingerprint=fingerprint)

    def offer(name: str, refusal: str = "") -> dict[str, object]:
        download = download_parse(name)
        assert download is not None
        return {
            "name": name,
            "streamed": streamed(download, sizes),
            "ready": ready.get(name),
            "waiting": waiting.get(name),
            "refusal": refusal,
        }

    rows = [
        {
            "table": t,
            "description": DESCRIPTIONS[t],
            "rows": sizes[t],
            "bytes": csv_bytes(sizes, t),
            "csv": offer(f"{t}.csv"),
            "parquet": offer(f"{t}.parquet"),
        }
        for t in selectors.TABLES
    ]
    return render(
        request,
        "exports/page.html",
        {
            "round": round_,
            "rows": rows,
            "xlsx": offer("all.xlsx", refusal=excel_refusal(sizes=sizes)),
            "zip": offer("all.zip"),
            "total": sum(csv_bytes(sizes, t) for t in selectors.TABLES),
            "units": summary.units,
            "named": summary.named,
            "edition_sha256": summary.edition_sha256,
            "pipeline": summary.pipeline,
        },
    )


def _streamed_response(request: HttpRequest, round_: Round, download: Download) -> HttpResponseBase:
    try:
        export = selectors.round_export(round_=round_)
    except ExportError as error:
        return render(
            request,
            "exports/refused.html",
            {"round": round_, "filename": download.name, "problems": error.problems},
            status=422,
        )
    response = StreamingHttpResponse(
        csv_chunks(export, download.table), content_type=download.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}-{download.name}"'
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int, filename: str) -> HttpResponseBase:
    """A streamed CSV, the stored file made from the round's current data, or (while there is
    none) the page that offers to prepare it."""
    round_ = _round(request, pk)
    download = download_parse(filename)
    if download is None:
        return _no_such_file(request, round_, filename)
    sizes = selectors.round_export_sizes(round_=round_)
    if streamed(download, sizes):
        return _streamed_response(request, round_, download)
    fingerprint = selectors.round_export_fingerprint(round_=round_)
    ready, waiting = selectors.export_jobs_current(round_=round_, fingerprint=fingerprint)
    if download.name in ready:
        return job_file_response(
            job=ready[download.name],
            content_type=download.content_type,
            filename=f"round-{round_.pk}-{download.name}",
        )
    if download.name in waiting:
        return redirect("exports:job", pk=waiting[download.name].pk)
    refusal = excel_refusal(sizes=sizes) if download.fmt == "xlsx" else ""
    return render(
        request,
        "exports/prepare.html",
        {"round": round_, "filename": download.name, "refusal": refusal},
    )


@login_required
@require_POST
def export_prepare(request: HttpRequest, pk: int, filename: str) -> HttpResponse:
    """Ask for a file made in the background: its job's page (a new job, the one already
    making it, or the finished one)."""
    round_ = _round(request, pk)
    download = download_parse(filename)
    if download is None:
        return _no_such_file(request, round_, filename)
    if streamed(download, selectors.round_export_sizes(round_=round_)):
        return redirect("exports:download", pk=pk, filename=download.name)
    try:
        job = export_file_prepare(
            round_=round_,
            download=download,
            user=request.user,
            language=_language(),
            now=timezone.now(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exports:page", pk=pk)
    return redirect("exports:job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> tuple[ExportJob, JobTarget, str]:
    job = get_object_or_404(ExportJob, pk=pk)
    round_ = Round.objects.filter(pk=job.parameters.get("round")).first()
    if round_ is None:
        raise Http404
    if not can_export_round(request.user, round_):
        raise PermissionDenied
    name = str(job.parameters.get("file", ""))
    page = reverse("exports:page", args=[round_.pk])
    title = _("Data export of %(round)s: %(file)s") % {"round": round_.title, "file": name}
    target = JobTarget(
        title=title,
        back_url=page,
        back_label=_("Back to the data exports"),
        retry_url=reverse("exports:prepare", args=[round_.pk, name]),
        crumbs=[
            (reverse("assessments:list"), _("Assessments")),
            (reverse("assessments:round_detail", args=[round_.pk]), round_.title),
            (page, _("Data exports")),
        ],
        here=name,
        status_url=reverse("exports:job_status", args=[job.pk]),
        download_url=reverse("exports:job_download", args=[job.pk]),
        download_label=_("Download %(file)s") % {"file": name},
    )
    return job, target, f"round-{round_.pk}-{name}"


@login_required
@require_GET
def job_view(request: HttpRequest, pk: int) -> HttpResponse:
    job, target, _name = _job(request, pk)
    context = job_page_context(job=job, target=target, now=timezone.now())
    return render(request, job_pages.PAGE, context)


@login_required
@require_GET
def job_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's status block alone (polled with htmx while the job runs)."""
    job, target, _name = _job(request, pk)
    context = job_page_context(job=job, target=target, now=timezone.now())
    return render(request, job_pages.STATUS, context)


@login_required
@require_GET
def job_download_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    job, _target, name = _job(request, pk)
    fmt = name.rpartition(".")[2]
    return job_file_response(
        job=job, content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"), filename=name
    )
