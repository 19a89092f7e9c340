"""Eurostat observation flags: the letters that may follow a value, with their official meanings.

A value may carry several flags at once (``12.5 bep``). Flags are kept with every value and shown
to respondents; they never change the number.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

#: Official meaning of each flag letter used in Eurostat dissemination (bulk TSV, SDMX 2.1 TSV
#: and JSON-stat ``status``). ``s`` and ``i`` are legacy flags still present in older series.
FLAG_MEANINGS: MappingProxyType[str, str] = MappingProxyType(
    {
        "b": "break in time series",
        "c": "confidential",
        "d": "definition differs (see metadata)",
        "e": "estimated",
        "f": "forecast",
        "i": "see metadata (phased out)",
        "n": "not significant",
        "p": "provisional",
        "r": "revised",
        "s": "Eurostat estimate (phased out)",
        "u": "low reliability",
        "z": "not applicable",
    }
)

#: The marker for a value that is not available.
MISSING_MARKER = ":"


def flags_parse(*, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a flag string such as ``"bep"`` into (known flags, unknown letters).

    Whitespace is ignored, order is kept, duplicates are dropped.
    """
    known: list[str] = []
    unknown: list[str] = []
    for letter in text:
        if letter.isspace():
            continue
        target = known if letter in FLAG_MEANINGS else unknown
        if letter not in target:
            target.append(letter)
    return tuple(known), tuple(unknown)


def flags_describe(*, flags: Iterable[str]) -> str:
    """Human text for a set of flags, e.g. ``"e (estimated), b (break in time series)"``."""
    return ", ".join(f"{flag} ({FLAG_MEANINGS.get(flag, 'unknown flag')})" for flag in flags)
