"""Read YAML into plain Python data while keeping the line number of every path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from saferspaces.core.framework.errors import Problem

try:  # libyaml is much faster; fall back to the pure-Python loader
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_BOOL_WORDS = frozenset({"true", "false"})
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass
class LocatedData:
    """Plain data (dicts, lists, scalars) plus the line of each YAML path (1-based)."""

    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def path_join(base: str, key: str | int) -> str:
    """``path_join("a", "b") == "a.b"``, ``path_join("a", 2) == "a[2]"``."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


def yaml_read(*, text: str, file: str) -> LocatedData:
    """Parse ``text``; syntax errors and duplicate keys become problems, never exceptions."""
    out = LocatedData(data=None)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        context = str(exc.context or "")
        if exc.context_mark is not None and exc.problem_mark is not None:
            context += f" (started at line {exc.context_mark.line + 1})"
        msg = ": ".join(x for x in (context.strip(), str(exc.problem or "")) if x)
        out.problems.append(Problem(file, "", line, f"YAML syntax error: {msg}"))
        return out
    except yaml.YAMLError as exc:  # pragma: no cover - other reader errors (encoding)
        out.problems.append(Problem(file, "", None, f"YAML error: {exc}"))
        return out
    if node is None:
        out.problems.append(Problem(file, "", 1, "the file is empty"))
        return out
    constructor = yaml.constructor.SafeConstructor()
    out.lines[""] = node.start_mark.line + 1
    out.data = _convert(node, "", out, constructor, file)
    return out


def _convert(
    node: yaml.Node,
    path: str,
    out: LocatedData,
    constructor: yaml.constructor.SafeConstructor,
    file: str,
) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                out.problems.append(
                    Problem(file, path, key_node.start_mark.line + 1, "a key must be a plain name")
                )
                continue
            key = str(key_node.value)
            child = path_join(path, key)
            line = key_node.start_mark.line + 1
            if key in result:
                out.problems.append(
                    Problem(file, child, line, f"duplicate key {key!r} in the same mapping")
                )
                continue
            out.lines[child] = line
            result[key] = _convert(value_node, child, out, constructor, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        for i, item in enumerate(node.value):
            child = path_join(path, i)
            out.lines[child] = item.start_mark.line + 1
            items.append(_convert(item, child, out, constructor, file))
        return items
    assert isinstance(node, yaml.ScalarNode)
    if node.tag == _STR_TAG:
        return node.value
    if node.tag.endswith(":bool") and node.value.lower() not in _BOOL_WORDS:
        # YAML 1.1 reads yes/no/on/off as booleans; here they stay words (choice codes, "NO")
        return node.value
    tag = node.tag
    value = node.value
    if tag == _INT_TAG and value.isdigit():
        return int(value)
    if tag == _NULL_TAG:
        return None
    if tag.endswith(":bool"):
        return value.lower() == "true"
    try:
        if tag == _FLOAT_TAG and "." in value and value.replace(".", "", 1).lstrip("-+").isdigit():
            return float(value)
        return constructor.construct_object(node)
    except (yaml.YAMLError, ValueError) as exc:
        out.problems.append(
            Problem(file, path, node.start_mark.line + 1, f"cannot read value: {exc}")
        )
        return node.value
