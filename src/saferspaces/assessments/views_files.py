"""Answer files: download the filled-in template, upload a file, preview it, confirm it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from saferspaces.assessments import permissions
from saferspaces.assessments.imports import (
    MAX_IMPORT_BYTES,
    answers_export,
    answers_import_confirm,
    answers_import_preview,
    import_preview_rows,
)
from saferspaces.assessments.models import AnswerImport
from saferspaces.assessments.views_fill import assessment_get
from saferspaces.core.limits import MB
from saferspaces.errors import DomainError
from saferspaces.web.uploads import upload_limit


@login_required
def export_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    assessment = assessment_get(request, pk)
    try:
        content, name, content_type = answers_export(
            assessment=assessment, fmt=fmt, language=(get_language() or "en")[:2]
        )
    except DomainError as error:
        return HttpResponse(error.message, status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@upload_limit(MAX_IMPORT_BYTES)
@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(request, pk)
    if not permissions.can_answer(request.user, assessment):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("Choose a file to upload."), field="file")
            if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
                raise DomainError(
                    _("The file is larger than %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // MB},
                    field="file",
                )
            imported = answers_import_preview(
                assessment=assessment,
                user=request.user,
                filename=upload.name or "upload",
                content=upload.read(),
                kind=request.POST.get("kind", ""),
            )
        except DomainError as refused:
            error = refused
        else:
            return redirect("assessments:import_preview", pk=pk, iid=imported.pk)
    return render(
        request,
        "assessments/import.html",
        {"assessment": assessment, "error": error},
        status=422 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview_view(request: HttpRequest, pk: int, iid: int) -> HttpResponse:
    assessment = assessment_get(request, pk)
    imported = get_object_or_404(AnswerImport, pk=iid, assessment=assessment)
    if not permissions.can_answer(request.user, assessment):
        raise PermissionDenied
    identifier = request.POST.get("submission") or request.GET.get("submission")
    if identifier is None and imported.kind == "submission" and imported.sets:
        identifier = imported.sets[0]["identifier"]
    if request.method == "POST":
        try:
            n = answers_import_confirm(imported=imported, user=request.user, identifier=identifier)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Imported: %(n)s answers changed.") % {"n": n})
            return redirect("assessments:detail", pk=pk)
    try:
        rows = import_preview_rows(imported=imported, identifier=identifier)
        chosen = next(
            s for s in imported.sets if identifier is None or s["identifier"] == identifier
        )
    except (DomainError, StopIteration):
        messages.error(request, _("No such submission in this file."))
        return redirect("assessments:import", pk=pk)
    changed = [r for r in rows if r.change != "unchanged"]
    return render(
        request,
        "assessments/import_preview.html",
        {
            "assessment": assessment,
            "imported": imported,
            "identifier": identifier,
            "rows": rows,
            "changed_rows": changed,
            "unchanged_rows": [r for r in rows if r.change == "unchanged"],
            "new_count": sum(1 for r in changed if r.change == "new"),
            "changed_count": sum(1 for r in changed if r.change == "changed"),
            "problems": chosen["problems"],
            "changes": len(changed),
        },
    )
