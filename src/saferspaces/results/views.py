"""The results pages of an assessment: its scores and how they are made, and "Compute the
scores" (one domain call per view)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from saferspaces.assessments.views_fill import assessment_get
from saferspaces.errors import DomainError
from saferspaces.results.computing import assessment_results_pending, assessment_results_request
from saferspaces.results.selectors import assessment_scores


@login_required
@require_http_methods(["GET", "POST"])
def scores_page(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(request, pk)
    if request.method == "POST":
        try:
            assessment_results_request(assessment=assessment, user=request.user, now=timezone.now())
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("results:scores", pk=pk)
    return render(
        request,
        "results/scores.html",
        {"assessment": assessment}
        | assessment_scores(assessment=assessment, language=get_language() or "en"),
    )


@login_required
@require_http_methods(["GET"])
def scores_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Whether the scores are still being computed: the note again while they are (htmx asks
    every second), else an empty answer telling htmx to refresh the page, which shows them."""
    assessment = assessment_get(request, pk)
    if assessment_results_pending(assessment=assessment):
        return render(request, "results/_pending.html", {"assessment": assessment})
    response = HttpResponse("")
    response["HX-Refresh"] = "true"
    return response
