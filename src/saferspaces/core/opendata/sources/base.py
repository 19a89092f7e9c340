"""The base of declarative source definitions.

A source is a small class naming its dataset, formats, geography, dimension filters and the
framework indicators derived from it; the import pipeline does the rest::

    class CrimeByRegion(EurostatSource):
        name = "crim_gen_reg"
        dataset = "crim_gen_reg"
        geography = GeographyKind.NUTS
        indicator_dimension = "iccs"
        filters = {"unit": ("NR", "P_HTHAB")}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from saferspaces.core.opendata.derive import Transform
from saferspaces.core.opendata.errors import Location, SourceError
from saferspaces.core.opendata.observation import DataFormat


class GeographyKind(StrEnum):
    """What the geography codes of a dataset are."""

    URBAN_AUDIT = "urban-audit"  # cities (C), greater cities (K), functional urban areas (F)
    NUTS = "nuts"  # NUTS 0-3 mixed in one file
    NUTS3 = "nuts3"
    NUTS2 = "nuts2"
    NUTS1 = "nuts1"
    COUNTRY = "country"


@dataclass(frozen=True, slots=True)
class DerivedIndicator:
    """A framework-facing indicator computed from a source's codes.

    ``code`` is stable and used by framework editions to say which source feeds which
    indicator; ``verified`` is false where the mapping of Eurostat codes to the question could
    not be confirmed against Eurostat's code list, and such an indicator is never offered as a
    pre-fill until it is.
    """

    code: str
    label: str
    transform: Transform
    unit: str = "%"
    note: str = ""
    verified: bool = True
    years: tuple[int, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.transform.inputs

    @property
    def method(self) -> str:
        return self.transform.describe()


class EurostatSource:
    """Base of every declared Eurostat source: override the class attributes."""

    name: ClassVar[str] = ""
    dataset: ClassVar[str] = ""
    title: ClassVar[str] = ""
    api_format: ClassVar[DataFormat] = DataFormat.SDMX_TSV
    formats: ClassVar[tuple[DataFormat, ...]] = (DataFormat.SDMX_TSV, DataFormat.JSON_STAT)
    geography: ClassVar[GeographyKind] = GeographyKind.NUTS
    indicator_dimension: ClassVar[str] = ""
    required_dimensions: ClassVar[tuple[str, ...]] = ()
    filters: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    derived: ClassVar[tuple[DerivedIndicator, ...]] = ()
    unit_range: ClassVar[Mapping[str, tuple[float, float]]] = {}
    licence: ClassVar[str] = (
        "Eurostat: free reuse with attribution (source: Eurostat), under the Commission's reuse "
        "policy, Commission Decision 2011/833/EU"
    )
    cadence: ClassVar[str] = ""
    caveats: ClassVar[tuple[str, ...]] = ()

    def keep_series(self, series: Mapping[str, str]) -> bool:
        """True when a row's dimensions pass every declared filter."""
        return all(series.get(dim) in allowed for dim, allowed in self.filters.items())

    def derived_get(self, *, code: str) -> DerivedIndicator:
        for indicator in self.derived:
            if indicator.code == code:
                return indicator
        raise SourceError(
            f"source {self.name!r} declares no indicator {code!r}",
            location=Location(self.name, path=code, step="define"),
        )

    @classmethod
    def definition_check(cls) -> list[str]:
        """Problems in the declaration itself (empty list when it is consistent)."""
        problems: list[str] = []
        if not cls.name or not cls.dataset:
            problems.append(f"{cls.__name__}: name and dataset are required")
        if not cls.indicator_dimension:
            problems.append(f"{cls.__name__}: indicator_dimension is required")
        if cls.api_format not in cls.formats:
            problems.append(f"{cls.__name__}: api_format {cls.api_format.value} not in formats")
        codes = [d.code for d in cls.derived]
        if len(set(codes)) != len(codes):
            problems.append(f"{cls.__name__}: derived indicator codes repeat")
        allowed = cls.filters.get(cls.indicator_dimension)
        for indicator in cls.derived:
            if not indicator.code.startswith(f"{cls.name}."):
                problems.append(f"{cls.__name__}: {indicator.code} should start with '{cls.name}.'")
            if allowed is not None:
                outside = [c for c in indicator.inputs if c not in allowed]
                if outside:
                    problems.append(
                        f"{cls.__name__}: {indicator.code} uses {outside} which the filters drop"
                    )
        return problems
