"""Build the typed model from plain data, reporting every structural problem to a :class:`Ctx`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from saferspaces.core.framework.context import (
    CHOICE_CODE_RE,
    EDITION_ID_RE,
    LANG_RE,
    SDG_RE,
    Ctx,
)
from saferspaces.core.framework.model import (
    ANSWER_TYPES,
    CHANGE_ACTIONS,
    CHECKLIST_SECTIONS,
    DIRECTIONS,
    FORMAT_ID,
    KINDS,
    METHODS_BY_ANSWER,
    RELEVANCE_GROUPS,
    RELEVANCE_LEAVES,
    ROLES,
    SCORING_METHODS,
    SOURCE_KINDS,
    YES_PARTLY_NO,
    AnswerSpec,
    Change,
    ChecklistItem,
    Choice,
    Dimension,
    Edition,
    Guidance,
    Indicator,
    Relevance,
    ScalePoint,
    Scoring,
    Source,
)
from saferspaces.core.framework.yamlsource import path_join as pj

# keys of an answer that each type uses (besides ``type``)
ANSWER_KEYS: dict[str, tuple[str, ...]] = {
    "number": ("unit", "min", "max"),
    "percentage": ("min", "max"),
    "rate_per_100k": ("min", "max"),
    "year": ("min", "max"),
    "likert": ("scale",),
    "yes_partly_no": ("scores",),
    "single_choice": ("choices",),
    "multiple_choice": ("choices",),
    "text": (),
    "not_scored": (),
}
SCORING_KEYS: dict[str, tuple[str, ...]] = {
    "goalposts": ("low", "high"),
    "target": ("target", "worst"),
    "choice_scores": (),
    "scale": (),
    "data_driven": (),
    "not_scored": (),
}


def languages_read(data: Any) -> tuple[str, ...]:
    """The edition's languages, read leniently (so texts can be checked even when broken)."""
    try:
        langs = data["edition"]["languages"]
    except (KeyError, TypeError):
        return ("en",)
    if isinstance(langs, list) and all(isinstance(x, str) for x in langs) and langs:
        return tuple(langs)
    return ("en",)


def edition_parse(data: Any, ctx: Ctx, *, source: str = "") -> Edition | None:
    top = ctx.obj(data, "", "file")
    if top is None:
        return None
    if "format" in top and top["format"] != FORMAT_ID:
        ctx.add("format", f"unsupported format {top['format']!r} (expected {FORMAT_ID!r})")
    meta = ctx.obj(top.get("edition"), "edition", "edition") if "edition" in top else None
    eid = date = title = description = previous = None
    languages: tuple[str, ...] = ctx.languages
    changes: tuple[Change, ...] = ()
    if meta is not None:
        if "id" in meta:
            eid = ctx.string(meta["id"], "edition.id")
            if eid is not None and not EDITION_ID_RE.match(eid):
                ctx.add("edition.id", f"edition id {eid!r} must match {EDITION_ID_RE.pattern}")
        if "date" in meta:
            date = _date(meta["date"], "edition.date", ctx)
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
        if "title" in meta:
            title = ctx.text(meta["title"], "edition.title")
        if "description" in meta:
            description = ctx.text(meta["description"], "edition.description")
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
    checklist: list[ChecklistItem] = []
    if top.get("checklist") is not None:
        for i, raw in enumerate(ctx.seq(top["checklist"], "checklist")):
            item = _checklist_item(raw, pj("checklist", i), ctx)
            if item is not None:
                checklist.append(item)
    dimensions: list[Dimension] = []
    if "dimensions" in top:
        for i, raw in enumerate(ctx.seq(top["dimensions"], "dimensions", min_len=1)):
            dim = _dimension(raw, pj("dimensions", i), ctx, parent_role=None)
            if dim is not None:
                dimensions.append(dim)
    if eid is None or date is None or title is None or ctx.problems:
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
        source=source,
    )


def _date(value: Any, path: str, ctx: Ctx) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    ctx.add(path, f"expected a date like 2026-11-21, got {value!r}")
    return None


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
    action = ctx.enum(obj["action"], pj(path, "action"), CHANGE_ACTIONS)
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
    note = ctx.text(obj["note"], pj(path, "note")) if "note" in obj else None
    return Change(action=action, code=code, from_codes=from_codes, note=note)


