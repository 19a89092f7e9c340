"""The small expression language of computed fields (``calculate:``), parsed here, never ``eval``.

Grammar (whitespace is free; codes are item codes such as ``PROBABILITY``)::

    expression := or
    or         := and ("or" and)*
    and        := compare ("and" compare)*
    compare    := sum (("=" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | atom
    atom       := NUMBER | CODE | FUNCTION "(" expression ("," expression)* ")" | "(" expression ")"

Functions: ``min(a, b, ...)``, ``max(a, b, ...)``, ``abs(x)``, ``round(x)`` or ``round(x, digits)``
(``digits`` a whole number from 0 to 6; halves go up, as in XPath) and ``if(condition, a, b)``. Comparisons and ``and`` /
``or`` give a condition, which only ``if`` takes; a computed field is always a number. An
expression is at most :data:`EXPRESSION_MAX_LENGTH` characters, :data:`EXPRESSION_MAX_NODES`
parts and :data:`EXPRESSION_MAX_DEPTH` levels of nesting, so parsing and evaluating it takes
bounded time and memory whatever is written.

Evaluating gives ``None`` (never an exception) when a referenced value is missing, when dividing
by zero or when the result is not a finite number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache

EXPRESSION_MAX_LENGTH = 500
EXPRESSION_MAX_NODES = 200
EXPRESSION_MAX_DEPTH = 16
ROUND_MAX_DIGITS = 6
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {  # name -> (least, most) arguments
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "round": (1, 2),
    "if": (3, 3),
}
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_TOKEN = re.compile(
    r"(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op><=|>=|!=|[-+*/(),=<>]))"
)
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")


class ExpressionError(ValueError):
    """An expression that cannot be read; ``column`` is 1-based (None: the whole expression)."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message = message
        self.column = column
        where = f" (at character {column})" if column is not None else ""
        super().__init__(f"{message}{where}")


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class Binary:
    op: str  # + - * /
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare:
    op: str  # = != < <= > >=
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Logic:
    op: str  # and | or
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]


Expr = Num | Ref | Neg | Binary | Compare | Logic | Call


@dataclass(frozen=True)
class Calculation:
    """A parsed ``calculate:`` expression with the text it was written as."""

    source: str
    tree: Expr

    def refs(self) -> tuple[str, ...]:
        """The codes it reads, each once, in order of appearance."""
        return _refs(self.tree)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str, int]] = []  # (kind, text, column)
        pos = 0
        while pos < len(text):
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos == len(text):
                break
            m = _TOKEN.match(text, pos)
            if m is None:
                raise ExpressionError(f"unexpected character {text[pos]!r}", pos + 1)
            kind = m.lastgroup or "op"
            self.tokens.append((kind, m.group(kind), m.start(kind) + 1))
            pos = m.end()
            if len(self.tokens) > EXPRESSION_MAX_NODES:
                raise ExpressionError(f"too long: more than {EXPRESSION_MAX_NODES} parts")
        self.i = 0
        self.depth = 0
        self.end = len(text) + 1

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, text: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise ExpressionError(
                f"the expression ends where {text!r} is expected" if text else "unexpected end",
                self.end,
            )
        if text is not None and tok[1] != text:
            raise ExpressionError(f"expected {text!r}, found {tok[1]!r}", tok[2])
        self.i += 1
        return tok

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] != "num" and tok[1] in texts

    def nest(self, column: int) -> None:
        self.depth += 1
        if self.depth > EXPRESSION_MAX_DEPTH:
            raise ExpressionError(f"nested more than {EXPRESSION_MAX_DEPTH} levels deep", column)

    def parse(self) -> Expr:
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        tree = self.or_()
        tok = self.peek()
        if tok is not None:
            raise ExpressionError(f"unexpected {tok[1]!r}", tok[2])
        return tree

    def or_(self) -> Expr:
        left = self.and_()
        while self.at("or"):
            self.take()
            left = Logic("or", left, self.and_())
        return left

    def and_(self) -> Expr:
        left = self.compare()
        while self.at("and"):
            self.take()
            left = Logic("and", left, self.compare())
        return left

    def compare(self) -> Expr:
        left = self.sum()
        if self.at(*COMPARISONS):
            op = self.take()[1]
            left = Compare(op, left, self.sum())
            if self.at(*COMPARISONS):
                tok = self.take()
                raise ExpressionError("comparisons do not chain: use 'and'", tok[2])
        return left

    def sum(self) -> Expr:
        left = self.product()
        while self.at("+", "-"):
            op = self.take()[1]
            left = Binary(op, left, self.product())
        return left

    def product(self) -> Expr:
        left = self.unary()
        while self.at("*", "/"):
            op = self.take()[1]
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.at("-"):
            tok = self.take()
            self.nest(tok[2])
            operand = self.unary()
            self.depth -= 1
            return Neg(operand)
        return self.atom()

    def atom(self) -> Expr:
        tok = self.take()
        kind, text, col = tok
        if kind == "num":
            value = float(text)
            if not math.isfinite(value) or len(text) > 30:
                raise ExpressionError(f"the number {text[:20]}... is too long", col)
            return Num(value)
        if text == "(":
            self.nest(col)
            inner = self.or_()
            self.take(")")
            self.depth -= 1
            return inner
        if kind == "name":
            if self.at("("):
                return self.call(text, col)
            if text in FUNCTIONS:
                raise ExpressionError(f"the function {text!r} needs its arguments in ( )", col)
            if text in ("and", "or"):
                raise ExpressionError(f"{text!r} needs a condition before it", col)
            if not _CODE.match(text):
                raise ExpressionError(
                    f"{text!r} is not an item code (codes are written in capitals, like RISK)",
                    col,
                )
            return Ref(text)
        raise ExpressionError(f"unexpected {text!r}", col)

    def call(self, name: str, col: int) -> Expr:
        if name not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            raise ExpressionError(f"unknown function {name!r} (known: {known})", col)
        self.take("(")
        self.nest(col)
        args = [self.or_()]
        while self.at(","):
            self.take()
            args.append(self.or_())
        self.take(")")
        self.depth -= 1
        least, most = FUNCTIONS[name]
        if len(args) < least or (most is not None and len(args) > most):
            wanted = (
                str(least)
                if least == most
                else f"{least} or more"
                if most is None
                else f"{least} to {most}"
            )
            raise ExpressionError(f"{name}() takes {wanted} arguments, not {len(args)}", col)
        if name == "round" and len(args) == 2:
            digits = args[1]
            if not (
                isinstance(digits, Num)
                and digits.value == int(digits.value)
                and 0 <= digits.value <= ROUND_MAX_DIGITS
            ):
                raise ExpressionError(
                    f"round()'s digits are a whole number from 0 to {ROUND_MAX_DIGITS}", col
                )
        return Call(name, tuple(args))


