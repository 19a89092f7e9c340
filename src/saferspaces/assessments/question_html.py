"""The HTML of a question of the fill-in: on the pages of a part, on its own page, and in the
fragments htmx swaps in after a save (the question, and the questions its answer shows or hides).

Written in Python rather than as an included template because a page can show many questions
(a whole dimension of 40 in the benchmark) and each one holds an answer form, an "add evidence"
form and a feedback form. As a template a question cost about 1.5 ms of CPU: some 35
``{% translate %}`` nodes, 7 ``{% url %}`` reversals, 3 ``{% csrf_token %}`` and a hundred
variables. Here the texts are translated once per language, the addresses reversed once per
page, and a question costs a few hundredths of that. The HTML is the one the template wrote.

Every text goes through gettext (the same msgids, so the catalogues keep them); every value is
escaped and localised as ``{{ value }}`` does it. Element ids are ``q-<code>-<part>``: the
error summaries link to them (``views_fill.ERROR_ANCHORS``).
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat, floatformat, truncatewords
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format, localize
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language, ngettext

from saferspaces.assessments.pages import page_url
from saferspaces.assessments.question_texts import question_texts
from saferspaces.core.framework.answers import ANSWER_STATUSES, AnswerState, answer_display
from saferspaces.core.framework.model import Text, text_get
from saferspaces.web.numbers import number_text

CHOICE_TYPES = frozenset({"likert", "yes_partly_no", "single_choice", "multiple_choice"})
_SLOT = "__code__"  # a slug no question has: the code's place in an address reversed once
_ID_SLOT = "918273645546372819"  # a number no evidence has: its place in an address reversed once


def escape(text: Any) -> SafeString:
    """``django.utils.html.escape`` without its check for lazy arguments (this module passes
    none): the same string, called thousands of times on a page."""
    return SafeString(html.escape(str(text)))


def conditional_escape(text: Any) -> str:
    """``django.utils.html.conditional_escape``: text marked safe as it is, the rest escaped."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()  # type: ignore[no-any-return]
    return escape(text)


def answer_words(question: Any, status: str | None, value: Any, *, language: str) -> str:
    """An answer as people read it (choice labels, units, statuses), not escaped."""
    state = AnswerState(status, value) if status else None
    return answer_display(question=question, state=state, language=language, number=number_text)


def choice_checked(values: Any, code: Any) -> bool:
    """Whether a choice is among the values a form shows (one value, or a list)."""
    if values is None:
        return False
    if isinstance(values, list | tuple | set):
        return str(code) in {str(v) for v in values}
    return str(values) == str(code)


def _local(value: Any) -> Any:
    """A moment in the site's time zone, as templates show it; anything else as it is."""
    return localtime(value) if isinstance(value, dt.datetime) and is_aware(value) else value


