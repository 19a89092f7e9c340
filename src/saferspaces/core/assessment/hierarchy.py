"""The scoring engine's hierarchy for a framework edition: ``edition_scoring_framework``.

Scored indicators (scored dimensions, scoring method other than ``not_scored``) are level 1;
sub-dimensions and dimensions are aggregates above them. The engine needs every branch to have
the same depth, so a shallow branch gets *pass-through* aggregates between its indicators and
its dimension: their codes start with ``_PAD_`` (edition codes must start with a capital letter,
so they cannot clash), their ``kind`` is :data:`PASS_THROUGH` and a UI hides them. The
composite top node :data:`OVERALL_CODE` exists only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from saferspaces.core.framework.model import Dimension, Edition, Indicator
from saferspaces.core.scoring.aggregate import aggregate_weights_check
from saferspaces.core.scoring.data import Framework, Node, framework_build
from saferspaces.core.scoring.errors import Problem
from saferspaces.core.scoring.pipeline import PipelineSpec
from saferspaces.core.scoring.weights import weights_static

PASS_THROUGH = "pass_through"  # noqa: S105 (a node kind, not a secret)
OVERALL_CODE = "_OVERALL"
PAD_PREFIX = "_PAD_"


def indicator_direction(indicator: Indicator) -> int:
    """+1 for rule-scored indicators (their rule already orients them), else the direction."""
    if indicator.scoring.method != "data_driven":
        return 1
    return -1 if indicator.direction == "higher_is_worse" else 1


def node_is_pass_through(node: Node) -> bool:
    """Whether ``node`` is a padding aggregate that a UI should hide."""
    return node.kind == PASS_THROUGH


@dataclass(frozen=True)
class ScoredDimension:
    """A scored (sub-)dimension with at least one scored indicator below it."""

    code: str
    parent: str | None
    weight: float
    children: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    depth: int  # 1 = holds indicators


def _scored_indicators(dim: Dimension) -> tuple[Indicator, ...]:
    return tuple(i for i in dim.indicators if i.scored)


def _collect(dim: Dimension, parent: str | None, out: list[ScoredDimension]) -> int:
    """Post-order walk; returns the depth of ``dim`` (0 when nothing below it is scored)."""
    if dim.children:
        kids: list[str] = []
        depth = 0
        for child in dim.children:
            d = _collect(child, dim.code, out)
            if d:
                kids.append(child.code)
                depth = max(depth, d)
        if not kids:
            return 0
        w = dim.weight if dim.weight is not None else 1.0
        out.append(ScoredDimension(dim.code, parent, float(w), tuple(kids), (), depth + 1))
        return depth + 1
    inds = _scored_indicators(dim)
    if not inds:
        return 0
    w = dim.weight if dim.weight is not None else 1.0
    out.append(ScoredDimension(dim.code, parent, float(w), (), inds, 1))
    return 1


def edition_scored_dimensions(*, edition: Edition) -> tuple[ScoredDimension, ...]:
    """Scored (sub-)dimensions in post-order (children before parents, file order otherwise)."""
    out: list[ScoredDimension] = []
    for dim in edition.dimensions:
        if dim.role == "scored":
            _collect(dim, None, out)
    return tuple(out)


def _nodes(edition: Edition, overall: bool) -> Iterator[Node]:
    dims = edition_scored_dimensions(edition=edition)
    by_code = {d.code: d for d in dims}
    top = [d for d in dims if d.parent is None]
    if not top:
        return
    height = max(d.depth for d in top) + 1  # engine level of the top dimensions
    if overall:
        yield Node(code=OVERALL_CODE, level=height + 1, name="overall composite")

    def emit(d: ScoredDimension, level: int, parent: str | None) -> Iterator[Node]:
        yield Node(code=d.code, level=level, parent=parent, weight=d.weight, name=d.code)
        if d.children:
            for c in d.children:
                yield from emit(by_code[c], level - 1, d.code)
            return
        holder = d.code
        for lev in range(level - 1, 1, -1):  # pad down to level 2
            pad = f"{PAD_PREFIX}{d.code}_{lev}"
            yield Node(code=pad, level=lev, parent=holder, kind=PASS_THROUGH, name="")
            holder = pad
        for ind in d.indicators:
            yield Node(
                code=ind.code,
                level=1,
                parent=holder,
                direction=indicator_direction(ind),
                weight=float(ind.weight) if ind.weight is not None else 1.0,
                name=ind.code,
                kind=ind.kind,
            )

    for d in top:
        yield from emit(d, height, OVERALL_CODE if overall else None)


def edition_scoring_framework(*, edition: Edition, overall: bool = False) -> Framework:
    """The engine's :class:`Framework` for ``edition`` (see the module docstring)."""
    return framework_build(_nodes(edition, overall), source=edition.source or edition.id)


def edition_weights_check(
    *, framework: Framework, spec: PipelineSpec, source: str
) -> list[Problem]:
    """Dimensions whose children all have weight 0 under the pipeline's weights (0/0 scores).

    An edition pipeline's weights never depend on the data, so this is known when it is loaded;
    a padding aggregate is reported as the dimension it pads.
    """
    weights = framework.weights()
    label = None
    for st in spec.steps:
        if st.kind == "weights":
            weights = weights_static(framework=framework, weights=weights, params=st.params)
        if st.kind == "aggregate":
            weights.update(st.params.get("weights") or {})
            label = st.label
    out = []
    for p in aggregate_weights_check(
        framework=framework, weights=weights, step=label, source=source
    ):
        code = p.indicator
        while code is not None and code.startswith(PAD_PREFIX):
            code = framework.node(code).parent
        out.append(replace(p, indicator=code))
    return out
