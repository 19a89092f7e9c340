"""What a stored answer is: an explicit status and, when answered, a canonical value.

Every question can be *answered* or deliberately left without a value: *don't know*, *not
applicable* or *data not collected*. The choice is always explicit and stored as such; none of
them is ever turned into a number. Canonical values, shared by forms, importers and scoring:

==================================================  =========================================
answer type                                         canonical value
==================================================  =========================================
number, percentage, rate_per_100k                   ``float``
year                                                ``int``
likert                                              ``int`` (a point of the scale)
yes_partly_no, single_choice                        ``str`` (a choice code)
multiple_choice                                     ``list[str]`` in the order of the choices
text                                                ``str`` (stripped)
not_scored (an explanatory item)                    nothing: it takes no answer
==================================================  =========================================
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from saferspaces.core.framework.errors import AnswerError
from saferspaces.core.framework.model import ChecklistItem, Indicator, Text, text_get
from saferspaces.core.framework.scoring import answer_validate
from saferspaces.core.labels import labels_group
from saferspaces.core.limits import TEXT_ANSWER_MAX_CHARS
from saferspaces.core.text import text_control_character

ANSWERED = "answered"
DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
NOT_COLLECTED = "not_collected"
UNANSWERED = "unanswered"  # nothing recorded yet (never stored as a status)
ANSWER_STATUSES = (ANSWERED, DONT_KNOW, NOT_APPLICABLE, NOT_COLLECTED)
#: the label of each status, in every language of ``core/labels`` (``answer_status.<code>``)
STATUS_LABELS: Mapping[str, Text] = labels_group("answer_status", (*ANSWER_STATUSES, UNANSWERED))
NUMERIC_TYPES = ("number", "percentage", "rate_per_100k")

AnswerValue = float | int | str | list[str] | None
Question = Indicator | ChecklistItem


@dataclass(frozen=True)
class AnswerState:
    """A question's answer: ``status`` and, only when ``status == 'answered'``, a value."""

    status: str
    value: AnswerValue = None

    @property
    def answered(self) -> bool:
        return self.status == ANSWERED


_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$", re.ASCII)
#: a number as typed: ASCII digits, a decimal point, an exponent (Python's float() also reads
#: fullwidth or Arabic-Indic digits and underscores, which a person would not read as typed)
_NUMBER = re.compile(
    r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|infinity|nan)",
    re.ASCII | re.IGNORECASE,
)


def _to_number(question: Question, raw: object) -> float:
    if isinstance(raw, bool):
        raise AnswerError(
            code=question.code,
            message=f"expected a number, got {raw!r}",
            kind="not_a_number",
            params={"value": str(raw)},
        )
    if isinstance(raw, int | float):
        x = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if text.endswith("%") and question.answer.type == "percentage":
            text = text[:-1]
        if _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")  # 12,5 is 12.5 in most European languages
        try:
            if not _NUMBER.fullmatch(text):
                raise ValueError(text)
            x = float(text)
        except ValueError:
            raise AnswerError(
                code=question.code,
                message=f"{str(raw).strip()!r} is not a number",
                kind="not_a_number",
                params={"value": str(raw).strip()},
            ) from None
    if not math.isfinite(x):
        raise AnswerError(
            code=question.code,
            message=f"expected a finite number, got {raw!r}",
            kind="not_finite",
            params={"value": str(raw).strip()},
        )
    return x


