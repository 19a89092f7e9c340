"""Cross-references of format version 2, checked on the raw data like :mod:`.rules`: the scope
of items inside repeat groups, computed fields (references, types, cycles), and the references
of the instrument header (result parameters, peer conditions)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from saferspaces.core.framework.context import Ctx
from saferspaces.core.framework.instrument import CONTEXT_KIND
from saferspaces.core.framework.model import REPEAT_DEPTH_MAX
from saferspaces.core.framework.yamlsource import path_join as pj

CALC_INPUTS = ("number", "percentage", "rate_per_100k", "year", "likert")
CHOICE_TYPES = ("yes_partly_no", "single_choice", "multiple_choice", "likert")
Questions = Mapping[str, tuple[str, dict[str, Any]]]
Scopes = Mapping[str, tuple[str, ...]]


def raw_dims(raw: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every dimension mapping (depth first) with its path."""
    if not isinstance(raw, list):
        return
    for i, dim in enumerate(raw):
        if isinstance(dim, dict):
            sub = pj(path, i)
            yield sub, dim
            yield from raw_dims(dim.get("children"), pj(sub, "children"))


def _raw_repeats(
    raw: Any, path: str, outer: tuple[str, ...]
) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
    if not isinstance(raw, list) or len(outer) >= REPEAT_DEPTH_MAX:
        return  # deeper groups are refused by the parser; their items are not read
    for i, group in enumerate(raw):
        if not isinstance(group, dict):
            continue
        gpath = pj(path, i)
        code = group.get("code")
        scope = (*outer, code if isinstance(code, str) else f"?{gpath}")
        yield gpath, group, scope
        yield from _raw_repeats(group.get("repeats"), pj(gpath, "repeats"), scope)