def _is_condition(expr: Expr) -> bool:
    return isinstance(expr, Compare | Logic)


def _check_types(expr: Expr, *, want_condition: bool) -> None:
    """Numbers where numbers go, conditions only as the first argument of ``if``."""
    if _is_condition(expr) != want_condition:
        what = "a condition (a comparison)" if want_condition else "a number"
        found = "a condition" if _is_condition(expr) else "a number"
        raise ExpressionError(f"expected {what} here, found {found}: {expression_format(expr)}")
    if isinstance(expr, Neg):
        _check_types(expr.operand, want_condition=False)
    elif isinstance(expr, Binary | Compare):
        _check_types(expr.left, want_condition=False)
        _check_types(expr.right, want_condition=False)
    elif isinstance(expr, Logic):
        _check_types(expr.left, want_condition=True)
        _check_types(expr.right, want_condition=True)
    elif isinstance(expr, Call):
        for i, arg in enumerate(expr.args):
            _check_types(arg, want_condition=expr.name == "if" and i == 0)


def calculation_parse(*, text: str) -> Calculation:
    """Parse and type-check ``text``; raises :class:`ExpressionError` saying where it fails."""
    if not isinstance(text, str):
        raise ExpressionError(f"expected an expression as text, got {type(text).__name__}")
    if len(text) > EXPRESSION_MAX_LENGTH:
        raise ExpressionError(f"too long: {len(text)} characters (at most {EXPRESSION_MAX_LENGTH})")
    tree = _Parser(text).parse()
    _check_types(tree, want_condition=False)
    return Calculation(source=text.strip(), tree=tree)


def expression_refs(expr: Expr) -> Iterator[str]:
    """Every code ``expr`` reads (with repetitions), left to right."""
    if isinstance(expr, Ref):
        yield expr.code
    elif isinstance(expr, Neg):
        yield from expression_refs(expr.operand)
    elif isinstance(expr, Binary | Compare | Logic):
        yield from expression_refs(expr.left)
        yield from expression_refs(expr.right)
    elif isinstance(expr, Call):
        for arg in expr.args:
            yield from expression_refs(arg)


