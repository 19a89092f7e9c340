"""Filling in: a page per section, answers saved as you go (htmx or plain forms), history,
evidence and feedback. Each view makes one domain call; rules live in the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saferspaces.assessments import permissions, selectors
from saferspaces.assessments.answering import AnswerConflict, answer_save, individual_answer_save
from saferspaces.assessments.evidence import evidence_add, evidence_max_bytes, evidence_remove
from saferspaces.assessments.models import Answer, Assessment, Evidence
from saferspaces.assessments.pages import page_url, section_navigation
from saferspaces.assessments.prefill import prefill_decide
from saferspaces.assessments.repeats import repeat_lists
from saferspaces.assessments.rounds import question_flag
from saferspaces.core.framework.answers import ANSWERED
from saferspaces.errors import DomainError
from saferspaces.inputs import ascii_int
from saferspaces.web.uploads import upload_limit

PENDING_KEY = "saferspaces.pending_answers"


def assessment_get(request: HttpRequest, pk: int, *, lock: bool = False) -> Assessment:
    """The assessment if the person may see it (404 if it does not exist, else 403).

    One query and the person's role in the authority (``permissions.can_view_assessment``),
    which the edit rules of the request read anyway. ``lock``: read under the assessment's row
    lock (inside the caller's transaction), as a save needs it.
    """
    query = Assessment.objects.select_related("authority", "edition").defer(
        "edition__source"  # read only if the edition is not parsed yet (edition_parsed)
    )
    if lock:  # a save: it shows nothing of the round (and its network)
        query = query.select_for_update(of=("self",))
    else:
        query = query.select_related("round__network")
    try:
        assessment = query.get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view_assessment(request.user, assessment):
        raise permissions.assessment_refused()
    return assessment


@dataclass
class Posted:
    """What a person sent for one question (kept to show it again on an error or conflict)."""

    status: str
    value: Any
    comment: str
    version: int
    autosave: bool


def _posted(request: HttpRequest, multiple: bool) -> Posted:
    post = request.POST
    value: Any = post.getlist("value") if multiple else post.get("value", "")
    status = post.get("status", "")
    has_value = bool(value) and (multiple or str(value).strip() != "")
    if not status and has_value:
        status = ANSWERED  # typing an answer is choosing to answer
    version = ascii_int(post.get("version", "0"))
    return Posted(
        status=status,
        value=value,
        comment=post.get("comment", ""),
        # a version that cannot be read never matches: shown as a conflict, nothing overwritten
        version=-1 if version is None else version,
        autosave=post.get("autosave") == "1",
    )


def _keep_for_later(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The session expired mid-form: keep the answer, send the person to log in, come back."""
    pending = request.session.get(PENDING_KEY, {})
    pending[f"{pk}:{code}"] = {
        "status": request.POST.get("status", ""),
        "value": request.POST.getlist("value"),
        "comment": request.POST.get("comment", "")[:5000],
    }
    request.session[PENDING_KEY] = pending
    back = request.POST.get("next") or reverse("assessments:detail", args=[pk])
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("assessments:detail", args=[pk])
    login = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': back})}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = login
        return response
    return redirect(login)


def _pending(request: HttpRequest, assessment: Assessment) -> dict[str, Posted]:
    """Answers kept when the session expired, for this assessment (taken out of the session)."""
    stored = request.session.get(PENDING_KEY) or {}
    mine = {k: v for k, v in stored.items() if k.startswith(f"{assessment.pk}:")}
    if not mine:
        return {}
    request.session[PENDING_KEY] = {k: v for k, v in stored.items() if k not in mine}
    out = {}
    for key, v in mine.items():
        values = v.get("value") or []
        out[key.split(":", 1)[1]] = Posted(
            status=v.get("status", ""),
            value=values if len(values) != 1 else values[0],
            comment=v.get("comment", ""),
            version=-1,
            autosave=False,
        )
    return out


def _fill_forms(view: selectors.SectionView, posted: dict[str, Posted]) -> None:
    """Set what each question's form shows: what the person sent, else the stored answer."""
    for qv in view.questions:
        p = posted.get(qv.question.code)
        if p is not None:
            qv.form = {"status": p.status, "value": p.value, "comment": p.comment}
        else:
            qv.form = qv.initial(individual_mode=view.individual_mode)


def _page_number(request: HttpRequest) -> int:
    """The ``page`` parameter: digits only (anything else is no such page: 404)."""
    text = request.GET.get("page", "1")
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise Http404
    return int(text)


@login_required
def section_page(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """One page of a part: a group of questions, with the part's contents, the next question
    that needs an answer, and the pages before and after."""
    assessment = assessment_get(request, pk)
    number = _page_number(request)
    view = selectors.section_view(
        user=request.user, assessment=assessment, section_code=section, page=number
    )
    if view is None and number == 1:
        # a part holding only repeat groups has no page of questions: its repeat groups only
        view = selectors.section_view(
            user=request.user, assessment=assessment, section_code=section, only=frozenset()
        )
    if view is None:
        raise Http404
    pending = _pending(request, assessment)
    if pending:
        messages.info(
            request,
            _(
                "Your session had expired: the answers you were typing were kept below. They "
                "are not saved yet; check them and save."
            ),
        )
    return section_response(request, assessment=assessment, view=view, pending=pending)


def section_response(
    request: HttpRequest,
    *,
    assessment: Assessment,
    view: selectors.SectionView,
    pending: dict[str, Posted],
) -> HttpResponse:
    """The page of ``view`` (one page of a part; the benchmarks also draw a whole part), its
    forms showing ``pending`` answers where there are some, else the stored ones."""
    _fill_forms(view, pending)
    number = view.page.number if view.page is not None else 1
    answers = selectors.answer_rows(assessments=assessment)  # read once: progress, navigation
    return render(
        request,
        "assessments/section.html",
        {
            "assessment": assessment,
            "view": view,
            "pending": pending,
            "repeats": repeat_lists(assessment=assessment, section=view.section.code),
            "progress": selectors.fill_progress(assessment=assessment, answers=answers),
            "nav": section_navigation(
                user=request.user,
                assessment=assessment,
                section_code=view.section.code,
                page_number=number,
                individual=view.individual_mode,
                answers=answers,
            ),
        },
    )


# where the message about a field takes the reader: ``q-<code>-<anchor>`` in _question.html
ERROR_ANCHORS = {
    "status": "status",
    "value": "value",
    "comment": "comment",
    "source_name": "ev-source",
    "year": "ev-year",
    "url": "ev-url",
    "file": "ev-file",
    "reason": "fl-u",
    "note": "fl-note",
}


def _question_response(
    request: HttpRequest,
    assessment: Assessment,
    code: str,
    *,
    posted: Posted | None = None,
    error: DomainError | None = None,
    failed: str = "",
    conflict: AnswerConflict | None = None,
    saved: bool = False,
    written: Answer | None = None,
    oob: frozenset[str] = frozenset(),
    status: int = 200,
) -> HttpResponse:
    section = selectors.question_section(assessment=assessment, code=code)
    if section is None:
        raise Http404
    view = selectors.section_view(
        user=request.user,
        assessment=assessment,
        section_code=section,
        only=frozenset({code}) | oob,
        written=written,
    )
    assert view is not None
    qv = next((q for q in view.questions if q.question.code == code), None)
    if qv is None:
        raise Http404
    _fill_forms(view, {code: posted} if posted is not None and not saved else {})
    context = {
        "assessment": assessment,
        "view": view,
        "qv": qv,
        "posted": posted,
        "error": error,
        "error_anchor": f"q-{code}-{ERROR_ANCHORS.get(error.field or '', 'value')}"
        if error
        else "",
        # the evidence or feedback form that was refused, shown again with what was sent
        "failed": failed,
        "sent": request.POST if failed else {},
        "conflict": conflict,
        "saved": saved,
        "oob": [q for q in view.questions if q.question.code != code],
        "page_number": view.section.page_of(code),
        # on its own page (a deep link), or on a page of its part with its neighbours
        "alone": not request.headers.get("HX-Request") or request.POST.get("shown") == "alone",
    }
    if request.headers.get("HX-Request"):
        return render(request, "assessments/_question_response.html", context, status=status)
    return render(request, "assessments/question.html", context, status=status)


@login_required
def question_page(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One question on its own page (deep links, and the page after a save without JavaScript)."""
    return _question_response(request, assessment_get(request, pk), code)


@require_POST
def answer_save_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _keep_for_later(request, pk, code)
    written = None  # the agreed answer as saved, drawn again as it is
    try:
        # one transaction from the read of the assessment (under its row lock: the permission
        # and the save are decided on the same row) to the answer written
        with transaction.atomic():
            assessment = assessment_get(request, pk, lock=True)
            section = selectors.question_section(assessment=assessment, code=code)
            if section is None:
                raise Http404
            question = selectors.question_get(assessment=assessment, code=code)
            assert question is not None
            posted = _posted(request, multiple=question.answer.type == "multiple_choice")
            # a half-made choice while typing: nothing to save yet, no error to shout about
            half_made = posted.autosave and (
                not posted.status or (posted.status == ANSWERED and not posted.value)
            )
            if half_made:
                pass
            elif assessment.consensus and not permissions.is_lead_of(request.user, assessment):
                individual_answer_save(
                    assessment=assessment,
                    code=code,
                    user=request.user,
                    status=posted.status,
                    raw=posted.value,
                    comment=posted.comment,
                    locked=True,
                )
            else:
                written = answer_save(
                    assessment=assessment,
                    code=code,
                    user=request.user,
                    status=posted.status,
                    raw=posted.value,
                    comment=posted.comment,
                    expected_version=posted.version,
                    locked=True,
                )
    except AnswerConflict as conflict:  # rolled back; drawn outside the transaction
        return _question_response(
            request, assessment, code, posted=posted, conflict=conflict, status=409
        )
    except DomainError as error:
        return _question_response(request, assessment, code, posted=posted, error=error, status=422)
    if half_made:
        return _question_response(request, assessment, code, posted=posted)
    if not request.headers.get("HX-Request"):
        messages.success(request, _("Answer saved."))
        sections = {s.code: s for s in selectors.assessment_sections(assessment=assessment)}
        return redirect(page_url(assessment.pk, section, sections[section].page_of(code), code))
    # the questions whose skip logic follows this answer, when they are on screen with it
    sections = {s.code: s for s in selectors.assessment_sections(assessment=assessment)}
    here = sections[section].pages[sections[section].page_of(code) - 1]
    on_screen = set() if request.POST.get("shown") == "alone" else {q.code for q in here.questions}
    dependents = selectors.relevance_dependents(assessment=assessment, code=code) & on_screen
    return _question_response(
        request, assessment, code, saved=True, written=written, oob=frozenset(dependents)
    )


@login_required
def answer_history_page(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_get(request, pk)
    question = selectors.question_get(assessment=assessment, code=code)
    if question is None:
        raise Http404
    return render(
        request,
        "assessments/history.html",
        {
            "assessment": assessment,
            "question": question,
            "revisions": selectors.answer_history(assessment=assessment, code=code),
            "individual": selectors.individual_answers(assessment=assessment, code=code),
        },
    )


def _year(text: str) -> int | None:
    if not text.strip():
        return None
    year = ascii_int(text)
    if year is None:
        raise DomainError(_("Enter the year as four digits, for example 2024."), field="year")
    return year


@upload_limit(evidence_max_bytes)
@login_required
@require_POST
def evidence_add_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_get(request, pk)
    try:
        evidence_add(
            assessment=assessment,
            code=code,
            user=request.user,
            source_name=request.POST.get("source_name", ""),
            year=_year(request.POST.get("year", "")),
            url=request.POST.get("url", ""),
            file=request.FILES.get("file"),
        )
    except DomainError as error:
        return _question_response(
            request, assessment, code, error=error, failed="evidence", status=422
        )
    messages.success(request, _("Evidence added."))
    return redirect(reverse("assessments:question", args=[assessment.pk, code]))


@login_required
def evidence_file(request: HttpRequest, pk: int, eid: int) -> FileResponse:
    assessment = assessment_get(request, pk)
    evidence = get_object_or_404(Evidence, pk=eid, assessment=assessment)
    if not evidence.file:
        raise Http404
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file_name or "evidence",
        content_type=evidence.file_type or "application/octet-stream",
    )


@login_required
@require_POST
def evidence_remove_view(request: HttpRequest, pk: int, eid: int) -> HttpResponse:
    assessment = assessment_get(request, pk)
    evidence = get_object_or_404(Evidence, pk=eid, assessment=assessment)
    try:
        evidence_remove(evidence=evidence, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Evidence removed."))
    return redirect(reverse("assessments:question", args=[assessment.pk, evidence.code]))


@login_required
@require_POST
def prefill_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Use or reject the open-data suggestion of a question."""
    assessment = assessment_get(request, pk)
    version = ascii_int(request.POST.get("version", "0"))
    try:
        prefill_decide(
            assessment=assessment,
            code=code,
            user=request.user,
            decision=request.POST.get("decision", ""),
            expected_version=-1 if version is None else version,
        )
    except AnswerConflict as conflict:
        return _question_response(request, assessment, code, conflict=conflict, status=409)
    except DomainError as error:
        return _question_response(request, assessment, code, error=error, status=422)
    if request.headers.get("HX-Request"):
        return _question_response(request, assessment, code, saved=True)
    messages.success(request, _("Done."))
    return redirect(reverse("assessments:question", args=[assessment.pk, code]))


@login_required
@require_POST
def flag_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_get(request, pk)
    try:
        question_flag(
            assessment=assessment,
            code=code,
            user=request.user,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        return _question_response(request, assessment, code, error=error, failed="flag", status=422)
    messages.success(request, _("Thank you: your feedback on this question was recorded."))
    return redirect(reverse("assessments:question", args=[assessment.pk, code]))