def _checklist_item(raw: Any, path: str, ctx: Ctx) -> ChecklistItem | None:
    obj = ctx.obj(raw, path, "checklist_item")
    if obj is None:
        return None
    code = ctx.code(obj.get("code"), pj(path, "code"), what="checklist") if "code" in obj else None
    section = (
        ctx.enum(obj.get("section"), pj(path, "section"), CHECKLIST_SECTIONS)
        if "section" in obj
        else None
    )
    question = ctx.text(obj["question"], pj(path, "question")) if "question" in obj else None
    help_ = ctx.text(obj["help"], pj(path, "help")) if "help" in obj else None
    answer = _answer(obj["answer"], pj(path, "answer"), ctx) if "answer" in obj else None
    relevant = _relevance(obj["relevant"], pj(path, "relevant"), ctx) if "relevant" in obj else None
    if code is None or section is None or question is None or answer is None:
        return None
    return ChecklistItem(code, section, question, answer, help_, relevant)


def _dimension(raw: Any, path: str, ctx: Ctx, *, parent_role: str | None) -> Dimension | None:
    obj = ctx.obj(raw, path, "dimension")
    if obj is None:
        return None
    code = ctx.code(obj.get("code"), pj(path, "code"), what="dimension") if "code" in obj else None
    role: str | None = parent_role
    if "role" in obj:
        role = ctx.enum(obj["role"], pj(path, "role"), ROLES)
        if parent_role is not None and role is not None and role != parent_role:
            ctx.add(
                pj(path, "role"), f"a sub-dimension has the role of its parent ({parent_role!r})"
            )
            role = parent_role
    elif parent_role is None:
        ctx.add(path, "missing required key 'role' (scored or background)")
    title = ctx.text(obj["title"], pj(path, "title")) if "title" in obj else None
    description = (
        ctx.text(obj["description"], pj(path, "description")) if "description" in obj else None
    )
    weight = None
    if role == "scored":
        if "weight" in obj:
            weight = ctx.number(obj["weight"], pj(path, "weight"), lo=0)
        else:
            ctx.add(path, "missing required key 'weight' (a scored dimension has a weight)")
    elif role == "background" and "weight" in obj:
        ctx.add(pj(path, "weight"), "a background dimension is never scored: remove 'weight'")
    children: list[Dimension] = []
    indicators: list[Indicator] = []
    has_children = obj.get("children") is not None
    has_indicators = obj.get("indicators") is not None
    if has_children and has_indicators:
        ctx.add(path, "a dimension has either 'children' or 'indicators', not both")
    elif not has_children and not has_indicators:
        ctx.add(path, "a dimension needs 'children' (sub-dimensions) or 'indicators'")
    if has_children:
        for i, sub in enumerate(ctx.seq(obj["children"], pj(path, "children"), min_len=1)):
            d = _dimension(sub, pj(pj(path, "children"), i), ctx, parent_role=role)
            if d is not None:
                children.append(d)
    if has_indicators:
        for i, sub in enumerate(ctx.seq(obj["indicators"], pj(path, "indicators"), min_len=1)):
            ind = _indicator(sub, pj(pj(path, "indicators"), i), ctx, role=role)
            if ind is not None:
                indicators.append(ind)
    if code is None or role is None or title is None:
        return None
    return Dimension(code, role, title, description, weight, tuple(children), tuple(indicators))


