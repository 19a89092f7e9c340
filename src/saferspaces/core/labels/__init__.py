"""The core's own words (answer statuses, yes/partly/no, section titles, the answers template's
instructions, the XLSForm's hints, the export codebook's column labels...) as data, one file per
language: ``labels/<language>.yaml``, a flat mapping ``key: text``.

English (``en.yaml``) is the reference: every other file has exactly its keys (a text left
empty is not translated yet, and English is used instead). A language is added by adding its
file; nothing here names a language but English. Files are read on first use and kept; the
core stays pure Python (no gettext, no Django).

Code asks for a label with :func:`label` (a :data:`~saferspaces.core.framework.texts.Text`:
a language map read lazily, so that importing a module reads no file) or :func:`label_get`
(one language, English when the text is missing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from saferspaces.core.safeload.yamlload import yaml_load

LABELS_DIR = Path(__file__).resolve().parent
REFERENCE = "en"
_LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}$")
#: placeholders a translation must keep: ``{lo}`` (str.format) and ``%(name)s``
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")


@dataclass(frozen=True)
class LabelProblem:
    """Something wrong in a label file: which file, which key, what."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.key}: {self.message}"
            if self.key
            else f"{self.file}: {self.message}"
        )


def label_languages(*, directory: Path = LABELS_DIR) -> tuple[str, ...]:
    """The languages that have a label file, English first."""
    found = sorted(p.stem for p in directory.glob("*.yaml") if _LANGUAGE_FILE.match(p.stem))
    return tuple(sorted(found, key=lambda code: code != REFERENCE))


def _read(path: Path) -> dict[str, str | None]:
    data = yaml_load(text=path.read_text(encoding="utf-8"), file=path.name)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping of keys to texts")
    out: dict[str, str | None] = {}
    for key, value in data.items():
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{path.name}: {key}: expected a text, got {type(value).__name__}")
        out[str(key)] = value
    return out


@cache
def labels_file(language: str, directory: Path = LABELS_DIR) -> Mapping[str, str | None]:
    """Every key of ``<language>.yaml`` with its text (None or '' when not translated yet)."""
    path = directory / f"{language}.yaml"
    if not path.is_file():
        return {}
    return _read(path)


@cache
def label_texts(key: str) -> Mapping[str, str]:
    """The texts of ``key`` in every language that has one (KeyError if English lacks it)."""
    english = labels_file(REFERENCE).get(key)
    if not english:
        raise KeyError(f"no English label {key!r} in {LABELS_DIR / 'en.yaml'}")
    out = {REFERENCE: english}
    for language in label_languages():
        text = labels_file(language).get(key)
        if language != REFERENCE and text and text.strip():
            out[language] = text
    return out


class Label(Mapping[str, str]):
    """The texts of one label key, read on first use: a :data:`Text` like any other."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __getitem__(self, language: str) -> str:
        return label_texts(self.key)[language]

    def __iter__(self) -> Iterator[str]:
        return iter(label_texts(self.key))

    def __len__(self) -> int:
        return len(label_texts(self.key))

    def __repr__(self) -> str:
        return f"label({self.key!r})"


_KEYS: set[str] = set()


def label(key: str) -> Label:
    """The label ``key`` as a language map (nothing is read until it is used)."""
    _KEYS.add(key)
    return Label(key)


def labels_group(prefix: str, codes: Iterable[str]) -> dict[str, Label]:
    """``{code: label(prefix + '.' + code)}`` for each of ``codes``."""
    return {code: label(f"{prefix}.{code}") for code in codes}


def labels_used() -> frozenset[str]:
    """The keys asked for by the modules imported so far (tests check each exists)."""
    return frozenset(_KEYS)


def label_get(key: str, language: str) -> str:
    """The label ``key`` in ``language``, in English when it has no text in that language."""
    texts = label_texts(key)
    return texts.get(language) or texts[REFERENCE]


def labels_list(items: Iterable[str], *, language: str, conjunction: str = "and") -> str:
    """``A, B and C`` in ``language``: the language's own word for "and" (or "or") and its
    separators (``list.<conjunction>.pair`` for two items, ``list.<conjunction>.last`` and
    ``list.separator`` for more)."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return words[0] if words else ""
    if len(words) == 2:
        pattern = label_get(f"list.{conjunction}.pair", language)
        return pattern.format(first=words[0], last=words[1])
    separator = label_get("list.separator", language)
    pattern = label_get(f"list.{conjunction}.last", language)
    return pattern.format(first=separator.join(words[:-1]), last=words[-1])


def labels_check(*, directory: Path = LABELS_DIR) -> list[LabelProblem]:
    """What is wrong in the label files: a key English lacks, a key missing from a language's
    file, a text that drops or adds a placeholder. Untranslated (empty) texts are not problems
    here: :func:`labels_missing` counts them."""
    problems: list[LabelProblem] = []
    english = labels_file(REFERENCE, directory)
    for language in label_languages(directory=directory):
        if language == REFERENCE:
            continue
        name = f"{language}.yaml"
        texts = labels_file(language, directory)
        for key in texts:
            if key not in english:
                problems.append(LabelProblem(name, key, "English has no such label"))
        for key, source in english.items():
            if key not in texts:
                problems.append(LabelProblem(name, key, "missing: every English key is listed"))
                continue
            text = texts[key]
            if text and sorted(PLACEHOLDER.findall(text)) != sorted(
                PLACEHOLDER.findall(source or "")
            ):
                problems.append(
                    LabelProblem(name, key, f"placeholders differ from the English {source!r}")
                )
    return problems


def labels_missing(language: str, *, directory: Path = LABELS_DIR) -> list[str]:
    """The keys of English that have no text in ``language`` (yet)."""
    texts = labels_file(language, directory)
    return [key for key in labels_file(REFERENCE, directory) if not (texts.get(key) or "").strip()]
