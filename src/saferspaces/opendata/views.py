"""Pages of the open-data app: import runs for coordinators, and an authority's geography."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from saferspaces.authorities.models import Authority
from saferspaces.core.opendata.flags import flag_meaning
from saferspaces.errors import DomainError
from saferspaces.opendata import selectors
from saferspaces.opendata.forms import GeographyMatchForm
from saferspaces.opendata.models import ImportRun
from saferspaces.opendata.permissions import can_manage_geography, can_view_import_runs
from saferspaces.opendata.services import geography_match_confirm


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
            "sources": selectors.source_status(language=(get_language() or "en")[:2]),
        },
    )


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    if not can_view_import_runs(request.user):
        raise PermissionDenied
    run = get_object_or_404(ImportRun.objects.select_related("ran_by"), pk=run_id)
    language = (get_language() or "en")[:2]
    flags = [
        {
            "flag": flag,
            "meaning": flag_meaning(flag=flag, language=language) or _("unknown flag"),
            "count": count,
        }
        for flag, count in sorted(run.flag_counts.items())
    ]
    return render(request, "opendata/run_detail.html", {"run": run, "flags": flags})


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
