"""Load and validate a framework edition: ``edition_load``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from saferspaces.core.framework.context import Ctx, LineLookup
from saferspaces.core.framework.errors import FrameworkValidationError, Problem
from saferspaces.core.framework.model import Edition
from saferspaces.core.framework.parse import edition_parse, languages_read
from saferspaces.core.framework.rules import rules_check
from saferspaces.core.framework.yamlsource import yaml_read
from saferspaces.core.limits import EDITION_FILE_MAX_BYTES, InputError
from saferspaces.core.safeload.text import file_read, text_decode


def edition_load(
    *,
    path: Path | str | None = None,
    text: str | None = None,
    file: str | None = None,
    previous: Edition | None = None,
) -> Edition:
    """Read and validate one edition from ``path`` or ``text``.

    Raises :class:`FrameworkValidationError` listing every problem (file, path, line, message).
    When ``previous`` is given (or, reading from ``path``, a sibling file ``<previous-id>.yaml``
    exists), the ``from`` codes of ``edition.changes`` are checked against it.
    """
    if (path is None) == (text is None):
        raise ValueError("pass exactly one of path= or text=")
    name = file or (str(path) if path is not None else "<text>")
    if path is not None:
        try:
            raw = file_read(path=path, max_bytes=EDITION_FILE_MAX_BYTES, where=name)
            text = text_decode(content=raw, where=name)
        except OSError as exc:
            raise FrameworkValidationError(
                [Problem(name, "", None, f"cannot read the file: {exc.strerror or exc}")]
            ) from None
        except InputError as exc:
            at = f"column {exc.column}: " if exc.column is not None else ""
            raise FrameworkValidationError(
                [Problem(name, "", exc.line, f"{at}{exc.message}")]
            ) from None
    assert text is not None
    located = yaml_read(text=text, file=name)
    if located.problems:
        raise FrameworkValidationError(located.problems)
    if previous is None and path is not None:
        previous = _sibling_previous(located.data, Path(path))
    return edition_from_data(
        data=located.data, lines=located.lines, file=name, previous=previous, source=name
    )


def edition_from_data(
    *,
    data: Any,
    lines: LineLookup | None = None,
    file: str = "<data>",
    previous: Edition | None = None,
    source: str = "",
) -> Edition:
    """Validate plain data (as read from YAML or an XLSForm) and build the :class:`Edition`."""
    empty: dict[str, int] = {}
    lookup: LineLookup = lines if lines is not None else empty
    ctx = Ctx(file=file, lines=lookup, languages=languages_read(data))
    edition = edition_parse(data, ctx, source=source)
    prev_codes = frozenset(previous.indicator_map()) if previous is not None else None
    rules_check(data, ctx, previous_codes=prev_codes)
    if ctx.problems or edition is None:
        problems = sorted(ctx.problems, key=lambda p: (p.line or 0, p.path))
        raise FrameworkValidationError(problems)
    return edition


def _sibling_previous(data: Any, path: Path) -> Edition | None:
    try:
        prev_id = data["edition"]["previous"]
    except (KeyError, TypeError):
        return None
    if not isinstance(prev_id, str) or "/" in prev_id or "\\" in prev_id:
        return None
    candidate = path.with_name(f"{prev_id}.yaml")
    if not candidate.is_file() or candidate.resolve() == path.resolve():
        return None
    try:
        return edition_load(path=candidate)
    except FrameworkValidationError:
        return None
