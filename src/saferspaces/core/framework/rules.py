"""Cross-cutting rules checked on the raw data, so they run even when other parts are broken:
references in skip logic and changes, cycles, and weights that must add up."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from saferspaces.core.framework.context import Ctx
from saferspaces.core.framework.model import YES_PARTLY_NO
from saferspaces.core.framework.rules_items import (
    items_check,
    raw_dims,
    raw_items,
    scope_problem,
    scope_reaches,
)
from saferspaces.core.framework.yamlsource import path_join as pj

WEIGHT_TOLERANCE = 0.01
NUMERIC_TYPES = ("number", "percentage", "rate_per_100k", "year", "likert")


def _questions(data: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every checklist item and indicator mapping with its path (repeat items too)."""
    checklist = data.get("checklist")
    if isinstance(checklist, list):
        for i, item in enumerate(checklist):
            if isinstance(item, dict):
                yield pj("checklist", i), item
    for path, item, _ in raw_items(data):
        yield path, item


def rules_check(data: Any, ctx: Ctx, *, previous_codes: frozenset[str] | None = None) -> None:
    """Add every cross-reference and weight problem of ``data`` to ``ctx``."""
    if not isinstance(data, dict):
        return
    questions = {
        q["code"]: (path, q) for path, q in _questions(data) if isinstance(q.get("code"), str)
    }
    scopes = {
        item["code"]: scope
        for _, item, scope in raw_items(data)
        if isinstance(item.get("code"), str)
    }
    _relevance_refs(questions, scopes, ctx)
    _changes(data, questions, ctx, previous_codes)
    if ctx.instrument.result_model == "composite":
        _weights(data, ctx)
    if ctx.version >= 2:
        items_check(data, questions, scopes, ctx)


def _leaves(raw: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(raw, dict):
        return
    for group in ("all", "any"):
        if isinstance(raw.get(group), list):
            for i, sub in enumerate(raw[group]):
                yield from _leaves(sub, pj(pj(path, group), i))
    if "question" in raw:
        yield path, raw


def _answer_values(answer: Any) -> set[Any] | None:
    """The values a choice-like answer can take, or None when any value goes."""
    if not isinstance(answer, dict):
        return None
    atype = answer.get("type")
    if atype == "yes_partly_no":
        return set(YES_PARTLY_NO)
    if atype == "likert" and isinstance(answer.get("scale"), list):
        return {p.get("value") for p in answer["scale"] if isinstance(p, dict)}
    if atype in ("single_choice", "multiple_choice") and isinstance(answer.get("choices"), list):
        return {c.get("code") for c in answer["choices"] if isinstance(c, dict)}
    return None


def _relevance_refs(
    questions: Mapping[str, tuple[str, dict[str, Any]]],
    scopes: Mapping[str, tuple[str, ...]],
    ctx: Ctx,
) -> None:
    graph: dict[str, set[str]] = {}
    for code, (qpath, q) in questions.items():
        for lpath, leaf in _leaves(q.get("relevant"), pj(qpath, "relevant")):
            ref = leaf.get("question")
            if not isinstance(ref, str):
                continue
            qref = pj(lpath, "question")
            if ref == code:
                ctx.add(qref, f"question {code!r} cannot depend on its own answer")
                continue
            if ref not in questions:
                what = ctx.code_kinds.get(ref)
                hint = f" ({ref!r} is a {what}, not a question)" if what else ""
                ctx.add(qref, f"dangling reference: no checklist item or indicator {ref!r}{hint}")
                continue
            if not scope_reaches(scopes.get(code, ()), scopes.get(ref, ())):
                ctx.add(qref, scope_problem(ref, scopes.get(ref, ())))
                continue
            graph.setdefault(code, set()).add(ref)
            answer = questions[ref][1].get("answer")
            atype = answer.get("type") if isinstance(answer, dict) else None
            allowed = _answer_values(answer)
            for op in ("equals", "in"):
                if op not in leaf or allowed is None:
                    continue
                values = leaf[op] if op == "in" and isinstance(leaf[op], list) else [leaf[op]]
                for v in values:
                    if v not in allowed:
                        shown = ", ".join(sorted(str(a) for a in allowed))
                        ctx.add(pj(lpath, op), f"{v!r} is not an answer of {ref!r} ({shown})")
            for op in ("greater_than", "less_than"):
                if op in leaf and atype is not None and atype not in NUMERIC_TYPES:
                    ctx.add(pj(lpath, op), f"{op} needs a numeric question; {ref!r} is {atype!r}")
    _cycles(graph, questions, ctx)


def _cycles(
    graph: Mapping[str, set[str]], questions: Mapping[str, tuple[str, dict[str, Any]]], ctx: Ctx
) -> None:
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for start in graph:
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph.get(start, ()))))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                names = [n for n, _ in stack]
                cycle = [*names[names.index(nxt) :], nxt]
                ctx.add(
                    pj(questions[node][0], "relevant"),
                    f"circular skip logic: {' -> '.join(cycle)}",
                )
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(sorted(graph.get(nxt, ())))))


