"""Validation context: collects problems with their location, and typed value readers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from saferspaces.core.framework.errors import Problem
from saferspaces.core.framework.instrument import Instrument
from saferspaces.core.framework.model import FORMAT_V1, FORMAT_V2, Text
from saferspaces.core.framework.schema import OBJECTS
from saferspaces.core.framework.schema_types import (
    CHOICE_CODE_PATTERN,
    CODE_PATTERN,
    EDITION_ID_PATTERN,
    FAMILY_PATTERN,
    LANG_PATTERN,
    SDG_PATTERN,
    VERSIONS,
    FieldType,
    ObjectSpec,
)
from saferspaces.core.framework.yamlsource import path_join

if TYPE_CHECKING:
    from saferspaces.core.framework.expression import Calculation

CODE_RE = re.compile(CODE_PATTERN)
CHOICE_CODE_RE = re.compile(CHOICE_CODE_PATTERN)
EDITION_ID_RE = re.compile(EDITION_ID_PATTERN)
SDG_RE = re.compile(SDG_PATTERN)
LANG_RE = re.compile(LANG_PATTERN)
FAMILY_RE = re.compile(FAMILY_PATTERN)
FORMAT_NAMES = {1: FORMAT_V1, 2: FORMAT_V2}
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
        self.version = 1  # the file's format version (set once its 'format' is read)
        self.instrument: Instrument = Instrument(family="")  # set once the header is read
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
        allowed, required, spec = _SHAPES[self.version][kind]
        for key in value:
            if key not in allowed:
                self._bad_key(spec, path, key)
        for key in required:
            if key not in value:
                self.add(path, f"missing required key {key!r}")
        return value

    def _bad_key(self, spec: ObjectSpec, path: str, key: str) -> None:
        version = self.version
        if key in spec.fields:
            need = FORMAT_NAMES[spec.fields[key].since]
            self.add(
                path_join(path, key),
                f"{key!r} needs format {need!r}; this file is {FORMAT_NAMES[version]!r}",
            )
        else:
            names = ", ".join(spec.allowed(version))
            self.add(path_join(path, key), f"unknown key {key!r} (allowed here: {names})")

    def field(
        self,
        obj: dict[str, Any],
        path: str,
        kind: str,
        name: str,
        *,
        values: tuple[str, ...] | None = None,
    ) -> Any:
        """Read field ``name`` of ``obj`` (an object ``kind``) by its declared type.

        None when absent or wrong (the problem is reported). Lists and objects come back as
        they are, checked to be a list / a mapping; ``values`` overrides an enum's values.
        """
        value = obj.get(name, _MISSING)
        if value is _MISSING:
            return None
        since, read = _FIELD_READERS[kind][name]
        if since > self.version:
            return None  # reported by obj(): the key needs a later format
        sub = f"{path}.{name}" if path else name
        if values is not None:
            return self.enum(value, sub, values)
        return read(self, value, sub)

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

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(path, f"expected true or false, got {_what(value)}")
            return None
        return value

    def date(self, value: Any, path: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.add(path, f"expected a date like 2026-11-21, got {value!r}")
        return None

    def url(self, value: Any, path: str) -> str | None:
        text = self.string(value, path)
        if text is not None and not text.startswith(("https://", "http://")):
            self.add(path, "a url starts with https:// or http://")
            return None
        return text

    def choice_code(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not CHOICE_CODE_RE.match(value):
            self.add(path, f"choice code {value!r} must match {CHOICE_CODE_RE.pattern}")
            return None
        return value

    def calculation(self, value: Any, path: str) -> Calculation | None:
        from saferspaces.core.framework.expression import ExpressionError, calculation_parse

        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected an expression such as 'A * B', got {_what(value)}")
            return None
        try:
            return calculation_parse(text=value)
        except ExpressionError as exc:
            self.add(path, f"cannot read the calculation: {exc}")
            return None

    def patterned(self, ftype: FieldType, value: Any, path: str) -> str | None:
        text = self.string(value, path)
        if text is not None and ftype.pattern and not re.match(ftype.pattern, text):
            what = ftype.doc or "value"
            self.add(path, f"{what} {text!r} must match {ftype.pattern}")
            return None
        return text

    def whole(self, ftype: FieldType, value: Any, path: str) -> int | None:
        n = self.integer(value, path)
        if n is None:
            return None
        if ftype.lo is not None and n < ftype.lo:
            self.add(path, f"{n} is below the minimum {ftype.lo:g}")
            return None
        if ftype.hi is not None and n > ftype.hi:
            self.add(path, f"{n} is above the maximum {ftype.hi:g}")
            return None
        return n


_Reader = Callable[[Ctx, Any, str], Any]
_MISSING = object()


def _reader(t: FieldType) -> _Reader:
    """The function that checks a value of type ``t`` (one call, no dispatch at read time)."""
    kind = t.kind
    if kind == "text":
        return Ctx.text
    if kind == "enum":
        return lambda c, v, p: c.enum(v, p, t.values)
    if kind == "string":
        return (lambda c, v, p: c.patterned(t, v, p)) if t.pattern else Ctx.string
    if kind == "code":
        return lambda c, v, p: c.code(v, p, what=t.what)
    if kind == "number":
        return lambda c, v, p: c.number(v, p, lo=t.lo, hi=t.hi)
    if kind == "integer":
        return lambda c, v, p: c.whole(t, v, p)
    if kind == "list":
        return lambda c, v, p: c.seq(v, p, min_len=t.min_items)
    if kind == "object":
        return lambda c, v, p: c.obj(v, p, t.obj)
    simple: dict[str, _Reader] = {
        "choice_code": Ctx.choice_code,
        "boolean": Ctx.boolean,
        "date": Ctx.date,
        "url": Ctx.url,
        "expression": Ctx.calculation,
    }
    return simple.get(kind, lambda c, v, p: v)  # one_of, map, scalar: read by the parser


_FIELD_READERS: dict[str, dict[str, tuple[int, _Reader]]] = {
    kind: {name: (f.since, _reader(f.type)) for name, f in spec.fields.items()}
    for kind, spec in OBJECTS.items()
}
_SHAPES: dict[int, dict[str, tuple[frozenset[str], tuple[str, ...], ObjectSpec]]] = {
    version: {
        kind: (frozenset(spec.allowed(version)), spec.required(version), spec)
        for kind, spec in OBJECTS.items()
    }
    for version in VERSIONS
}


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
