"""Numbers as people read them in the page's language: the one place that writes scores, signed
gaps, percentages and typed values for people (42.4 in English, 42,4 in French).

Templates use these through the ``score``, ``signed``, ``percent`` and ``number`` filters of
``assessments`` templatetags; Python code that builds sentences calls them directly. Files for
machines (CSV, XLSX, JSON) never go through here: they keep full precision and a decimal point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language

MISSING = "—"
PERCENT = "\u00a0%"  # a no-break space before the sign, as in French and ISO 80000


def number_text(value: float | int | None, *, decimals: int | None = None) -> str:
    """``value`` with the page's decimal separator and, from 10 000 up, its thousands separator.

    ``decimals`` fixes the number of decimals; None shows as many as the value has (up to 6),
    like ``%g`` without the exponent: 2000 -> "2000", 12.5 -> "12,5" in French.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    if decimals is None:
        x = float(value)
        decimals = 0 if x.is_integer() else len(f"{x:.6f}".rstrip("0").split(".")[1])
    grouping = abs(float(value)) >= 10_000
    # what django.utils.formats.number_format does, with the language's separators read once
    # (a page writes a few hundred numbers)
    decimal_sep, number_grouping, thousand_sep = _separators(get_language())
    if not grouping and not settings.USE_THOUSAND_SEPARATOR:
        return fixed_plain(value, decimals, decimal_sep)
    return numberformat.format(
        rounded(value, decimals),
        decimal_sep,
        decimals,
        number_grouping,
        thousand_sep,
        force_grouping=grouping,
        use_l10n=True,
    )


def decimal_plain(exact: Decimal, decimals: int, decimal_sep: str) -> str:
    """``exact``, already rounded to ``decimals`` places, as ``numberformat.format`` writes it
    without grouping (its digits, ``decimal_sep`` for the point, zero without a sign), in a
    fraction of its time: a page writes a few hundred numbers."""
    if decimals > _PLAIN_DECIMALS or abs(exact) >= _PLAIN_LIMIT:
        return numberformat.format(exact, decimal_sep, decimals, use_l10n=False)
    if not exact:  # 0 and -0 (numberformat reads what rounds to nothing as 0)
        return "0" + decimal_sep + "0" * decimals if decimals else "0"
    text = f"{exact:f}"
    return text.replace(".", decimal_sep) if decimals else text


def fixed_plain(value: float | int, decimals: int, decimal_sep: str) -> str:
    """``decimal_plain(rounded(value, decimals), decimals, decimal_sep)`` without building a
    decimal: the digits of the value's shortest representation (those ``rounded`` reads),
    rounded half away from zero on the first dropped digit. Exponents, non-finite values and
    anything that is not a plain number take the decimal path."""
    text = repr(value) if type(value) is float else str(value) if type(value) is int else "e"
    if "e" in text or "n" in text or decimals > _PLAIN_DECIMALS:
        return decimal_plain(rounded(value, decimals), decimals, decimal_sep)
    negative = text[0] == "-"
    whole, _point, fraction = text.lstrip("-").partition(".")
    if len(fraction) > decimals:
        units = int(whole + fraction[:decimals]) + (fraction[decimals] >= "5")
    else:
        units = int(whole + fraction.ljust(decimals, "0"))
    if not units:  # 0 and what rounds to it: no sign, as numberformat writes it
        return "0" + decimal_sep + "0" * decimals if decimals else "0"
    digits = str(units)
    if decimals:
        digits = digits.rjust(decimals + 1, "0")
        digits = digits[:-decimals] + decimal_sep + digits[-decimals:]
    return "-" + digits if negative else digits


#: beyond these, decimal_plain hands the number to numberformat (its scientific notation from
#: 200 digits on)
_PLAIN_DECIMALS = 20
_PLAIN_LIMIT = Decimal("1e100")


def decimal_separator() -> str:
    """The page's decimal separator (read once per language)."""
    return _separators(get_language())[0]


@lru_cache(maxsize=64)
def _separators(language: str | None) -> tuple[str, Any, str]:
    return (
        get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        get_format("NUMBER_GROUPING", language, use_l10n=True),
        get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
    )


def _formats_changed(**kwargs: Any) -> None:
    _separators.cache_clear()


setting_changed.connect(_formats_changed)

#: the decimal context of a figure of up to 25 digits (default precision, halves away from 0)
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)


def rounded(value: float | int, decimals: int = 1) -> Decimal:
    """``value`` rounded half away from zero, as every figure on a page is (42.45 -> 42.5).

    The precision follows the value, so a huge typed number (1e308) is written out, not refused
    by the decimal context's default 28 digits."""
    exact = Decimal(str(value))
    prec = exact.adjusted() + decimals + 3
    context = _CONTEXT if prec <= 28 else Context(prec=prec, rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-decimals), context=context)


def rounding_shows(*, difference: float | None, first: float | None, second: float | None) -> bool:
    """Whether ``difference`` (computed from the exact ``first`` and ``second``) is shown with a
    value other than the difference of the rounded ``first`` and ``second`` beside it: 42.44 -
    31.26 = 11.18 is shown as +11.2 next to 42.4 and 31.3, whose difference is 11.1."""
    if difference is None or first is None or second is None:
        return False
    return rounded(difference) != rounded(first) - rounded(second)


def rounding_rows(
    rows: Iterable[tuple[str, float | None, float | None, float | None]],
) -> list[str]:
    """The labels of the rows (label, difference, first, second) where :func:`rounding_shows`."""
    return [
        label
        for label, difference, first, second in rows
        if rounding_shows(difference=difference, first=first, second=second)
    ]


def score_text(value: float | None) -> str:
    """A 0-100 score with one decimal ("42.4"; "42,4" in French), or a dash when missing."""
    return number_text(value, decimals=1)


def score_writer() -> Callable[[float | None], str]:
    """:func:`score_text` with the page's language read once, for a table of a few hundred
    scores (asking for the active language costs more than writing a score)."""
    if settings.USE_THOUSAND_SEPARATOR:
        return score_text
    decimal_sep = _separators(get_language())[0]

    def write(value: float | None) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return MISSING
        if abs(value) >= 10_000:
            return score_text(value)
        return fixed_plain(value, 1, decimal_sep)

    return write


def signed_text(value: float | None) -> str:
    """A difference with its sign and one decimal ("+11.2", "-3.0"; "+11,2" in French)."""
    if value is None:
        return MISSING
    body = number_text(abs(value), decimals=1)
    return ("-" if rounded(value) < 0 else "+") + body


def percent_text(share: float | None, *, decimals: int = 0) -> str:
    """A share in [0, 1] as a percentage ("50 %", with a no-break space)."""
    if share is None:
        return MISSING
    return number_text(100 * share, decimals=decimals) + PERCENT
