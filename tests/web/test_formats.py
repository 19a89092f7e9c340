"""Dates, numbers and lists as people of each declared language write them (the product's own
``saferspaces/formats/<code>/formats.py``, Django's separators, the core's list labels)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from saferspaces.languages import languages_declared

WHEN = dt.datetime(2026, 12, 5, 19, 5)
EXPECTED = {  # code: (DATE_FORMAT, DATETIME_FORMAT, MONTH_DAY_FORMAT, 12345.6 grouped)
    "en": ("5 December 2026", "5 December 2026, 19:05", "5 December", "12,345.6"),
    "fr": ("5 décembre 2026", "5 décembre 2026 à 19:05", "5 décembre", "12\u202f345,6"),
    "es": ("5 de diciembre de 2026", "5 de diciembre de 2026, 19:05", "5 de diciembre", "12\xa0345,6"),
    "it": ("5 Dicembre 2026", "5 Dicembre 2026, 19:05", "5 Dicembre", "12.345,6"),
    "nl": ("5 december 2026", "5 december 2026 om 19:05", "5 december", "12.345,6"),
    "fi": ("5. joulukuuta 2026", "5. joulukuuta 2026 klo 19.05", "5. joulukuuta", "12\xa0345,6"),
    "lv": ("2026. gada 5. decembris", "2026. gada 5. decembris, 19:05", "5. decembris", "12\xa0345,6"),
    "pl": ("5 grudnia 2026", "5 grudnia 2026, 19:05", "5 grudnia", "12\xa0345,6"),
    "hr": ("5. prosinca 2026.", "5. prosinca 2026. u 19:05", "5. prosinca", "12.345,6"),
    "cs": ("5. prosince 2026", "5. prosince 2026 v 19:05", "5. prosince", "12\xa0345,6"),
}  # fmt: skip


def test_every_declared_language_has_its_own_formats() -> None:
    for lang in languages_declared():
        module = importlib.import_module(f"saferspaces.formats.{lang.code}.formats")
        assert module.FIRST_DAY_OF_WEEK == 1, lang.code
    assert set(EXPECTED) == {lang.code for lang in languages_declared()}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_dates_and_numbers_are_written_as_in_the_language(code: str) -> None:
    date, datetime, month_day, number = EXPECTED[code]
    with translation.override(code):
        assert formats.date_format(WHEN, "DATE_FORMAT") == date
        assert formats.date_format(WHEN, "DATETIME_FORMAT") == datetime
        assert formats.date_format(WHEN, "MONTH_DAY_FORMAT") == month_day
        grouped = formats.number_format(12345.6, 1, force_grouping=True)
        assert grouped.replace("\u202f", "\xa0") == number.replace("\u202f", "\xa0")


def test_lists_use_the_language_s_conjunction_and_are_escaped() -> None:
    template = Template("{% load saferspaces %}{{ names|list_and }} / {{ names|list_or }}")
    names = ["Riga", "Lyon", "<b>Split</b>"]
    with translation.override("en"):
        assert template.render(Context({"names": names})) == (
            "Riga, Lyon and &lt;b&gt;Split&lt;/b&gt; / Riga, Lyon or &lt;b&gt;Split&lt;/b&gt;"
        )
    with translation.override("fr"):
        assert template.render(Context({"names": names[:2]})) == "Riga et Lyon / Riga ou Lyon"
        assert template.render(Context({"names": ["Riga"]})) == "Riga / Riga"
        assert template.render(Context({"names": []})) == " / "
