"""Skip logic: evaluate a :class:`Relevance` on answers, or write it as an XLSForm expression."""

from __future__ import annotations

from collections.abc import Mapping

from saferspaces.core.framework.errors import FrameworkError
from saferspaces.core.framework.model import Relevance


def answered(value: object) -> bool:
    """An answer counts as given unless it is missing, None, blank text or an empty selection."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return bool(value)
    return True


def _same(a: object, b: object) -> bool:
    """Equality across representations: 3 == '3' == 3.0, 'yes' == 'yes'."""
    if a == b:
        return True
    na, nb = _as_number(a), _as_number(b)
    if na is not None and nb is not None:
        return na == nb
    return str(a) == str(b)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def relevance_evaluate(*, condition: Relevance | None, answers: Mapping[str, object]) -> bool:
    """Whether a question with this skip logic is asked, given the ``answers`` so far.

    ``answers`` maps question codes to values: numbers, a choice code, a list of codes for
    multiple choice. An unanswered question makes every test on it false except
    ``answered: false``. No condition means always relevant.
    """
    if condition is None:
        return True
    op = condition.op
    if op == "all":
        return all(relevance_evaluate(condition=c, answers=answers) for c in condition.items)
    if op == "any":
        return any(relevance_evaluate(condition=c, answers=answers) for c in condition.items)
    assert condition.question is not None
    value = answers.get(condition.question)
    if op == "answered":
        return answered(value) == bool(condition.value)
    if not answered(value):
        return False
    chosen = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    if op == "equals":
        return any(_same(v, condition.value) for v in chosen)
    if op == "in":
        options = (
            condition.value if isinstance(condition.value, tuple | list) else (condition.value,)
        )
        return any(_same(v, o) for v in chosen for o in options)
    number = _as_number(value)
    limit = _as_number(condition.value)
    if number is None or limit is None:
        return False
    if op == "greater_than":
        return number > limit
    if op == "less_than":
        return number < limit
    raise FrameworkError(f"unknown relevance test {op!r}")  # pragma: no cover


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = str(value)
    if "'" in text:
        return f'"{text}"'
    return f"'{text}'"


def relevance_xpath(*, condition: Relevance, answer_types: Mapping[str, str]) -> str:
    """The XLSForm ``relevant`` expression of ``condition``.

    ``answer_types`` maps question codes to answer types (select_multiple questions need
    ``selected()``; choice codes are quoted, numbers are not).
    """
    op = condition.op
    if op in ("all", "any"):
        joiner = " and " if op == "all" else " or "
        parts = [relevance_xpath(condition=c, answer_types=answer_types) for c in condition.items]
        return "(" + joiner.join(parts) + ")" if len(parts) > 1 else parts[0]
    ref = "${" + str(condition.question) + "}"
    atype = answer_types.get(str(condition.question), "text")
    if op == "answered":
        return f"{ref} != ''" if condition.value else f"{ref} = ''"
    if op in ("greater_than", "less_than"):
        sign = ">" if op == "greater_than" else "<"
        return f"({ref} != '' and {ref} {sign} {_literal(condition.value)})"
    values = (
        condition.value if op == "in" and isinstance(condition.value, tuple) else (condition.value,)
    )
    choice_like = atype in ("likert", "yes_partly_no", "single_choice", "multiple_choice", "text")
    tests = []
    for v in values:
        lit = _literal(str(v) if choice_like else v)
        tests.append(f"selected({ref}, {lit})" if atype == "multiple_choice" else f"{ref} = {lit}")
    return "(" + " or ".join(tests) + ")" if len(tests) > 1 else tests[0]