@lru_cache(maxsize=4096)
def _refs(tree: Expr) -> tuple[str, ...]:
    return tuple(dict.fromkeys(expression_refs(tree)))


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def _eval(expr: Expr, values: Mapping[str, object]) -> float | bool | None:
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Ref):
        return _num(values.get(expr.code))
    if isinstance(expr, Neg):
        x = _eval(expr.operand, values)
        return None if x is None else -float(x)
    if isinstance(expr, Binary):
        a, b = _eval(expr.left, values), _eval(expr.right, values)
        if a is None or b is None:
            return None
        a, b = float(a), float(b)
        if expr.op == "+":
            return a + b
        if expr.op == "-":
            return a - b
        if expr.op == "*":
            return a * b
        return None if b == 0 else a / b
    if isinstance(expr, Compare):
        a, b = _eval(expr.left, values), _eval(expr.right, values)
        if a is None or b is None:
            return None
        return {
            "=": a == b,
            "!=": a != b,
            "<": a < b,
            "<=": a <= b,
            ">": a > b,
            ">=": a >= b,
        }[expr.op]
    if isinstance(expr, Logic):
        a = _eval(expr.left, values)
        b = _eval(expr.right, values)
        if expr.op == "and":
            if a is False or b is False:
                return False
            return None if a is None or b is None else True
        if a is True or b is True:
            return True
        return None if a is None or b is None else False
    return _call(expr, values)


def _call(expr: Call, values: Mapping[str, object]) -> float | bool | None:
    if expr.name == "if":
        cond = _eval(expr.args[0], values)
        if cond is None:
            return None
        return _eval(expr.args[1] if cond else expr.args[2], values)
    args = [_eval(a, values) for a in expr.args]
    if any(a is None for a in args):
        return None
    nums = [float(a) for a in args if a is not None]
    if expr.name == "min":
        return min(nums)
    if expr.name == "max":
        return max(nums)
    if expr.name == "abs":
        return abs(nums[0])
    digits = int(nums[1]) if len(nums) == 2 else 0
    return _round_half_up(nums[0], digits)


def _round_half_up(x: float, digits: int) -> float:
    """XPath's rounding: the nearest value, halves towards +infinity (2.5 -> 3, -2.5 -> -2),
    on the decimal number as written (1.005 -> 1.01), as a form in ODK computes it."""
    if not math.isfinite(x):
        return x
    scale = Decimal(10) ** digits
    return float((Decimal(repr(x)) * scale + Decimal("0.5")).to_integral_value(ROUND_FLOOR) / scale)


def calculation_evaluate(*, calculation: Calculation, values: Mapping[str, object]) -> float | None:
    """The value of ``calculation`` given ``values`` by code; None when it cannot be computed."""
    result = _eval(calculation.tree, values)
    if result is None or isinstance(result, bool):
        return None
    return result if math.isfinite(result) else None


_PRECEDENCE = {"or": 1, "and": 2, "cmp": 3, "+": 4, "-": 4, "*": 5, "/": 5}


def _fmt(expr: Expr, xpath: bool, parent: int) -> str:
    if isinstance(expr, Num):
        if expr.value.is_integer():
            return str(int(expr.value))
        text = repr(expr.value)
        return f"{expr.value:.20f}".rstrip("0") if "e" in text else text
    if isinstance(expr, Ref):
        return "${" + expr.code + "}" if xpath else expr.code
    if isinstance(expr, Neg):
        return "-" + _fmt(expr.operand, xpath, 6)
    if isinstance(expr, Call):
        return f"{expr.name}({', '.join(_fmt(a, xpath, 0) for a in expr.args)})"
    prec = _PRECEDENCE["cmp" if isinstance(expr, Compare) else expr.op]
    op = "div" if xpath and expr.op == "/" else expr.op
    # left-associative: the right operand of - and / needs brackets at equal precedence
    text = f"{_fmt(expr.left, xpath, prec)} {op} {_fmt(expr.right, xpath, prec + 1)}"
    return f"({text})" if prec < parent else text


def expression_format(expr: Expr) -> str:
    """``expr`` written back in the platform's syntax (canonical spacing and brackets)."""
    return _fmt(expr, False, 0)


def expression_xpath(expr: Expr) -> str:
    """``expr`` as an XLSForm ``calculation`` (``${CODE}`` references, ``div``)."""
    return _fmt(expr, True, 0)


def calculation_from_xpath(*, text: str) -> Calculation:
    """Read back an XLSForm ``calculation`` written by :func:`expression_xpath`."""
    plain = re.sub(r"\$\{([A-Za-z0-9_]+)\}", r"\1", text)
    plain = re.sub(r"\bdiv\b", "/", plain)
    return calculation_parse(text=plain)
