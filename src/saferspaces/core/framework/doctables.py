"""The tables of ``docs/framework.md``, rendered from the schema declaration.

Each table sits between two markers in the page, ``<!-- generated: NAME -->`` and
``<!-- /generated -->``: one per object (``NAME`` is the object, e.g. ``indicator``), plus
``answer_types``, ``result_models`` and ``xlsform_columns``. :func:`docs_tables_apply` rewrites them;
``python -m saferspaces.core.framework docs-tables --write docs/framework.md`` runs it, and a
test fails when the page and the declaration differ.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from saferspaces.core.framework.instrument import RESULT_MODEL_SPECS, SHARING_KEYS
from saferspaces.core.framework.model import ANSWER_TYPES, METHODS_BY_ANSWER
from saferspaces.core.framework.schema import OBJECTS
from saferspaces.core.framework.schema_answer import ANSWER_TYPE_DOCS
from saferspaces.core.framework.schema_types import FieldSpec, FieldType, ObjectSpec

MARKER = re.compile(
    r"(<!-- generated: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /generated -->)", re.S
)


def type_doc(t: FieldType) -> str:
    """How the docs name a type: ``text``, ``list of *choice*``, ``one of ...``."""
    if t.doc:
        return t.doc
    if t.kind == "object":
        return f"*{t.obj}*"
    if t.kind == "list" and t.item is not None:
        return f"list of {type_doc(t.item)}"
    if t.kind == "map" and t.item is not None:
        return f"mapping to {type_doc(t.item)}"
    if t.kind == "one_of":
        return " or ".join(type_doc(o) for o in t.options)
    if t.kind == "enum":
        return "`" + "` or `".join(t.values) + "`" if len(t.values) == 1 else "enum"
    if t.kind == "number" and t.lo is not None and t.hi is not None:
        return f"number {t.lo:g}-{t.hi:g}"
    names = {
        "integer": "whole number",
        "boolean": "true / false",
        "choice_code": "choice code",
        "scalar": "value",
        "null": "null",
    }
    return names.get(t.kind, t.kind)


def _required_doc(spec: ObjectSpec, f: FieldSpec) -> str:
    if f.when:
        return f.when
    return "yes" if f.required else "no"


def _meaning(spec: ObjectSpec, f: FieldSpec) -> str:
    text = f.doc or f.summary[:1].upper() + f.summary[1:] + "."
    if f.since > spec.since:
        text = f"*Format {f.since}.* {text}"
    if f.default:
        text = f"{text} Default: {f.default}."
    return text.replace("|", "\\|")


def object_table(name: str) -> str:
    spec = OBJECTS[name]
    rows = ["| field | type | required | meaning |", "|---|---|---|---|"]
    for key, f in spec.fields.items():
        rows.append(
            f"| `{key}` | {type_doc(f.type)} | {_required_doc(spec, f)} | {_meaning(spec, f)} |"
        )
    return "\n".join(rows) + "\n"


def answer_types_table() -> str:
    rows = ["| type | answer | scoring methods that fit |", "|---|---|---|"]
    for atype in ANSWER_TYPES:
        rows.append(
            f"| `{atype}` | {ANSWER_TYPE_DOCS[atype]} | {', '.join(METHODS_BY_ANSWER[atype])} |"
        )
    return "\n".join(rows) + "\n"


def xlsform_columns_table() -> str:
    rows = ["| XLSForm column | fields |", "|---|---|"]
    where: dict[str, list[str]] = {}
    for name, spec in OBJECTS.items():
        for key, f in spec.fields.items():
            for column in filter(None, (c.strip() for c in f.xlsform.split(","))):
                where.setdefault(column, []).append(f"`{name}.{key}`")
    for column, fields in sorted(where.items(), key=lambda kv: (kv[0].startswith("ss_"), kv[0])):
        rows.append(f"| `{column}` | {', '.join(fields)} |")
    return "\n".join(rows) + "\n"


def result_models_table() -> str:
    """The result models as declared in ``RESULT_MODEL_SPECS``."""
    rows = ["| model | results | measures | may share | privacy, order |", "|---|---|---|---|---|"]
    for name, spec in RESULT_MODEL_SPECS.items():
        measures = ", ".join(f"`{m.code}`" for m in spec.measures)
        if name == "composite":
            measures += ", each declared measure and contrast"
        shared = ", ".join(k for k in SHARING_KEYS if k in spec.may_share) or "nothing"
        notes = []
        if not spec.visible_to_colleagues:
            notes.append("a respondent's results are shown to that person only")
        if spec.aggregate_min_units:
            notes.append(f"aggregates over {spec.aggregate_min_units} subjects at least")
        if spec.orders_within_subject:
            notes.append("orders the subject's own instances (never subjects)")
        rows.append(
            f"| `{name}` | {spec.summary} | {measures} | {shared} | {'; '.join(notes) or '—'} |"
        )
    return "\n".join(rows) + "\n"


def docs_tables() -> Mapping[str, str]:
    """Every generated table by marker name."""
    out = {name: object_table(name) for name in OBJECTS}
    out["answer_types"] = answer_types_table()
    out["result_models"] = result_models_table()
    out["xlsform_columns"] = xlsform_columns_table()
    return out


def docs_tables_apply(*, text: str) -> str:
    """``text`` with every marked table replaced by its rendering (unknown markers kept)."""
    tables = docs_tables()

    def swap(m: re.Match[str]) -> str:
        name = m.group("name")
        body = f"\n{tables[name]}\n" if name in tables else m.group("body")
        return f"{m.group(1)}{body}{m.group(4)}"

    return MARKER.sub(swap, text)


def docs_tables_missing(*, text: str) -> list[str]:
    """Names of generated tables that have no marker in ``text``."""
    present = {m.group("name") for m in MARKER.finditer(text)}
    return [name for name in docs_tables() if name not in present]