def answer_parse(*, question: Question, raw: object) -> AnswerValue:
    """The canonical value of ``raw`` (form text, spreadsheet cell or list of codes).

    Raises :class:`AnswerError` with a message fit for the person who typed it when the value
    does not fit the question (type, range, scale point, choice). Blank input gives ``None``.
    """
    spec = question.answer
    atype = spec.type
    if atype == "not_scored":
        return None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value: AnswerValue
    if atype in NUMERIC_TYPES:
        value = _to_number(question, raw)
    elif atype in ("year", "likert"):
        x = _to_number(question, raw)
        if x != int(x):
            raise AnswerError(
                code=question.code,
                message=f"{raw!r} is not a whole number",
                kind="not_whole",
                params={"value": x},
            )
        value = int(x)
    elif atype == "multiple_choice":
        if isinstance(raw, str):
            items = [p for p in re.split(r"[\s,;]+", raw) if p]
        elif isinstance(raw, Sequence):
            items = [str(p).strip() for p in raw if str(p).strip()]
        else:
            raise AnswerError(
                code=question.code,
                message=f"expected choice codes, got {raw!r}",
                kind="not_a_choice",
                params={"values": [str(raw)], "choices": [c.code for c in spec.choice_options()]},
            )
        order = [c.code for c in spec.choice_options()]
        unknown = [c for c in items if c not in order]
        if unknown:
            raise AnswerError(
                code=question.code,
                message=f"{', '.join(map(repr, unknown))} not among the choices: {', '.join(order)}",
                kind="not_a_choice",
                params={"values": unknown, "choices": order},
            )
        value = [c for c in order if c in set(items)]
        if not value:
            return None
    elif atype in ("yes_partly_no", "single_choice"):
        value = str(raw).strip()
    else:
        value = str(raw).strip()
        found = text_control_character(value)
        if found is not None:
            raise AnswerError(code=question.code, message=f"remove the {found} from the text")
        if len(value) > TEXT_ANSWER_MAX_CHARS:
            raise AnswerError(
                code=question.code,
                message=f"the text has {len(value)} characters, more than the "
                f"{TEXT_ANSWER_MAX_CHARS} allowed",
            )
    answer_validate(question=question, answer=value)
    return value


def answer_state_build(*, question: Question, status: str, raw: object = None) -> AnswerState:
    """Check that ``status`` and ``raw`` agree and return the canonical :class:`AnswerState`.

    ``answered`` needs a value; the other statuses take none (a value sent with them is an
    error, so that an accidental click never discards a typed number silently).
    """
    if status not in ANSWER_STATUSES:
        raise AnswerError(
            code=question.code,
            message=f"unknown status {status!r}; expected one of: {', '.join(ANSWER_STATUSES)}",
            kind="unknown_status",
            params={"status": status, "statuses": list(ANSWER_STATUSES)},
        )
    value = answer_parse(question=question, raw=raw)
    if status == ANSWERED:
        if value is None:
            raise AnswerError(
                code=question.code, message="an answer is needed", kind="answer_needed"
            )
        return AnswerState(status=status, value=value)
    if value is not None:
        raise AnswerError(
            code=question.code,
            message=f"a value was given with the status {status!r}: clear it or choose 'answer'",
            kind="value_with_status",
            params={"status": status},
        )
    return AnswerState(status=status)


def answer_display(
    *,
    question: Question,
    state: AnswerState | None,
    language: str,
    number: Callable[[float], str] | None = None,
) -> str:
    """A short human text of an answer, in ``language``; ``number`` writes numbers the way the
    reader's language does (the web layer passes its own; default ``%g``, a decimal point)."""
    if state is None:
        return text_get(STATUS_LABELS[UNANSWERED], language)
    if not state.answered:
        return text_get(STATUS_LABELS[state.status], language)
    value = state.value
    spec = question.answer
    if spec.type in ("likert", "yes_partly_no", "single_choice", "multiple_choice"):
        labels = {c.code: text_get(c.label, language) for c in spec.choice_options()}
        codes = value if isinstance(value, list) else [str(value)]
        return "; ".join(labels.get(c, c) for c in codes)
    if isinstance(value, float):
        shown = number(value) if number is not None else f"{value:g}"
        unit = text_get(spec.unit, language) if spec.unit else ""
        if spec.type == "percentage":
            return f"{shown}\u00a0%"
        return f"{shown} {unit}".strip()
    return str(value)


def answers_for_relevance(states: Mapping[str, AnswerState]) -> dict[str, AnswerValue]:
    """The value map that :func:`relevance_evaluate` expects (only answered questions)."""
    return {code: s.value for code, s in states.items() if s.answered}
