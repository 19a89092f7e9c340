"""Stable unit codes that reveal nothing, and the anonymisation rule.

A unit's code is an HMAC-SHA256 of ``"<round id>:<authority id>"`` with a key the caller
passes in (the platform derives it from its secret key), written ``U-`` plus the first six hex
digits in capitals. The same authority keeps its code within a round across exports; without
the key nobody can tell which authority a code stands for, and codes of different rounds cannot
be linked. Two authorities whose six digits clash both get longer codes.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable

from .errors import ExportError, Problem
from .model import RULE_ALL_CODED, RULE_PUBLISHED_NAMED, RULES, CodedUnit, Unit

CODE_PREFIX = "U-"
CODE_DIGITS = 6

RULE_TEXT = {
    RULE_PUBLISHED_NAMED: (
        "Authorities are coded (U- plus hex digits: a keyed hash of the round and the "
        "authority, stable within the round, not linkable across rounds). An authority is "
        "named (name, country, NUTS region) only when it has agreed to publish its results "
        "under its name; then its comments are kept too. For coded authorities: comments, "
        "free-text answers and open-data place codes are left out, background values "
        "(population, density, income and the answers to background questions) are rounded "
        "to 2 significant digits, country and NUTS region are left empty. Rows are sorted "
        "by unit code, never by score."
    ),
    RULE_ALL_CODED: (
        "Every authority is coded (U- plus hex digits: a keyed hash of the round and the "
        "authority, stable within the round, not linkable across rounds), including those "
        "that agreed to publish their results. Comments, free-text answers and open-data "
        "place codes are left out, background values (population, density, income and the "
        "answers to background questions) are rounded to 2 significant digits, country and "
        "NUTS region are left empty. Rows are sorted by unit code, never by score."
    ),
}


def unit_digest(*, key: bytes, round_id: int, authority_id: int) -> str:
    """The full hex HMAC of a unit (upper case)."""
    msg = f"{round_id}:{authority_id}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest().upper()


def units_code(
    *, units: Iterable[Unit], round_id: int, key: bytes, rule: str = RULE_PUBLISHED_NAMED
) -> tuple[CodedUnit, ...]:
    """Code every unit of a round and decide who is named; sorted by code."""
    if rule not in RULES:
        raise ExportError([Problem(f"unknown anonymisation rule {rule!r}; expected {RULES}")])
    if not key:
        raise ExportError([Problem("an empty key would make unit codes guessable")])
    listed = list(units)
    seen: dict[int, int] = {}
    problems: list[Problem] = []
    for u in listed:
        if u.authority in seen:
            problems.append(
                Problem(
                    f"authority {u.authority} has two assessments in the round "
                    f"({seen[u.authority]} and {u.assessment})"
                )
            )
        seen[u.authority] = u.assessment
    if problems:
        raise ExportError(problems)
    digests = {
        u.assessment: unit_digest(key=key, round_id=round_id, authority_id=u.authority)
        for u in listed
    }
    length = {u.assessment: CODE_DIGITS for u in listed}
    while True:
        by_code: dict[str, list[int]] = {}
        for a, d in digests.items():
            by_code.setdefault(d[: length[a]], []).append(a)
        clashes = [ids for ids in by_code.values() if len(ids) > 1]
        if not clashes:
            break
        for ids in clashes:
            for a in ids:
                length[a] += 2
    out = [
        CodedUnit(
            code=CODE_PREFIX + digests[u.assessment][: length[u.assessment]],
            unit=u,
            named=rule == RULE_PUBLISHED_NAMED and u.published,
        )
        for u in listed
    ]
    return tuple(sorted(out, key=lambda c: c.code))


def value_coarsen(value: float | None) -> float | None:
    """``value`` rounded to 2 significant digits (what coded units show of their background)."""
    if value is None or not math.isfinite(value) or value == 0:
        return value
    digits = 1 - math.floor(math.log10(abs(value)))
    try:
        out = round(value, digits)
    except OverflowError:
        # from 1.75e308 up, two significant digits would be 1.8e308, past the largest float:
        # the coarse value is the one below it
        return math.copysign(1.7e308, value)
    return float(out)
