"""How far each language's files are, and whether they keep the glossary: read by the tests and
by the "Help us translate" page. Django-free: it reads the files only.

Each declared language (:mod:`saferspaces.languages`) has, in files of its own:

* the interface catalogue ``locale/<code>/LC_MESSAGES/django.po`` (English has none: it is the
  source); an entry is missing when it has no translation or is fuzzy, and unreviewed when its
  translator comment has a line ``unreviewed`` (or, until a native speaker reviewed the language,
  ``status.yaml``, every translated entry);
* the core's labels ``core/labels/<code>.yaml`` (:mod:`saferspaces.core.labels`);
* the texts of each bundled edition (inline in the edition file, or
  ``frameworks/editions/<id>/<code>.yaml``: :mod:`saferspaces.core.framework.translations`);
* the glossary ``locale/<code>/glossary.yaml``: for each term of the English glossary, the
  chosen translation and the forms it takes. :func:`glossary_mismatches` lists every text of
  the interface and of the core's labels whose English says the term and whose translation has
  none of its forms, by file and line. (Edition texts are the coordinators' prose, where
  "report" or "authority" often has its everyday sense: the glossary guides their translators
  but is not checked there.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import polib

from saferspaces.core.labels import LABELS_DIR, labels_file, labels_missing
from saferspaces.core.safeload.yamlload import yaml_load
from saferspaces.languages import (
    LOCALE_DIR,
    REFERENCE,
    SiteLanguage,
    language_find,
    languages_declared,
)

EDITIONS_DIR = Path(__file__).resolve().parent / "frameworks" / "editions"
#: placeholders of every kind a text may hold, left out when looking for a term
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{[^}]*\}\}|\{\w*\}")
#: what a translation must keep from its msgid: placeholders and HTML tags
_KEEP = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / "django.po"


# --- the interface catalogue -------------------------------------------------------------------


@dataclass(frozen=True)
class TextEntry:
    """One text of a language: where it is, its English source and its translation(s)."""

    file: str
    line: int | None
    source: str
    translations: tuple[str, ...]


@dataclass
class CatalogueStatus:
    """A language's interface catalogue: how many entries, which are missing or unreviewed,
    and which translations drop a placeholder or an HTML tag of their msgid."""

    total: int = 0
    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    unreviewed: int = 0
    problems: list[str] = field(default_factory=list)


def _forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _alone(code: str, index: int, nplurals: int) -> bool:
    """Whether plural form ``index`` of ``code`` is used for 0 and 1 only (may omit the count)."""
    from saferspaces.core.languages import plural_index

    return {n for n in range(0, 200) if plural_index(code=code, n=n) == index} <= {0, 1}


def _kept(source: str, translation: str) -> bool:
    return sorted(_KEEP.findall(source)) == sorted(_KEEP.findall(translation)) and sorted(
        _TAG.findall(source)
    ) == sorted(_TAG.findall(translation))


def catalogue_status(code: str) -> CatalogueStatus:
    """The interface catalogue of ``code`` (empty for English, the source)."""
    status = CatalogueStatus()
    path = po_path(code)
    if not path.is_file():
        return status
    lang = language_find(code)
    reviewed = lang is not None and lang.reviewed
    po = polib.pofile(str(path))
    name = f"locale/{code}/LC_MESSAGES/django.po"
    for entry in po:
        if entry.obsolete:
            continue
        status.total += 1
        forms = _forms(entry)
        if "fuzzy" in entry.flags:
            status.fuzzy.append(entry.msgid)
        if not all(f.strip() for f in forms):
            status.missing.append(entry.msgid)
            continue
        if not reviewed or "unreviewed" in entry.tcomment.splitlines():
            status.unreviewed += 1
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        for index, form in enumerate(forms):
            source = sources[min(index, len(sources) - 1)]
            if _kept(source, form) or any(_kept(s, form) for s in sources):
                continue
            if (
                entry.msgid_plural
                and _alone(code, index, len(forms))
                and set(_KEEP.findall(form)) <= set(_KEEP.findall(entry.msgid_plural))
            ):
                continue
            status.problems.append(
                f"{name}:{entry.linenum}: {entry.msgid[:60]!r}: the translation must keep "
                f"{', '.join(_KEEP.findall(source) + _TAG.findall(source)) or 'no placeholder'}"
            )
    return status


def catalogue_entries(code: str) -> list[TextEntry]:
    path = po_path(code)
    if not path.is_file():
        return []
    name = f"locale/{code}/LC_MESSAGES/django.po"
    out = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        source = f"{entry.msgid} {entry.msgid_plural}" if entry.msgid_plural else entry.msgid
        out.append(TextEntry(name, entry.linenum, source, tuple(_forms(entry))))
    return out


def label_entries(code: str) -> list[TextEntry]:
    english = labels_file(REFERENCE)
    texts = labels_file(code)
    lines = _yaml_key_lines(LABELS_DIR / f"{code}.yaml")
    return [
        TextEntry(f"core/labels/{code}.yaml", lines.get(key), source or "", (texts.get(key) or "",))
        for key, source in english.items()
    ]


def _yaml_key_lines(path: Path) -> dict[str, int]:
    if not path.is_file():
        return {}
    out: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+):", line)
        if m:
            out.setdefault(m.group(1), number)
    return out


# --- edition texts ----------------------------------------------------------------------------


@cache
def _edition_data(path: Path) -> Any:
    from saferspaces.core.framework.yamlsource import yaml_read

    return yaml_read(text=path.read_text(encoding="utf-8-sig"), file=path.name).data


def bundled_editions() -> list[Path]:
    return sorted(EDITIONS_DIR.glob("*.yaml"))


@dataclass
class EditionTextsStatus:
    edition: str
    file: str  # the texts file (or the edition file, for a language written inline)
    total: int
    translated: int
    missing: list[str]
    problems: list[str]


def edition_texts_status(code: str) -> list[EditionTextsStatus]:
    """For each bundled edition: how many of its texts ``code`` has, in the edition file itself
    or in the texts file beside it."""
    from saferspaces.core.framework.translations import (
        edition_languages,
        edition_texts,
        texts_file_load,
        texts_file_path,
        texts_status,
    )

    out = []
    for path in bundled_editions():
        data = _edition_data(path)
        eid = path.stem
        if code in edition_languages(data):
            total = len(edition_texts(data))
            out.append(
                EditionTextsStatus(eid, f"frameworks/editions/{path.name}", total, total, [], [])
            )
            continue
        beside = texts_file_path(edition_path=path, language=code)
        loaded = texts_file_load(path=beside, language=code) if beside.is_file() else None
        texts = loaded.texts if loaded is not None else {}
        name = f"frameworks/editions/{eid}/{code}.yaml"
        status = texts_status(
            data=data, language=code, texts=texts, file=name, lines=loaded.lines if loaded else None
        )
        problems = [str(p) for p in (loaded.problems if loaded else ())] + [
            str(p) for p in status.problems
        ]
        out.append(
            EditionTextsStatus(eid, name, status.total, status.translated, status.missing, problems)
        )
    return out


# --- the glossary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    english: tuple[str, ...]  # the English forms looked for
    definition: str
    elsewhere: tuple[str, ...]  # phrases in which the English word means something else
    translation: str = ""
    forms: tuple[str, ...] = ()
    note: str = ""


def _glossary_file(code: str) -> tuple[str, list[dict[str, Any]]]:
    path = LOCALE_DIR / code / "glossary.yaml"
    where = f"locale/{code}/glossary.yaml"
    if not path.is_file():
        return where, []
    data = yaml_load(text=path.read_text(encoding="utf-8"), file=where) or {}
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, list) or not all(isinstance(t, dict) for t in terms):
        raise ValueError(f"{where}: expected 'terms:', a list of entries (term, translation, ...)")
    return where, terms


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def glossary(code: str) -> list[GlossaryTerm]:
    """The terms of the English glossary with ``code``'s translations (empty where there is none
    yet). Raises ``ValueError`` naming the file when it lists other terms than English."""
    _where, english = _glossary_file(REFERENCE)
    where, entries = _glossary_file(code)
    translated = {str(e.get("term")): e for e in entries}
    if code != REFERENCE:
        unknown = sorted(set(translated) - {str(e.get("term")) for e in english})
        if unknown:
            raise ValueError(f"{where}: {unknown[0]!r} is not a term of the English glossary")
    out = []
    for e in english:
        term = str(e.get("term"))
        mine = translated.get(term, {}) if code != REFERENCE else {"translation": term}
        out.append(
            GlossaryTerm(
                term=term,
                english=_strings(e.get("english")) or (term,),
                definition=str(e.get("definition") or ""),
                elsewhere=_strings(e.get("elsewhere")),
                translation=str(mine.get("translation") or ""),
                forms=_strings(mine.get("forms")),
                note=str(mine.get("note") or ""),
            )
        )
    return out


@dataclass(frozen=True)
class Mismatch:
    file: str
    line: int | None
    source: str
    term: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.source[:70]!r} says {self.term!r}: expected {self.expected}"


def _terms_in(text: str, terms: list[GlossaryTerm]) -> Iterator[GlossaryTerm]:
    """The terms ``text`` says, a longer term hiding the shorter ones inside it ("peer band"
    is not also "peer"), phrases where the word means something else left out."""
    plain = _PLACEHOLDER.sub(" ", text)
    lowered = plain.casefold()
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, GlossaryTerm]] = []
    spans = [
        (m.start(), m.end(), t)
        for t in terms
        for form in t.english
        for m in re.finditer(r"\b" + re.escape(form) + r"\b", plain, re.IGNORECASE)
    ]
    for start, end, t in sorted(spans, key=lambda s: s[0] - s[1]):
        if any(start < e and s < end for s, e in taken):
            continue
        if any(phrase.casefold() in lowered for phrase in t.elsewhere):
            continue
        taken.append((start, end))
        found.append((start, t))
    seen: set[str] = set()
    for _start, t in sorted(found, key=lambda f: f[0]):
        if t.term not in seen:
            seen.add(t.term)
            yield t


def glossary_mismatches(code: str, entries: Iterable[TextEntry]) -> list[Mismatch]:
    """Every translated text whose English says a glossary term and whose translation has none
    of the forms the glossary of ``code`` accepts for it."""
    terms = [t for t in glossary(code) if t.translation]
    out = []
    for entry in entries:
        translated = " ".join(entry.translations).casefold()
        if not translated.strip():
            continue
        for t in _terms_in(entry.source, terms):
            forms = t.forms or (t.translation,)
            if not any(form.casefold() in translated for form in forms):
                expected = " or ".join(f"«{f}»" for f in forms)
                out.append(Mismatch(entry.file, entry.line, entry.source, t.term, expected))
    return out


# --- one language at a glance ------------------------------------------------------------------


@dataclass
class LanguageReport:
    """What the "Help us translate" page and the completeness tests say about a language."""

    code: str
    interface: CatalogueStatus
    labels_total: int
    labels_missing: list[str]
    editions: list[EditionTextsStatus]
    glossary_total: int
    glossary_missing: list[str]

    @property
    def edition_missing(self) -> int:
        return sum(len(e.missing) for e in self.editions)

    @property
    def labels_translated(self) -> int:
        return self.labels_total - len(self.labels_missing)

    @property
    def edition_total(self) -> int:
        return sum(e.total for e in self.editions)

    @property
    def edition_translated(self) -> int:
        return sum(e.translated for e in self.editions)

    @property
    def complete(self) -> bool:
        return not (
            self.interface.missing
            or self.interface.fuzzy
            or self.labels_missing
            or self.edition_missing
            or self.glossary_missing
        )


def language_report(code: str) -> LanguageReport:
    english_labels = labels_file(REFERENCE)
    terms = glossary(code)
    return LanguageReport(
        code=code,
        interface=catalogue_status(code),
        labels_total=len(english_labels),
        labels_missing=[] if code == REFERENCE else labels_missing(code),
        editions=edition_texts_status(code),
        glossary_total=len(terms),
        glossary_missing=[t.term for t in terms if not t.translation],
    )


def language_reports() -> list[tuple[SiteLanguage, LanguageReport]]:
    """Every declared language with its report, read again only when one of its files changed
    (the "Help us translate" page is opened often; the catalogues are large)."""
    out = []
    for lang in languages_declared():
        files = [
            po_path(lang.code),
            LABELS_DIR / f"{lang.code}.yaml",
            LOCALE_DIR / lang.code / "glossary.yaml",
            LOCALE_DIR / REFERENCE / "glossary.yaml",
            *bundled_editions(),
            *sorted(EDITIONS_DIR.glob(f"*/{lang.code}.yaml")),
        ]
        stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files if p.is_file())
        out.append((lang, _report_cached(lang.code, stamp)))
    return out


@lru_cache(maxsize=64)
def _report_cached(code: str, stamp: tuple[tuple[str, int], ...]) -> LanguageReport:
    return language_report(code)


def edition_texts_download(*, code: str, edition_id: str) -> str | None:
    """The texts file of a bundled edition for the translators of ``code`` (every key, the
    English in a comment, the current translation), or None when there is no such edition."""
    from saferspaces.core.framework.translations import texts_current, texts_file_write

    path = next((p for p in bundled_editions() if p.stem == edition_id), None)
    lang = language_find(code)
    if path is None or lang is None:
        return None
    data = _edition_data(path)
    current = texts_current(data=data, edition_path=path, language=code)
    return texts_file_write(data=data, language=code, texts=current, language_name=lang.name_local)
