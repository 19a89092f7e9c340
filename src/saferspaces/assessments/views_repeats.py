"""Filling in repeat groups: one page per instance (every item of a measure, a site) saved
together, and removing an instance. Server-rendered forms, no JavaScript needed; each view
makes one domain call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from saferspaces.assessments.answering import AnswerConflict
from saferspaces.assessments.models import Answer
from saferspaces.assessments.repeats import (
    repeat_instance_items,
    repeat_instance_remove,
    repeat_instance_save,
)
from saferspaces.assessments.views_fill import assessment_get
from saferspaces.errors import DomainError
from saferspaces.inputs import ascii_int


def _instance(group: str, position: int) -> str:
    return f"{group}[{position}]"


@login_required
@require_http_methods(["GET", "POST"])
def repeat_instance_page(request: HttpRequest, pk: int, group: str, position: int) -> HttpResponse:
    """Every item of one instance of a repeat group, in one form."""
    assessment = assessment_get(request, pk)
    instance = _instance(group, position)
    try:
        repeat, section = repeat_instance_items(assessment=assessment, instance=instance)
    except DomainError:
        raise Http404 from None
    error: DomainError | None = None
    sent: dict[str, Any] = {}
    if request.method == "POST":
        multiple = {i.code for i in repeat.items if i.answer.type == "multiple_choice"}
        sent = {
            i.code: request.POST.getlist(i.code) if i.code in multiple else request.POST.get(i.code)
            for i in repeat.items
        }
        versions = {
            i.code: ascii_int(request.POST.get(f"{i.code}-version", "0")) or 0 for i in repeat.items
        }
        try:
            repeat_instance_save(
                assessment=assessment,
                instance=instance,
                user=request.user,
                raws=sent,
                versions=versions,
            )
        except (AnswerConflict, DomainError) as refused:
            error = refused
        else:
            messages.success(request, _("Answers saved."))
            return redirect("assessments:section", pk=pk, section=section)
    stored = {
        a.code.rsplit("/", 1)[1]: a
        for a in Answer.objects.filter(assessment=assessment, code__startswith=f"{instance}/")
    }
    items = [
        {
            "item": item,
            "answer": stored.get(item.code),
            "shown": sent.get(item.code)
            if sent
            else (stored[item.code].value if item.code in stored else None),
            "choices": item.answer.choice_options()
            if item.answer.type in ("single_choice", "multiple_choice", "yes_partly_no", "likert")
            else (),
        }
        for item in repeat.items
    ]
    return render(
        request,
        "assessments/repeat_instance.html",
        {
            "assessment": assessment,
            "group": repeat,
            "position": position,
            "instance": instance,
            "section": section,
            "items": items,
            "error": error,
        },
        status=422 if error is not None else 200,
    )


@require_POST
@login_required
def repeat_instance_remove_view(
    request: HttpRequest, pk: int, group: str, position: int
) -> HttpResponse:
    assessment = assessment_get(request, pk)
    instance = _instance(group, position)
    try:
        _repeat, section = repeat_instance_items(assessment=assessment, instance=instance)
    except DomainError:
        raise Http404 from None
    try:
        repeat_instance_remove(assessment=assessment, instance=instance, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed; the ones after it moved up."))
    return redirect("assessments:section", pk=pk, section=section)
