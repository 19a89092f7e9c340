"""The official languages of the European Union: code, name in English, name in the language
itself, gettext plural forms, and how a list ends ("A, B and C").

This is a reference table, like the NUTS classification: it holds every EU language, so that a
language is added to Safer Spaces by adding its files (``locale/<code>/``, the core's labels,
the edition texts), never by editing code. Which languages Safer Spaces *declares* and *offers*
is decided by those files (:mod:`saferspaces.languages`).

Rows are in the EU's protocol order (the order of the languages' own names, as the Publications
Office lists them). Plural forms are gettext's (``Plural-Forms`` of a ``.po`` header): Django's
own catalogues' expressions, except Czech, Lithuanian, Polish and Slovak, whose Django catalogues
add a form for fractions that whole counts never reach: the three-form expressions here (GNU
gettext's) give every whole number the same form as Django's (``tests/core/test_languages.py`` checks it against Django's).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name: str  # in English
    name_local: str  # in the language itself, as a language menu shows it (capitalised)
    plural_forms: str  # gettext's Plural-Forms: "nplurals=N; plural=EXPRESSION;"

    @property
    def nplurals(self) -> int:
        return int(self.plural_forms.split(";")[0].split("=")[1])


_TWO = "nplurals=2; plural=(n != 1);"
_SLAVIC3 = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
EU_LANGUAGES: tuple[Language, ...] = (
    Language("bg", "Bulgarian", "Български", _TWO),
    Language("es", "Spanish", "Español", "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"),
    Language("cs", "Czech", "Čeština", "nplurals=3; plural=(n == 1 ? 0 : n >= 2 && n <= 4 ? 1 : 2);"),
    Language("da", "Danish", "Dansk", _TWO),
    Language("de", "German", "Deutsch", _TWO),
    Language("et", "Estonian", "Eesti", _TWO),
    Language("el", "Greek", "Ελληνικά", _TWO),
    Language("en", "English", "English", _TWO),
    Language("fr", "French", "Français", "nplurals=2; plural=(n > 1);"),
    Language("ga", "Irish", "Gaeilge", "nplurals=5; plural=(n==1 ? 0 : n==2 ? 1 : n<7 ? 2 : n<11 ? 3 : 4);"),
    Language("hr", "Croatian", "Hrvatski", _SLAVIC3),
    Language("it", "Italian", "Italiano", _TWO),
    Language("lv", "Latvian", "Latviešu", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);"),
    Language("lt", "Lithuanian", "Lietuvių", "nplurals=3; plural=(n%10==1 && (n%100>19 || n%100<11) ? 0 : n%10>=2 && n%10<=9 && (n%100>19 || n%100<11) ? 1 : 2);"),
    Language("hu", "Hungarian", "Magyar", _TWO),
    Language("mt", "Maltese", "Malti", "nplurals=4; plural=(n==1 ? 0 : n==0 || (n%100>1 && n%100<11) ? 1 : (n%100>10 && n%100<20) ? 2 : 3);"),
    Language("nl", "Dutch", "Nederlands", _TWO),
    Language("pl", "Polish", "Polski", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);"),
    Language("pt", "Portuguese", "Português", _TWO),
    Language("ro", "Romanian", "Română", "nplurals=3; plural=(n==1 ? 0 : (n%100>19 || (n%100==0 && n!=0)) ? 2 : 1);"),
    Language("sk", "Slovak", "Slovenčina", "nplurals=3; plural=(n == 1 ? 0 : n >= 2 && n <= 4 ? 1 : 2);"),
    Language("sl", "Slovenian", "Slovenščina", "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);"),
    Language("fi", "Finnish", "Suomi", _TWO),
    Language("sv", "Swedish", "Svenska", _TWO),
)  # fmt: skip
EU_LANGUAGE_MAP: Mapping[str, Language] = {lang.code: lang for lang in EU_LANGUAGES}


def language_get(code: str) -> Language | None:
    """The EU language ``code`` (``lv``; a region such as ``fr-be`` counts as ``fr``), or None."""
    return EU_LANGUAGE_MAP.get(code.lower().replace("_", "-").split("-")[0])


def language_name_local(code: str) -> str:
    """``lv`` -> ``Latviešu``; a code outside the table is returned as it is."""
    lang = language_get(code)
    return lang.name_local if lang is not None else code


def language_order(codes: Sequence[str]) -> list[str]:
    """``codes`` in the EU's protocol order, codes outside the table last (alphabetically)."""
    rank = {lang.code: i for i, lang in enumerate(EU_LANGUAGES)}
    return sorted(dict.fromkeys(codes), key=lambda c: (rank.get(c, len(rank)), c))


@cache
def _plural_function(plural_forms: str) -> Callable[[int], int]:
    expression = plural_forms.split("plural=", 1)[1].strip().rstrip(";")
    return gettext.c2py(expression)


def plural_index(*, code: str, n: int) -> int:
    """Which plural form (0-based, as in a ``.po`` file's ``msgstr[i]``) ``n`` takes in ``code``."""
    lang = language_get(code)
    if lang is None:
        raise KeyError(f"{code!r} is not an official language of the European Union")
    return _plural_function(lang.plural_forms)(n)
