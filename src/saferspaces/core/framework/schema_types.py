"""The vocabulary of the schema declaration: field types, fields and objects.

A :class:`FieldType` says what a value is (text, code, enum, number, list of X, object X...);
a :class:`FieldSpec` adds whether it is required, its default, the format version that
introduced it and where it goes in an XLSForm; an :class:`ObjectSpec` lists the fields of one
object. :mod:`.schema` declares every object of the edition format with them; the parser's
generic checks, the JSON Schema, the XLSForm columns and the tables of ``docs/framework.md``
are derived from that declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

LATEST = 2
VERSIONS = (1, 2)
CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,31}$"
CHOICE_CODE_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
EDITION_ID_PATTERN = r"^[a-z0-9][a-z0-9.\-]+$"
FAMILY_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
SDG_PATTERN = r"^\d{1,2}\.[a-z0-9]{1,2}\.\d{1,2}$"
LANG_PATTERN = r"^[a-z]{2,3}$"


@dataclass(frozen=True)
class FieldType:
    """What a value is. ``kind`` is one of :data:`TYPE_KINDS`; the other fields qualify it."""

    kind: str
    values: tuple[str, ...] = ()  # enum: the allowed values
    lo: float | None = None  # number / integer bounds
    hi: float | None = None
    item: FieldType | None = None  # list: the type of its items; map: the type of its values
    obj: str = ""  # object: the object's name in the schema
    options: tuple[FieldType, ...] = ()  # one_of: the alternatives
    min_items: int = 0  # list: fewest items
    max_items: int | None = None
    pattern: str = ""  # code-like strings: the regular expression
    what: str = ""  # code: what the code names (dimension, indicator, checklist, repeat)
    open_enum: bool = False  # enum values are a default vocabulary that the file may extend
    doc: str = ""  # how the docs name the type, when not derived


TYPE_KINDS = (
    "text",
    "string",
    "code",
    "choice_code",
    "enum",
    "number",
    "integer",
    "boolean",
    "date",
    "url",
    "expression",
    "scalar",
    "list",
    "object",
    "map",
    "one_of",
    "null",
)


def text() -> FieldType:
    """A language map ``{en: ..., fr: ...}`` with every language of the edition."""
    return FieldType("text")


def string(*, pattern: str = "", doc: str = "") -> FieldType:
    return FieldType("string", pattern=pattern, doc=doc)


def code(what: str) -> FieldType:
    """A code of the file's one code space (``^[A-Z][A-Z0-9_]{1,31}$``), defined here."""
    return FieldType("code", what=what)


def ref(doc: str) -> FieldType:
    """A reference to a code defined elsewhere in the file (checked by the semantic rules)."""
    return FieldType("string", pattern=CODE_PATTERN, doc=doc)


def choice_code() -> FieldType:
    return FieldType("choice_code")


def enum(values: tuple[str, ...], *, open_enum: bool = False) -> FieldType:
    return FieldType("enum", values=values, open_enum=open_enum)


def number(*, lo: float | None = None, hi: float | None = None) -> FieldType:
    return FieldType("number", lo=lo, hi=hi)


def integer(*, lo: float | None = None, hi: float | None = None) -> FieldType:
    return FieldType("integer", lo=lo, hi=hi)


def boolean() -> FieldType:
    return FieldType("boolean")


def date() -> FieldType:
    return FieldType("date")


def url() -> FieldType:
    return FieldType("url")


def expression() -> FieldType:
    return FieldType("expression")


def scalar() -> FieldType:
    """A plain value: text, number or true/false."""
    return FieldType("scalar")


def list_of(
    item: FieldType, *, min_items: int = 0, max_items: int | None = None, doc: str = ""
) -> FieldType:
    return FieldType("list", item=item, min_items=min_items, max_items=max_items, doc=doc)


def obj(name: str) -> FieldType:
    return FieldType("object", obj=name)


def map_of(value: FieldType, *, keys: FieldType, doc: str = "") -> FieldType:
    return FieldType("map", item=value, options=(keys,), doc=doc)


def null() -> FieldType:
    return FieldType("null")


def one_of(*options: FieldType, doc: str = "") -> FieldType:
    return FieldType("one_of", options=options, doc=doc)


@dataclass(frozen=True)
class FieldSpec:
    """One field of an object.

    ``required`` fields are reported missing by the generic check in the versions of
    ``required_in`` (from ``since`` on); ``when`` says in words when a field is required
    otherwise (checked by the parser's semantic rules, shown in the docs). ``doc`` is the
    meaning shown in the docs (``summary`` when empty); ``default`` the value a missing field
    takes; ``xlsform`` where the field goes in an XLSForm.
    """

    type: FieldType
    summary: str
    required: bool = False
    when: str = ""
    required_in: tuple[int, ...] = VERSIONS
    since: int = 1
    doc: str = ""
    default: str = ""
    xlsform: str = ""

    def required_for(self, version: int) -> bool:
        return self.required and version >= self.since and version in self.required_in


@dataclass(frozen=True)
class ObjectSpec:
    """An object of the file format: its fields in file order."""

    name: str
    fields: Mapping[str, FieldSpec]
    since: int = 1
    doc: str = ""
    by_version: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def allowed(self, version: int) -> tuple[str, ...]:
        """The keys a file of format ``version`` may use here, in declaration order."""
        return self._keys(version)[0]

    def required(self, version: int) -> tuple[str, ...]:
        """The keys the generic check requires in a file of format ``version``."""
        return self._keys(version)[1]

    def _keys(self, version: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        keys = self.by_version.get(version)
        if keys is None:
            allowed = tuple(k for k, f in self.fields.items() if f.since <= version)
            required = tuple(k for k, f in self.fields.items() if f.required_for(version))
            keys = self.by_version[version] = (allowed, required)
        return keys

    @property
    def title(self) -> str:
        return self.name.replace("_", " ")
