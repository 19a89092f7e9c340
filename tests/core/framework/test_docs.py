"""docs/framework.md documents every field of the schema, object by object."""

from __future__ import annotations

import re
from pathlib import Path

from saferspaces.core.framework.schema import SCHEMA

DOC = Path(__file__).resolve().parents[3] / "docs" / "framework.md"


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^### +(\S+)\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_schema_field_is_documented() -> None:
    sections = _sections(DOC.read_text(encoding="utf-8"))
    missing = []
    for obj, fields in SCHEMA.items():
        body = sections.get(obj)
        if body is None:
            missing.append(f"section '### {obj}'")
            continue
        rows = set(re.findall(r"^\| `([^`]+)` \|", body, flags=re.MULTILINE))
        missing += [f"{obj}.{f}" for f in fields if f not in rows]
    assert not missing, f"undocumented in {DOC.name}: {', '.join(missing)}"


def test_no_documented_field_is_unknown_to_the_schema() -> None:
    sections = _sections(DOC.read_text(encoding="utf-8"))
    extra = []
    for obj, body in sections.items():
        if obj not in SCHEMA:
            continue
        table = body.split("\n\n| type |")[0]  # the answer-types table is not a field list
        for f in re.findall(r"^\| `([^`]+)` \|", table, flags=re.MULTILINE):
            if f not in SCHEMA[obj]:
                extra.append(f"{obj}.{f}")
    assert not extra, f"documented but not in the schema: {extra}"
