"""JSON whose nesting is measured on the text before ``json.loads`` recurses into it.

``json.loads`` recurses once per level: a text of 200,000 ``[`` raises ``RecursionError`` (which
its callers do not expect), and deep values break every later walk of the data. The depth is
counted over the brackets outside strings, stopping at the first level beyond the limit.
"""

from __future__ import annotations

import json
import re
from typing import Any

from saferspaces.core.limits import JSON_DEPTH_MAX, LimitExceeded

_TOKENS = re.compile(r'"(?:[^"\\]+|\\.)*"?|[\[\]{}]')


def json_depth_check(*, text: str, where: str, max_depth: int = JSON_DEPTH_MAX) -> None:
    """Raise :class:`LimitExceeded` (with line and column) if arrays and objects nest deeper."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > max_depth:
                start = match.start()
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                raise LimitExceeded(
                    f"arrays and objects are nested more than {max_depth} levels deep",
                    where=where,
                    line=line,
                    column=column,
                )
        elif token in ("]", "}"):
            depth = max(0, depth - 1)


def json_loads(*, text: str, where: str, max_depth: int = JSON_DEPTH_MAX) -> Any:
    """``json.loads(text)`` once its depth is known to be within ``max_depth``.

    Raises :class:`LimitExceeded` or ``json.JSONDecodeError`` (with its line and column).
    """
    json_depth_check(text=text, where=where, max_depth=max_depth)
    return json.loads(text)