def raw_repeats(data: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """Every repeat group mapping with its path and its chain of group codes (itself last)."""
    for path, dim in raw_dims(data.get("dimensions"), "dimensions"):
        yield from _raw_repeats(dim.get("repeats"), pj(path, "repeats"), ())


def raw_items(data: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """Every indicator mapping with its path and the codes of the repeat groups around it."""
    for path, dim in raw_dims(data.get("dimensions"), "dimensions"):
        inds = dim.get("indicators")
        if isinstance(inds, list):
            for i, ind in enumerate(inds):
                if isinstance(ind, dict):
                    yield pj(pj(path, "indicators"), i), ind, ()
        for gpath, group, scope in _raw_repeats(dim.get("repeats"), pj(path, "repeats"), ()):
            items = group.get("items")
            if isinstance(items, list):
                for i, ind in enumerate(items):
                    if isinstance(ind, dict):
                        yield pj(pj(gpath, "items"), i), ind, scope


def scope_reaches(where: tuple[str, ...], target: tuple[str, ...]) -> bool:
    """Whether an item inside ``where`` may read an item inside ``target``: the same instance
    or an enclosing one (a top-level item is read from anywhere)."""
    return where[: len(target)] == target


def scope_problem(ref: str, target: tuple[str, ...]) -> str:
    return (
        f"{ref!r} is inside the repeat group {target[-1]!r}: only items of that group (or of "
        "groups inside it) can refer to it"
    )


def _answer_type(item: Mapping[str, Any]) -> str | None:
    answer = item.get("answer")
    atype = answer.get("type") if isinstance(answer, dict) else None
    if atype is None and "calculate" in item:
        return "number"
    return atype if isinstance(atype, str) else None


def _choice_codes(item: Mapping[str, Any]) -> tuple[str, ...] | None:
    answer = item.get("answer")
    if not isinstance(answer, dict):
        return None
    atype = answer.get("type")
    if atype == "yes_partly_no":
        return ("yes", "partly", "no")
    if atype == "likert" and isinstance(answer.get("scale"), list):
        return tuple(str(p.get("value")) for p in answer["scale"] if isinstance(p, dict))
    if isinstance(answer.get("choices"), list):
        return tuple(str(c.get("code")) for c in answer["choices"] if isinstance(c, dict))
    return None


def items_check(data: Mapping[str, Any], questions: Questions, scopes: Scopes, ctx: Ctx) -> None:
    """Add every version-2 cross-reference problem of ``data`` to ``ctx``."""
    _calculations(questions, scopes, ctx)
    inst = data.get("instrument")
    if not isinstance(inst, dict):
        return
    repeats = {scope[-1]: scope for _, _, scope in raw_repeats(data)}
    result = inst.get("result")
    if isinstance(result, dict):
        model = inst.get("result_model")
        if model in ("tally", "none"):
            key = "by" if model == "tally" else "count"
            _choice_refs(result.get(key), pj("instrument.result", key), questions, ctx)
            if model == "tally":
                _tally(result, questions, scopes, repeats, ctx)
        elif model == "risk_matrix":
            _risk(result, questions, scopes, repeats, ctx)
        elif model == "levels":
            _levels(result, questions, ctx)
    peers = inst.get("peers")
    if isinstance(peers, dict):
        for key, ref in peers.items():
            if not isinstance(ref, str):
                continue
            item = questions.get(ref)
            if item is None or item[1].get("kind") != CONTEXT_KIND or scopes.get(ref):
                ctx.add(
                    pj("instrument.peers", str(key)),
                    f"{ref!r} is not a context indicator of the edition (outside repeat groups)",
                )


def _calculations(questions: Questions, scopes: Scopes, ctx: Ctx) -> None:
    from saferspaces.core.framework.expression import ExpressionError, calculation_parse

    graph: dict[str, list[str]] = {}
    for code, (path, item) in questions.items():
        text = item.get("calculate")
        if not isinstance(text, str):
            continue
        try:
            refs = calculation_parse(text=text).refs()
        except ExpressionError:
            continue  # reported by the parser
        where = pj(path, "calculate")
        for ref in refs:
            if ref == code:
                ctx.add(where, f"{code!r} cannot be computed from itself")
            elif ref not in questions:
                what = ctx.code_kinds.get(ref)
                hint = f" ({ref!r} is a {what}, not an item)" if what else ""
                ctx.add(where, f"unknown reference {ref!r}: no item {ref!r}{hint}")
            elif not scope_reaches(scopes.get(code, ()), scopes.get(ref, ())):
                ctx.add(where, scope_problem(ref, scopes.get(ref, ())))
            elif (atype := _answer_type(questions[ref][1])) not in CALC_INPUTS:
                ctx.add(
                    where,
                    f"{ref!r} is a {atype} item: a calculation reads numbers "
                    f"({', '.join(CALC_INPUTS)}) and computed fields",
                )
            elif "calculate" in questions[ref][1]:
                graph.setdefault(code, []).append(ref)
    for cycle in graph_cycles(graph):
        ctx.add(
            pj(questions[cycle[-2]][0], "calculate"),
            f"circular calculation: {' -> '.join(cycle)}",
        )


def graph_cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """The cycles a depth-first search meets, each as ``[a, b, ..., a]`` (iterative)."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    found: list[list[str]] = []
    for start in graph:
        if state.get(start):
            continue
        state[start] = 1
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph.get(start, ()))))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                names = [n for n, _ in stack]
                found.append([*names[names.index(nxt) :], nxt])
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(sorted(graph.get(nxt, ())))))
    return found


def _choice_refs(raw: Any, path: str, questions: Questions, ctx: Ctx) -> None:
    if not isinstance(raw, list):
        return
    for i, ref in enumerate(raw):
        item = questions.get(ref) if isinstance(ref, str) else None
        if item is None:
            ctx.add(pj(path, i), f"dangling reference: no item {ref!r}")
        elif _answer_type(item[1]) not in CHOICE_TYPES:
            ctx.add(
                pj(path, i),
                f"{ref!r} is a {_answer_type(item[1])} item: only answers by choice "
                f"({', '.join(CHOICE_TYPES)}) are counted",
            )


def _repeat_ref(
    ref: Any, path: str, repeats: Mapping[str, tuple[str, ...]], around: tuple[str, ...], ctx: Ctx
) -> None:
    if not isinstance(ref, str):
        return
    if ref not in repeats:
        ctx.add(path, f"dangling reference: no repeat group {ref!r}")
    elif ref not in around:
        shown = ", ".join(around) or "none"
        ctx.add(path, f"{ref!r} is not a repeat group around the items (around them: {shown})")


def _tally(
    result: Mapping[str, Any],
    questions: Questions,
    scopes: Scopes,
    repeats: Mapping[str, tuple[str, ...]],
    ctx: Ctx,
) -> None:
    by = [b for b in result.get("by") or [] if isinstance(b, str) and b in questions]
    codes = {b: _choice_codes(questions[b][1]) for b in by}
    first = next(iter(codes), None)
    for i, b in enumerate(by):
        if first is not None and codes[b] != codes[first]:
            ctx.add(
                pj("instrument.result.by", i),
                f"items counted together share their choices: {b!r} has "
                f"{', '.join(codes[b] or ())}, {first!r} has {', '.join(codes[first] or ())}",
            )
    if "per" in result and by:
        common = scopes.get(by[0], ())
        for b in by[1:]:
            common = tuple(x for x, y in zip(common, scopes.get(b, ()), strict=False) if x == y)
        _repeat_ref(result["per"], "instrument.result.per", repeats, common, ctx)


def _risk(
    result: Mapping[str, Any],
    questions: Questions,
    scopes: Scopes,
    repeats: Mapping[str, tuple[str, ...]],
    ctx: Ctx,
) -> None:
    ref = result.get("risk")
    if not isinstance(ref, str):
        return
    path = "instrument.result.risk"
    if ref not in questions:
        ctx.add(path, f"dangling reference: no item {ref!r}")
        return
    scope = scopes.get(ref, ())
    atype = _answer_type(questions[ref][1])
    if atype not in ("number", "percentage", "rate_per_100k", "likert"):
        ctx.add(path, f"{ref!r} is a {atype} item: the risk is a number")
    if not scope:
        ctx.add(path, f"{ref!r} is not inside a repeat group: the risk is computed per instance")
    if "per" in result:
        _repeat_ref(result["per"], "instrument.result.per", repeats, scope[:-1], ctx)


def _levels(result: Mapping[str, Any], questions: Questions, ctx: Ctx) -> None:
    levels = result.get("levels")
    if not isinstance(levels, list):
        return
    allowed = {str(v) for v in levels}
    path = "instrument.result"
    items = result.get("items")
    if isinstance(items, list):
        assessed = []
        for i, ref in enumerate(items):
            item = questions.get(ref) if isinstance(ref, str) else None
            if item is None:
                ctx.add(pj(pj(path, "items"), i), f"dangling reference: no item {ref!r}")
                continue
            choices = _choice_codes(item[1])
            if _answer_type(item[1]) != "single_choice" or not set(choices or ()) <= allowed:
                ctx.add(
                    pj(pj(path, "items"), i),
                    f"{ref!r} is not answered by a level: a single choice among "
                    f"{', '.join(map(str, levels))}",
                )
            assessed.append(ref)
    else:
        assessed = [
            code
            for code, (_, item) in questions.items()
            if _answer_type(item) == "single_choice"
            and set(_choice_codes(item) or ("?",)) <= allowed
        ]
        if not assessed:
            ctx.add(
                pj(path, "levels"),
                "no item is answered by these levels (a single choice whose choices are levels)",
            )
    targets = result.get("targets")
    if isinstance(targets, dict):
        for ref in targets:
            if ref not in assessed:
                ctx.add(pj(pj(path, "targets"), str(ref)), f"{ref!r} is not an item assessed")
