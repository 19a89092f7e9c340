"""Read YAML into plain Python data while keeping the line number of every path.

Lines are looked up lazily in the composed node tree (only when a problem is reported), so
reading a large valid file costs little more than parsing it. The tree is composed within the
limits of :mod:`saferspaces.core.limits` (depth, aliases, values) by
:func:`~saferspaces.core.safeload.yamlload.yaml_compose`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from saferspaces.core.framework.errors import Problem
from saferspaces.core.limits import LimitExceeded
from saferspaces.core.safeload.yamlload import yaml_compose

_BOOL_WORDS = frozenset({"true", "false"})
_STR_TAG = "tag:yaml.org,2002:str"

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_NULL_TAG = "tag:yaml.org,2002:null"
_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


class NodeLines:
    """Mapping-like ``path -> line`` (1-based) backed by the composed YAML node tree."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def get(self, path: str, default: int | None = None) -> int | None:
        node = self.root
        if node is None:
            return default
        if not path:
            return int(node.start_mark.line) + 1
        steps = _STEP.findall(path)
        for n, (index, key) in enumerate(steps):
            last = n == len(steps) - 1
            if key:
                if not isinstance(node, yaml.MappingNode):
                    return default
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == key:
                        if last:
                            return int(k.start_mark.line) + 1
                        node = v
                        break
                else:
                    return default
            else:
                if not isinstance(node, yaml.SequenceNode) or int(index) >= len(node.value):
                    return default
                node = node.value[int(index)]
                if last:
                    return int(node.start_mark.line) + 1
        return default


@dataclass
class LocatedData:
    """Plain data (dicts, lists, scalars) plus the line of each YAML path (1-based)."""

    data: Any
    lines: NodeLines = field(default_factory=lambda: NodeLines(None))
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
        node = yaml_compose(text=text, file=file)
    except LimitExceeded as exc:
        at = f"column {exc.column}: " if exc.column is not None else ""
        out.problems.append(Problem(file, "", exc.line, f"{at}{exc.message}"))
        return out
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
    out.lines = NodeLines(node)
    out.data = _Converter(file, out.problems).run(node)
    return out


class _Converter:
    """Node tree -> plain data. Problems keep their node; paths are found only when needed."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.pending: list[tuple[yaml.Node, str | None, int, str]] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def run(self, root: yaml.Node) -> Any:
        data = self.convert(root)
        if self.pending:
            paths = _node_paths(root, {id(n) for n, _, _, _ in self.pending})
            for node, key, line, message in self.pending:
                path = paths.get(id(node), "")
                self.problems.append(
                    Problem(self.file, path_join(path, key) if key else path, line, message)
                )
        return data

    def convert(self, node: yaml.Node) -> Any:
        cls = node.__class__
        if cls is yaml.ScalarNode:
            return self.scalar(node)  # type: ignore[arg-type]
        if cls is yaml.MappingNode:
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not yaml.ScalarNode:
                    self.pending.append(
                        (node, None, key_node.start_mark.line + 1, "a key must be a plain name")
                    )
                    continue
                key = key_node.value
                if key in result:
                    self.pending.append(
                        (
                            node,
                            key,
                            key_node.start_mark.line + 1,
                            f"duplicate key {key!r} in the same mapping",
                        )
                    )
                    continue
                if value_node.__class__ is yaml.ScalarNode and value_node.tag == _STR_TAG:
                    result[key] = value_node.value
                else:
                    result[key] = self.convert(value_node)
            return result
        return [self.convert(item) for item in node.value]

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        value = node.value
        if tag == _STR_TAG:
            return value
        if tag == _INT_TAG and value.isdigit():
            return int(value)
        if tag == _NULL_TAG:
            return None
        if tag.endswith(":bool"):
            # YAML 1.1 reads yes/no/on/off as booleans; here they stay words (choice codes, "NO")
            return value.lower() == "true" if value.lower() in _BOOL_WORDS else value
        try:
            if tag == _FLOAT_TAG and value.replace(".", "", 1).lstrip("-+").isdigit():
                return float(value)
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:
            self.pending.append((node, None, node.start_mark.line + 1, f"cannot read value: {exc}"))
            return value


def _node_paths(root: yaml.Node, wanted: set[int]) -> dict[int, str]:
    """Paths of the nodes whose ids are in ``wanted`` (a depth-first search from ``root``)."""
    found: dict[int, str] = {}
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack and len(found) < len(wanted):
        node, path = stack.pop()
        if id(node) in wanted:
            found[id(node)] = path
        if isinstance(node, yaml.MappingNode):
            stack.extend((v, path_join(path, str(k.value))) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path_join(path, i)) for i, item in enumerate(node.value))
    return found
