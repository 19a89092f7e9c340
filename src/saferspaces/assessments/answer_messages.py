"""What a refused answer says, in the reader's language: the one place that turns the core's
:class:`AnswerError` (a kind and its parameters) into a sentence for people.

The core stays free of Django and writes English for files and the command line; pages and
services call :func:`answer_error_message`, which translates with gettext and writes numbers the
way the page's language does ("42 est inférieur au minimum, 2000.").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from saferspaces.core.framework.errors import AnswerError
from saferspaces.core.framework.model import text_get
from saferspaces.web.numbers import number_text

#: the form field a refused answer belongs to (the rest concern the value)
STATUS_KINDS = frozenset({"unknown_status"})


def status_label(status: str) -> str:
    """The words of the form's status choices ("Don't know"...), in the page's language."""
    labels = {
        "answered": _("Yes, answer below"),
        "dont_know": _("Don't know"),
        "not_applicable": _("Not applicable"),
        "not_collected": _("Data not collected"),
    }
    return labels.get(status, status)


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return number_text(value)


def _quoted(values: Iterable[object]) -> str:
    return ", ".join(_("“%(value)s”") % {"value": v} for v in values)


def _choice_words(codes: Iterable[object], question: Any, language: str) -> str:
    """Choice codes as the labels people see, when the question is known."""
    labels: dict[str, str] = {}
    if question is not None:
        labels = {c.code: text_get(c.label, language) for c in question.answer.choice_options()}
    return ", ".join(labels.get(str(c), str(c)) for c in codes)


def answer_error_message(error: AnswerError, *, question: Any = None, language: str = "en") -> str:
    """The refusal in the page's language, naming the value and the limit it broke."""
    p = error.params
    kind = error.kind
    writers: dict[str, Callable[[], str]] = {
        "not_a_number": lambda: (
            _("“%(value)s” is not a number: type digits, with a comma or a point for decimals.")
            % {"value": p.get("value", "")}
        ),
        "not_finite": lambda: (
            _("“%(value)s” is not a number that can be used.") % {"value": p.get("value", "")}
        ),
        "not_whole": lambda: (
            _("%(value)s is not a whole number: give it without decimals.")
            % {"value": _number(p.get("value"))}
        ),
        "below_minimum": lambda: (
            _("%(value)s is below the minimum, %(minimum)s.")
            % {"value": _number(p.get("value")), "minimum": _number(p.get("minimum"))}
        ),
        "above_maximum": lambda: (
            _("%(value)s is above the maximum, %(maximum)s.")
            % {"value": _number(p.get("value")), "maximum": _number(p.get("maximum"))}
        ),
        "not_a_scale_point": lambda: (
            _("“%(value)s” is not a point of the scale: choose one of %(points)s.")
            % {
                "value": p.get("value", ""),
                "points": ", ".join(_number(v) for v in _list(p.get("points"))),
            }
        ),
        "not_a_choice": lambda: (
            _("%(values)s is not among the choices: %(choices)s.")
            % {
                "values": _quoted(_list(p.get("values"))),
                "choices": _choice_words(_list(p.get("choices")), question, language),
            }
        ),
        "one_choice": lambda: _("Choose only one answer."),
        "not_text": lambda: _("The answer must be text."),
        "unknown_status": lambda: _(
            "Choose whether you have an answer: yes, don't know, not applicable or data not "
            "collected."
        ),
        "answer_needed": lambda: _(
            "An answer is needed: give it, or choose don't know, not applicable or data not "
            "collected."
        ),
        "value_with_status": lambda: (
            _(
                "You chose “%(status)s” and also gave an answer: clear the answer, or choose "
                "“%(answer)s”."
            )
            % {"status": status_label(str(p.get("status", ""))), "answer": status_label("answered")}
        ),
    }
    writer = writers.get(kind)
    if writer is None:
        return _("This answer does not fit the question.")
    return writer()


def answer_error_field(error: AnswerError) -> str:
    """The form field to point at: ``status`` or ``value``."""
    return "status" if error.kind in STATUS_KINDS else "value"


def _list(value: object) -> list[object]:
    if isinstance(value, list | tuple):
        return list(value)
    return [] if value is None else [value]
