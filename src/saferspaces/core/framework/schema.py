"""The edition file format, declared once: every object, its fields, their types and meaning.

Derived from this declaration: the parser's generic checks (unknown keys, missing required keys,
types and enums, keys of a later format version), the writer's field order
(:mod:`.dump`), the XLSForm columns (:mod:`.xlsform_common`), the JSON Schema for editors
(:mod:`.jsonschema`) and the field tables of ``docs/framework.md`` (:mod:`.doctables`). Adding a
field means adding it here, plus its meaning in the parser when it has one.
"""

from __future__ import annotations

from collections.abc import Mapping

from saferspaces.core.framework.schema_answer import ANSWER_OBJECTS
from saferspaces.core.framework.schema_edition import EDITION_OBJECTS
from saferspaces.core.framework.schema_instrument import INSTRUMENT_OBJECTS
from saferspaces.core.framework.schema_types import FieldSpec, ObjectSpec

OBJECTS: Mapping[str, ObjectSpec] = {
    o.name: o for o in (*EDITION_OBJECTS, *ANSWER_OBJECTS, *INSTRUMENT_OBJECTS)
}
"""Every object of the file format by name, fields in the order a file writes them."""
SCHEMA: Mapping[str, Mapping[str, FieldSpec]] = {name: o.fields for name, o in OBJECTS.items()}
"""Object name -> field name -> :class:`FieldSpec` (the same declaration, as plain mappings)."""
