"""Numbers and dates follow the page's language: 42.4 and 5 December 2026 in English, 42,4 and
5 décembre 2026 in French; never "Dec. 5, 2026"."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given, settings
from hypothesis import strategies as st

from saferspaces.web.numbers import number_text, percent_text, score_text, signed_text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["42.4", "+11.2", "-3.0", "+0.0", "50\u00a0%", "2000", "12.5", "25,000", "—"]),
        ("fr", ["42,4", "+11,2", "-3,0", "+0,0", "50\u00a0%", "2000", "12,5", "25\u00a0000", "—"]),
    ],
)
def test_numbers_in_each_language(language: str, expected: list[str]) -> None:
    with translation.override(language):
        got = [
            score_text(42.44),
            signed_text(11.2),
            signed_text(-3.0),
            signed_text(-0.04),  # rounds to zero: no minus sign in front of 0.0
            percent_text(0.5),
            number_text(2000.0),
            number_text(12.5),
            number_text(25_000),
            score_text(None),
        ]
    assert got == expected


def test_not_a_finite_number_is_shown_as_missing() -> None:
    assert number_text(float("nan")) == "—" and number_text(float("inf")) == "—"


@pytest.mark.parametrize(
    ("language", "date", "datetime"),
    [
        ("en", "5 December 2026", "5 December 2026, 19:05"),
        ("fr", "5 décembre 2026", "5 décembre 2026 à 19:05"),
    ],
)
def test_dates_in_each_language(language: str, date: str, datetime: str) -> None:
    moment = dt.datetime(2026, 12, 5, 19, 5)
    template = Template(
        '{% load assessments %}{{ d|date }}|{{ m|date:"DATETIME_FORMAT" }}|{{ d }}|{{ x|score }}'
    )
    with translation.override(language):
        out = template.render(Context({"d": moment.date(), "m": moment, "x": 42.44}))
    assert out.split("|")[:2] == [date, datetime]
    assert out.split("|")[2] == date  # a date shown as is also follows the language
    assert "Dec." not in out and "déc." not in out


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "3 November 2026"), ("fr", "3 novembre 2026")],
)
def test_iso_dates_kept_in_stored_data_follow_the_language(language: str, expected: str) -> None:
    template = Template("{% load assessments %}{{ a|iso_date }}|{{ b|iso_date }}|{{ c|iso_date }}")
    with translation.override(language):
        out = template.render(
            Context({"a": "2026-11-03T10:00:00+00:00", "b": None, "c": "not a date"})
        )
    assert out == f"{expected}|—|not a date"


@pytest.mark.parametrize("value", [1e308, -1e308, 1e30, 123456789012345678901234567890.5])
def test_huge_numbers_are_written_out(value: float) -> None:
    # a typed 1e308 is refused as above the maximum, and the refusal writes the number: the
    # decimal context's 28 digits made that a server error
    text = number_text(value, decimals=1)
    digits = text.replace(",", "").replace("\u00a0", "").replace(".", "").lstrip("-")
    # Django writes numbers of over 200 digits with an exponent
    assert digits.isdigit() or (abs(value) > 1e200 and "e+308" in digits)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(min_value=-(10**15), max_value=10**15),
    ),
    decimals=st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
    language=st.sampled_from([code for code, _name in django_settings.LANGUAGES]),
)
def test_numbers_are_django_number_format_of_the_rounded_value(
    value: float, decimals: int | None, language: str
) -> None:
    """``number_text`` reads the language's separators once; it writes what Django's
    ``number_format`` writes for the value rounded half away from zero."""
    with translation.override(language):
        got = number_text(value, decimals=decimals)
        places = decimals
        if places is None:
            x = float(value)
            places = 0 if x.is_integer() else len(f"{x:.6f}".rstrip("0").split(".")[1])
        exact = Decimal(str(value))
        with localcontext() as context:
            context.prec = max(28, exact.adjusted() + places + 3)
            figure = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        expected = number_format(
            figure, decimal_pos=places, use_l10n=True, force_grouping=abs(float(value)) >= 10_000
        )
    assert got == expected


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
@pytest.mark.parametrize(
    "value", [0.0, -0.0, 0.04, -0.04, -0.05, 0.5, -0.5, 9999.95, -9999.94, 1e-9, 123.456]
)
def test_plain_decimals_are_numberformat_without_grouping(value: float, decimals: int) -> None:
    """``decimal_plain`` (the fast path of scores and of the charts' data tables) writes what
    ``numberformat.format`` writes, zero without a sign included."""
    from django.utils import numberformat

    from saferspaces.web.numbers import decimal_plain, rounded

    exact = rounded(value, decimals)
    for separator in (".", ","):
        expected = numberformat.format(exact, separator, decimals, use_l10n=True)
        assert decimal_plain(exact, decimals, separator) == expected, (value, decimals)


@settings(max_examples=500, deadline=None)
@given(
    value=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e4, max_value=1e4),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(min_value=-10_000, max_value=10_000, places=3).map(float),
        st.integers(min_value=-(10**20), max_value=10**20),
    ),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_fixed_numbers_are_the_decimal_rounding(value: float, decimals: int) -> None:
    """``fixed_plain`` (scores and chart cells, a few hundred a page) rounds half away from zero
    as ``rounded`` does (42.45 -> 42.5, -0.05 -> -0.1, -0.04 -> 0.0)."""
    from saferspaces.web.numbers import decimal_plain, fixed_plain, rounded

    for separator in (".", ","):
        expected = decimal_plain(rounded(value, decimals), decimals, separator)
        assert fixed_plain(value, decimals, separator) == expected


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_score_writer_writes_what_score_text_writes(language: str) -> None:
    from saferspaces.web.numbers import score_writer

    values = [None, float("nan"), float("inf"), 0.0, -0.04, 42.45, 99.95, 9999.96, 12_345.67, 7]
    with translation.override(language):
        write = score_writer()
        assert [write(v) for v in values] == [score_text(v) for v in values]
