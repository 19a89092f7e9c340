"""Parse the instrument header of a version-2 file (see :mod:`.parse`).

References from the header to items (``result.by``, ``result.risk``, ``peers``) are checked
once the items are known, in :mod:`.rules_items`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from saferspaces.core.framework.context import Ctx
from saferspaces.core.framework.instrument import (
    CONTEXT_KIND,
    PEER_CONDITIONS,
    RESULT_MODEL_SPECS,
    SHARING_KEYS,
    Band,
    ChecklistSection,
    CompositeParams,
    Contrast,
    Instrument,
    LevelsParams,
    Measure,
    Peers,
    ResultParams,
    RiskMatrixParams,
    Sharing,
    SurveyParams,
    TallyParams,
)
from saferspaces.core.framework.yamlsource import path_join as pj

COMPOSITE_MEASURES = ("perception", "status")  # what the composite engine computes today
PATH = "instrument"


def _unique_codes(
    ctx: Ctx, raw: list[Any], path: str, kind: str, reserved: dict[str, str]
) -> list[tuple[int, dict[str, Any], str | None]]:
    """The objects of a list, each with its code (None when broken); duplicates reported."""
    out: list[tuple[int, dict[str, Any], str | None]] = []
    for i, item in enumerate(raw):
        sub = pj(path, i)
        obj = ctx.obj(item, sub, kind)
        if obj is None:
            continue
        code = ctx.field(obj, sub, kind, "code")
        if code is not None:
            if code in reserved:
                ctx.add(pj(sub, "code"), f"{code!r} is already {reserved[code]}")
                code = None
            else:
                reserved[code] = f"the code of {sub}"
        out.append((i, obj, code))
    return out


def _measures(obj: dict[str, Any], ctx: Ctx, model: str | None) -> tuple[Measure, ...]:
    path = pj(PATH, "measures")
    reserved = {CONTEXT_KIND: "the kind of background indicators, not a measure"}
    out: list[Measure] = []
    for i, mobj, code in _unique_codes(
        ctx, ctx.field(obj, PATH, "instrument", "measures") or [], path, "measure", reserved
    ):
        sub = pj(path, i)
        label = ctx.field(mobj, sub, "measure", "label")
        if model == "composite" and code is not None and code not in COMPOSITE_MEASURES:
            ctx.add(
                pj(sub, "code"),
                f"the composite result model computes the measures "
                f"{' and '.join(COMPOSITE_MEASURES)}; {code!r} is not one of them",
            )
        if code is not None and label is not None:
            out.append(Measure(code, label, ctx.field(mobj, sub, "measure", "description")))
    if model == "composite" and not out and "measures" not in obj:
        ctx.add(PATH, "the composite result model needs 'measures' (perception, status or both)")
    return tuple(out)


def _contrasts(
    obj: dict[str, Any], ctx: Ctx, measures: tuple[Measure, ...]
) -> tuple[Contrast, ...]:
    path = pj(PATH, "contrasts")
    reserved = {m.code: "a measure" for m in measures}
    known = [m.code for m in measures]
    out: list[Contrast] = []
    for i, cobj, code in _unique_codes(
        ctx, ctx.field(obj, PATH, "instrument", "contrasts") or [], path, "contrast", reserved
    ):
        sub = pj(path, i)
        label = ctx.field(cobj, sub, "contrast", "label")
        pair = ctx.field(cobj, sub, "contrast", "difference")
        terms: list[str] = []
        if pair is not None:
            if len(pair) != 2:
                ctx.add(pj(sub, "difference"), f"expected two measures [a, b], got {len(pair)}")
            for j, term in enumerate(pair[:2]):
                if term not in known:
                    shown = ", ".join(known) or "none declared"
                    ctx.add(
                        pj(pj(sub, "difference"), j),
                        f"{term!r} is not a measure of the instrument ({shown})",
                    )
                else:
                    terms.append(term)
            if len(terms) == 2 and terms[0] == terms[1]:
                ctx.add(pj(sub, "difference"), "a contrast is the difference of two measures")
        if code is not None and label is not None and len(terms) == 2 and terms[0] != terms[1]:
            desc = ctx.field(cobj, sub, "contrast", "description")
            out.append(Contrast(code, label, (terms[0], terms[1]), desc))
    return tuple(out)


def _peers(obj: dict[str, Any], ctx: Ctx) -> Peers | None:
    if "peers" not in obj:
        return None
    raw = obj["peers"]
    path = pj(PATH, "peers")
    if raw == "none":
        return None
    if not isinstance(raw, dict):
        ctx.add(path, f"expected none or a mapping of conditions ({', '.join(PEER_CONDITIONS)})")
        return None
    pobj = ctx.obj(raw, path, "peers")
    conditions = {}
    for key in PEER_CONDITIONS:
        value = ctx.field(pobj or {}, path, "peers", key)
        if value is not None:
            conditions[key] = value
    if pobj is not None and not pobj:
        ctx.add(path, "no condition: write 'peers: none' when peers are not compared")
    return Peers(conditions=conditions, source="edition")


def _sharing(obj: dict[str, Any], ctx: Ctx, model: str | None) -> Sharing:
    if "sharing" not in obj:
        return Sharing()
    path = pj(PATH, "sharing")
    sobj = ctx.field(obj, PATH, "instrument", "sharing")
    if sobj is None:
        return Sharing()
    flags = {k: ctx.field(sobj, path, "sharing", k) is True for k in SHARING_KEYS}
    spec = RESULT_MODEL_SPECS.get(model or "")
    if spec is not None:
        for key, asked in flags.items():
            if asked and key not in spec.may_share:
                allowed = ", ".join(k for k in SHARING_KEYS if k in spec.may_share) or "nothing"
                ctx.add(
                    pj(path, key),
                    f"the {spec.name} result model shares {allowed}: {key} must be false",
                )
                flags[key] = False
    return Sharing(**flags)


def _sections(obj: dict[str, Any], ctx: Ctx) -> tuple[ChecklistSection, ...] | None:
    if "sections" not in obj:
        return None
    path = pj(PATH, "sections")
    out: list[ChecklistSection] = []
    for i, sobj, code in _unique_codes(
        ctx, ctx.field(obj, PATH, "instrument", "sections") or [], path, "section", {}
    ):
        title = ctx.field(sobj, pj(path, i), "section", "title")
        if code is not None and title is not None:
            out.append(ChecklistSection(code, title))
    return tuple(out)


def _codes(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _bands(robj: dict[str, Any], path: str, ctx: Ctx) -> tuple[Band, ...]:
    out: list[Band] = []
    seen: set[str] = set()
    for i, item in enumerate(ctx.field(robj, path, "result_risk_matrix", "bands") or []):
        sub = pj(pj(path, "bands"), i)
        bobj = ctx.obj(item, sub, "band")
        if bobj is None:
            continue
        code = ctx.field(bobj, sub, "band", "code")
        label = ctx.field(bobj, sub, "band", "label")
        low = ctx.field(bobj, sub, "band", "min")
        if code is not None and code in seen:
            ctx.add(pj(sub, "code"), f"duplicate band {code!r}")
            continue
        if low is not None and out and low <= out[-1].min:
            ctx.add(
                pj(sub, "min"),
                f"bands go from the lowest risk up: {low:g} is not above {out[-1].min:g}",
            )
            continue
        if code is not None and label is not None and low is not None:
            seen.add(code)
            out.append(Band(code, label, float(low)))
    return tuple(out)


def _result(obj: dict[str, Any], ctx: Ctx, model: str | None) -> ResultParams | None:
    spec = RESULT_MODEL_SPECS.get(model or "")
    if spec is None:
        return None
    path = pj(PATH, "result")
    if spec.params is None:
        if "result" in obj:
            ctx.add(
                path,
                f"the {spec.name} result model takes its parameters from the edition's "
                "pipeline file: remove 'result'",
            )
        return CompositeParams()
    if "result" not in obj:
        if spec.name == "none":
            return SurveyParams()
        ctx.add(PATH, f"the {spec.name} result model needs 'result' (its parameters)")
        return None
    robj = ctx.obj(obj["result"], path, spec.params)
    if robj is None:
        return None

    def read(name: str) -> Any:
        return ctx.field(robj, path, spec.params or "", name)

    if spec.name == "tally":
        by = read("by")
        return TallyParams(by=_codes(by), per=read("per")) if by else None
    if spec.name == "risk_matrix":
        risk, bands = read("risk"), _bands(robj, path, ctx)
        if risk is None or len(bands) < 2:
            return None
        return RiskMatrixParams(risk=risk, bands=bands, per=read("per"))
    if spec.name == "levels":
        levels = tuple(
            lv
            for i, lv in enumerate(read("levels") or [])
            if ctx.choice_code(lv, pj(pj(path, "levels"), i)) is not None
        )
        if len(set(levels)) != len(levels):
            ctx.add(pj(path, "levels"), "each level is listed once")
        target = read("target")
        targets: dict[str, str] = {}
        raw_targets = robj.get("targets")
        if isinstance(raw_targets, dict):
            for item, level in raw_targets.items():
                if level not in levels:
                    ctx.add(
                        pj(pj(path, "targets"), str(item)),
                        f"{level!r} is not a level ({', '.join(levels)})",
                    )
                else:
                    targets[str(item)] = level
        elif raw_targets is not None:
            ctx.add(pj(path, "targets"), "expected a mapping such as {ITEM: advanced}")
        if target is not None and levels and target not in levels:
            ctx.add(pj(path, "target"), f"{target!r} is not a level ({', '.join(levels)})")
            return None
        if len(levels) < 2 or target is None:
            return None
        return LevelsParams(levels, target, targets, _codes(read("items")))
    return SurveyParams(count=_codes(read("count")))


def instrument_fallback() -> Instrument:
    """What the rest of a file is read with when its header is missing or broken: no result
    model, so that no rule of the composite model echoes the problem."""
    return Instrument(family="", result_model="none", measures=(), contrasts=(), peers=None)


def instrument_parse(raw: Any, ctx: Ctx) -> tuple[Instrument, bool]:
    """The header and whether it is valid.

    A broken header still gives an instrument to read the rest of the file with (its result
    model ``none`` when unreadable, so that no composite rule echoes the problem).
    """
    fallback = instrument_fallback()
    obj = ctx.obj(raw, PATH, "instrument")
    if obj is None:
        return fallback, False
    family = ctx.field(obj, PATH, "instrument", "family")
    subject = ctx.field(obj, PATH, "instrument", "subject")
    respondents = ctx.field(obj, PATH, "instrument", "respondents")
    model = ctx.field(obj, PATH, "instrument", "result_model")
    spec = RESULT_MODEL_SPECS.get(model or "")
    if spec is not None and subject is not None and subject not in spec.subjects:
        ctx.add(
            pj(PATH, "subject"),
            f"the {spec.name} result model assesses {', '.join(spec.subjects)}, not {subject}",
        )
    result = _result(obj, ctx, model)
    measures = _measures(obj, ctx, model)
    contrasts = _contrasts(obj, ctx, measures)
    peers = _peers(obj, ctx)
    sharing = _sharing(obj, ctx, model)
    sections = _sections(obj, ctx)
    inst = replace(
        fallback,
        family=family or "",
        subject=subject or "authority",
        respondents=respondents or "team",
        result_model=model or "none",
        result=result if result is not None else SurveyParams(),
        measures=measures,
        contrasts=contrasts,
        peers=peers,
        sharing=sharing,
        declared=True,
    )
    if sections is not None:
        inst = replace(inst, sections=sections)
    return inst, None not in (family, subject, respondents, model, result)
