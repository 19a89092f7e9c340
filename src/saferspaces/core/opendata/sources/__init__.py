"""Declared open-data sources and their registry."""

from __future__ import annotations

from types import MappingProxyType

from saferspaces.core.opendata.errors import Location, SourceError
from saferspaces.core.opendata.sources.base import DerivedIndicator, EurostatSource, GeographyKind
from saferspaces.core.opendata.sources.eurostat import (
    CityPopulation,
    CrimeByRegion,
    CrimeViolenceVandalism,
    PerceptionSurvey,
    PopulationByRegion,
)

__all__ = [
    "SOURCES",
    "CityPopulation",
    "CrimeByRegion",
    "CrimeViolenceVandalism",
    "DerivedIndicator",
    "EurostatSource",
    "GeographyKind",
    "PerceptionSurvey",
    "PopulationByRegion",
    "source_get",
]

#: Every declared source by name.
SOURCES: MappingProxyType[str, type[EurostatSource]] = MappingProxyType(
    {
        cls.name: cls
        for cls in (
            PerceptionSurvey,
            CrimeByRegion,
            PopulationByRegion,
            CityPopulation,
            CrimeViolenceVandalism,
        )
    }
)


def source_get(*, name: str) -> EurostatSource:
    """The source declared under ``name``; a :class:`SourceError` naming the known ones if none."""
    cls = SOURCES.get(name)
    if cls is None:
        known = ", ".join(sorted(SOURCES))
        raise SourceError(
            f"unknown source {name!r}; known sources: {known}",
            location=Location(name, step="source"),
        )
    return cls()
