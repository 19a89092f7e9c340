"""Pre-fill: which stored value answers a framework indicator for one authority.

A framework edition says, in an indicator's ``guidance.sources``, that Eurostat feeds it::

    - kind: open_data
      provider: Eurostat
      dataset: urb_percep
      code: PS3514V-PS3518V      # or PS3514V, a list "A,B,C", or a declared indicator
      transform: top_two_box     # optional: direct (default), top_box, top_two_box

:func:`prefill_spec_parse` turns that into a :class:`PrefillSpec`; :func:`prefill_choose` picks,
among stored cells, the most local geography on the authority's chain (city first, then NUTS 3,
2, 1, country), then the latest period up to the wanted year for which the transform gives a
value, and says where the value comes from (:class:`PrefillSuggestion`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from saferspaces.core.opendata.derive import Direct, LikertTopShare, Transform
from saferspaces.core.opendata.errors import Location, SourceError
from saferspaces.core.opendata.flags import flags_describe
from saferspaces.core.opendata.geography.choose import AuthorityGeography, MatchStatus
from saferspaces.core.opendata.geography.codes import GeoLevel
from saferspaces.core.opendata.sources import SOURCES

#: Transform names a framework edition may use, and the top-box size they mean.
TRANSFORMS: Mapping[str, int] = {"direct": 0, "top_box": 1, "top_two_box": 2}

#: Eurostat units that fit each framework answer type (the first one found is used).
UNITS_BY_ANSWER: Mapping[str, tuple[str, ...]] = {
    "percentage": ("PC",),
    "rate_per_100k": ("P_HTHAB",),
    "number": ("NR",),
}

_RANGE = re.compile(r"^([A-Z_]*?)(\d+)([A-Z_]*)-([A-Z_]*?)(\d+)([A-Z_]*)$")
_MAX_RANGE = 20


@dataclass(frozen=True, slots=True)
class PrefillSpec:
    """How one framework indicator is fed from one dataset."""

    indicator: str
    dataset: str
    codes: tuple[str, ...]
    transform: Transform
    transform_name: str
    units: tuple[str, ...] = ()

    @property
    def method(self) -> str:
        return self.transform.describe()


@dataclass(frozen=True, slots=True)
class StoredCell:
    """One stored observation, as the selector hands it to :func:`prefill_choose`."""

    code: str
    geo: str
    period: str
    year: int | None
    value: float | None
    flags: tuple[str, ...]
    unit: str
    run_id: int
    retrieved_at: datetime | None
    context: str = ""


@dataclass(frozen=True, slots=True)
class PrefillSuggestion:
    """A value offered to the respondent for one indicator, with everything needed to show
    where it comes from. The respondent accepts, overrides or rejects it; it is never applied
    silently."""

    indicator: str
    value: float
    dataset: str
    codes: tuple[str, ...]
    geo: str
    geo_level: GeoLevel
    period: str
    flags: tuple[str, ...]
    unit: str
    run_id: int
    retrieved_at: datetime | None
    method: str
    own_area: bool
    match_confirmed: bool
    provenance: str

    @property
    def flags_text(self) -> str:
        return flags_describe(flags=self.flags)


def _codes_expand(*, text: str, where: Location) -> tuple[str, ...]:
    text = text.strip().upper()
    if "," in text:
        codes = tuple(part.strip() for part in text.split(",") if part.strip())
        if not codes:
            raise SourceError("the code list is empty", location=where)
        return codes
    match = _RANGE.match(text)
    if match is None:
        if "-" in text:
            raise SourceError(
                f"{text!r} is not a code range such as PS3514V-PS3518V", location=where
            )
        return (text,)
    prefix, first, suffix, prefix2, last, suffix2 = match.groups()
    if (prefix, suffix) != (prefix2, suffix2) or len(first) != len(last):
        raise SourceError(f"the ends of {text!r} differ in more than their number", location=where)
    low, high = int(first), int(last)
    if not 0 < high - low + 1 <= _MAX_RANGE:
        raise SourceError(
            f"{text!r} must run upwards over at most {_MAX_RANGE} codes", location=where
        )
    return tuple(f"{prefix}{n:0{len(first)}d}{suffix}" for n in range(low, high + 1))


def _declared(dataset: str, code: str, where: Location) -> Transform | None:
    """The transform of an indicator a source declares, by its code (``urb_percep.safe_city``
    or ``safe_city``). A declared indicator whose Eurostat codes are not verified is refused
    with the reason, so it is never offered as a pre-fill by mistake."""
    for cls in SOURCES.values():
        if cls.dataset != dataset:
            continue
        for indicator in cls.derived:
            short = indicator.code.split(".", 1)[-1]
            if code not in (indicator.code, short) and code.upper() != indicator.code.upper():
                continue
            if not indicator.verified:
                raise SourceError(
                    f"{indicator.code} is declared but its Eurostat codes "
                    f"({indicator.inputs[0]}-{indicator.inputs[-1]}) are not verified against "
                    "Eurostat's code list, so it is not offered as a pre-fill",
                    location=where,
                )
            return indicator.transform
    return None


def _declared_block(dataset: str, first: str) -> tuple[str, ...] | None:
    for cls in SOURCES.values():
        if cls.dataset != dataset:
            continue
        for indicator in cls.derived:
            transform = indicator.transform
            if (
                indicator.verified
                and isinstance(transform, LikertTopShare)
                and transform.block[0] == first
            ):
                return transform.block
    return None


def prefill_spec_parse(
    *,
    indicator: str,
    dataset: str,
    code: str,
    transform: str | None = None,
    answer_type: str | None = None,
) -> PrefillSpec:
    """Read an edition's open-data source entry; :class:`SourceError` (naming the indicator and
    the field) when the code or the transform cannot be used."""
    where = Location(indicator, path="guidance.sources.code", step="prefill")
    name = (transform or "direct").strip().lower()
    if name not in TRANSFORMS:
        raise SourceError(
            f"unknown transform {transform!r}; known: {', '.join(TRANSFORMS)}",
            location=Location(indicator, path="guidance.sources.transform", step="prefill"),
        )
    units = UNITS_BY_ANSWER.get(answer_type or "", ())
    top = TRANSFORMS[name]
    declared = _declared(dataset, code.strip(), where)
    if declared is not None:
        if top == 0 or not isinstance(declared, LikertTopShare):
            return PrefillSpec(indicator, dataset, declared.inputs, declared, name, units)
        block = declared.block
        return PrefillSpec(
            indicator, dataset, block, LikertTopShare(block=block, top=top), name, units
        )
    codes = _codes_expand(text=code, where=where)
    if top == 0:
        if len(codes) != 1:
            raise SourceError(
                f"{len(codes)} codes need a transform such as top_two_box; 'direct' takes one",
                location=where,
            )
        return PrefillSpec(indicator, dataset, codes, Direct(codes[0]), name, units)
    if len(codes) == 1:
        found = _declared_block(dataset, codes[0])
        if found is None:
            raise SourceError(
                f"{name} needs the whole answer block (e.g. {codes[0]}-...), most positive "
                "answer first and 'don't know' last",
                location=where,
            )
        codes = found
    try:
        likert = LikertTopShare(block=codes, top=top)
    except SourceError as exc:
        raise SourceError(exc.message, location=where) from None
    return PrefillSpec(indicator, dataset, codes, likert, name, units)


def _period_key(period: str) -> tuple[int, str]:
    head = period[:4]
    return (int(head) if head.isdigit() else -1, period)


def prefill_choose(
    *,
    spec: PrefillSpec,
    geography: AuthorityGeography,
    cells: Iterable[StoredCell],
    year: int | None = None,
) -> PrefillSuggestion | None:
    """The suggestion for ``spec``: the most local geography on the authority's chain that has
    a value, and there the latest period up to ``year`` (any period when ``year`` is None).
    ``None`` when nothing fits."""
    wanted = set(spec.codes)
    on_chain = {code: level for level, code in geography.chain}
    # geo -> (unit, context) -> period -> code -> cell
    grouped: dict[str, dict[tuple[str, str], dict[str, dict[str, StoredCell]]]] = {}
    for cell in cells:
        if cell.code not in wanted or cell.geo not in on_chain:
            continue
        if spec.units and cell.unit not in spec.units:
            continue
        if year is not None and (cell.year is None or cell.year > year):
            continue
        by_period = grouped.setdefault(cell.geo, {}).setdefault((cell.unit, cell.context), {})
        by_period.setdefault(cell.period, {})[cell.code] = cell
    for level, geo in geography.chain:
        series = grouped.get(geo)
        if not series:
            continue
        rank = {unit: i for i, unit in enumerate(spec.units)}
        for unit, context in sorted(series, key=lambda k: (rank.get(k[0], len(rank)), k)):
            periods = series[(unit, context)]
            for period in sorted(periods, key=_period_key, reverse=True):
                found = periods[period]
                value, flags = spec.transform.apply(
                    {code: (c.value, c.flags) for code, c in found.items()}
                )
                if value is None:
                    continue
                newest = max(found.values(), key=lambda c: (c.run_id, c.code))
                return _suggestion(spec, geography, level, geo, period, unit, value, flags, newest)
    return None


def _suggestion(
    spec: PrefillSpec,
    geography: AuthorityGeography,
    level: GeoLevel,
    geo: str,
    period: str,
    unit: str,
    value: float,
    flags: tuple[str, ...],
    newest: StoredCell,
) -> PrefillSuggestion:
    own = level is GeoLevel.CITY
    confirmed = geography.status is not MatchStatus.SUGGESTED
    where = (
        f"the city itself ({geo})" if own else f"the {level.label} {geo}, not the authority itself"
    )
    parts = [
        f"Eurostat {spec.dataset}, {' + '.join(spec.codes[:4])}"
        + (" ..." if len(spec.codes) > 4 else ""),
        spec.method,
        f"value for {where}",
        f"period {period}",
    ]
    if unit:
        parts.append(f"unit {unit}")
    if flags:
        parts.append(f"flags: {flags_describe(flags=flags)}")
    imported = (
        f"imported {newest.retrieved_at:%Y-%m-%d} (run {newest.run_id})"
        if newest.retrieved_at
        else f"run {newest.run_id}"
    )
    parts.append(imported)
    if not confirmed:
        parts.append("geography match not yet confirmed")
    return PrefillSuggestion(
        indicator=spec.indicator,
        value=value,
        dataset=spec.dataset,
        codes=spec.codes,
        geo=geo,
        geo_level=level,
        period=period,
        flags=flags,
        unit=unit,
        run_id=newest.run_id,
        retrieved_at=newest.retrieved_at,
        method=spec.method,
        own_area=own,
        match_confirmed=confirmed,
        provenance="; ".join(parts),
    )
