"""Rounds, the assessment overview, its workflow and team. One domain call per view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from saferspaces.assessments import listing, permissions, selectors
from saferspaces.assessments.forms import (
    AssessmentFilterForm,
    RoundForm,
    StartForm,
    TransitionForm,
)
from saferspaces.assessments.models import Round
from saferspaces.assessments.round_reads import round_overview
from saferspaces.assessments.rounds import assessment_start, assignment_set, round_open
from saferspaces.assessments.views_fill import assessment_get
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.authorities.models import Authority, Network
from saferspaces.errors import DomainError
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.inputs import ascii_int
from saferspaces.opendata.permissions import can_view_import_runs


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Filter by state, round and authority; order by change, authority, round or state."""
    form = AssessmentFilterForm(
        request.GET or None, choices=listing.assessment_list_choices(user=request.user)
    )
    filters = form.filters() if request.GET else {}
    return render(
        request,
        "assessments/list.html",
        {
            "form": form,
            "filtered": any(k != "order" for k in filters),
            "order": filters.get("order", listing.DEFAULT_ORDER),
            "assessments": listing.assessment_list(user=request.user, **filters),
            "rounds": selectors.rounds_visible(user=request.user),
            "can_view_import_runs": can_view_import_runs(request.user),
        },
    )


def _form_error(form: StartForm | RoundForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start_view(request: HttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(Authority, slug=slug)
    if not permissions.can_start_assessment(request.user, authority):
        raise PermissionDenied
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_start(
                authority=authority, user=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Assessment started."))
            return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "assessments/start.html", {"authority": authority, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def round_open_view(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    if not permissions.can_open_round(request.user, network):
        raise PermissionDenied
    form = RoundForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = round_open(
                network=network,
                user=request.user,
                edition=data["edition"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                deadline=data["deadline"],
                consensus=data["consensus"],
                overall=data["overall"],
                authorities=list(data["authorities"]),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Round opened: each authority has its assessment."))
            return redirect("assessments:round_detail", pk=round_.pk)
    return render(request, "assessments/round_open.html", {"network": network, "form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(
        Round.objects.select_related("network", "edition", "closed_by"), pk=pk
    )
    if not permissions.can_view_round(request.user, round_):
        raise PermissionDenied
    return render(
        request,
        "assessments/round_detail.html",
        round_overview(round_=round_, today=timezone.localdate())
        | {"round": round_, "can_manage": permissions.can_manage_round(request.user, round_)},
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(request, pk)
    return render(
        request,
        "assessments/detail.html",
        selectors.assessment_overview(user=request.user, assessment=assessment)
        | {"transition_form": TransitionForm()},
    )


@login_required
@require_POST
def transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("assessments:detail", pk=pk)
    try:
        moved = assessment_transition(
            assessment=assessment,
            action=form.cleaned_data["action"],
            user=request.user,
            comment=form.cleaned_data["comment"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Done: the assessment is now %(state)s.")
            % {"state": moved.get_state_display().lower()},
        )
    return redirect("assessments:detail", pk=pk)


@login_required
@require_POST
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(request, pk)
    read = [ascii_int(v) for v in request.POST.getlist("users")]
    ids = [-1 if i is None else i for i in read]  # -1 is nobody's: refused as a stranger
    try:
        assignment_set(
            assessment=assessment,
            section=request.POST.get("section", ""),
            user_ids=ids,
            by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Assignment saved."))
    return redirect("assessments:detail", pk=pk)


@login_required
def feedback_page(request: HttpRequest, edition_id: str) -> HttpResponse:
    if not permissions.can_view_flags(request.user):
        raise PermissionDenied
    edition = get_object_or_404(FrameworkEdition, edition_id=edition_id)
    rows = selectors.question_flags(edition=edition)
    return render(request, "assessments/feedback.html", {"edition": edition, "rows": rows})
