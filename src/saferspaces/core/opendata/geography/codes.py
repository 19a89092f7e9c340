"""Eurostat geography codes: Urban Audit cities and NUTS regions.

* Urban Audit: ``BE001C`` city, ``BE001K`` greater city, ``BE001F`` functional urban area (``L``
  in older releases: larger urban zone); an optional trailing digit marks a boundary revision
  (``DE001C1``).
* NUTS: two-letter country code then one character per level (``DE``, ``DE2``, ``DE21``,
  ``DE212``); codes made only of ``Z`` after the country are extra-regio and never an area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from saferspaces.core.opendata.errors import GeographyError, Location


class GeoLevel(StrEnum):
    """The level a value comes from, from most to least local."""

    CITY = "city"
    GREATER_CITY = "greater-city"
    FUA = "functional-urban-area"
    NUTS3 = "nuts3"
    NUTS2 = "nuts2"
    NUTS1 = "nuts1"
    COUNTRY = "country"
    AGGREGATE = "aggregate"

    @property
    def locality(self) -> int:
        """0 for the most local level; larger is coarser."""
        return _LOCALITY[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_LOCALITY = {level: index for index, level in enumerate(GeoLevel)}
_LABELS = {
    GeoLevel.CITY: "city (Urban Audit)",
    GeoLevel.GREATER_CITY: "greater city (Urban Audit)",
    GeoLevel.FUA: "functional urban area",
    GeoLevel.NUTS3: "NUTS 3 region",
    GeoLevel.NUTS2: "NUTS 2 region",
    GeoLevel.NUTS1: "NUTS 1 region",
    GeoLevel.COUNTRY: "country",
    GeoLevel.AGGREGATE: "group of countries",
}
_NUTS_LEVELS = (GeoLevel.COUNTRY, GeoLevel.NUTS1, GeoLevel.NUTS2, GeoLevel.NUTS3)
_UA_KINDS = {"C": GeoLevel.CITY, "K": GeoLevel.GREATER_CITY, "F": GeoLevel.FUA, "L": GeoLevel.FUA}
_UA = re.compile(r"^([A-Z]{2})(\d{3})([CKFL])(\d?)$")
_NUTS = re.compile(r"^([A-Z]{2})([0-9A-Z]{0,3})$")
_AGGREGATE_PREFIXES = ("EU", "EA", "EEA", "EFTA")


@dataclass(frozen=True, slots=True)
class UrbanAuditCode:
    code: str
    country: str
    number: str
    level: GeoLevel
    revision: str = ""

    @property
    def city(self) -> str:
        """The code of the city itself (``C``) with the same number."""
        return f"{self.country}{self.number}C{self.revision}"


@dataclass(frozen=True, slots=True)
class NutsCode:
    code: str
    country: str
    level: GeoLevel
    extra_regio: bool = False

    @property
    def depth(self) -> int:
        """0 for a country, 1-3 for NUTS 1-3."""
        return len(self.code) - 2

    def parent(self) -> NutsCode | None:
        if self.depth == 0:
            return None
        return nuts_parse(code=self.code[:-1])


@dataclass(frozen=True, slots=True)
class GeoRef:
    """Any geography code with its level and country."""

    code: str
    level: GeoLevel
    country: str


def urban_audit_parse(*, code: str) -> UrbanAuditCode:
    """Parse an Urban Audit code; :class:`GeographyError` when it is not one."""
    text = code.strip().upper()
    match = _UA.match(text)
    if match is None:
        raise GeographyError(
            f"{code!r} is not an Urban Audit code such as BE001C (city), BE001K (greater city) "
            "or BE001F (functional urban area)",
            location=Location(code, step="geography"),
        )
    country, number, kind, revision = match.groups()
    return UrbanAuditCode(text, country, number, _UA_KINDS[kind], revision)


def nuts_parse(*, code: str) -> NutsCode:
    """Parse a NUTS code (levels 0-3); :class:`GeographyError` when it is not one."""
    text = code.strip().upper()
    match = _NUTS.match(text)
    if match is None or text.startswith(_AGGREGATE_PREFIXES):
        raise GeographyError(
            f"{code!r} is not a NUTS code such as DE, DE2, DE21 or DE212",
            location=Location(code, step="geography"),
        )
    country, rest = match.groups()
    extra = bool(rest) and set(rest) == {"Z"}
    return NutsCode(text, country, _NUTS_LEVELS[len(rest)], extra)


def nuts_chain(*, code: str) -> tuple[NutsCode, ...]:
    """The chain from a NUTS code up to its country: ``DE212 -> DE21 -> DE2 -> DE``."""
    current: NutsCode | None = nuts_parse(code=code)
    chain: list[NutsCode] = []
    while current is not None:
        chain.append(current)
        current = current.parent()
    return tuple(chain)


def geo_classify(*, code: str) -> GeoRef:
    """Tell what a geography code of a Eurostat dataset is (Urban Audit, NUTS or aggregate)."""
    text = code.strip().upper()
    if _UA.match(text):
        ua = urban_audit_parse(code=text)
        return GeoRef(ua.code, ua.level, ua.country)
    if text.startswith(_AGGREGATE_PREFIXES) and not _UA.match(text):
        return GeoRef(text, GeoLevel.AGGREGATE, "")
    nuts = nuts_parse(code=text)
    if nuts.extra_regio:
        raise GeographyError(
            f"{code!r} is an extra-regio NUTS code (no territory)",
            location=Location(code, step="geography"),
        )
    return GeoRef(nuts.code, nuts.level, nuts.country)