def _indicator(raw: Any, path: str, ctx: Ctx, *, role: str | None) -> Indicator | None:
    obj = ctx.obj(raw, path, "indicator")
    if obj is None:
        return None
    code = ctx.code(obj.get("code"), pj(path, "code"), what="indicator") if "code" in obj else None
    kind = ctx.enum(obj.get("kind"), pj(path, "kind"), KINDS) if "kind" in obj else None
    if kind == "context" and role == "scored":
        ctx.add(
            pj(path, "kind"),
            "a context indicator belongs in a background dimension, not a scored one",
        )
    question = ctx.text(obj["question"], pj(path, "question")) if "question" in obj else None
    help_ = ctx.text(obj["help"], pj(path, "help")) if "help" in obj else None
    answer = _answer(obj["answer"], pj(path, "answer"), ctx) if "answer" in obj else None
    scoring = None
    if "scoring" in obj:
        scoring = _scoring(obj["scoring"], pj(path, "scoring"), ctx, answer)
    scored = scoring is not None and scoring.method != "not_scored"
    if scored and role == "background":
        ctx.add(
            pj(path, "scoring.method"),
            "background conditions are never scored: use method not_scored",
        )
    direction = None
    if "direction" in obj:
        direction = ctx.enum(obj["direction"], pj(path, "direction"), DIRECTIONS)
    elif scored:
        ctx.add(path, "missing required key 'direction' (a scored indicator has a direction)")
    weight = None
    if "weight" in obj:
        if scored:
            weight = ctx.number(obj["weight"], pj(path, "weight"), lo=0)
        elif scoring is not None:
            ctx.add(pj(path, "weight"), "only scored indicators have a weight")
    elif scored and role == "scored":
        ctx.add(path, "missing required key 'weight' (a scored indicator has a weight)")
    if scoring is not None and scoring.method == "target" and direction is not None:
        _target_direction(scoring, direction, pj(path, "scoring"), ctx)
    relevant = _relevance(obj["relevant"], pj(path, "relevant"), ctx) if "relevant" in obj else None
    guidance = _guidance(obj["guidance"], pj(path, "guidance"), ctx) if "guidance" in obj else None
    sdg: list[str] = []
    if "sdg" in obj:
        for i, item in enumerate(ctx.seq(obj["sdg"], pj(path, "sdg"))):
            if isinstance(item, str) and SDG_RE.match(item):
                sdg.append(item)
            else:
                ctx.add(
                    pj(pj(path, "sdg"), i), f"{item!r} is not an SDG indicator id like '16.1.4'"
                )
    if None in (code, kind, question, answer, scoring, guidance):
        return None
    assert code and kind and question and answer and scoring
    return Indicator(
        code,
        kind,
        question,
        answer,
        scoring,
        help_,
        direction,
        weight,
        relevant,
        guidance,
        tuple(sdg),
    )


def _target_direction(scoring: Scoring, direction: str, path: str, ctx: Ctx) -> None:
    if scoring.target is None or scoring.worst is None:
        return
    if direction == "higher_is_better" and scoring.target < scoring.worst:
        ctx.add(path, "with higher_is_better the target must be above the worst value")
    if direction == "higher_is_worse" and scoring.target > scoring.worst:
        ctx.add(path, "with higher_is_worse the target must be below the worst value")


def _answer(raw: Any, path: str, ctx: Ctx) -> AnswerSpec | None:
    obj = ctx.obj(raw, path, "answer")
    if obj is None or "type" not in obj:
        return None
    atype = ctx.enum(obj["type"], pj(path, "type"), ANSWER_TYPES)
    if atype is None:
        return None
    used = ANSWER_KEYS[atype]
    for key in obj:
        if (
            key != "type"
            and key not in used
            and key in ANSWER_KEYS["number"] + ("scale", "choices", "scores")
        ):
            ctx.add(pj(path, key), f"{key!r} is not used by answer type {atype!r}")
    unit = lo = hi = None
    if atype == "number":
        if "unit" in obj:
            unit = ctx.text(obj["unit"], pj(path, "unit"))
        else:
            ctx.add(path, "a number answer needs a 'unit'")
    if "min" in obj and "min" in used:
        lo = ctx.number(obj["min"], pj(path, "min"))
    if "max" in obj and "max" in used:
        hi = ctx.number(obj["max"], pj(path, "max"))
    if lo is not None and hi is not None and lo >= hi:
        ctx.add(pj(path, "max"), f"max ({hi}) must be above min ({lo})")
    if atype == "percentage":
        for key, v in (("min", lo), ("max", hi)):
            if v is not None and not 0 <= v <= 100:
                ctx.add(pj(path, key), "a percentage lies between 0 and 100")
    if atype == "rate_per_100k" and lo is not None and lo < 0:
        ctx.add(pj(path, "min"), "a rate per 100 000 inhabitants is never negative")
    scale: list[ScalePoint] = []
    if atype == "likert":
        if "scale" not in obj:
            ctx.add(path, "a likert answer needs a 'scale' with labelled points")
        else:
            scale = _scale(obj["scale"], pj(path, "scale"), ctx)
    choices: list[Choice] = []
    if atype in ("single_choice", "multiple_choice"):
        if "choices" not in obj:
            ctx.add(path, f"a {atype} answer needs 'choices'")
        else:
            choices = _choices(obj["choices"], pj(path, "choices"), ctx)
    scores = None
    if atype == "yes_partly_no" and "scores" in obj:
        raw_scores = obj["scores"]
        if not isinstance(raw_scores, dict):
            ctx.add(pj(path, "scores"), "expected a mapping like {yes: 100, partly: 50, no: 0}")
        else:
            scores = {}
            for k, v in raw_scores.items():
                if k not in YES_PARTLY_NO:
                    ctx.add(
                        pj(pj(path, "scores"), str(k)), f"unknown choice {k!r} (yes, partly, no)"
                    )
                elif (n := ctx.number(v, pj(pj(path, "scores"), k), lo=0, hi=100)) is not None:
                    scores[k] = n
    return AnswerSpec(atype, unit, lo, hi, tuple(scale), tuple(choices), scores)


