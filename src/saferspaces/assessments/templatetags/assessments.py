from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django import template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saferspaces.assessments.question_html import QuestionHtml, answer_words
from saferspaces.core.framework.model import Text, text_get
from saferspaces.web.numbers import (
    MISSING,
    number_text,
    percent_text,
    rounding_rows,
    score_text,
    signed_text,
)

register = template.Library()


@register.filter
def tr(text: Text | None) -> str:
    """A framework text in the current language (falls back to English)."""
    return text_get(text, (get_language() or "en")[:2])


@register.simple_tag
def answer_text(question: Any, status: str | None, value: Any) -> str:
    """An answer as people read it (choice labels, units, statuses) in the current language."""
    return answer_words(question, status, value, language=(get_language() or "en")[:2])


@register.simple_tag(takes_context=True)
def fill_questions(context: Context, view: Any) -> SafeString:
    """``{% fill_questions view %}``: every question of a page of the fill-in."""
    writer = QuestionHtml(
        assessment=context["assessment"], view=view, csrf_token=context.get("csrf_token")
    )
    return mark_safe("".join([writer.render(qv) for qv in view.questions]))  # noqa: S308


@register.simple_tag(takes_context=True)
def fill_question(context: Context, others: Any = ()) -> SafeString:
    """``{% fill_question others=oob %}``: the question ``qv`` of a question's page or of the
    fragment answering a save, with what the context says about it (saved, refused with
    ``error``, in ``conflict``, the evidence or feedback form that ``failed`` with what was
    ``sent``), then ``others`` (the questions its answer shows or hides) for htmx to swap."""
    view = context["view"]
    writer = QuestionHtml(
        assessment=context["assessment"],
        view=view,
        csrf_token=context.get("csrf_token"),
        page_number=context.get("page_number"),
        alone=bool(context.get("alone")),
    )
    parts = [
        writer.render(
            context["qv"],
            error=context.get("error"),
            error_anchor=context.get("error_anchor") or "",
            conflict=context.get("conflict"),
            saved=bool(context.get("saved")),
            failed=context.get("failed") or "",
            sent=context.get("sent"),
        )
    ]
    parts.extend(writer.render(qv, oob_swap=True) for qv in others)
    return mark_safe("".join(parts))  # noqa: S308 - written by QuestionHtml, escaped there


REASONS = {
    "insufficient_data": _("not computed: too few indicators with data"),
    "no_indicators_of_kind": _("no indicator of this kind"),
    "not_applicable": _("not applicable"),
    "not_relevant": _("not asked (skip logic)"),
    "too_few_units": _("needs more assessments in the round to be compared"),
    "zero_range": _("every assessment gave the same value"),
    "no_choice_score": _("the chosen options carry no score"),
    "perception_missing": _("no perception score"),
    "status_missing": _("no status score"),
    "dont_know": _("don't know"),
    "not_collected": _("data not collected"),
    "unanswered": _("not answered"),
    "unscorable": _("answered, but no score"),
}


# the scoring engine's step warnings (``StepWarning.kind``) that stored scores can carry
SCORING_WARNINGS = {
    "constant": _(
        "every assessment scored together gave the same value, so it cannot be compared across "
        "them and has no score"
    ),
    "infinite": _(
        "the normalisation divided by zero: some values are infinite, and so are the scores "
        "above them"
    ),
    "missing": _("the normalisation is undefined for some values (0/0): they are missing"),
    "undefined": _("the score is undefined although its parts have values: it is missing"),
    "zero_weights": _("only parts with a weight of 0 have values: the score is missing"),
}


@register.filter
def scoring_warning(kind: str | None) -> str:
    """A warning of the scoring engine in words."""
    return str(SCORING_WARNINGS.get(kind or "", _("a scoring step changed some values")))


@register.filter
def reason(code: str | None) -> str:
    """A reason code of the scoring engine in words."""
    if not code:
        return ""
    return str(REASONS.get(code, code))


@register.filter
def score(value: float | None) -> str:
    """A score with one decimal in the page's language (42.4; 42,4 in French)."""
    return score_text(value)


