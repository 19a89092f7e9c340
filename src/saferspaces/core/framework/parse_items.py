"""Parse dimensions, indicators, repeat groups and rich content (see :mod:`.parse`).

What the first instrument's vocabulary means (roles, weights, directions, scoring) is checked
only where the instrument's result model uses it: the composite model. A version-1 file is
always composite, so its checks and messages are those of format 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from saferspaces.core.framework.context import SDG_RE, Ctx
from saferspaces.core.framework.instrument import CONTEXT_KIND, Instrument
from saferspaces.core.framework.model import (
    REPEAT_DEFAULT_MAX,
    REPEAT_DEPTH_MAX,
    AnswerSpec,
    Content,
    Dimension,
    Indicator,
    Link,
    RepeatGroup,
    Scoring,
)
from saferspaces.core.framework.parse_answer import (
    answer_parse_spec,
    guidance_parse,
    relevance_parse,
    scoring_parse,
)
from saferspaces.core.framework.yamlsource import path_join as pj

if TYPE_CHECKING:
    from saferspaces.core.framework.expression import Calculation

NOT_SCORED = Scoring("not_scored")
CALCULATED_ANSWER = AnswerSpec("number")
NUMERIC_ANSWERS = ("number", "percentage", "rate_per_100k")


def _composite(ctx: Ctx) -> bool:
    return ctx.instrument.result_model == "composite"


def _composite_only(obj: dict[str, Any], path: str, key: str, ctx: Ctx) -> bool:
    """Report ``key`` when the result model does not use it; True when it may be read."""
    if key not in obj:
        return False
    if _composite(ctx):
        return True
    ctx.add(
        pj(path, key),
        f"{key!r} is only used by the composite result model "
        f"(this instrument's is {ctx.instrument.result_model!r}): remove it",
    )
    return False


def content_parse(raw: Any, path: str, ctx: Ctx) -> Content | None:
    obj = ctx.obj(raw, path, "content")
    if obj is None:
        return None
    links: list[Link] = []
    for i, item in enumerate(ctx.field(obj, path, "content", "links") or []):
        sub = pj(pj(path, "links"), i)
        link = ctx.obj(item, sub, "link")
        if link is None:
            continue
        url = ctx.field(link, sub, "link", "url")
        title = ctx.field(link, sub, "link", "title")
        accessed = ctx.field(link, sub, "link", "accessed")
        if url is not None and title is not None and accessed is not None:
            links.append(Link(url, title, accessed))
    return Content(
        why=ctx.field(obj, path, "content", "why"),
        how=ctx.field(obj, path, "content", "how"),
        examples=ctx.field(obj, path, "content", "examples"),
        links=tuple(links),
    )


def _content(obj: dict[str, Any], path: str, ctx: Ctx) -> Content | None:
    if "content" not in obj or ctx.version < 2:
        return None
    return content_parse(obj["content"], pj(path, "content"), ctx)


def dimension_parse(raw: Any, path: str, ctx: Ctx, *, parent_role: str | None) -> Dimension | None:
    obj = ctx.obj(raw, path, "dimension")
    if obj is None:
        return None
    code = ctx.field(obj, path, "dimension", "code")
    role: str | None = parent_role
    if "role" in obj:
        role = ctx.field(obj, path, "dimension", "role")
        if parent_role is not None and role is not None and role != parent_role:
            ctx.add(
                pj(path, "role"), f"a sub-dimension has the role of its parent ({parent_role!r})"
            )
            role = parent_role
    elif parent_role is None:
        if ctx.version == 1:
            ctx.add(path, "missing required key 'role' (scored or background)")
        else:
            role = "scored"
    title = ctx.field(obj, path, "dimension", "title")
    description = ctx.field(obj, path, "dimension", "description")
    content = _content(obj, path, ctx)
    weight = None
    if role == "scored" and _composite(ctx):
        if "weight" in obj:
            weight = ctx.field(obj, path, "dimension", "weight")
        else:
            ctx.add(path, "missing required key 'weight' (a scored dimension has a weight)")
    elif role == "background" and "weight" in obj:
        ctx.add(pj(path, "weight"), "a background dimension is never scored: remove 'weight'")
    else:
        _composite_only(obj, path, "weight", ctx)
    children: list[Dimension] = []
    indicators: list[Indicator] = []
    repeats: list[RepeatGroup] = []
    has_children = obj.get("children") is not None
    has_indicators = obj.get("indicators") is not None
    has_repeats = obj.get("repeats") is not None and ctx.version >= 2
    if has_children and has_indicators:
        ctx.add(path, "a dimension has either 'children' or 'indicators', not both")
    elif has_children and has_repeats:
        ctx.add(path, "a dimension has either 'children' or 'repeats', not both")
    elif not has_children and not has_indicators and not has_repeats:
        if ctx.version == 1:
            ctx.add(path, "a dimension needs 'children' (sub-dimensions) or 'indicators'")
        else:
            ctx.add(
                path, "a dimension needs 'children' (sub-dimensions), 'indicators' or 'repeats'"
            )
    if has_children:
        for i, sub in enumerate(ctx.field(obj, path, "dimension", "children")):
            d = dimension_parse(sub, pj(pj(path, "children"), i), ctx, parent_role=role)
            if d is not None:
                children.append(d)
    if has_indicators:
        for i, sub in enumerate(ctx.field(obj, path, "dimension", "indicators")):
            ind = indicator_parse(sub, pj(pj(path, "indicators"), i), ctx, role=role)
            if ind is not None:
                indicators.append(ind)
    if has_repeats:
        for i, sub in enumerate(ctx.field(obj, path, "dimension", "repeats")):
            group = repeat_parse(sub, pj(pj(path, "repeats"), i), ctx, role=role, depth=1)
            if group is not None:
                repeats.append(group)
    if code is None or role is None or title is None:
        return None
    return Dimension(
        code,
        role,
        title,
        description,
        weight,
        tuple(children),
        tuple(indicators),
        content,
        tuple(repeats),
    )


def repeat_parse(
    raw: Any, path: str, ctx: Ctx, *, role: str | None, depth: int
) -> RepeatGroup | None:
    obj = ctx.obj(raw, path, "repeat")
    if obj is None:
        return None
    code = ctx.field(obj, path, "repeat", "code")
    title = ctx.field(obj, path, "repeat", "title")
    help_ = ctx.field(obj, path, "repeat", "help")
    lo = ctx.field(obj, path, "repeat", "min")
    hi = ctx.field(obj, path, "repeat", "max")
    lo = 0 if lo is None else lo
    if "max" not in obj:
        hi = max(REPEAT_DEFAULT_MAX, lo)
    elif hi is not None and hi < lo:
        ctx.add(pj(path, "max"), f"max ({hi}) must not be below min ({lo})")
    items: list[Indicator] = []
    for i, sub in enumerate(ctx.field(obj, path, "repeat", "items") or []):
        ind = indicator_parse(sub, pj(pj(path, "items"), i), ctx, role=role, in_repeat=True)
        if ind is not None:
            items.append(ind)
    nested: list[RepeatGroup] = []
    if "repeats" in obj:
        if depth >= REPEAT_DEPTH_MAX:
            ctx.add(
                pj(path, "repeats"),
                f"repeat groups nest at most {REPEAT_DEPTH_MAX} deep: {code!r} cannot hold another",
            )
        else:
            for i, sub in enumerate(ctx.field(obj, path, "repeat", "repeats") or []):
                group = repeat_parse(
                    sub, pj(pj(path, "repeats"), i), ctx, role=role, depth=depth + 1
                )
                if group is not None:
                    nested.append(group)
    if code is None or title is None or hi is None:
        return None
    return RepeatGroup(code, title, tuple(items), help_, lo, hi, tuple(nested))


def _kind(obj: dict[str, Any], path: str, ctx: Ctx, role: str | None) -> str | None:
    inst: Instrument = ctx.instrument
    if "kind" not in obj:
        if ctx.version >= 2 and inst.measures:
            ctx.add(path, "missing required key 'kind'")
        return None if ctx.version == 1 or inst.measures else CONTEXT_KIND
    kind = ctx.field(obj, path, "indicator", "kind", values=inst.kinds())
    if kind == CONTEXT_KIND and role == "scored" and _composite(ctx):
        ctx.add(
            pj(path, "kind"),
            "a context indicator belongs in a background dimension, not a scored one",
        )
    return kind


def _answer(
    obj: dict[str, Any], path: str, ctx: Ctx, calculate: Calculation | None
) -> AnswerSpec | None:
    if "answer" not in obj:
        computed = "calculate" in obj and ctx.version >= 2
        if ctx.version >= 2 and not computed:
            ctx.add(path, "missing required key 'answer'")
        return CALCULATED_ANSWER if computed else None
    answer = answer_parse_spec(obj["answer"], pj(path, "answer"), ctx)
    if answer is not None and calculate is not None and answer.type not in NUMERIC_ANSWERS:
        ctx.add(
            pj(path, "answer.type"),
            f"a computed field is a number: its answer type is one of {', '.join(NUMERIC_ANSWERS)}",
        )
    return answer


def _scoring(
    obj: dict[str, Any], path: str, ctx: Ctx, answer: AnswerSpec | None, in_repeat: bool
) -> Scoring | None:
    if ctx.version >= 2 and "scoring" not in obj:
        if _composite(ctx) and not in_repeat:
            ctx.add(path, "missing required key 'scoring'")
            return None
        return NOT_SCORED
    if not _composite_only(obj, path, "scoring", ctx):
        return NOT_SCORED if ctx.version >= 2 else None
    return scoring_parse(obj["scoring"], pj(path, "scoring"), ctx, answer)


def indicator_parse(
    raw: Any, path: str, ctx: Ctx, *, role: str | None, in_repeat: bool = False
) -> Indicator | None:
    obj = ctx.obj(raw, path, "indicator")
    if obj is None:
        return None
    code = ctx.field(obj, path, "indicator", "code")
    kind = _kind(obj, path, ctx, role)
    question = ctx.field(obj, path, "indicator", "question")
    help_ = ctx.field(obj, path, "indicator", "help")
    content = _content(obj, path, ctx)
    calculate = ctx.field(obj, path, "indicator", "calculate")
    answer = _answer(obj, path, ctx, calculate)
    scoring = _scoring(obj, path, ctx, answer, in_repeat)
    scored = scoring is not None and scoring.method != "not_scored"
    if scored and role == "background":
        ctx.add(
            pj(path, "scoring.method"),
            "background conditions are never scored: use method not_scored",
        )
    elif scored and in_repeat:
        ctx.add(
            pj(path, "scoring.method"),
            "an item of a repeat group is never scored: use method not_scored",
        )
    elif scored and calculate is not None:
        ctx.add(pj(path, "scoring.method"), "a computed field is not scored: use method not_scored")
    direction = None
    if "direction" in obj:
        if _composite_only(obj, path, "direction", ctx):
            direction = ctx.field(obj, path, "indicator", "direction")
    elif scored:
        ctx.add(path, "missing required key 'direction' (a scored indicator has a direction)")
    weight = None
    if "weight" in obj:
        if scored:
            weight = ctx.field(obj, path, "indicator", "weight")
        elif scoring is not None and _composite_only(obj, path, "weight", ctx):
            ctx.add(pj(path, "weight"), "only scored indicators have a weight")
    elif scored and role == "scored":
        ctx.add(path, "missing required key 'weight' (a scored indicator has a weight)")
    if scoring is not None and scoring.method == "target" and direction is not None:
        _target_direction(scoring, direction, pj(path, "scoring"), ctx)
    relevant = (
        relevance_parse(obj["relevant"], pj(path, "relevant"), ctx) if "relevant" in obj else None
    )
    guidance = (
        guidance_parse(obj["guidance"], pj(path, "guidance"), ctx) if "guidance" in obj else None
    )
    sdg: list[str] = []
    if "sdg" in obj:
        for i, item in enumerate(ctx.seq(obj["sdg"], pj(path, "sdg"))):
            if isinstance(item, str) and SDG_RE.match(item):
                sdg.append(item)
            else:
                ctx.add(
                    pj(pj(path, "sdg"), i), f"{item!r} is not an SDG indicator id like '16.1.4'"
                )
    if None in (code, kind, question, answer, scoring) or (guidance is None and ctx.version == 1):
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
        content,
        calculate,
    )


def _target_direction(scoring: Scoring, direction: str, path: str, ctx: Ctx) -> None:
    if scoring.target is None or scoring.worst is None:
        return
    if direction == "higher_is_better" and scoring.target < scoring.worst:
        ctx.add(path, "with higher_is_better the target must be above the worst value")
    if direction == "higher_is_worse" and scoring.target > scoring.worst:
        ctx.add(path, "with higher_is_worse the target must be below the worst value")
