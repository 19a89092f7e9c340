"""An edition's texts in further languages, one file per language, merged when it is bundled.

An edition file carries every text inline in each language it declares (``edition.languages``):
that file is the truth stored in the database. A bundled edition may also have translations
in files of their own beside it, ``<edition-id>/<language>.yaml``, so that one translator per
language works on one file::

    format: saferspaces-texts/1
    edition: ssf-2026.1
    language: lv
    texts:
      # Safer Spaces self-assessment framework, first edition
      edition.title: "Safer Spaces pašnovērtējuma ietvars, pirmais izdevums"
      QOL_P01.question: "..."
      QOL_P01.answer.choices.never.label: "..."

Each text has a stable **key**: its path in the file, where an item of a list is named by its
``code`` (or a scale point by its ``value``, else its position), and a coded question,
dimension or repeat group starts the key afresh (``QOL_P01.question``, ``QOL.title``,
``edition.title``). :func:`edition_texts` lists them; :func:`texts_file_write` writes the file a
translator fills in (every key with its English text in a comment, and the current translation);
:func:`texts_file_read` reads one back and names every problem; :func:`edition_translate`
merges the files of complete languages into the edition's data (a language is declared, so
merged, only when every text is translated: the validator refuses a missing text).
"""

from __future__ import annotations

import copy
import json
import re
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saferspaces.core.framework.context import LANG_RE
from saferspaces.core.framework.errors import Problem
from saferspaces.core.limits import EDITION_FILE_MAX_BYTES, InputError, LimitExceeded
from saferspaces.core.safeload.text import file_read, text_decode
from saferspaces.core.safeload.yamlload import yaml_load

if TYPE_CHECKING:
    from saferspaces.core.framework.model import Edition

TEXTS_FORMAT = "saferspaces-texts/1"
REFERENCE = "en"
#: lists whose coded items (questions, dimensions, repeat groups) start a key afresh
_ROOTS = frozenset({"checklist", "dimensions", "children", "indicators", "items", "repeats"})
#: what a translation must keep from the English text: placeholders and web addresses
_KEEP = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|https?://[^\s)\]>\"']+")


@dataclass(frozen=True)
class TextsFile:
    """A language's texts file as read: its texts by key, and what is wrong in it."""

    language: str
    edition: str
    texts: Mapping[str, str]
    problems: tuple[Problem, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)  # key -> its line in the file


@dataclass
class TextsStatus:
    """How far a language's texts of an edition are: counts, and the keys to look at."""

    language: str
    total: int
    translated: int = 0
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # keys the edition has not
    problems: list[Problem] = field(default_factory=list)
    inline: bool = False  # written in the edition file itself

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unknown and not self.problems


def _is_text(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and REFERENCE in value
        and all(isinstance(k, str) and LANG_RE.match(k) for k in value)
        and all(isinstance(v, str) for v in value.values())
    )


def _item_name(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for name in ("code", "value"):
            value = item.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)
    return str(index)


