"""Validation context: collects problems with their location, and typed value readers."""

from __future__ import annotations

import re
from typing import Any, Protocol

from saferspaces.core.framework.errors import Problem
from saferspaces.core.framework.model import Text
from saferspaces.core.framework.schema import SCHEMA
from saferspaces.core.framework.yamlsource import path_join

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
CHOICE_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
EDITION_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]+$")
SDG_RE = re.compile(r"^\d{1,2}\.[a-z0-9]{1,2}\.\d{1,2}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
_LAST_STEP = re.compile(r"(\.[^.\[]+|\[\d+\])$")


def path_parent(path: str) -> str:
    stripped = _LAST_STEP.sub("", path)
    if stripped == path:  # a top-level key
        return ""
    return stripped


class LineLookup(Protocol):
    def get(self, key: str, /) -> int | None: ...


class Ctx:
    """Where problems go while one file is read; knows the line of each path."""

    def __init__(
        self, *, file: str, lines: LineLookup, languages: tuple[str, ...] = ("en",)
    ) -> None:
        self.file = file
        self.lines = lines
        self.languages = languages
        self.problems: list[Problem] = []
        # code -> path of its definition, and what it names (dimension/indicator/checklist)
        self.codes: dict[str, str] = {}
        self.code_kinds: dict[str, str] = {}

    def line(self, path: str) -> int | None:
        p = path
        while True:
            line = self.lines.get(p)
            if line is not None:
                return line
            if not p:
                return None
            p = path_parent(p)

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, self.line(path), message))

    # -- structure --------------------------------------------------------------------------
    def obj(self, value: Any, path: str, kind: str) -> dict[str, Any] | None:
        """Check ``value`` is a mapping with only known keys and all required keys."""
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping ({kind.replace('_', ' ')}), got {_what(value)}")
            return None
        spec = SCHEMA[kind]
        for key in value:
            if key not in spec:
                allowed = ", ".join(spec)
                self.add(path_join(path, key), f"unknown key {key!r} (allowed here: {allowed})")
        for key, field in spec.items():
            if field.required and key not in value:
                self.add(path, f"missing required key {key!r}")
        return value

    def seq(self, value: Any, path: str, *, min_len: int = 0) -> list[Any]:
        if not isinstance(value, list):
            self.add(path, f"expected a list, got {_what(value)}")
            return []
        if len(value) < min_len:
            self.add(path, f"expected at least {min_len} item{'s' if min_len > 1 else ''}")
        return value

    # -- scalars ----------------------------------------------------------------------------
    def text(self, value: Any, path: str) -> Text | None:
        """A language map with every language of the edition (missing translation = problem)."""
        if isinstance(value, str):
            self.add(path, f"expected a language map such as {{en: ..., fr: ...}}, got {value!r}")
            return None
        if not isinstance(value, dict):
            self.add(path, f"expected a language map, got {_what(value)}")
            return None
        out: dict[str, str] = {}
        for lang, item in value.items():
            sub = path_join(path, str(lang))
            if lang not in self.languages:
                self.add(sub, f"language {lang!r} is not listed in edition.languages")
            elif not isinstance(item, str) or not item.strip():
                self.add(sub, f"the {lang!r} text must be a non-empty string")
            else:
                out[str(lang)] = item
        for lang in self.languages:
            if lang not in value:
                self.add(path, f"missing translation: {lang!r}")
        return out

    def string(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected a non-empty string, got {_what(value)}")
            return None
        return value

    def enum(self, value: Any, path: str, allowed: tuple[str, ...]) -> str | None:
        if value not in allowed:
            self.add(path, f"{value!r} is not one of: {', '.join(allowed)}")
            return None
        return str(value)

    def number(
        self, value: Any, path: str, *, lo: float | None = None, hi: float | None = None
    ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(path, f"expected a number, got {_what(value)}")
            return None
        if lo is not None and value < lo:
            self.add(path, f"{value} is below the minimum {lo:g}")
            return None
        if hi is not None and value > hi:
            self.add(path, f"{value} is above the maximum {hi:g}")
            return None
        return value

    def integer(self, value: Any, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"expected a whole number, got {_what(value)}")
            return None
        return value

    def code(self, value: Any, path: str, *, what: str) -> str | None:
        """A code of the shared code space; duplicates are reported here."""
        if not isinstance(value, str) or not CODE_RE.match(value):
            self.add(path, f"code {value!r} must match {CODE_RE.pattern}")
            return None
        first = self.codes.get(value)
        if first is not None:
            self.add(
                path,
                f"duplicate code {value!r} (first defined at {first}, line {self.line(first)})",
            )
            return value
        self.codes[value] = path
        self.code_kinds[value] = what
        return value


def _what(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{type(value).__name__} {value!r}"
