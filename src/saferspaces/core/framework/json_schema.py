"""A JSON Schema (draft 2020-12) of the edition file, derived from the declaration in
:mod:`.schema`: ``edition_json_schema()``.

Editors use it to complete keys and flag mistakes while typing (VS Code's YAML extension:
``# yaml-language-server: $schema=edition.schema.json`` at the top of a file). It checks the
structure only: keys, types, enums, patterns. The validator (``framework validate``) stays the
authority: it also checks meaning (weights adding up, references, skip logic, calculations).
"""

from __future__ import annotations

from typing import Any

from saferspaces.core.framework.model import FORMAT_V1, FORMAT_V2
from saferspaces.core.framework.schema import OBJECTS
from saferspaces.core.framework.schema_types import (
    CHOICE_CODE_PATTERN,
    CODE_PATTERN,
    LANG_PATTERN,
    VERSIONS,
    FieldType,
    ObjectSpec,
)

SCHEMA_ID = "urn:saferspaces:schema:framework-edition"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
RESULT_PARAMS = {
    "tally": "result_tally",
    "risk_matrix": "result_risk_matrix",
    "levels": "result_levels",
    "none": "result_none",
}


def type_schema(t: FieldType) -> dict[str, Any]:
    """The JSON Schema of one declared type."""
    kind = t.kind
    if kind == "text":
        return {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": LANG_PATTERN},
            "additionalProperties": {"type": "string", "minLength": 1},
        }
    if kind == "string":
        out: dict[str, Any] = {"type": "string", "minLength": 1}
        if t.pattern:
            out["pattern"] = t.pattern
        return out
    if kind == "code":
        return {"type": "string", "pattern": CODE_PATTERN}
    if kind == "choice_code":
        return {"type": "string", "pattern": CHOICE_CODE_PATTERN}
    if kind == "enum":
        if t.open_enum:  # a default vocabulary the file extends (kinds, sections)
            return {
                "type": "string",
                "pattern": CHOICE_CODE_PATTERN,
                "examples": list(t.values),
            }
        return {"enum": list(t.values)}
    if kind in ("number", "integer"):
        out = {"type": kind}
        if t.lo is not None:
            out["minimum"] = t.lo
        if t.hi is not None:
            out["maximum"] = t.hi
        return out
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "date":
        return {"type": "string", "format": "date"}
    if kind == "url":
        return {"type": "string", "pattern": "^https?://"}
    if kind == "expression":
        return {"type": "string", "minLength": 1, "maxLength": 500}
    if kind == "scalar":
        return {"type": ["string", "number", "boolean"]}
    if kind == "null":
        return {"type": "null"}
    if kind == "list":
        assert t.item is not None
        out = {"type": "array", "items": type_schema(t.item)}
        if t.min_items:
            out["minItems"] = t.min_items
        if t.max_items is not None:
            out["maxItems"] = t.max_items
        return out
    if kind == "object":
        return {"$ref": f"#/$defs/{t.obj}"}
    if kind == "map":
        assert t.item is not None
        return {
            "type": "object",
            "propertyNames": type_schema(t.options[0]),
            "additionalProperties": type_schema(t.item),
        }
    assert kind == "one_of", kind
    return {"anyOf": [type_schema(o) for o in t.options]}


def object_schema(spec: ObjectSpec) -> dict[str, Any]:
    """An object: its properties, those required in every format, no other key."""
    properties: dict[str, Any] = {}
    for name, f in spec.fields.items():
        prop = type_schema(f.type)
        note = f" (format {f.since})" if f.since > spec.since else ""
        properties[name] = {**prop, "description": f.summary + note}
    # required in every format the object exists in (a key of a later format: see the file)
    versions = [v for v in VERSIONS if v >= spec.since]
    required = [
        n
        for n, f in spec.fields.items()
        if f.required and f.since == spec.since and all(v in f.required_in for v in versions)
    ]
    out: dict[str, Any] = {
        "type": "object",
        "description": spec.title + (" (format 2)" if spec.since > 1 else ""),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        out["required"] = required
    return out


def edition_json_schema() -> dict[str, Any]:
    """The JSON Schema of an edition file (formats 1 and 2)."""
    defs = {name: object_schema(spec) for name, spec in OBJECTS.items()}
    defs["file"]["properties"]["format"] = {
        "enum": [FORMAT_V1, FORMAT_V2],
        "description": "format identifier",
    }
    # format 2 needs its header; format 1 has none
    defs["file"]["allOf"] = [
        {
            "if": {"properties": {"format": {"const": FORMAT_V2}}, "required": ["format"]},
            "then": {"required": ["instrument"]},
            "else": {"not": {"required": ["instrument"]}},
        }
    ]
    # the parameters of the result model
    defs["instrument"]["allOf"] = [
        {
            "if": {"properties": {"result_model": {"const": model}}, "required": ["result_model"]},
            "then": {"properties": {"result": {"$ref": f"#/$defs/{params}"}}},
        }
        for model, params in RESULT_PARAMS.items()
    ]
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "Safer Spaces framework edition",
        "description": "A framework edition file (saferspaces-framework/1 or /2). Structure "
        "only: `framework validate` checks the meaning as well.",
        "$ref": "#/$defs/file",
        "$defs": defs,
    }
