"""Declared open-data sources and their registry."""

from __future__ import annotations

from types import MappingProxyType

from saferspaces.core.labels import label_get
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
    "source_title",
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


def source_title(*, name: str, language: str) -> str:
    """The dataset's title in ``language`` (``opendata.source.<name>`` in ``core/labels``; the
    English label is the declared ``title``), in English where it is not translated."""
    try:
        return label_get(f"opendata.source.{name}", language)
    except KeyError:
        return SOURCES[name].title