def _walk(node: Any, key: str, parent: str) -> Iterator[tuple[str, dict[str, str]]]:
    if _is_text(node):
        yield key, node
        return
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _walk(value, f"{key}.{name}" if key else str(name), str(name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            name = _item_name(item, index)
            coded = isinstance(item, dict) and isinstance(item.get("code"), str)
            child = name if parent in _ROOTS and coded else f"{key}.{name}"
            yield from _walk(item, child, "")


def edition_texts(data: Any) -> dict[str, dict[str, str]]:
    """Every text of an edition's data (as read from YAML), by key, in file order.

    Raises ``ValueError`` naming the keys that two texts share (codes must be unique)."""
    out: dict[str, dict[str, str]] = {}
    twice: list[str] = []
    for key, text in _walk(data, "", ""):
        if key in out:
            twice.append(key)
        out[key] = text
    if twice:
        raise ValueError(f"texts share a key: {', '.join(sorted(set(twice)))}")
    return out


def edition_languages(data: Any) -> list[str]:
    try:
        langs = data["edition"]["languages"]
    except (KeyError, TypeError):
        return [REFERENCE]
    return [str(x) for x in langs] if isinstance(langs, list) else [REFERENCE]


def _edition_id(data: Any) -> str:
    try:
        return str(data["edition"]["id"])
    except (KeyError, TypeError):
        return ""


def texts_file_path(*, edition_path: Path, language: str) -> Path:
    """``editions/ssf-2026.1.yaml`` -> ``editions/ssf-2026.1/<language>.yaml``."""
    return edition_path.with_suffix("") / f"{language}.yaml"


def texts_file_read(*, text: str, file: str, language: str | None = None) -> TextsFile:
    """Read a texts file; every problem is named with its file, key and line (nothing raised
    for bad content: the caller decides; a limit or a YAML syntax error is one problem)."""
    problems: list[Problem] = []
    try:
        data = yaml_load(text=text, file=file)
    except LimitExceeded as exc:
        return TextsFile(language or "", "", {}, (Problem(file, "", exc.line, exc.message),))
    except Exception as exc:  # yaml.YAMLError: a syntax error with its mark
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return TextsFile(language or "", "", {}, (Problem(file, "", line, f"not YAML: {what}"),))
    if not isinstance(data, dict):
        return TextsFile(language or "", "", {}, (Problem(file, "", 1, "expected a mapping"),))
    if data.get("format") != TEXTS_FORMAT:
        problems.append(Problem(file, "format", None, f"expected format: {TEXTS_FORMAT}"))
    lang = data.get("language")
    if not isinstance(lang, str) or not LANG_RE.match(lang):
        problems.append(Problem(file, "language", None, "expected a language code like 'lv'"))
        lang = language or ""
    elif language is not None and lang != language:
        problems.append(
            Problem(file, "language", None, f"the file is for {lang!r}, not {language!r}")
        )
    edition = data.get("edition")
    if not isinstance(edition, str):
        problems.append(Problem(file, "edition", None, "expected the edition's id"))
        edition = ""
    raw = data.get("texts") or {}
    texts: dict[str, str] = {}
    if not isinstance(raw, dict):
        problems.append(Problem(file, "texts", None, "expected a mapping of keys to texts"))
        raw = {}
    lines = _key_lines(text)
    for key, value in raw.items():
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(
                Problem(file, f"texts.{key}", lines.get(str(key)), "expected a text in quotes")
            )
        elif value.strip():
            texts[str(key)] = value
    return TextsFile(lang, edition, texts, tuple(problems), lines)


_KEY_LINE = re.compile(r"^\s+([^\s#:][^:]*):")


def _key_lines(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = _KEY_LINE.match(line)
        if m:
            out.setdefault(m.group(1).strip(), number)
    return out


def texts_status(
    *,
    data: Any,
    language: str,
    texts: Mapping[str, str],
    file: str = "",
    lines: Mapping[str, int] | None = None,
) -> TextsStatus:
    """Which of the edition's texts ``texts`` translates into ``language``, which it lacks,
    which keys it has that the edition has not, and the texts that drop a placeholder or a
    web address of the English text."""
    reference = edition_texts(data)
    status = TextsStatus(language=language, total=len(reference))
    for key, text in reference.items():
        translation = texts.get(key, "").strip()
        if not translation:
            status.missing.append(key)
            continue
        status.translated += 1
        english = sorted(_KEEP.findall(text.get(REFERENCE, "")))
        if sorted(_KEEP.findall(translation)) != english:
            keep = ", ".join(english) or "no placeholder or link"
            status.problems.append(
                Problem(file, f"texts.{key}", (lines or {}).get(key), f"keep {keep} as in English")
            )
    status.unknown = [key for key in texts if key not in reference]
    for key in status.unknown:
        status.problems.append(
            Problem(file, f"texts.{key}", (lines or {}).get(key), "the edition has no such text")
        )
    return status


def inline_texts(*, data: Any, language: str) -> dict[str, str]:
    """The texts the edition file itself gives in ``language``."""
    return {key: text[language] for key, text in edition_texts(data).items() if text.get(language)}


def _comment(text: str, indent: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, width=96 - len(indent), break_long_words=False)
        lines += [f"{indent}# {line}".rstrip() for line in wrapped or [""]]
    return lines


def texts_file_write(
    *, data: Any, language: str, texts: Mapping[str, str], language_name: str = ""
) -> str:
    """The texts file of ``language`` for translators: every key of the edition, its English
    text in a comment, and ``texts`` (the current translation; "" where there is none)."""
    reference = edition_texts(data)
    eid = _edition_id(data)
    title = reference.get("edition.title", {}).get(REFERENCE, "")
    name = f"{language_name} ({language})" if language_name else language
    head = [
        f"# {name} texts of the edition {eid}: {title}",
        "# For each key the English text is in the comment above it: write the translation between",
        '# the quotes ("" means not translated yet). Keep the keys, {placeholders} and web addresses.',
        "# Check the file: saferspaces framework texts EDITION.yaml --check",
        f"format: {TEXTS_FORMAT}",
        f"edition: {eid}",
        f"language: {language}",
        "texts:",
    ]
    body: list[str] = []
    for key, text in reference.items():
        body += _comment(text.get(REFERENCE, ""), "  ")
        body.append(f"  {key}: {json.dumps(texts.get(key, ''), ensure_ascii=False)}")
    return "\n".join(head + body) + "\n"


def texts_current(*, data: Any, edition_path: Path, language: str) -> dict[str, str]:
    """The texts ``language`` has for the edition now: inline in the edition file when it
    declares the language, else in its texts file beside the edition (none: empty)."""
    if language in edition_languages(data):
        return inline_texts(data=data, language=language)
    beside = texts_file_path(edition_path=edition_path, language=language)
    return dict(texts_file_load(path=beside, language=language).texts) if beside.is_file() else {}


def edition_translate(*, data: Any, translations: Mapping[str, Mapping[str, str]]) -> Any:
    """A copy of the edition's ``data`` with the texts of each language of ``translations``
    added, and those languages declared. Only complete translations are given here (see
    :func:`edition_bundle_data`)."""
    out = copy.deepcopy(data)
    by_key = edition_texts(out)  # the copies' own language maps, filled in place
    for language, texts in translations.items():
        for key, text in by_key.items():
            if texts.get(key):
                text[language] = texts[key]
        langs = edition_languages(out)
        if language not in langs:
            out["edition"]["languages"] = [*langs, language]
    return out


@dataclass
class BundleReport:
    """What the bundling of an edition took from its texts files."""

    merged: list[str] = field(default_factory=list)
    statuses: dict[str, TextsStatus] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def texts_files(*, edition_path: Path) -> dict[str, Path]:
    """The texts files beside a bundled edition, by language."""
    folder = edition_path.with_suffix("")
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if LANG_RE.match(p.stem)}


def texts_file_load(*, path: Path, language: str) -> TextsFile:
    """Read the texts file at ``path`` within the edition file's limits."""
    name = str(path)
    try:
        raw = file_read(path=path, max_bytes=EDITION_FILE_MAX_BYTES, where=name)
        text = text_decode(content=raw, where=name)
    except InputError as exc:
        return TextsFile(language, "", {}, (Problem(name, "", exc.line, exc.message),))
    return texts_file_read(text=text, file=name, language=language)


def edition_bundle_data(*, data: Any, edition_path: Path) -> tuple[Any, BundleReport]:
    """The edition's data with every complete texts file beside it merged, and a report of
    each language (complete or not, what is missing, what is wrong)."""
    report = BundleReport()
    inline = set(edition_languages(data))
    complete: dict[str, Mapping[str, str]] = {}
    for language, path in texts_files(edition_path=edition_path).items():
        loaded = texts_file_load(path=path, language=language)
        status = texts_status(
            data=data, language=language, texts=loaded.texts, file=str(path), lines=loaded.lines
        )
        status.problems[:0] = list(loaded.problems)
        if loaded.edition and loaded.edition != _edition_id(data):
            status.problems.append(
                Problem(str(path), "edition", None, f"the file is for {loaded.edition}")
            )
        if language in inline:
            status.problems.append(
                Problem(str(path), "", None, f"{language!r} is written in the edition file itself")
            )
        report.statuses[language] = status
        report.problems += status.problems
        if status.complete:
            complete[language] = loaded.texts
    report.merged = sorted(complete)
    return (edition_translate(data=data, translations=complete) if complete else data), report


def edition_bundle_load(*, path: Path) -> tuple[Edition, str, BundleReport]:
    """A bundled edition with its complete texts files merged: the edition, the YAML source to
    store (the file's own text when nothing was merged, else the merged edition written out)
    and the report of every texts file. The file is validated alone first, then merged."""
    from saferspaces.core.framework.dump import edition_dump
    from saferspaces.core.framework.loader import edition_from_data, edition_load

    edition = edition_load(path=path)
    raw = file_read(path=path, max_bytes=EDITION_FILE_MAX_BYTES, where=str(path))
    text = text_decode(content=raw, where=str(path))
    data = yaml_load(text=text, file=str(path))
    merged, report = edition_bundle_data(data=data, edition_path=path)
    if not report.merged:
        return edition, text, report
    edition = edition_from_data(data=merged, file=str(path), source=str(path))
    header = (
        f"# {path.name} with the texts of {path.with_suffix('').name}/"
        f"{{{','.join(report.merged)}}}.yaml merged by `saferspaces framework sync-bundled`.\n"
        "# Edit those files, not this text.\n"
    )
    return edition, header + edition_dump(edition=edition), report
