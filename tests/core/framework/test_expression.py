"""The expression language of computed fields: parsed by its own parser, bounded, never eval."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferspaces.core.framework.expression import (
    EXPRESSION_MAX_DEPTH,
    EXPRESSION_MAX_LENGTH,
    ExpressionError,
    calculation_evaluate,
    calculation_from_xpath,
    calculation_parse,
    expression_format,
    expression_xpath,
)

VALUES = {"CONSEQUENCE": 3, "PROBABILITY": 4, "AA": 4.0, "BB": 1.0, "CC": 2.0}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("CONSEQUENCE * PROBABILITY", 12.0),
        ("AA - (BB - CC)", 5.0),
        ("AA - BB - CC", 1.0),
        ("AA / BB / CC", 2.0),
        ("(AA + BB) * CC", 10.0),
        ("-AA + 10", 6.0),
        ("min(AA, BB, CC) + max(AA, 7)", 8.0),
        ("abs(BB - AA)", 3.0),
        ("round(10 / 3, 2)", 3.33),
        ("round(2.5)", 3.0),  # halves go up, as XPath (and so a form in ODK) rounds
        ("round(-2.5)", -2.0),
        ("round(1.005, 2)", 1.01),  # on the decimal number as written
        ("if(AA >= 3 and BB < 2, 1, 0)", 1.0),
        ("if(AA = 4 or BB = 9, CONSEQUENCE, PROBABILITY)", 3.0),
        ("if(AA != 4, 1, 0.5)", 0.5),
    ],
)
def test_expressions_compute(text: str, value: float) -> None:
    calc = calculation_parse(text=text)
    assert calculation_evaluate(calculation=calc, values=VALUES) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "CONSEQUENCE * PROBABILITY",
        "AA - (BB - CC)",
        "round(AA / (BB - 1), 2) + -CC",
        "if(AA >= 3 and BB < 2, max(AA, BB, 1), 0.5)",
        "0.000001 * AA",
    ],
)
def test_written_back_and_as_xpath_it_reads_the_same(text: str) -> None:
    tree = calculation_parse(text=text).tree
    assert calculation_parse(text=expression_format(tree)).tree == tree
    xpath = expression_xpath(tree)
    assert "${" in xpath and (" div " in xpath) == ("/" in text)
    assert calculation_from_xpath(text=xpath).tree == tree


def test_missing_values_division_by_zero_and_infinity_give_none() -> None:
    calc = calculation_parse(text="CONSEQUENCE * PROBABILITY")
    assert calculation_evaluate(calculation=calc, values={"CONSEQUENCE": 3}) is None
    assert (
        calculation_evaluate(calculation=calc, values={"CONSEQUENCE": 3, "PROBABILITY": None})
        is None
    )
    assert (
        calculation_evaluate(calculation=calc, values={"CONSEQUENCE": "3", "PROBABILITY": 4})
        is None
    )
    assert (
        calculation_evaluate(calculation=calc, values={"CONSEQUENCE": True, "PROBABILITY": 4})
        is None
    )
    assert (
        calculation_evaluate(calculation=calculation_parse(text="AA / (BB - 1)"), values=VALUES)
        is None
    )
    big = calculation_parse(text="AA * AA * AA * AA")
    assert calculation_evaluate(calculation=big, values={"AA": 1e100}) is None
    cond = calculation_parse(text="if(AA > 1, 1, 2)")
    assert calculation_evaluate(calculation=cond, values={}) is None


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("", "the expression is empty", None),
        ("AA +", "unexpected end", 5),
        ("CONSEQUENCE x PROBABILITY", "unexpected 'x'", 13),
        ("foo", "'foo' is not an item code", 1),
        ("AA > BB", "expected a number here, found a condition", None),
        ("if(AA, 1, 2)", "expected a condition (a comparison) here, found a number", None),
        ("max(AA)", "max() takes 2 or more arguments, not 1", 1),
        ("round(AA, BB)", "round()'s digits are a whole number from 0 to 6", 1),
        ("round(AA, 7)", "round()'s digits are a whole number from 0 to 6", 1),
        ("AA < BB < CC", "comparisons do not chain", 9),
        ("AA $ BB", "unexpected character '$'", 4),
        ("eval(AA)", "unknown function 'eval'", 1),
        ("__import__(AA)", "unknown function '__import__'", 1),
        ("AA BB", "unexpected 'BB'", 4),
        ("(AA", "the expression ends where ')' is expected", 4),
        ("1" * 40, "is too long", 1),
    ],
)
def test_what_cannot_be_read_is_reported_with_its_place(
    text: str, message: str, column: int | None
) -> None:
    with pytest.raises(ExpressionError) as info:
        calculation_parse(text=text)
    assert message in info.value.message
    assert info.value.column == column


def test_limits_of_length_and_depth() -> None:
    with pytest.raises(ExpressionError, match="too long"):
        calculation_parse(text="AA + " * (EXPRESSION_MAX_LENGTH // 5) + "AA")
    nested = "(" * (EXPRESSION_MAX_DEPTH + 1) + "AA" + ")" * (EXPRESSION_MAX_DEPTH + 1)
    with pytest.raises(ExpressionError, match="nested more than"):
        calculation_parse(text=nested)
    with pytest.raises(ExpressionError, match="nested more than"):
        calculation_parse(text="-" * 100 + "AA")
    # right at the limits it reads
    ok = "(" * EXPRESSION_MAX_DEPTH + "AA" + ")" * EXPRESSION_MAX_DEPTH
    assert calculation_parse(text=ok).refs() == ("AA",)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="AB()+-*/,<>=! 0123456789.minaxroudfAND", max_size=600))
def test_any_text_is_read_or_refused_quickly_and_never_crashes(text: str) -> None:
    start = time.perf_counter()
    try:
        calc = calculation_parse(text=text)
    except ExpressionError:
        pass
    else:
        calculation_evaluate(calculation=calc, values={"AB": 2.0, "BA": 0.0})
        expression_xpath(calc.tree)
    assert time.perf_counter() - start < 0.5
