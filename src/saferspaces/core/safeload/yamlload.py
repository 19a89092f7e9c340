"""YAML composed from its event stream, with the limits checked before any node is built.

PyYAML's composers recurse once per level of nesting: the pure-Python one raises
``RecursionError`` near 1,000 levels and libyaml's (the C loader) overflows the C stack and kills
the process near 50,000. Neither counts aliases, so a document of a few hundred bytes can stand
for billions of values once a reader walks it. Here the C *parser* (which keeps its own stack on
the heap) produces events, and a loop composes the nodes without recursion, refusing on the spot
a collection deeper than :data:`~saferspaces.core.limits.YAML_DEPTH_MAX`, more aliases than
:data:`~saferspaces.core.limits.YAML_ALIASES_MAX`, more values than
:data:`~saferspaces.core.limits.YAML_NODES_MAX` (each alias counting as the values it repeats)
and an alias to the collection that contains it (a cycle no reader can walk).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError

from saferspaces.core.limits import (
    YAML_ALIASES_MAX,
    YAML_DEPTH_MAX,
    YAML_NODES_MAX,
    LimitExceeded,
)

try:  # libyaml's parser is much faster; fall back to the pure-Python one
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def _refuse(message: str, mark: Any, file: str) -> LimitExceeded:
    return LimitExceeded(
        message,
        where=file,
        line=mark.line + 1 if mark is not None else None,
        column=mark.column + 1 if mark is not None else None,
    )


def yaml_compose(
    *,
    text: str,
    file: str,
    max_depth: int = YAML_DEPTH_MAX,
    max_aliases: int = YAML_ALIASES_MAX,
    max_nodes: int = YAML_NODES_MAX,
) -> yaml.Node | None:
    """The node tree of the single document in ``text`` (``None`` for an empty stream).

    Raises :class:`~saferspaces.core.limits.LimitExceeded` (with line and column) as soon as a
    limit is passed, and ``yaml.YAMLError`` (with its marks) for a syntax error, like
    ``yaml.compose``.
    """
    loader = _Loader(text)
    try:
        return _compose(loader, file, max_depth, max_aliases, max_nodes)
    finally:
        loader.dispose()


def _compose(loader: Any, file: str, max_depth: int, max_aliases: int, max_nodes: int) -> Any:
    """One pass over the events; a frame of ``stack`` is [node, pending key, anchor, values
    before it]. Written for speed: this runs for every edition read."""
    get_event = loader.get_event
    resolve = loader.resolve
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    sequence_start, mapping_start = yaml.SequenceStartEvent, yaml.MappingStartEvent
    scalar_node, mapping_node = yaml.ScalarNode, yaml.MappingNode
    get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        get_event()
        return None
    document = get_event()
    stack: list[list[Any]] = []
    anchors: dict[str, tuple[yaml.Node, int]] = {}
    open_anchors: set[str] = set()
    root: yaml.Node | None = None
    values = 0
    aliases = 0
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            values += 1
            if values > max_nodes:
                raise _refuse(_too_many(max_nodes), event.start_mark, file)
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(scalar_node, event.value, event.implicit)
            node: yaml.Node = scalar_node(
                tag, event.value, event.start_mark, event.end_mark, style=event.style
            )
            if event.anchor is not None:
                _anchor_new(event.anchor, event.start_mark, anchors, open_anchors)
                anchors[event.anchor] = (node, 1)
        elif kind is sequence_start or kind is mapping_start:
            values += 1
            if values > max_nodes:
                raise _refuse(_too_many(max_nodes), event.start_mark, file)
            if len(stack) >= max_depth:
                raise _refuse(
                    f"the collections are nested more than {max_depth} levels deep",
                    event.start_mark,
                    file,
                )
            node_class = mapping_node if kind is mapping_start else yaml.SequenceNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(node_class, None, event.implicit)
            node = node_class(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if event.anchor is not None:
                _anchor_new(event.anchor, event.start_mark, anchors, open_anchors)
                open_anchors.add(event.anchor)
        elif kind is alias_event:
            anchor = event.anchor
            if anchor in open_anchors:
                raise _refuse(
                    f"the alias *{anchor} refers to a collection that contains it",
                    event.start_mark,
                    file,
                )
            if anchor not in anchors:
                raise ComposerError(
                    None, None, f"found undefined alias {anchor!r}", event.start_mark
                )
            aliases += 1
            if aliases > max_aliases:
                raise _refuse(
                    f"the document uses more than {max_aliases:,} aliases (*name)",
                    event.start_mark,
                    file,
                )
            node, size = anchors[anchor]
            values += size
            if values > max_nodes:
                raise _refuse(_too_many(max_nodes), event.start_mark, file)
        elif kind is yaml.DocumentEndEvent:
            break
        else:  # the end of a collection
            closed, _key, anchor, before = stack.pop()
            closed.end_mark = event.end_mark
            if anchor is not None:
                open_anchors.discard(anchor)
                anchors[anchor] = (closed, values - before)
            continue
        # attach the node to its parent (or make it the root)
        if stack:
            top = stack[-1]
            parent = top[0]
            if parent.__class__ is mapping_node:
                if top[1] is None:
                    top[1] = node
                else:
                    parent.value.append((top[1], node))
                    top[1] = None
            else:
                parent.value.append(node)
        else:
            root = node
        if kind is sequence_start or kind is mapping_start:
            stack.append([node, None, event.anchor, values - 1])
    if not loader.check_event(yaml.StreamEndEvent):
        extra = get_event()
        raise ComposerError(
            "expected a single document in the stream",
            document.start_mark,
            "but found another document",
            extra.start_mark,
        )
    get_event()
    return root


def _anchor_new(
    anchor: str, mark: Any, anchors: dict[str, tuple[yaml.Node, int]], open_anchors: set[str]
) -> None:
    if anchor in anchors or anchor in open_anchors:
        first = anchors[anchor][0].start_mark if anchor in anchors else None
        raise ComposerError(
            f"found duplicate anchor {anchor!r}; first occurrence", first, "second occurrence", mark
        )


def _too_many(max_nodes: int) -> str:
    return (
        f"the document holds more than {max_nodes:,} values "
        "(each alias counts as the values it repeats)"
    )


def yaml_load(*, text: str, file: str, max_nodes: int = YAML_NODES_MAX) -> Any:
    """Plain Python data (like ``yaml.safe_load``) of a document within the YAML limits.

    Raises :class:`~saferspaces.core.limits.LimitExceeded` or ``yaml.YAMLError``.
    """
    node = yaml_compose(text=text, file=file, max_nodes=max_nodes)
    if node is None:
        return None
    return yaml.constructor.SafeConstructor().construct_document(node)
