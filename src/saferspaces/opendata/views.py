"""Pages of the open-data app: import runs (for coordinators and administrators), starting an
import (administrators), and an authority's geography."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saferspaces.authorities.models import Authority
from saferspaces.background.recovery import worker_available
from saferspaces.core.limits import OPENDATA_FILE_MAX_BYTES
from saferspaces.core.opendata import SOURCES
from saferspaces.core.opendata.flags import flag_meaning
from saferspaces.errors import DomainError
from saferspaces.opendata import selectors
from saferspaces.opendata.forms import ORIGIN_FILE, GeographyMatchForm, ImportStartForm
from saferspaces.opendata.import_queue import (
    import_run_queue,
    import_run_retry,
    import_run_retry_possible,
)
from saferspaces.opendata.models import ImportRun, RunStatus
from saferspaces.opendata.permissions import (
    can_manage_geography,
    can_run_imports,
    can_view_import_runs,
)
from saferspaces.opendata.services import geography_match_confirm
from saferspaces.web.uploads import upload_limit


def _language() -> str:
    return (get_language() or "en").split("-")[0]


@login_required
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    if not can_view_import_runs(request.user):
        raise PermissionDenied
    return render(
        request,
        "opendata/runs.html",
        {
            "runs": selectors.run_list(),
            "sources": selectors.source_status(language=_language()),
            "can_run": can_run_imports(request.user),
        },
    )


def _run(request: HttpRequest, run_id: int) -> ImportRun:
    if not can_view_import_runs(request.user):
        raise PermissionDenied
    return get_object_or_404(ImportRun.objects.select_related("ran_by"), pk=run_id)


def _run_context(request: HttpRequest, run: ImportRun) -> dict[str, object]:
    can_run = can_run_imports(request.user)
    return {
        "run": run,
        "flags": [
            {
                "flag": flag,
                "meaning": flag_meaning(flag=flag, language=_language()) or _("unknown flag"),
                "count": count,
            }
            for flag, count in sorted(run.flag_counts.items())
        ],
        "progress": selectors.run_progress(run=run),
        "can_run": can_run,
        "retry_possible": can_run and import_run_retry_possible(run=run),
        "no_worker": run.status == RunStatus.QUEUED and not worker_available(now=timezone.now()),
    }


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    return render(request, "opendata/run_detail.html", _run_context(request, run))


@login_required
@require_GET
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's status block alone, polled with htmx while the run waits or runs; once it has
    ended, the page that polls reloads itself to show the result."""
    run = _run(request, run_id)
    response = render(request, "opendata/_run_status.html", _run_context(request, run))
    if run.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    if not can_run_imports(request.user):
        raise PermissionDenied
    run = get_object_or_404(ImportRun.objects.select_related("ran_by"), pk=run_id)
    try:
        again = import_run_retry(run=run, user=request.user, language=_language())
    except DomainError as error:
        context = {**_run_context(request, run), "retry_error": error.message}
        return render(request, "opendata/run_detail.html", context, status=400)
    return redirect("opendata:run_detail", again.pk)


@upload_limit(OPENDATA_FILE_MAX_BYTES)
@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    if not can_run_imports(request.user):
        raise PermissionDenied
    chosen = request.GET.get("source", "")
    initial = {"source": chosen} if chosen in SOURCES else {}
    posted = request.method == "POST"
    form = ImportStartForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    if posted and form.is_valid():
        from_file = form.cleaned_data["origin"] == ORIGIN_FILE
        try:
            run = import_run_queue(
                source=form.cleaned_data["source"],
                upload=form.cleaned_data["file"] if from_file else None,
                from_api=not from_file,
                since=form.cleaned_data["since"],
                user=request.user,
                language=_language(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("opendata:run_detail", run.pk)
    return render(
        request,
        "opendata/import_start.html",
        {"form": form, "limit": OPENDATA_FILE_MAX_BYTES},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def geography(request: HttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(Authority.objects.select_related("nuts_region"), slug=slug)
    if not can_manage_geography(request.user, authority):
        raise PermissionDenied
    suggestion = selectors.geography_match_suggest(authority=authority)
    initial = {"city_code": suggestion.city_code or "", "nuts_code": suggestion.nuts_code}
    form = GeographyMatchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            match = geography_match_confirm(
                authority=authority,
                user=request.user,
                city_code=form.cleaned_data["city_code"],
                nuts_code=form.cleaned_data["nuts_code"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("The geography of %(name)s is %(method)s.")
                % {"name": authority.name, "method": match.get_method_display()},
            )
            return redirect("opendata:geography", authority.slug)
    return render(
        request,
        "opendata/geography.html",
        {"authority": authority, "suggestion": suggestion, "form": form},
        status=400 if form.errors else 200,
    )
