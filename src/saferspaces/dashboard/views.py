"""Pages of the dashboard: an authority's profile, peers and explanations; a coordinator's round
view and publishing; the public results. Each view makes one domain call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saferspaces.accounts.permissions import (
    AccessDenied,
    can_manage_sharing,
    can_view_authority_private,
)
from saferspaces.assessments.models import Assessment, Round
from saferspaces.assessments.permissions import (
    assessment_refused,
    assessments_readable,
    can_answer,
    can_view_assessment,
    can_view_round,
)
from saferspaces.authorities.models import Authority
from saferspaces.charts.tables import FORMATS, chart_table_response
from saferspaces.dashboard import selectors
from saferspaces.dashboard.forms import PeerCriteriaForm, SharingForm
from saferspaces.dashboard.services import aggregates_publish, can_publish, sharing_update
from saferspaces.errors import DomainError
from saferspaces.inputs import query_int


def _language() -> str:
    return (get_language() or "en")[:2]


def _chart_download(
    request: HttpRequest, context: dict[str, Any], name: str
) -> HttpResponse | None:
    """``?chart=<id>&format=csv|xlsx`` returns that chart's data table as a file."""
    chart_id = request.GET.get("chart")
    fmt = request.GET.get("format")
    if not chart_id or not fmt:
        return None
    chart = context.get("charts", {}).get(chart_id)
    if chart is None or fmt not in FORMATS:
        raise Http404(_("There is no such chart or file format on this page."))
    return chart_table_response(chart=chart, fmt=fmt, filename=f"{name}-{chart_id}")


def _authority_assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("authority", "round", "edition").defer(
            "edition__source"  # read only if the edition is not parsed yet (edition_parsed)
        ),
        pk=pk,
    )
    if not can_view_assessment(request.user, assessment):
        raise assessment_refused()
    return assessment


@login_required
@require_GET
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(Authority, slug=slug)
    if not can_view_authority_private(request.user, authority):
        raise PermissionDenied
    context = selectors.dashboard_profile(
        authority=authority,
        assessment_pk=query_int(request.GET, "assessment"),
        language=_language(),
        among=assessments_readable(request.user),
    )
    context["can_manage_sharing"] = can_manage_sharing(request.user, authority)
    return _chart_download(request, context, authority.slug) or render(
        request, "dashboard/profile.html", context
    )


@login_required
@require_GET
def peers(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _authority_assessment(request, pk)
    form = PeerCriteriaForm.from_query(request.GET)
    named = request.GET.get("named", "1")  # the page of the peers that published their results
    if not named.isascii() or not named.isdigit() or len(named) > 6 or int(named) < 1:
        raise Http404
    query = request.GET.copy()
    for key in ("chart", "format", "named"):
        query.pop(key, None)
    context = selectors.dashboard_peers(
        assessment=assessment,
        criteria=form.criteria_value(),
        query=query.urlencode(),
        language=_language(),
        named_page=int(named),
    )
    context["form"] = form
    return _chart_download(request, context, f"peers-{pk}") or render(
        request, "dashboard/peers.html", context
    )


@login_required
@require_GET
def assessment_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results of an assessment by its result model's presenter (a tally, a risk matrix,
    levels reached), with each chart's data table and downloads; nothing ranks authorities."""
    assessment = _authority_assessment(request, pk)
    context = selectors.dashboard_results(
        assessment=assessment,
        language=_language(),
        is_subject=can_answer(request.user, assessment),
    )
    return _chart_download(request, context, f"results-{pk}") or render(
        request, "dashboard/assessment_results.html", context
    )


@login_required
@require_GET
def explain(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _authority_assessment(request, pk)
    context = selectors.dashboard_explain(assessment=assessment, code=code, language=_language())
    if context is None:
        raise Http404(_("This assessment has no score for that indicator."))
    return render(request, "dashboard/explain.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(Authority, slug=slug)
    if not can_manage_sharing(request.user, authority):
        raise AccessDenied(_("Only a lead of this authority can change what it shares."))
    context = selectors.sharing_get(authority=authority)
    current = context["sharing"]
    initial = {
        "open_to_contact": bool(current and current.open_to_contact),
        "contact_name": current.contact_name if current else "",
        "contact_email": current.contact_email if current else "",
        "note": current.note if current else "",
        "publish_results": bool(current and current.publish_results),
        "shared_evidence": [e.pk for e in context["evidence"] if e.shared_with_peers],
    }
    form = SharingForm(request.POST or None, initial=initial, evidence=context["evidence"])
    if request.method == "POST" and form.is_valid():
        try:
            sharing_update(authority=authority, user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your sharing choices are saved."))
            return redirect("dashboard:sharing", slug=slug)
    status = 422 if request.method == "POST" else 200
    return render(request, "dashboard/sharing.html", context | {"form": form}, status=status)


def _round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("network", "edition"), pk=pk)
    if not can_view_round(request.user, round_):
        raise PermissionDenied
    return round_


@login_required
@require_GET
def round_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    context = selectors.dashboard_round(round_=round_, language=_language())
    context["can_publish"] = can_publish(request.user, round_)
    return _chart_download(request, context, f"round-{pk}") or render(
        request, "dashboard/round.html", context
    )


@login_required
@require_POST
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    try:
        published = aggregates_publish(
            round_=round_,
            user=request.user,
            selected=request.POST.getlist("publish"),
            language=_language(),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        n = len(published)
        messages.success(
            request,
            ngettext("%(n)s distribution is now public.", "%(n)s distributions are now public.", n)
            % {"n": n},
        )
    return redirect("dashboard:round", pk=pk)


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    context = selectors.dashboard_public(language=_language())
    context["charts"] = {e["chart"].id: e["chart"] for e in context["rounds"]}
    return _chart_download(request, context, "published") or render(
        request, "dashboard/results.html", context
    )
