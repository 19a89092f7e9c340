"""Build the typed model from plain data, reporting every structural problem to a :class:`Ctx`.

The generic checks (unknown and missing keys, types, enums) come from the declaration in
:mod:`.schema` through :meth:`Ctx.obj` and :meth:`Ctx.field`; what a field means is checked
here and in :mod:`.parse_items`, :mod:`.parse_answer` and :mod:`.parse_instrument`.
"""

from __future__ import annotations

from typing import Any

from saferspaces.core.framework.context import (
    EDITION_ID_RE,
    LANG_RE,
    Ctx,
)
from saferspaces.core.framework.instrument import instrument_v1
from saferspaces.core.framework.model import (
    FORMAT_V1,
    FORMAT_VERSIONS,
    Change,
    ChecklistItem,
    Dimension,
    Edition,
)
from saferspaces.core.framework.parse_answer import answer_parse_spec, relevance_parse
from saferspaces.core.framework.parse_instrument import instrument_fallback, instrument_parse
from saferspaces.core.framework.parse_items import dimension_parse
from saferspaces.core.framework.yamlsource import path_join as pj


def languages_read(data: Any) -> tuple[str, ...]:
    """The edition's languages, read leniently (so texts can be checked even when broken)."""
    try:
        langs = data["edition"]["languages"]
    except (KeyError, TypeError):
        return ("en",)
    if isinstance(langs, list) and all(isinstance(x, str) for x in langs) and langs:
        return tuple(langs)
    return ("en",)


def format_version_read(data: Any) -> int:
    """The format version a file declares (1 when it cannot say)."""
    fmt = data.get("format") if isinstance(data, dict) else None
    return FORMAT_VERSIONS.get(fmt, 1) if isinstance(fmt, str) else 1


def edition_parse(data: Any, ctx: Ctx, *, source: str = "") -> Edition | None:
    ctx.version = format_version_read(data)
    top = ctx.obj(data, "", "file")
    if top is None:
        return None
    if "format" in top and top["format"] not in FORMAT_VERSIONS:
        expected = " or ".join(repr(f) for f in FORMAT_VERSIONS)
        ctx.add("format", f"unsupported format {top['format']!r} (expected {expected})")
    fmt = top["format"] if top.get("format") in FORMAT_VERSIONS else FORMAT_V1
    meta = ctx.obj(top.get("edition"), "edition", "edition") if "edition" in top else None
    eid = date = title = description = previous = None
    languages: tuple[str, ...] = ctx.languages
    changes: tuple[Change, ...] = ()
    if meta is not None:
        if "id" in meta:
            eid = ctx.string(meta["id"], "edition.id")
            if eid is not None and not EDITION_ID_RE.match(eid):
                ctx.add("edition.id", f"edition id {eid!r} must match {EDITION_ID_RE.pattern}")
        date = ctx.field(meta, "edition", "edition", "date")
        if "languages" in meta:
            langs = ctx.seq(meta["languages"], "edition.languages", min_len=1)
            for i, lang in enumerate(langs):
                if not isinstance(lang, str) or not LANG_RE.match(lang):
                    ctx.add(
                        pj("edition.languages", i), f"{lang!r} is not a language code like 'en'"
                    )
            if "en" not in langs:
                ctx.add(
                    "edition.languages",
                    "English ('en') is the reference language and must be listed",
                )
        title = ctx.field(meta, "edition", "edition", "title")
        description = ctx.field(meta, "edition", "edition", "description")
        if meta.get("previous") is not None:
            previous = ctx.string(meta["previous"], "edition.previous")
        if meta.get("changes"):
            if previous is None:
                ctx.add("edition.changes", "changes are only allowed when edition.previous is set")
            changes = tuple(
                c
                for i, raw in enumerate(ctx.seq(meta["changes"], "edition.changes"))
                if (c := _change(raw, pj("edition.changes", i), ctx)) is not None
            )
    instrument_ok = True
    if ctx.version >= 2:
        if "instrument" in top:
            ctx.instrument, instrument_ok = instrument_parse(top["instrument"], ctx)
        else:  # reported as a missing required key; read the rest without a result model
            ctx.instrument = instrument_fallback()
            instrument_ok = False
    else:
        ctx.instrument = instrument_v1(edition_id=eid or "")
    checklist: list[ChecklistItem] = []
    if top.get("checklist") is not None:
        for i, raw in enumerate(ctx.seq(top["checklist"], "checklist")):
            item = _checklist_item(raw, pj("checklist", i), ctx)
            if item is not None:
                checklist.append(item)
    dimensions: list[Dimension] = []
    if "dimensions" in top:
        for i, raw in enumerate(ctx.seq(top["dimensions"], "dimensions", min_len=1)):
            dim = dimension_parse(raw, pj("dimensions", i), ctx, parent_role=None)
            if dim is not None:
                dimensions.append(dim)
    if eid is None or date is None or title is None or ctx.problems or not instrument_ok:
        return None
    return Edition(
        id=eid,
        date=date,
        title=title,
        description=description,
        languages=languages,
        previous=previous,
        changes=changes,
        checklist=tuple(checklist),
        dimensions=tuple(dimensions),
        format=fmt,
        source=source,
        instrument=ctx.instrument,
    )


