"""What people type: the one rule for stored free text, and whole numbers in ASCII digits.

**Free text** (a comment, a text answer, a source, a note, a name) may hold any character except
the C0 control characters other than tab, line feed and carriage return. PostgreSQL refuses NUL
(U+0000) in text and in JSON; XML, and so the XLSX exports and the tagged PDFs, refuses the
others. Nobody types them: they come from a broken paste or a hostile request, and are refused
with the place of the first one rather than silently dropped.

**Whole numbers** are written with the ASCII digits 0-9. ``str.isdigit`` is also true for ``²``,
which ``int`` refuses, and ``int`` reads the digits of every script (``٣``, ``１``): a year, an
identifier or a version number in a form or an address is read by :func:`ascii_int` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WHOLE = re.compile(r"-?[0-9]{1,18}")  # 18 digits: every value fits a 64-bit integer


@dataclass(frozen=True)
class ControlCharacter:
    """The first forbidden character of a text: its 1-based position and its code point."""

    position: int
    codepoint: str  # "U+0000"

    def __str__(self) -> str:
        return f"control character {self.codepoint} at position {self.position}"


def text_control_character(text: str) -> ControlCharacter | None:
    """The first character of ``text`` that stored text may not hold, or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return ControlCharacter(position=found.start() + 1, codepoint=f"U+{ord(found.group()):04X}")


def ascii_int(text: str) -> int | None:
    """The whole number ``text`` writes in ASCII digits (a leading minus and surrounding spaces
    allowed, at most 18 digits), or None for anything else: ``²``, ``٣``, ``１``, ``1.0``, ``+1``,
    ``1_000`` or an empty string."""
    text = text.strip(" \t\r\n")
    if not _WHOLE.fullmatch(text):
        return None
    return int(text)
