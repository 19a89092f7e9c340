"""A round's season for its coordinators: change the round after it opened, close it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from saferspaces.assessments import permissions
from saferspaces.assessments.forms import RoundEditForm
from saferspaces.assessments.models import Round
from saferspaces.assessments.round_changes import RoundChange, round_close, round_update
from saferspaces.assessments.round_reads import round_closing_preview
from saferspaces.errors import DomainError


def _managed_round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("network", "edition"), pk=pk)
    if not permissions.can_manage_round(request.user, round_):
        raise PermissionDenied
    return round_


def _change_message(change: RoundChange) -> str:
    parts = [_("The round %(title)s is saved.") % {"title": change.round.title}]
    if change.round.deadline != change.deadline_before:
        parts.append(
            _("Deadline: %(date)s.") % {"date": date_format(change.round.deadline, "DATE_FORMAT")}
        )
    if change.added:
        parts.append(
            ngettext(
                "Joined, with its assessment: %(names)s.",
                "Joined, each with its assessment: %(names)s.",
                len(change.added),
            )
            % {"names": ", ".join(a.name for a in change.added)}
        )
    if change.removed:
        parts.append(
            _("Withdrawn with their empty assessments: %(names)s.")
            % {"names": ", ".join(a.name for a in change.removed)}
        )
    return " ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk)
    if round_.closed_at is not None:
        messages.error(request, _("This round is closed: it can no longer be changed."))
        return redirect("assessments:round_detail", pk=pk)
    initial = {
        "title": round_.title,
        "deadline": round_.deadline,
        "authorities": list(round_.assessments.values_list("authority_id", flat=True)),
    }
    form = RoundEditForm(request.POST or None, initial=initial, round_=round_)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = round_update(
                round_=round_,
                title=data["title"],
                deadline=data["deadline"],
                authorities=list(data["authorities"]),
                user=request.user,
                now=timezone.now(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _change_message(change))
            return redirect("assessments:round_detail", pk=pk)
    return render(
        request,
        "assessments/round_edit.html",
        {"round": round_, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk)
    if request.method == "POST":
        try:
            closing = round_close(round_=round_, user=request.user, now=timezone.now())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            n = len(closing.not_submitted)
            messages.success(
                request,
                _("Round closed: no more submissions.")
                + " "
                + ngettext(
                    "%(n)s assessment not submitted is kept and marked so.",
                    "%(n)s assessments not submitted are kept and marked so.",
                    n,
                )
                % {"n": n}
                + " "
                + ngettext(
                    "%(n)s submitted assessment waits for your review.",
                    "%(n)s submitted assessments wait for your review.",
                    closing.awaiting_review,
                )
                % {"n": closing.awaiting_review},
            )
        return redirect("assessments:round_detail", pk=pk)
    return render(request, "assessments/round_close.html", round_closing_preview(round_=round_))