@register.simple_tag
def kindscore(ks: Any) -> str:
    """One kind of a node's score as a cell reads it: the score with its interval across
    individual answers when they differ, or why it is missing (the one definition: a simple tag,
    as a page shows up to a hundred of them; tables written in Python call
    :func:`kindscore_html` with the page's score writer)."""
    return kindscore_html(ks, score_text)


def kindscore_html(ks: Any, write: Callable[[float | None], str]) -> SafeString:
    """:func:`kindscore` with the scores written by ``write`` (``score_text``, or
    ``score_writer()`` of a table)."""
    if not hasattr(ks, "score"):  # no node (None, or a missing variable)
        return SafeString("")
    if ks.score is None:
        why = html.escape(str(reason(ks.reason) or MISSING))
        return SafeString(f'<span class="muted">{why}</span>')
    text = f"<strong>{html.escape(write(ks.score))}</strong>"
    interval = ks.interval
    if interval and interval[0] != interval[1]:
        # as blocktranslate does: the values escaped, the translation as written
        words = _("%(lo)s to %(hi)s across individual answers") % {
            "lo": html.escape(write(interval[0])),
            "hi": html.escape(write(interval[1])),
        }
        text += f' <span class="muted">({words})</span>'
    return SafeString(text)


@register.filter
def signed(value: float | None) -> str:
    """A difference with its sign (+11.2; +11,2 in French)."""
    return signed_text(value)


@register.filter
def percent(value: float | None) -> str:
    """A share in [0, 1] as a percentage (50 %)."""
    return percent_text(value)


@register.filter
def number(value: float | int | None) -> str:
    """A value as typed, in the page's language (2000, 12.5; 12,5 in French)."""
    return number_text(value)


@register.inclusion_tag("assessments/_authority_assessments.html", takes_context=True)
def authority_assessments(context: dict[str, Any], authority: Any) -> dict[str, Any]:
    """The authority's assessments for people who may see them, and a start button for leads."""
    from saferspaces.assessments import permissions, selectors
    from saferspaces.opendata.permissions import can_manage_geography

    user = context["request"].user
    return {
        "authority": authority,
        "assessments": selectors.assessments_visible(user=user).filter(authority=authority),
        "can_start": permissions.can_start_assessment(user, authority),
        "can_geography": can_manage_geography(user, authority),
    }


@register.inclusion_tag("assessments/_network_rounds.html", takes_context=True)
def network_rounds(context: dict[str, Any], network: Any) -> dict[str, Any]:
    """The network's rounds for its coordinators, and an "open a round" button."""
    from saferspaces.assessments import permissions, selectors

    user = context["request"].user
    return {
        "network": network,
        "rounds": selectors.rounds_visible(user=user).filter(network=network),
        "can_open": permissions.can_open_round(user, network),
    }


def _score_of(row: Any, kind: str) -> float | None:
    scores = getattr(row, "scores", None) or {}
    ks = scores.get(kind) if isinstance(scores, dict) else getattr(scores, kind, None)
    return getattr(ks, "score", None)


@register.inclusion_tag("assessments/_rounding_note.html")
def rounding_note(rows: Any) -> dict[str, Any]:
    """Once under a table that shows a gap beside its rounded parts, and only when a gap there
    differs by 0.1 from the difference of the rounded scores: say that figures are rounded
    from exact values, and where (42.44 - 31.26 is shown as +11.2 beside 42.4 and 31.3)."""
    titles = rounding_rows(
        (
            str(getattr(r, "title", "")),
            getattr(getattr(r, "gap", None), "value", None),
            _score_of(r, "perception"),
            _score_of(r, "status"),
        )
        for r in rows or []
    )
    return {"titles": titles, "step": number_text(0.1)}


@register.simple_tag
def page_url(pk: int, section: str, page: int | str, code: str | None = None) -> str:
    """``{% page_url assessment.pk section.code page.number code %}``: a page of the fill-in."""
    from saferspaces.assessments.pages import page_url as url

    return url(pk, section, int(page), code)


@register.filter
def iso_date(value: Any) -> str:
    """A date kept as ISO text in stored data ("2026-11-03T10:00:00+00:00") in the page's
    language (3 November 2026); text that is not a date is shown as it is, a blank as a dash."""
    import datetime as dt

    from django.utils.formats import date_format

    text = str(value or "").strip()
    if not text:
        return "—"
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return text
    return date_format(day, "DATE_FORMAT")