def _changes(
    data: Mapping[str, Any],
    questions: Mapping[str, tuple[str, dict[str, Any]]],
    ctx: Ctx,
    previous_codes: frozenset[str] | None,
) -> None:
    meta = data.get("edition")
    changes = meta.get("changes") if isinstance(meta, dict) else None
    if not isinstance(changes, list):
        return
    indicator_codes = {c for c, k in ctx.code_kinds.items() if k == "indicator"}
    seen_new: dict[str, str] = {}
    seen_old: dict[str, str] = {}
    for i, change in enumerate(changes):
        if not isinstance(change, dict):
            continue
        path = pj("edition.changes", i)
        code = change.get("code")
        if isinstance(code, str) and change.get("action") != "drop":
            if code not in indicator_codes:
                ctx.add(
                    pj(path, "code"), f"dangling reference: no indicator {code!r} in this edition"
                )
            elif code in seen_new:
                ctx.add(pj(path, "code"), f"{code!r} already appears in {seen_new[code]}")
            else:
                seen_new[code] = path
        olds = change.get("from")
        if change.get("action") == "keep" and isinstance(code, str):
            olds = code
        old_list = olds if isinstance(olds, list) else [olds] if isinstance(olds, str) else []
        for old in old_list:
            if not isinstance(old, str):
                continue
            where = pj(path, "code" if change.get("action") == "keep" else "from")
            if previous_codes is not None and old not in previous_codes:
                ctx.add(where, f"dangling reference: no indicator {old!r} in the previous edition")
            if old in seen_old:
                ctx.add(
                    where, f"{old!r} of the previous edition already appears in {seen_old[old]}"
                )
            else:
                seen_old[old] = path


def _weights(data: Mapping[str, Any], ctx: Ctx) -> None:
    kinds = ctx.instrument.kinds()
    _sibling_dims(data.get("dimensions"), "dimensions", None, ctx)
    for path, dim in raw_dims(data.get("dimensions"), "dimensions"):
        if dim.get("role", "scored") == "background":
            continue
        inds = dim.get("indicators")
        if not isinstance(inds, list):
            continue
        groups: dict[str, float] = {}
        if any(isinstance(i, dict) and i.get("kind") not in kinds for i in inds):
            continue  # a broken kind is reported already; sums would only echo it
        for ind in inds:
            if not isinstance(ind, dict):
                continue
            scoring = ind.get("scoring")
            method = scoring.get("method") if isinstance(scoring, dict) else None
            w = ind.get("weight")
            if method in (None, "not_scored") or not _is_num(w):
                continue
            kind = str(ind.get("kind"))
            groups[kind] = groups.get(kind, 0.0) + float(w or 0)
        for kind, total in groups.items():
            if abs(total - 100) > WEIGHT_TOLERANCE:
                ctx.add(
                    pj(path, "indicators"),
                    f"weights of the scored {kind} indicators of {dim.get('code')!r} add up to "
                    f"{total:g}, not 100",
                )


def _sibling_dims(raw: Any, path: str, parent_role: str | None, ctx: Ctx) -> None:
    if not isinstance(raw, list):
        return
    total = 0.0
    count = 0
    for i, dim in enumerate(raw):
        if not isinstance(dim, dict):
            continue
        role = dim.get("role", parent_role)
        if role == "scored" and _is_num(dim.get("weight")):
            total += float(dim["weight"])
            count += 1
        _sibling_dims(dim.get("children"), pj(pj(path, i), "children"), role, ctx)
    if count and abs(total - 100) > WEIGHT_TOLERANCE:
        where = "top-level dimensions" if path == "dimensions" else "sub-dimensions"
        ctx.add(path, f"weights of the scored {where} add up to {total:g}, not 100")


def _is_num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
