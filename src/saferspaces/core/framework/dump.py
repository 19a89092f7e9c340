"""Write an :class:`Edition` back as plain data and as YAML in the edition file format.

Keys come out in the order of the schema declaration (:mod:`.schema`); a value equal to what
the parser would take for a missing key is left out, so that writing and reading again gives an
equal edition, and a version-1 edition is written as a version-1 file.
"""

from __future__ import annotations

from typing import Any

import yaml

from saferspaces.core.framework.instrument import (
    V1_SECTIONS,
    Band,
    Instrument,
    LevelsParams,
    ResultParams,
    RiskMatrixParams,
    SurveyParams,
    TallyParams,
)
from saferspaces.core.framework.model import (
    REPEAT_DEFAULT_MAX,
    AnswerSpec,
    Change,
    ChecklistItem,
    Content,
    Dimension,
    Edition,
    Guidance,
    Indicator,
    Relevance,
    RepeatGroup,
    Scoring,
    Text,
)
from saferspaces.core.framework.schema import SCHEMA


def _text(text: Text) -> dict[str, str]:
    return dict(text)


def _ordered(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without None, in the declared order of object ``kind``."""
    return {k: values[k] for k in SCHEMA[kind] if values.get(k) is not None}


def _opt_text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else _text(text)


def answer_to_data(answer: AnswerSpec) -> dict[str, Any]:
    choices = None
    if answer.choices:
        choices = [
            _ordered("choice", {"code": c.code, "label": _text(c.label), "score": c.score})
            for c in answer.choices
        ]
    return _ordered(
        "answer",
        {
            "type": answer.type,
            "unit": _opt_text(answer.unit),
            "min": answer.min,
            "max": answer.max,
            "scale": [{"value": p.value, "label": _text(p.label)} for p in answer.scale] or None,
            "choices": choices,
            "scores": dict(answer.scores) if answer.scores else None,
        },
    )


def scoring_to_data(scoring: Scoring) -> dict[str, Any]:
    return _ordered("scoring", {k: getattr(scoring, k) for k in SCHEMA["scoring"]})


def relevance_to_data(rel: Relevance) -> dict[str, Any]:
    if rel.op in ("all", "any"):
        return {rel.op: [relevance_to_data(r) for r in rel.items]}
    value = list(rel.value) if isinstance(rel.value, tuple) else rel.value
    return {"question": rel.question, rel.op: value}


def guidance_to_data(guidance: Guidance) -> dict[str, Any]:
    sources = [
        _ordered(
            "source",
            {
                **{k: getattr(s, k) for k in SCHEMA["source"] if k != "name"},
                "name": _text(s.name),
            },
        )
        for s in guidance.sources
    ]
    return {"holders": _text(guidance.holders), "sources": sources}


def content_to_data(content: Content) -> dict[str, Any]:
    links = [{"url": x.url, "title": x.title, "accessed": x.accessed} for x in content.links]
    return _ordered(
        "content",
        {
            "why": _opt_text(content.why),
            "how": _opt_text(content.how),
            "examples": _opt_text(content.examples),
            "links": links or None,
        },
    )


def indicator_to_data(ind: Indicator, *, instrument: Instrument | None = None) -> dict[str, Any]:
    declared = instrument is not None and instrument.declared
    composite = instrument is None or instrument.result_model == "composite"
    kind: str | None = ind.kind
    if declared and instrument is not None and not instrument.measures and kind == "context":
        kind = None  # the default when the instrument declares no measures
    answer: dict[str, Any] | None = answer_to_data(ind.answer)
    if declared and ind.calculate is not None and ind.answer == AnswerSpec("number"):
        answer = None
    return _ordered(
        "indicator",
        {
            "code": ind.code,
            "kind": kind,
            "question": _text(ind.question),
            "help": _opt_text(ind.help),
            "content": content_to_data(ind.content) if ind.content else None,
            "answer": answer,
            "calculate": ind.calculate.source if ind.calculate else None,
            "direction": ind.direction,
            "scoring": scoring_to_data(ind.scoring) if composite else None,
            "weight": ind.weight,
            "relevant": relevance_to_data(ind.relevant) if ind.relevant else None,
            "guidance": guidance_to_data(ind.guidance) if ind.guidance else None,
            "sdg": list(ind.sdg) or None,
        },
    )


def repeat_to_data(group: RepeatGroup, *, instrument: Instrument | None = None) -> dict[str, Any]:
    return _ordered(
        "repeat",
        {
            "code": group.code,
            "title": _text(group.title),
            "help": _opt_text(group.help),
            "min": group.min or None,
            "max": None if group.max == max(REPEAT_DEFAULT_MAX, group.min) else group.max,
            "items": [indicator_to_data(i, instrument=instrument) for i in group.items],
            "repeats": [repeat_to_data(r, instrument=instrument) for r in group.repeats] or None,
        },
    )


def dimension_to_data(
    dim: Dimension, *, top: bool = True, instrument: Instrument | None = None
) -> dict[str, Any]:
    children = [dimension_to_data(c, top=False, instrument=instrument) for c in dim.children]
    return _ordered(
        "dimension",
        {
            "code": dim.code,
            "role": dim.role if top else None,
            "title": _text(dim.title),
            "description": _opt_text(dim.description),
            "content": content_to_data(dim.content) if dim.content else None,
            "weight": dim.weight,
            "children": children or None,
            "indicators": [indicator_to_data(i, instrument=instrument) for i in dim.indicators]
            or None,
            "repeats": [repeat_to_data(r, instrument=instrument) for r in dim.repeats] or None,
        },
    )


def checklist_item_to_data(item: ChecklistItem) -> dict[str, Any]:
    return _ordered(
        "checklist_item",
        {
            "code": item.code,
            "section": item.section,
            "question": _text(item.question),
            "help": _opt_text(item.help),
            "answer": answer_to_data(item.answer),
            "relevant": relevance_to_data(item.relevant) if item.relevant else None,
        },
    )


def change_to_data(change: Change) -> dict[str, Any]:
    from_codes: Any = None
    if change.from_codes:
        from_codes = (
            change.from_codes[0]
            if len(change.from_codes) == 1 and change.action != "replace"
            else list(change.from_codes)
        )
    return _ordered(
        "change",
        {
            "action": change.action,
            "code": change.code,
            "from": from_codes,
            "note": _opt_text(change.note),
        },
    )


def _band(band: Band) -> dict[str, Any]:
    return {"code": band.code, "label": _text(band.label), "min": band.min}


def result_to_data(result: ResultParams) -> dict[str, Any] | None:
    """The ``result:`` parameters as data (None for the composite model)."""
    if isinstance(result, TallyParams):
        return _ordered("result_tally", {"by": list(result.by), "per": result.per})
    if isinstance(result, RiskMatrixParams):
        bands = [_band(b) for b in result.bands]
        return _ordered(
            "result_risk_matrix", {"risk": result.risk, "bands": bands, "per": result.per}
        )
    if isinstance(result, LevelsParams):
        return _ordered(
            "result_levels",
            {
                "levels": list(result.levels),
                "target": result.target,
                "targets": dict(result.targets) or None,
                "items": list(result.items) or None,
            },
        )
    if isinstance(result, SurveyParams):
        return _ordered("result_none", {"count": list(result.count) or None}) or None
    return None


def instrument_to_data(instrument: Instrument) -> dict[str, Any]:
    """The ``instrument:`` header as data (keys left at their format-2 default left out)."""
    measures = [
        _ordered(
            "measure",
            {"code": m.code, "label": _text(m.label), "description": _opt_text(m.description)},
        )
        for m in instrument.measures
    ]
    contrasts = [
        _ordered(
            "contrast",
            {
                "code": c.code,
                "label": _text(c.label),
                "difference": list(c.difference),
                "description": _opt_text(c.description),
            },
        )
        for c in instrument.contrasts
    ]
    sharing = {k: v for k, v in instrument.sharing.__dict__.items() if v}
    sections = [{"code": s.code, "title": _text(s.title)} for s in instrument.sections]
    peers = dict(instrument.peers.conditions) if instrument.peers is not None else None
    return _ordered(
        "instrument",
        {
            "family": instrument.family,
            "subject": instrument.subject,
            "respondents": instrument.respondents,
            "result_model": instrument.result_model,
            "result": result_to_data(instrument.result),
            "measures": measures or None,
            "contrasts": contrasts or None,
            "peers": peers,
            "sharing": sharing or None,
            "sections": None if instrument.sections == V1_SECTIONS else sections,
        },
    )


def edition_to_data(*, edition: Edition) -> dict[str, Any]:
    """The edition as plain data in the file format (what ``edition_from_data`` reads)."""
    values: dict[str, Any] = {
        "id": edition.id,
        "date": edition.date,
        "title": _text(edition.title),
        "description": _opt_text(edition.description),
        "languages": list(edition.languages),
        "previous": edition.previous,
        "changes": [change_to_data(c) for c in edition.changes] or None,
    }
    meta = {k: values[k] for k in SCHEMA["edition"] if values[k] is not None or k == "previous"}
    inst = edition.instrument
    declared = inst if inst.declared else None
    return {
        "format": edition.format,
        "edition": meta,
        **({"instrument": instrument_to_data(inst)} if inst.declared else {}),
        "checklist": [checklist_item_to_data(c) for c in edition.checklist],
        "dimensions": [dimension_to_data(d, instrument=declared) for d in edition.dimensions],
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
