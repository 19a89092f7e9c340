"""Eurostat status codes ("flags"): the letters that may follow a value, with their meanings.

Since 27 January 2025 Eurostat publishes two code lists (docs/data-sources.md, "Flags"):

* the observation status (``OBS_STATUS``), lower-case letters: ``b d e f i m n p u``;
* the confidentiality status (``CONF_STATUS``), upper-case letters: ``C N P``.

A cell of the SDMX 2.1 TSV writes them as ``value obs@conf`` (``12.5 p``, ``: @C``); a JSON-stat
2.0 ``status`` as ``obs|conf`` (``"p"``, ``"|C"``). Files downloaded before 2025 still carry the
older codes ``c`` (confidential), ``s`` (Eurostat estimate), ``z`` (not applicable) and ``r``
(revised), which keep their meanings. A value may carry several flags (``12.5 bep``). Flags are
kept with every value and shown to respondents; they never change the number.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from saferspaces.core.labels import label_get

#: The meaning of every status code: the observation status and the confidentiality status of
#: Eurostat's dissemination since January 2025, then the codes of older files.
FLAG_MEANINGS: MappingProxyType[str, str] = MappingProxyType(
    {
        "b": "break in time series",
        "d": "definition differs (see metadata)",
        "e": "estimated",
        "f": "forecast",
        "i": "value imputed by Eurostat or another receiving agency (before 2025: see metadata)",
        "m": "missing value, data cannot exist",
        "n": "not significant",
        "p": "provisional",
        "u": "low reliability",
        "C": "confidential",
        "N": "not for publication",
        "P": "information under non-statistical secrecy arrangements",
        "c": "confidential (code used until January 2025)",
        "r": "revised (code used until January 2025)",
        "s": "Eurostat estimate (code used until January 2025)",
        "z": "not applicable (code used until January 2025)",
    }
)

#: The marker for a value that is not available.
MISSING_MARKER = ":"
#: What separates the observation status from the confidentiality status in a TSV cell.
TSV_CONF_SEPARATOR = "@"
#: The same in a JSON-stat ``status`` string.
JSONSTAT_CONF_SEPARATOR = "|"


def status_parse(*, text: str, separator: str) -> tuple[str, ...]:
    """The flags of one status text, observation status first (``"p@C"`` gives ``("p", "C")``).

    Spaces and the missing marker ``:`` are ignored, duplicates dropped, order kept. ``separator``
    introduces the confidentiality status (``@`` in TSV, ``|`` in JSON-stat). Raises
    ``ValueError`` naming the text when it holds anything but letters around one separator.
    """
    if not text:
        return ()
    observation, _sep, confidentiality = text.partition(separator)
    letters = (observation + confidentiality).replace(" ", "").replace(MISSING_MARKER, "")
    if separator in confidentiality or (letters and not (letters.isascii() and letters.isalpha())):
        raise ValueError(
            f"{text!r} is not a Eurostat status: flag letters such as 'p' or 'ep', then "
            f"'{separator}C' for a confidentiality status"
        )
    if len(letters) == 1:
        return (letters,)
    return tuple(dict.fromkeys(letters))


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


def flag_meaning(*, flag: str, language: str) -> str | None:
    """What ``flag`` means, in ``language`` (``opendata.flag.<flag>`` in ``core/labels``, whose
    English is :data:`FLAG_MEANINGS`); None for a flag Eurostat does not define."""
    if flag not in FLAG_MEANINGS:
        return None
    return label_get(f"opendata.flag.{flag}", language)
