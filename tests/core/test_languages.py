"""The table of the EU's languages: own names, and plural forms that give every whole number the
same form as Django's own catalogues (which add a fourth form, for fractions only, in Czech,
Lithuanian, Polish and Slovak)."""

from __future__ import annotations

import gettext
from pathlib import Path

import django
import polib
import pytest

from saferspaces.core.languages import (
    EU_LANGUAGES,
    language_get,
    language_name_local,
    language_order,
    plural_index,
)

DJANGO_LOCALE = Path(django.__file__).resolve().parent / "conf" / "locale"
TEN = ("en", "fr", "es", "it", "nl", "fi", "lv", "pl", "hr", "cs")


def _django_plural(code: str) -> str:
    po = DJANGO_LOCALE / code / "LC_MESSAGES" / "django.po"
    return str(polib.pofile(str(po)).metadata["Plural-Forms"])


#: every EU language Django has a catalogue of (all but Maltese)
WITH_DJANGO = [
    lang.code
    for lang in EU_LANGUAGES
    if (DJANGO_LOCALE / lang.code / "LC_MESSAGES" / "django.po").is_file()
]


def test_the_table_holds_the_24_official_languages_in_protocol_order() -> None:
    assert len(EU_LANGUAGES) == 24 == len({lang.code for lang in EU_LANGUAGES})
    assert [lang.code for lang in EU_LANGUAGES][:3] == ["bg", "es", "cs"]
    assert language_order(["fi", "en", "lv", "xx", "cs"]) == ["cs", "en", "lv", "fi", "xx"]
    assert [language_name_local(c) for c in ("lv", "hr", "cs", "fi")] == [
        "Latviešu",
        "Hrvatski",
        "Čeština",
        "Suomi",
    ]
    assert language_get("fr-BE").code == "fr" and language_get("xx") is None


@pytest.mark.parametrize("code", WITH_DJANGO)
def test_plural_forms_agree_with_django_for_every_whole_number(code: str) -> None:
    """Two whole numbers take the same form in our table exactly when they do in Django's."""
    expression = _django_plural(code).split("plural=", 1)[1].strip().rstrip(";")
    django_form = gettext.c2py(expression)
    numbers = [*range(0, 10_001), 10**6, 2 * 10**6, 10**6 + 1, 10**9]
    pairs = {(plural_index(code=code, n=n), django_form(n)) for n in numbers}
    ours = [a for a, _ in pairs]
    theirs = [b for _, b in pairs]
    assert len(set(ours)) == len(ours) and len(set(theirs)) == len(theirs), sorted(pairs)
    assert set(ours) == set(range(language_get(code).nplurals)), code


def test_languages_with_three_plural_forms() -> None:
    three = {c for c in TEN if language_get(c).nplurals == 3}
    assert three == {"es", "lv", "pl", "hr", "cs"}
    assert [plural_index(code="pl", n=n) for n in (1, 2, 5, 12, 22, 25, 112)] == [
        0,
        1,
        2,
        2,
        1,
        2,
        2,
    ]
    assert [plural_index(code="lv", n=n) for n in (0, 1, 2, 11, 21)] == [2, 0, 1, 1, 0]
    assert [plural_index(code="hr", n=n) for n in (1, 3, 5, 11, 21, 24)] == [0, 1, 2, 2, 0, 1]
