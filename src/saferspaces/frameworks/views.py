from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from saferspaces.accounts.permissions import can_manage_frameworks
from saferspaces.core.framework import text_get
from saferspaces.core.framework.xlsform_export import xlsform_export
from saferspaces.core.limits import EDITION_FILE_MAX_BYTES
from saferspaces.frameworks import selectors
from saferspaces.frameworks.forms import EditionUploadForm
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.services import FrameworkUploadError, framework_edition_upload
from saferspaces.web.uploads import upload_limit


def _language() -> str:
    return (get_language() or "en").split("-")[0]


@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frameworks/list.html",
        {
            "editions": [
                {"row": row, "title": text_get(row.title, _language())}
                for row in selectors.edition_list()
            ],
            "can_upload": can_manage_frameworks(request.user),
        },
    )


@require_GET
def edition_detail(request: HttpRequest, edition_id: str) -> HttpResponse:
    row = get_object_or_404(FrameworkEdition, edition_id=edition_id)
    edition = selectors.edition_parsed(row=row)
    language = _language()
    diff, previous_missing = selectors.edition_changes(edition=edition)
    return render(
        request,
        "frameworks/detail.html",
        {
            "row": row,
            "edition": selectors.edition_present(edition=edition, language=language),
            "diff": diff,
            "changes": selectors.changes_present(diff=diff, language=language) if diff else [],
            "previous_missing": previous_missing,
        },
    )


@require_GET
def edition_xlsform(request: HttpRequest, edition_id: str) -> HttpResponse:
    row = get_object_or_404(FrameworkEdition, edition_id=edition_id)
    buf = io.BytesIO()
    xlsform_export(edition=selectors.edition_parsed(row=row), out=buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{row.edition_id}.xlsx"'
    return response


@require_GET
def edition_source(request: HttpRequest, edition_id: str) -> HttpResponse:
    row = get_object_or_404(FrameworkEdition, edition_id=edition_id)
    response = HttpResponse(row.source, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{row.edition_id}.yaml"'
    return response


@upload_limit(EDITION_FILE_MAX_BYTES)
@login_required
@require_http_methods(["GET", "POST"])
def edition_upload(request: HttpRequest) -> HttpResponse:
    if not can_manage_frameworks(request.user):
        raise PermissionDenied
    form = EditionUploadForm(request.POST or None, request.FILES or None)
    problems: tuple = ()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            row = framework_edition_upload(
                user=request.user, filename=upload.name, content=upload.read()
            )
        except FrameworkUploadError as error:
            form.add_error("file", error.message)
            problems = error.problems
        else:
            messages.success(request, _("Edition %(id)s is stored.") % {"id": row.edition_id})
            return redirect("frameworks:detail", row.edition_id)
    return render(
        request,
        "frameworks/upload.html",
        {"form": form, "problems": problems},
        status=400 if form.errors else 200,
    )
