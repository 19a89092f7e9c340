"""The languages of Safer Spaces, defined once: which are declared, which are offered to people.

A language is **declared** when it has a folder ``locale/<code>/`` with a ``status.yaml``: its
interface catalogue (``LC_MESSAGES/django.po``), its glossary and its review status live there,
its core labels in ``core/labels/<code>.yaml`` and its edition texts beside each bundled edition
(``frameworks/editions/<edition-id>/<code>.yaml``). Its name and plural forms come from the
table of the EU's languages (:mod:`saferspaces.core.languages`). Adding a language is adding
these files; no code names a language but English, the reference.

A declared language is **offered** when its ``status.yaml`` says ``offered: true``, which is
set once every one of its files is complete (``tests/test_translations.py`` checks that an
offered language lacks nothing). Only offered languages are in the language menu, the profile's
choice, and the languages reports and e-mails are written in; a page asked for in a declared
language that is not offered yet is shown in English, with a note (:mod:`saferspaces.web.locale`).

This module imports no Django: the settings read ``LANGUAGES`` from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from saferspaces.core.languages import language_get, language_order
from saferspaces.core.safeload.yamlload import yaml_load

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
REFERENCE = "en"


@dataclass(frozen=True)
class SiteLanguage:
    """A declared language and its review status (``locale/<code>/status.yaml``)."""

    code: str
    name: str  # in English
    name_local: str  # in the language itself: "Latviešu"
    plural_forms: str
    offered: bool
    source: bool = False  # the reference language (English)
    reviewed_by: str = ""
    reviewed_on: dt.date | None = None
    machine_translated: bool = False
    note: str = ""

    @property
    def reviewed(self) -> bool:
        """Whether a native speaker has reviewed the language's texts (English: the source)."""
        return self.source or bool(self.reviewed_by and self.reviewed_on)


class LanguageFileError(ValueError):
    """A ``status.yaml`` that cannot be read: the message names the file and the field."""


def _status(code: str, path: Path) -> SiteLanguage:
    where = f"locale/{code}/status.yaml"
    lang = language_get(code)
    if lang is None or lang.code != code:
        raise LanguageFileError(f"{where}: {code!r} is not an official language of the EU")
    try:
        data = yaml_load(text=path.read_text(encoding="utf-8"), file=where) or {}
    except Exception as exc:  # a YAML error or a limit: named, never a traceback at start-up
        raise LanguageFileError(f"{where}: {exc}") from None
    if not isinstance(data, dict):
        raise LanguageFileError(f"{where}: expected a mapping (offered, reviewed_by, ...)")
    known = {"offered", "source", "reviewed_by", "reviewed_on", "machine_translated", "note"}
    unknown = sorted(set(map(str, data)) - known)
    if unknown:
        raise LanguageFileError(f"{where}: unknown field {unknown[0]!r}")
    for field in ("offered", "source", "machine_translated"):
        if not isinstance(data.get(field, False), bool):
            raise LanguageFileError(f"{where}: {field} must be true or false")
    for field in ("reviewed_by", "note"):
        if not isinstance(data.get(field) or "", str):
            raise LanguageFileError(f"{where}: {field} must be a text")
    reviewed_on = data.get("reviewed_on")
    if reviewed_on is not None and not isinstance(reviewed_on, dt.date):
        raise LanguageFileError(f"{where}: reviewed_on must be a date such as 2027-03-01")
    return SiteLanguage(
        code=code,
        name=lang.name,
        name_local=lang.name_local,
        plural_forms=lang.plural_forms,
        offered=bool(data.get("offered", False)),
        source=bool(data.get("source", False)),
        reviewed_by=(data.get("reviewed_by") or "").strip(),
        reviewed_on=reviewed_on,
        machine_translated=bool(data.get("machine_translated", False)),
        note=(data.get("note") or "").strip(),
    )


@cache
def languages_declared() -> tuple[SiteLanguage, ...]:
    """Every declared language, in the EU's protocol order (Español, Čeština, English, ...)."""
    return languages_read(directory=LOCALE_DIR)


def languages_read(*, directory: Path) -> tuple[SiteLanguage, ...]:
    """The languages declared in ``directory`` (``<code>/status.yaml``), in protocol order;
    :class:`LanguageFileError` names the first file that cannot be read."""
    codes = [p.parent.name for p in directory.glob("*/status.yaml")]
    found = [_status(code, directory / code / "status.yaml") for code in language_order(codes)]
    if not any(lang.code == REFERENCE for lang in found):
        raise LanguageFileError(f"locale/{REFERENCE}/status.yaml is missing: English is needed")
    return tuple(found)


def languages_offered() -> tuple[SiteLanguage, ...]:
    """The declared languages offered to people (English always)."""
    return tuple(lang for lang in languages_declared() if lang.offered or lang.source)


def language_codes(*, offered: bool = False) -> tuple[str, ...]:
    return tuple(lang.code for lang in (languages_offered() if offered else languages_declared()))


def language_find(code: str) -> SiteLanguage | None:
    return next((lang for lang in languages_declared() if lang.code == code), None)


def language_settings() -> list[tuple[str, str]]:
    """``settings.LANGUAGES``: every declared language with its own name (a language menu is
    read by people looking for their language, so each is written in itself)."""
    return [(lang.code, lang.name_local) for lang in languages_declared()]


def language_effective(code: str | None) -> str:
    """The language a person asking for ``code`` gets: ``code`` when it is offered, else English
    (the language stays their choice: once it is offered, they get it)."""
    base = (code or "").lower().split("-")[0]
    return base if base in language_codes(offered=True) else REFERENCE


def language_names(codes: Iterable[str]) -> list[str]:
    """The own names of ``codes`` (``["fr", "nl"]`` -> ``["Français", "Nederlands"]``)."""
    out = []
    for code in codes:
        lang = language_get(code)
        out.append(lang.name_local if lang is not None else code)
    return out