def _scale(raw: Any, path: str, ctx: Ctx) -> list[ScalePoint]:
    items = ctx.seq(raw, path)
    points: list[ScalePoint] = []
    labelled = 0
    seen: set[int] = set()
    for i, item in enumerate(items):
        sub = pj(path, i)
        if isinstance(item, dict):
            for key in item:
                if key not in ("value", "label"):
                    ctx.add(pj(sub, str(key)), f"unknown key {key!r} (allowed here: value, label)")
            value = ctx.integer(item.get("value"), pj(sub, "value"))
            if value is not None and value in seen:
                ctx.add(pj(sub, "value"), f"duplicate scale value {value}")
            if value is not None:
                seen.add(value)
            label = ctx.text(item["label"], pj(sub, "label")) if "label" in item else None
            if "label" in item:
                labelled += 1
            if value is not None and label is not None:
                points.append(ScalePoint(value, label))
        else:
            ctx.add(sub, "expected a scale point like {value: 1, label: {en: ..., fr: ...}}")
    if items and labelled == 0:
        ctx.add(path, "a likert scale without labels: every point needs a 'label'")
    elif labelled < len(items):
        for i, item in enumerate(items):
            if isinstance(item, dict) and "label" not in item:
                ctx.add(pj(path, i), "a scale point without a label")
    if isinstance(raw, list) and len(items) < 3:
        ctx.add(path, f"a likert scale needs at least 3 points, it has {len(items)}")
    return points


def _choices(raw: Any, path: str, ctx: Ctx) -> list[Choice]:
    out: list[Choice] = []
    seen: set[str] = set()
    for i, item in enumerate(ctx.seq(raw, path, min_len=2)):
        sub = pj(path, i)
        obj = ctx.obj(item, sub, "choice")
        if obj is None:
            continue
        code = obj.get("code")
        if "code" in obj:
            if not isinstance(code, str) or not CHOICE_CODE_RE.match(code):
                ctx.add(
                    pj(sub, "code"), f"choice code {code!r} must match {CHOICE_CODE_RE.pattern}"
                )
                code = None
            elif code in seen:
                ctx.add(pj(sub, "code"), f"duplicate choice code {code!r}")
            else:
                seen.add(code)
        label = ctx.text(obj["label"], pj(sub, "label")) if "label" in obj else None
        score = ctx.number(obj["score"], pj(sub, "score"), lo=0, hi=100) if "score" in obj else None
        if code is not None and label is not None:
            out.append(Choice(code, label, score))
    return out