def _codes_list(value: Any, path: str, ctx: Ctx) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        sub = pj(path, i) if isinstance(value, list) else path
        if isinstance(item, str) and item:
            out.append(item)
        else:
            ctx.add(sub, f"expected an indicator code, got {item!r}")
    if not out and isinstance(value, list):
        ctx.add(path, "expected at least one code")
    return tuple(out)


def _change(raw: Any, path: str, ctx: Ctx) -> Change | None:
    obj = ctx.obj(raw, path, "change")
    if obj is None or "action" not in obj:
        return None
    action = ctx.field(obj, path, "change", "action")
    if action is None:
        return None
    needs_code = action != "drop"
    needs_from = action in ("rename", "replace", "drop")
    code = None
    if "code" in obj:
        if not needs_code:
            ctx.add(pj(path, "code"), "a 'drop' change has no 'code' (use 'from')")
        else:
            code = ctx.string(obj["code"], pj(path, "code"))
    elif needs_code:
        ctx.add(path, f"a {action!r} change needs 'code'")
    from_codes: tuple[str, ...] = ()
    if "from" in obj:
        if not needs_from:
            ctx.add(pj(path, "from"), f"a {action!r} change has no 'from'")
        else:
            from_codes = _codes_list(obj["from"], pj(path, "from"), ctx)
            if action == "rename" and len(from_codes) > 1:
                ctx.add(pj(path, "from"), "a rename has exactly one 'from' code (use replace)")
    elif needs_from:
        ctx.add(path, f"a {action!r} change needs 'from'")
    note = ctx.field(obj, path, "change", "note")
    return Change(action=action, code=code, from_codes=from_codes, note=note)


def _checklist_item(raw: Any, path: str, ctx: Ctx) -> ChecklistItem | None:
    obj = ctx.obj(raw, path, "checklist_item")
    if obj is None:
        return None
    code = ctx.field(obj, path, "checklist_item", "code")
    sections = tuple(s.code for s in ctx.instrument.sections)
    section = ctx.field(obj, path, "checklist_item", "section", values=sections)
    question = ctx.field(obj, path, "checklist_item", "question")
    help_ = ctx.field(obj, path, "checklist_item", "help")
    answer = answer_parse_spec(obj["answer"], pj(path, "answer"), ctx) if "answer" in obj else None
    relevant = (
        relevance_parse(obj["relevant"], pj(path, "relevant"), ctx) if "relevant" in obj else None
    )
    if code is None or section is None or question is None or answer is None:
        return None
    return ChecklistItem(code, section, question, answer, help_, relevant)
