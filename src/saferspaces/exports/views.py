"""Pages of the exports app: a round's downloads for its coordinators and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from saferspaces.assessments.models import Round
from saferspaces.core.exports import ExportError, table_csv_chunks
from saferspaces.exports import selectors
from saferspaces.exports.files import download_parse, file_write, offered
from saferspaces.exports.permissions import can_export_round

# rough bytes per CSV row, for the size shown next to each download
BYTES_PER_ROW = {
    "answers": 95,
    "scores": 110,
    "background": 90,
    "codebook": 160,
    "idata": 1200,
    "imeta": 120,
}

DESCRIPTIONS = {
    "answers": _(
        "One row per authority and question: status, value as text and as a number, "
        "open-data source of pre-filled values."
    ),
    "scores": _(
        "One row per authority and dimension: score, perception, status, gap and coverage."
    ),
    "background": _("One row per authority: background conditions, and its name if published."),
    "codebook": _(
        "Every variable and question with labels in English and French, types, allowed "
        "values and units; the edition, the pipeline and the anonymisation rule."
    ),
    "idata": _("COINr iData: one row per authority, one column per scored indicator."),
    "imeta": _("COINr iMeta: the indicators and dimensions with levels, weights and parents."),
}


def _round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("network", "edition"), pk=pk)
    if not can_export_round(request.user, round_):
        raise PermissionDenied
    return round_


@login_required
@require_GET
def exports_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    export = selectors.round_export(round_=round_)
    sizes = export.sizes()
    rows = [
        {
            "table": t,
            "description": DESCRIPTIONS[t],
            "rows": sizes[t],
            "bytes": sizes[t] * BYTES_PER_ROW[t] + 200,
        }
        for t in selectors.TABLES
    ]
    return render(
        request,
        "exports/page.html",
        {
            "round": round_,
            "rows": rows,
            "total": sum(r["bytes"] for r in rows),
            "units": len(export.units),
            "named": sum(u.named for u in export.units),
            "edition_sha256": export.context.edition_sha256,
            "pipeline": export.context.pipeline_name,
        },
    )


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int, filename: str) -> HttpResponseBase:
    round_ = _round(request, pk)
    download = download_parse(filename)
    if download is None:
        return render(
            request,
            "exports/not_found.html",
            {"round": round_, "filename": filename, "offered": offered()},
            status=404,
        )
    export = selectors.round_export(round_=round_)
    name = f"round-{round_.pk}-{filename}"
    if download.fmt == "csv":
        response = StreamingHttpResponse(
            table_csv_chunks(table=export.table(download.table)),
            content_type=download.content_type,
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    try:
        fh = file_write(export, download)
    except ExportError as error:
        return render(
            request,
            "exports/refused.html",
            {"round": round_, "filename": filename, "problems": error.problems},
            status=422,
        )
    return FileResponse(fh, as_attachment=True, filename=name, content_type=download.content_type)
