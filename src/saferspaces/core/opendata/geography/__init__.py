"""Geography: Urban Audit and NUTS codes, an authority's chain, the most local value."""

from saferspaces.core.opendata.geography.choose import (
    AuthorityGeography,
    GeoCandidate,
    GeoChoice,
    MatchStatus,
    authority_geography,
    geography_choose,
    geography_suggest,
    name_normalise,
)
from saferspaces.core.opendata.geography.codes import (
    GeoLevel,
    GeoRef,
    NutsCode,
    UrbanAuditCode,
    geo_classify,
    nuts_chain,
    nuts_parse,
    urban_audit_parse,
)
from saferspaces.core.opendata.geography.population import (
    CityPopulation,
    PopulationCandidate,
    city_population_latest,
    city_population_suggest,
)

__all__ = [
    "AuthorityGeography",
    "CityPopulation",
    "GeoCandidate",
    "GeoChoice",
    "GeoLevel",
    "GeoRef",
    "MatchStatus",
    "NutsCode",
    "PopulationCandidate",
    "UrbanAuditCode",
    "authority_geography",
    "city_population_latest",
    "city_population_suggest",
    "geo_classify",
    "geography_choose",
    "geography_suggest",
    "name_normalise",
    "nuts_chain",
    "nuts_parse",
    "urban_audit_parse",
]