def _scoring(raw: Any, path: str, ctx: Ctx, answer: AnswerSpec | None) -> Scoring | None:
    obj = ctx.obj(raw, path, "scoring")
    if obj is None or "method" not in obj:
        return None
    method = ctx.enum(obj["method"], pj(path, "method"), SCORING_METHODS)
    if method is None:
        return None
    used = SCORING_KEYS[method]
    for key in ("low", "high", "target", "worst"):
        if key in obj and key not in used:
            ctx.add(pj(path, key), f"{key!r} is not used by scoring method {method!r}")
    values: dict[str, float | None] = {}
    for key in used:
        if key not in obj:
            ctx.add(path, f"scoring method {method!r} needs {key!r}")
            values[key] = None
        else:
            values[key] = ctx.number(obj[key], pj(path, key))
    if answer is not None and method not in METHODS_BY_ANSWER[answer.type]:
        fits = ", ".join(METHODS_BY_ANSWER[answer.type])
        ctx.add(
            pj(path, "method"),
            f"method {method!r} does not fit answer type {answer.type!r} (use {fits})",
        )
    low, high = values.get("low"), values.get("high")
    if method == "goalposts" and low is not None and high is not None:
        if low == high:
            ctx.add(path, f"goalposts with low == high ({low}): the score would be undefined")
        elif low > high:
            ctx.add(path, "goalposts need low < high; 'direction' says which end is better")
    target, worst = values.get("target"), values.get("worst")
    if method == "target" and target is not None and target == worst:
        ctx.add(path, f"target equals worst ({target}): the score would be undefined")
    if (
        method == "choice_scores"
        and answer is not None
        and answer.type in ("single_choice", "multiple_choice")
    ):
        apath = path[: -len("scoring")] + "answer.choices"
        for i, choice in enumerate(answer.choices):
            if choice.score is None:
                ctx.add(
                    pj(apath, i),
                    f"choice {choice.code!r} has no 'score' but the indicator is scored by choice_scores",
                )
    return Scoring(method, low, high, target, worst)


def _relevance(raw: Any, path: str, ctx: Ctx) -> Relevance | None:
    obj = ctx.obj(raw, path, "relevance")
    if obj is None:
        return None
    groups = [k for k in obj if k in RELEVANCE_GROUPS]
    if groups:
        if len(obj) != 1:
            ctx.add(path, f"a group ({'/'.join(groups)}) stands alone in its mapping")
            return None
        op = groups[0]
        items = [
            r
            for i, sub in enumerate(ctx.seq(obj[op], pj(path, op), min_len=1))
            if (r := _relevance(sub, pj(pj(path, op), i), ctx)) is not None
        ]
        return Relevance(op, items=tuple(items))
    tests = [k for k in obj if k in RELEVANCE_LEAVES]
    if "question" not in obj:
        ctx.add(path, "a condition needs 'question' (or a group: all / any)")
        return None
    if len(tests) != 1:
        ctx.add(path, f"a condition has exactly one test ({', '.join(RELEVANCE_LEAVES)})")
        return None
    question = obj["question"]
    if not isinstance(question, str):
        ctx.add(pj(path, "question"), f"expected a question code, got {question!r}")
        return None
    op = tests[0]
    value = obj[op]
    vpath = pj(path, op)
    if op == "answered":
        if not isinstance(value, bool):
            ctx.add(vpath, "expected true or false")
            return None
    elif op in ("greater_than", "less_than"):
        if ctx.number(value, vpath) is None:
            return None
    elif op == "in":
        if not isinstance(value, list) or not value:
            ctx.add(vpath, "expected a non-empty list of values")
            return None
        if any(isinstance(v, dict | list) or v is None for v in value):
            ctx.add(vpath, "expected plain values")
            return None
        value = tuple(value)
    elif isinstance(value, dict | list) or value is None:
        ctx.add(vpath, "expected a plain value")
        return None
    return Relevance(op, question=question, value=value)


def _guidance(raw: Any, path: str, ctx: Ctx) -> Guidance | None:
    obj = ctx.obj(raw, path, "guidance")
    if obj is None:
        return None
    holders = ctx.text(obj["holders"], pj(path, "holders")) if "holders" in obj else None
    sources: list[Source] = []
    if "sources" in obj:
        for i, item in enumerate(ctx.seq(obj["sources"], pj(path, "sources"), min_len=1)):
            sub = pj(pj(path, "sources"), i)
            src = ctx.obj(item, sub, "source")
            if src is None:
                continue
            kind = (
                ctx.enum(src.get("kind"), pj(sub, "kind"), SOURCE_KINDS) if "kind" in src else None
            )
            name = ctx.text(src["name"], pj(sub, "name")) if "name" in src else None
            opt: dict[str, str | None] = {}
            for key in ("provider", "dataset", "code", "transform", "url"):
                opt[key] = ctx.string(src[key], pj(sub, key)) if key in src else None
            url = opt["url"]
            if url is not None and not url.startswith(("https://", "http://")):
                ctx.add(pj(sub, "url"), "a url starts with https:// or http://")
            if kind is not None and name is not None:
                sources.append(Source(kind, name, **opt))
    if holders is None:
        return None
    return Guidance(holders, tuple(sources))
