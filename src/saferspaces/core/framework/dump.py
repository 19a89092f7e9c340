"""Write an :class:`Edition` back as plain data and as YAML in the edition file format."""

from __future__ import annotations

from typing import Any

import yaml

from saferspaces.core.framework.model import (
    AnswerSpec,
    Change,
    ChecklistItem,
    Dimension,
    Edition,
    Guidance,
    Indicator,
    Relevance,
    Scoring,
    Text,
)


def _text(text: Text) -> dict[str, str]:
    return dict(text)


def answer_to_data(answer: AnswerSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"type": answer.type}
    if answer.unit is not None:
        out["unit"] = _text(answer.unit)
    if answer.min is not None:
        out["min"] = answer.min
    if answer.max is not None:
        out["max"] = answer.max
    if answer.scale:
        out["scale"] = [{"value": p.value, "label": _text(p.label)} for p in answer.scale]
    if answer.choices:
        out["choices"] = []
        for c in answer.choices:
            item: dict[str, Any] = {"code": c.code, "label": _text(c.label)}
            if c.score is not None:
                item["score"] = c.score
            out["choices"].append(item)
    if answer.scores:
        out["scores"] = dict(answer.scores)
    return out


def scoring_to_data(scoring: Scoring) -> dict[str, Any]:
    out: dict[str, Any] = {"method": scoring.method}
    for key in ("low", "high", "target", "worst"):
        value = getattr(scoring, key)
        if value is not None:
            out[key] = value
    return out


def relevance_to_data(rel: Relevance) -> dict[str, Any]:
    if rel.op in ("all", "any"):
        return {rel.op: [relevance_to_data(r) for r in rel.items]}
    value = list(rel.value) if isinstance(rel.value, tuple) else rel.value
    return {"question": rel.question, rel.op: value}


def guidance_to_data(guidance: Guidance) -> dict[str, Any]:
    sources = []
    for s in guidance.sources:
        item: dict[str, Any] = {"kind": s.kind, "name": _text(s.name)}
        for key in ("provider", "dataset", "code", "transform", "url"):
            value = getattr(s, key)
            if value is not None:
                item[key] = value
        sources.append(item)
    return {"holders": _text(guidance.holders), "sources": sources}


def indicator_to_data(ind: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {"code": ind.code, "kind": ind.kind, "question": _text(ind.question)}
    if ind.help is not None:
        out["help"] = _text(ind.help)
    out["answer"] = answer_to_data(ind.answer)
    if ind.direction is not None:
        out["direction"] = ind.direction
    out["scoring"] = scoring_to_data(ind.scoring)
    if ind.weight is not None:
        out["weight"] = ind.weight
    if ind.relevant is not None:
        out["relevant"] = relevance_to_data(ind.relevant)
    if ind.guidance is not None:
        out["guidance"] = guidance_to_data(ind.guidance)
    if ind.sdg:
        out["sdg"] = list(ind.sdg)
    return out


def dimension_to_data(dim: Dimension, *, top: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"code": dim.code}
    if top:
        out["role"] = dim.role
    out["title"] = _text(dim.title)
    if dim.description is not None:
        out["description"] = _text(dim.description)
    if dim.weight is not None:
        out["weight"] = dim.weight
    if dim.children:
        out["children"] = [dimension_to_data(c, top=False) for c in dim.children]
    if dim.indicators:
        out["indicators"] = [indicator_to_data(i) for i in dim.indicators]
    return out


def checklist_item_to_data(item: ChecklistItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": item.code,
        "section": item.section,
        "question": _text(item.question),
    }
    if item.help is not None:
        out["help"] = _text(item.help)
    out["answer"] = answer_to_data(item.answer)
    if item.relevant is not None:
        out["relevant"] = relevance_to_data(item.relevant)
    return out


def change_to_data(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"action": change.action}
    if change.from_codes:
        out["from"] = (
            change.from_codes[0]
            if len(change.from_codes) == 1 and change.action != "replace"
            else list(change.from_codes)
        )
    if change.code is not None:
        out["code"] = change.code
    if change.note is not None:
        out["note"] = _text(change.note)
    return out


def edition_to_data(*, edition: Edition) -> dict[str, Any]:
    """The edition as plain data in the file format (what ``edition_from_data`` reads)."""
    meta: dict[str, Any] = {
        "id": edition.id,
        "date": edition.date,
        "title": _text(edition.title),
    }
    if edition.description is not None:
        meta["description"] = _text(edition.description)
    meta["languages"] = list(edition.languages)
    meta["previous"] = edition.previous
    if edition.changes:
        meta["changes"] = [change_to_data(c) for c in edition.changes]
    return {
        "format": edition.format,
        "edition": meta,
        "checklist": [checklist_item_to_data(c) for c in edition.checklist],
        "dimensions": [dimension_to_data(d) for d in edition.dimensions],
    }


def edition_dump(*, edition: Edition) -> str:
    """The edition as a YAML document in the edition file format."""
    return yaml.safe_dump(
        edition_to_data(edition=edition),
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )
