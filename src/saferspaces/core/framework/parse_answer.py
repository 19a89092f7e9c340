"""Parse one question's answer type, scoring, skip logic and guidance (see :mod:`.parse`)."""

from __future__ import annotations

from typing import Any

from saferspaces.core.framework.context import CHOICE_CODE_RE, Ctx
from saferspaces.core.framework.model import (
    METHODS_BY_ANSWER,
    RELEVANCE_GROUPS,
    RELEVANCE_LEAVES,
    YES_PARTLY_NO,
    AnswerSpec,
    Choice,
    Guidance,
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


def answer_parse_spec(raw: Any, path: str, ctx: Ctx) -> AnswerSpec | None:
    obj = ctx.obj(raw, path, "answer")
    if obj is None or "type" not in obj:
        return None
    atype = ctx.field(obj, path, "answer", "type")
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
            unit = ctx.field(obj, path, "answer", "unit")
        else:
            ctx.add(path, "a number answer needs a 'unit'")
    if "min" in obj and "min" in used:
        lo = ctx.field(obj, path, "answer", "min")
    if "max" in obj and "max" in used:
        hi = ctx.field(obj, path, "answer", "max")
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
        label = ctx.field(obj, sub, "choice", "label")
        score = ctx.field(obj, sub, "choice", "score")
        if code is not None and label is not None:
            out.append(Choice(code, label, score))
    return out


def scoring_parse(raw: Any, path: str, ctx: Ctx, answer: AnswerSpec | None) -> Scoring | None:
    obj = ctx.obj(raw, path, "scoring")
    if obj is None or "method" not in obj:
        return None
    method = ctx.field(obj, path, "scoring", "method")
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
            values[key] = ctx.field(obj, path, "scoring", key)
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


def relevance_parse(raw: Any, path: str, ctx: Ctx) -> Relevance | None:
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
            if (r := relevance_parse(sub, pj(pj(path, op), i), ctx)) is not None
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


def guidance_parse(raw: Any, path: str, ctx: Ctx) -> Guidance | None:
    obj = ctx.obj(raw, path, "guidance")
    if obj is None:
        return None
    holders = ctx.field(obj, path, "guidance", "holders")
    sources: list[Source] = []
    if "sources" in obj:
        for i, item in enumerate(ctx.seq(obj["sources"], pj(path, "sources"), min_len=1)):
            sub = pj(pj(path, "sources"), i)
            src = ctx.obj(item, sub, "source")
            if src is None:
                continue
            kind = ctx.field(src, sub, "source", "kind")
            name = ctx.field(src, sub, "source", "name")
            opt: dict[str, str | None] = {}
            for key in ("provider", "dataset", "code", "transform", "url"):
                opt[key] = ctx.field(src, sub, "source", key)
            if kind is not None and name is not None:
                sources.append(Source(kind, name, **opt))
    if holders is None:
        return None
    return Guidance(holders, tuple(sources))