def _v(value: Any) -> str:
    """``{{ value }}``: localised (numbers, dates) and escaped."""
    kind = type(value)
    if kind is str or kind is SafeString:
        return conditional_escape(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what number_format gives a whole number without grouping
    value = localize(_local(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _or(value: Any, default: str) -> Any:
    """``|default``: the value, or ``default`` when it is empty."""
    return value or default


class QuestionHtml:
    """Writes the questions of one page of an assessment (``selectors.SectionView``): what all
    of them share (addresses, texts, the CSRF field) is worked out once."""

    def __init__(
        self,
        *,
        assessment: Any,
        view: Any,
        csrf_token: Any,
        page_number: int | None = None,
        alone: bool = False,
    ) -> None:
        self.view = view
        self.pk = assessment.pk
        self.alone = alone
        self.language = (get_language() or "en")[:2]
        self.t = question_texts()
        self.urls = {
            name: escape(reverse(f"assessments:{name}", args=[self.pk, _SLOT]))
            for name in ("question", "save", "history", "evidence_add", "flag", "prefill")
        }
        self.evidence_urls = {
            name: escape(reverse(f"assessments:{name}", args=[self.pk, int(_ID_SLOT)]))
            for name in ("evidence_file", "evidence_remove")
        }
        self.datetime_format = get_format("DATETIME_FORMAT")  # the page's language
        here = (view.page.number if view.page is not None else None) or page_number or 1
        self.next = escape(page_url(self.pk, view.section.code, here))
        self.csrf = ""
        if csrf_token and csrf_token != "NOTPROVIDED":  # noqa: S105 - what {% csrf_token %} skips
            self.csrf = (
                '<input type="hidden" name="csrfmiddlewaretoken" value="'
                + escape(csrf_token)
                + '">'
            )

    def _url(self, name: str, code: str) -> str:
        return self.urls[name].replace(_SLOT, code)

    def _evidence_url(self, name: str, pk: int) -> str:
        return self.evidence_urls[name].replace(_ID_SLOT, str(pk))

    def _datetime(self, value: dt.datetime | None) -> str:
        """``value|date:"DATETIME_FORMAT"`` in the site's time zone."""
        return "" if value is None else dateformat.format(_local(value), self.datetime_format)

    def _tr(self, text: Text | None) -> str:
        return escape(text_get(text, self.language))

    def _answer(self, q: Any, status: str | None, value: Any) -> str:
        return escape(answer_words(q, status, value, language=self.language))

    def render(
        self,
        qv: Any,
        *,
        error: Any = None,
        error_anchor: str = "",
        conflict: Any = None,
        saved: bool = False,
        failed: str = "",
        sent: Any = None,
        oob_swap: bool = False,
    ) -> SafeString:
        """One question (``selectors.QuestionView`` with its ``form`` set) as a ``<section>``."""
        t, q = self.t, qv.question
        code = escape(q.code)
        field = getattr(error, "field", None) if error else None
        title = text_get(q.question, self.language)
        short = escape(truncatewords(title, 8))
        out = [
            '\n<section class="question',
            "" if qv.relevant else " question-skipped",
            f'" id="q-{code}" aria-labelledby="q-{code}-title"',
            ' hx-swap-oob="outerHTML">' if oob_swap else ">",
            f'\n<h3 id="q-{code}-title">{escape(title)}</h3>\n<p class="question-meta">\n',
            t.kinds.get(getattr(q, "kind", ""), ""),
        ]
        if q.answer.unit:
            out.append(f'\n<span class="muted">{t.unit} {self._tr(q.answer.unit)}</span>')
        out.append("\n</p>\n")
        if q.help:
            out.append(f'<p class="hint" id="q-{code}-help">{self._tr(q.help)}</p>\n')
        if q.answer.type == "not_scored":
            pass
        elif not qv.relevant:
            out.append(f'<p class="notice">{t.not_asked}</p>\n')
        else:
            if error:
                out.append(self._error(code, error, error_anchor))
            if conflict:
                out.append(self._conflict(q, code, conflict))
            if saved:
                when = _v(date_filter(_local(_updated_at(qv)), "H:i"))
                out.append(
                    '<p class="saved" role="status">' + t.saved_at % {"time": when} + "</p>\n"
                )
            if self.view.editable and qv.offer:
                out.append(self._offer(qv, code, short))
            if self.view.editable:
                out.append(self._form(qv, code, short, field, conflict))
            else:
                out.append(self._facts(qv))
            if self.view.consensus_lead or self.view.individual_mode:
                out.append(self._individual(qv))
            out.append(self._footer(qv, code, short))
            out.append(self._evidence(qv, code, short, field, failed, sent))
            if self.view.editable:
                out.append(self._flag(code, short, field, failed, sent))
        out.append("</section>\n")
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped

    def _error(self, code: str, error: Any, anchor: str) -> str:
        return (
            f'<div class="error-summary" role="alert" aria-labelledby="q-{code}-error-title"'
            f' tabindex="-1">\n<h4 id="q-{code}-error-title">{self.t.not_saved}</h4>\n'
            f'<p><a href="#{escape(anchor)}">{escape(error.message)}</a></p>\n</div>\n'
        )

    def _conflict(self, q: Any, code: str, conflict: Any) -> str:
        t, current = self.t, conflict.current
        out = [
            f'<div class="conflict" role="alert" aria-labelledby="q-{code}-conflict-title"'
            f' tabindex="-1">\n<h4 id="q-{code}-conflict-title">{t.someone_changed}</h4>\n'
            f"<p>{escape(conflict.message)}</p>\n"
        ]
        if current:
            out.append(
                f'<dl class="facts">\n<dt>{t.their_answer}</dt>'
                f"<dd>{self._answer(q, current.status, current.value)}</dd>\n"
            )
            if current.comment:
                out.append(f"<dt>{t.their_comment}</dt><dd>{escape(current.comment)}</dd>\n")
            when = _v(self._datetime(current.updated_at))
            out.append(
                f"<dt>{t.saved_by}</dt><dd>{_v(_or(current.updated_by, t.someone))}, {when}</dd>"
                "\n</dl>\n"
            )
        out.append(
            f'<p>{t.still_in_form}\n<a href="{self._url("question", code)}">{t.keep_theirs}</a>'
            "</p>\n</div>\n"
        )
        return "".join(out)

    def _offer(self, qv: Any, code: str, short: str) -> str:
        from saferspaces.assessments.templatetags.assessments import iso_date

        t, o = self.t, qv.offer.data
        unit = f' <span class="muted">({_v(o.get("unit"))})</span>' if o.get("unit") else ""
        region = "" if o.get("own_area") else f" — {t.wider_region}"
        flags = (
            f"<dt>{t.flags}</dt><dd>{escape(qv.offer.suggestion.flags_text)}</dd>\n"
            if o.get("flags")
            else ""
        )
        codes = ", ".join(escape(c) for c in o.get("codes") or ())
        url = self._url("prefill", code)
        return (
            f'<div class="prefill" aria-labelledby="q-{code}-prefill-title">\n'
            f'<h4 id="q-{code}-prefill-title">'
            f"{t.newer_data if qv.offer.newer else t.suggestion}</h4>\n"
            f'<p class="prefill-value"><strong>{floatformat(o.get("value"), "-2")}</strong>'
            f'{unit}</p>\n<dl class="facts">\n'
            f"<dt>{t.source}</dt><dd>Eurostat, {_v(o.get('dataset'))} ({codes})</dd>\n"
            f"<dt>{t.year}</dt><dd>{_v(o.get('period'))}</dd>\n"
            f"<dt>{t.geography}</dt><dd>{_v(o.get('geo'))} ({_v(o.get('geo_level'))}){region}"
            f"</dd>\n{flags}"
            f"<dt>{t.retrieved}</dt><dd>{escape(iso_date(o.get('retrieved_at')))}</dd>\n</dl>\n"
            f'<p class="hint">{_v(o.get("provenance"))}</p>\n'
            f'<form method="post" action="{url}" hx-post="{url}" hx-target="#q-{code}"'
            ' hx-swap="outerHTML" class="inline-form">\n'
            f'{self.csrf}<input type="hidden" name="version" value="{_v(qv.version)}">'
            f"{self._alone()}\n"
            f'<button type="submit" name="decision" value="accepted">{t.use_value}'
            f'<span class="visually-hidden"> {t.for_} {short}</span></button>\n'
            '<button type="submit" name="decision" value="rejected" class="button-secondary">'
            f'{t.reject}<span class="visually-hidden"> {t.the_suggestion_for} {short}</span>'
            f'</button>\n</form>\n<p class="hint">{t.own_value}</p>\n</div>\n'
        )

    def _alone(self) -> str:
        return '<input type="hidden" name="shown" value="alone">' if self.alone else ""

    def _form(self, qv: Any, code: str, short: str, field: Any, conflict: Any) -> str:
        t, q, f = self.t, qv.question, qv.form
        url = self._url("save", code)
        trigger = "submit" if conflict else "change delay:500ms, submit"
        out = [
            f'<form class="answer-form" method="post" action="{url}"\nhx-post="{url}"'
            f' hx-target="#q-{code}" hx-swap="outerHTML"\nhx-trigger="{trigger}">\n',
            self.csrf,
            f'\n<input type="hidden" name="version" value="{_v(qv.version)}">\n'
            '<input type="hidden" name="autosave" value="1">\n'
            f'<input type="hidden" name="next" value="{self.next}#q-{code}">\n',
            self._alone(),
            "\n",
        ]
        if self.view.individual_mode:
            out.append(f'<p class="hint">{t.your_own}</p>')
        out.append(
            f'\n<fieldset class="status-choice inline-choices" id="q-{code}-status">\n'
            f"<legend>{t.have_answer}</legend>\n"
        )
        status = f.get("status")
        for s in ANSWER_STATUSES:
            checked = " checked" if status == s else ""
            out.append(
                f'<div class="choice"><input type="radio" id="q-{code}-st-{s}" name="status"'
                f' value="{s}"{checked}>\n<label for="q-{code}-st-{s}">{t.statuses[s]}</label>'
                "</div>\n"
            )
        out.append("</fieldset>\n")
        kind, value = q.answer.type, f.get("value")
        if kind in CHOICE_TYPES:
            out.append(self._choices(q, code, value))
        elif kind == "text":
            shown = _v("" if value is None else value)
            out.append(
                f'<label for="q-{code}-value">{t.answer}</label>\n'
                f'<textarea id="q-{code}-value" name="value" rows="3">{shown}</textarea>\n'
            )
        else:
            out.append(self._number(q, code, value, field))
        comment = f.get("comment")
        invalid = ' aria-invalid="true"' if field == "comment" else ""
        out.append(
            f'<details class="comment"{" open" if comment or field == "comment" else ""}>\n'
            f"<summary>{t.comment if comment else t.add_comment}"
            f'<span class="visually-hidden"> {t.to} {short}</span></summary>\n'
            f'<label for="q-{code}-comment">{t.comment} <span class="hint">({t.optional})'
            "</span></label>\n"
            f'<textarea id="q-{code}-comment" name="comment" rows="2"{invalid}>{_v(comment)}'
            "</textarea>\n</details>\n"
            f'<p><button type="submit" name="autosave" value="0" id="q-{code}-save">{t.save}'
            f'</button>\n<span class="hint">{t.saved_as_you_go}</span></p>\n</form>\n'
        )
        return "".join(out)

    def _choices(self, q: Any, code: str, value: Any) -> str:
        t = self.t
        many = q.answer.type == "multiple_choice"
        out = [f'<fieldset id="q-{code}-value">\n<legend>{t.answer}']
        if many:
            out.append(f' <span class="hint">({t.choose_all})</span>')
        out.append("</legend>\n")
        kind = "checkbox" if many else "radio"
        for n, choice in enumerate(q.answer.choice_options(), start=1):
            checked = " checked" if choice_checked(value, choice.code) else ""
            out.append(
                f'<div class="choice"><input type="{kind}" id="q-{code}-v-{n}" name="value"'
                f' value="{_v(choice.code)}"{checked}>\n'
                f'<label for="q-{code}-v-{n}">{self._tr(choice.label)}</label></div>\n'
            )
        out.append("</fieldset>\n")
        return "".join(out)

    def _number(self, q: Any, code: str, value: Any, field: Any) -> str:
        t, spec = self.t, q.answer
        if spec.type == "percentage":
            unit = " (%)"
        elif spec.unit:
            unit = f" ({self._tr(spec.unit)})"
        else:
            unit = ""
        if spec.type == "year":
            hint = t.a_year
        elif spec.min is not None and spec.max is not None:
            hint = t.number_from % {"min": _v(spec.min), "max": _v(spec.max)}
        elif spec.type == "percentage":
            hint = t.percentage
        else:
            hint = t.a_number
        shown = _v("" if value is None else value)
        invalid = ' aria-invalid="true"' if field == "value" else ""
        return (
            f'<label for="q-{code}-value">{t.answer}{unit}</label>\n'
            f'<p class="hint" id="q-{code}-range">{hint}</p>\n'
            f'<input type="text" inputmode="decimal" class="input-number" id="q-{code}-value"'
            f' name="value" value="{shown}" aria-describedby="q-{code}-range"{invalid}>\n'
        )

    def _facts(self, qv: Any) -> str:
        t, a = self.t, qv.answer
        given = (
            self._answer(qv.question, a.status, a.value)
            if a
            else self._answer(qv.question, None, None)
        )
        comment = f"\n<dt>{t.comment}</dt><dd>{escape(a.comment)}</dd>" if a and a.comment else ""
        return f'<dl class="facts">\n<dt>{t.answer}</dt><dd>{given}</dd>{comment}\n</dl>\n'

    def _individual(self, qv: Any) -> str:
        t, q, a = self.t, qv.question, qv.answer
        if self.view.individual_mode:
            agreed = self._answer(q, a.status, a.value) if a else t.not_set
            return f'<div class="individual">\n<p>{t.agreed} {agreed}</p>\n</div>\n'
        n = len(qv.individual)
        caption = ngettext("%(n)s individual answer", "%(n)s individual answers", n) % {"n": _v(n)}
        rows = (
            "".join(
                f'<tr><th scope="row">{_v(ia.user)}</th>'
                f"<td>{self._answer(q, ia.status, ia.value)}</td><td>{_v(ia.comment)}</td></tr>\n"
                for ia in qv.individual
            )
            or f'<tr><td colspan="3">{t.nobody_alone}</td></tr>'
        )
        return (
            f'<div class="individual">\n<table>\n<caption>{caption}</caption>\n'
            f'<thead><tr><th scope="col">{t.person}</th><th scope="col">{t.answer}</th>'
            f'<th scope="col">{t.comment}</th></tr></thead>\n<tbody>{rows}</tbody>\n</table>\n'
            "</div>\n"
        )

    def _footer(self, qv: Any, code: str, short: str) -> str:
        t, a = self.t, qv.answer
        out = ['<p class="question-footer muted">\n']
        if a:
            when = self._datetime(a.updated_at)
            out.append(
                t.last_changed
                % {"who": _v(_or(a.updated_by, t.someone)), "when": _v(when), "v": _v(a.version)}
            )
            if a.prefill:
                out.append(f' <span class="tag">{t.from_open_data}</span>')
        n = qv.revisions
        history = ngettext("History (%(n)s change)", "History (%(n)s changes)", n) % {"n": _v(n)}
        out.append(
            f'\n<a href="{self._url("history", code)}">{history}'
            f'<span class="visually-hidden"> {t.of} {short}</span></a>\n'
            f'· {t.code_in_files} <span class="code">{code}</span>\n</p>\n'
        )
        return "".join(out)

    def _evidence(self, qv: Any, code: str, short: str, field: Any, failed: str, sent: Any) -> str:
        t = self.t
        none = "" if qv.evidence else f' <span class="muted">· {t.none_attached}</span>'
        out = [f'<div class="evidence">\n<h4>{t.evidence}{none}</h4>\n']
        if qv.evidence:
            out.append("<ul>")
            for e in qv.evidence:
                out.append(self._evidence_item(e))
            out.append("</ul>\n")
        if self.view.editable:
            out.append(self._evidence_form(code, short, field, failed == "evidence", sent))
        out.append("</div>\n")
        return "".join(out)

    def _evidence_item(self, e: Any) -> str:
        t = self.t
        name = escape(e.source_name)
        out = [f"\n<li>{name}"]
        if e.year:
            out.append(f", {_v(e.year)}")
        if e.url:
            out.append(
                f' · <a href="{escape(e.url)}" rel="noopener noreferrer">{t.link}'
                f'<span class="visually-hidden"> {name}</span></a>'
            )
        if e.file:
            url = self._evidence_url("evidence_file", e.pk)
            out.append(
                f' · <a href="{url}">{escape(e.file_name)}</a>'
                f" ({escape(filesizeformat(e.file_size))})"
            )
        out.append(f'\n<span class="muted">— {_v(_or(e.added_by, ""))}</span>\n')
        if self.view.editable:
            url = self._evidence_url("evidence_remove", e.pk)
            out.append(
                f'<form class="inline-form" method="post" action="{url}">{self.csrf}'
                f'<button type="submit" class="link-button">{t.remove}'
                f'<span class="visually-hidden"> {name}</span></button></form>'
            )
        out.append("\n</li>")
        return "".join(out)

    def _evidence_form(self, code: str, short: str, field: Any, failed: bool, sent: Any) -> str:
        t = self.t

        def kept(name: str) -> str:
            return f' value="{_v(sent.get(name, ""))}"' if failed else ""

        def invalid(name: str) -> str:
            return ' aria-invalid="true"' if field == name else ""

        optional = f' <span class="hint">({t.optional})</span>'
        return (
            f"<details{' open' if failed else ''}>\n"
            f'<summary>{t.add_evidence}<span class="visually-hidden"> {t.to} {short}</span>'
            "</summary>\n"
            '<form method="post" enctype="multipart/form-data"'
            f' action="{self._url("evidence_add", code)}">\n{self.csrf}\n'
            f'<label for="q-{code}-ev-source">{t.source}</label>\n'
            f'<input type="text" id="q-{code}-ev-source" name="source_name" maxlength="300"'
            f" required{kept('source_name')}{invalid('source_name')}>\n"
            f'<label for="q-{code}-ev-year">{t.year}{optional}</label>\n'
            f'<input type="text" inputmode="numeric" id="q-{code}-ev-year" name="year"'
            f' maxlength="4" class="input-number"{kept("year")}{invalid("year")}>\n'
            f'<label for="q-{code}-ev-url">{t.link_field}{optional}</label>\n'
            f'<input type="url" id="q-{code}-ev-url" name="url" maxlength="500"'
            f"{kept('url')}{invalid('url')}>\n"
            f'<label for="q-{code}-ev-file">{t.file}{optional}</label>\n'
            f'<p class="hint" id="q-{code}-ev-file-hint">{t.file_kinds}</p>\n'
            f'<input type="file" id="q-{code}-ev-file" name="file"'
            f' aria-describedby="q-{code}-ev-file-hint"{invalid("file")}>\n'
            f'<p><button type="submit" class="button-secondary">{t.add_evidence}</button></p>\n'
            "</form>\n</details>\n"
        )

    def _flag(self, code: str, short: str, field: Any, failed: str, sent: Any) -> str:
        t = self.t
        flagged = failed == "flag"
        reason = sent.get("reason", "") if flagged else ""
        note = _v(sent.get("note", "")) if flagged else ""
        unclear = " checked" if reason == "unclear" else ""
        fitting = " checked" if reason == "not_fitting" else ""
        invalid_reason = ' aria-invalid="true"' if field == "reason" else ""
        invalid_note = ' aria-invalid="true"' if field == "note" else ""
        return (
            f'<details class="flag"{" open" if flagged else ""}>\n'
            f'<summary>{t.give_feedback}<span class="visually-hidden"> {short}</span></summary>\n'
            f'<form method="post" action="{self._url("flag", code)}">{self.csrf}\n'
            f"<fieldset><legend>{t.what_problem}</legend>\n"
            f'<div class="choice"><input type="radio" id="q-{code}-fl-u" name="reason"'
            f' value="unclear" required{unclear}{invalid_reason}>'
            f'<label for="q-{code}-fl-u">{t.unclear}</label></div>\n'
            f'<div class="choice"><input type="radio" id="q-{code}-fl-n" name="reason"'
            f' value="not_fitting"{fitting}><label for="q-{code}-fl-n">{t.not_fitting}</label>'
            "</div>\n</fieldset>\n"
            f'<label for="q-{code}-fl-note">{t.note} <span class="hint">({t.optional})</span>'
            "</label>\n"
            f'<textarea id="q-{code}-fl-note" name="note" rows="2"{invalid_note}>{note}'
            "</textarea>\n"
            f'<p><button type="submit" class="button-secondary">{t.send_feedback}</button></p>\n'
            "</form>\n</details>\n"
        )


def _updated_at(qv: Any) -> Any:
    return qv.answer.updated_at if qv.answer is not None else None
