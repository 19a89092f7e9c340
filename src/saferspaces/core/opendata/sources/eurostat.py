"""The Eurostat sources Safer Spaces imports, each a small declaration."""

from __future__ import annotations

from types import MappingProxyType

from saferspaces.core.opendata.derive import Direct, LikertTopShare, Ratio
from saferspaces.core.opendata.observation import DataFormat
from saferspaces.core.opendata.sources.base import DerivedIndicator, EurostatSource, GeographyKind

_ALL_FORMATS = (DataFormat.SDMX_TSV, DataFormat.LEGACY_TSV, DataFormat.JSON_STAT)


def _block(first: int, size: int = 5) -> tuple[str, ...]:
    return tuple(f"PS{number}V" for number in range(first, first + size))


# Why a declared block is not offered as a pre-fill yet (docs/data-sources.md, "Code
# verification"): the codes occur in the real file with a complete answer block, but their
# meaning could not be checked against Eurostat's INDIC_UR code list.
_THIRD_PARTY_ONLY = (
    "Codes occur in the file as a complete five-answer block, and independent public code uses "
    "the same meaning, but Eurostat's INDIC_UR label could not be checked: not offered as a "
    "pre-fill until it is."
)
_INFERRED = (
    "Inferred from the layout only (satisfaction items PS1012V, PS1022V ... follow the order "
    "of the questionnaire's satisfaction list, in which public spaces is the sixth item); "
    "Eurostat's INDIC_UR label could not be checked: not offered as a pre-fill until it is."
)


class PerceptionSurvey(EurostatSource):
    """Perception survey on quality of life in European cities (city level, percent shares)."""

    name = "urb_percep"
    dataset = "urb_percep"
    title = "Perception survey on quality of life in European cities"
    formats = _ALL_FORMATS
    geography = GeographyKind.URBAN_AUDIT
    indicator_dimension = "indic_ur"
    required_dimensions = ("indic_ur", "cities")
    filters = MappingProxyType({"unit": ("PC",)})
    unit_range = MappingProxyType({"PC": (0.0, 100.0)})
    cadence = "Survey waves 2004, 2006, 2009, 2012, 2015, 2019 (and later waves); irregular"
    caveats = (
        "Sample survey of about 700 respondents per city (2019 and later; about 500 before): "
        "differences of a few points between cities or waves are within the margin of error.",
        "The safety questions changed in 2019 ('I feel safe walking alone at night in my "
        "city/neighbourhood') from the 2004-2015 'I feel safe in this city/neighbourhood': the "
        "series break and are kept as separate indicators.",
        "2004 and 2006 used a shorter answer scale for the safety items (only three answer codes "
        "are filled), so their top-two-box shares are not comparable with later waves.",
        "Values are shares of all respondents including 'don't know'.",
    )
    derived = (
        DerivedIndicator(
            code="urb_percep.safe_night_city",
            label="Feel safe walking alone at night in the city (strongly + somewhat agree)",
            transform=LikertTopShare(block=_block(3514)),
            years=(2019,),
            note="PS3514V-PS3518V: strongly agree, somewhat agree, somewhat disagree, strongly "
            "disagree, don't know.",
        ),
        DerivedIndicator(
            code="urb_percep.safe_night_neighbourhood",
            label="Feel safe walking alone at night in the neighbourhood "
            "(strongly + somewhat agree)",
            transform=LikertTopShare(block=_block(3519)),
            years=(2019,),
            note="PS3519V-PS3523V, same answer scale as the city item.",
        ),
        DerivedIndicator(
            code="urb_percep.safe_city",
            label="Feel safe in this city (2004-2015 item; top two answers)",
            transform=LikertTopShare(block=_block(3290)),
            years=(2004, 2006, 2009, 2012, 2015),
            note="PS3290V-PS3294V. Break in series with the 2019 night-time item.",
        ),
        DerivedIndicator(
            code="urb_percep.safe_neighbourhood",
            label="Feel safe in this neighbourhood (2004-2015 item; top two answers)",
            transform=LikertTopShare(block=_block(3300)),
            years=(2004, 2006, 2009, 2012, 2015),
            note="PS3300V-PS3304V. Break in series with the 2019 night-time item.",
        ),
        DerivedIndicator(
            code="urb_percep.trust_people_city",
            label="Most people in the city can be trusted (strongly + somewhat agree)",
            transform=LikertTopShare(block=_block(3092)),
            years=(2009, 2012, 2015, 2019),
            verified=False,
            note=_THIRD_PARTY_ONLY,
        ),
        DerivedIndicator(
            code="urb_percep.satisfied_with_life",
            label="Satisfied with the life one leads (very + fairly satisfied)",
            transform=LikertTopShare(block=_block(3350)),
            years=(2012, 2015, 2019),
            verified=False,
            note=_THIRD_PARTY_ONLY,
        ),
        DerivedIndicator(
            code="urb_percep.satisfied_living_in_city",
            label="Satisfied to live in the city (strongly + somewhat agree)",
            transform=LikertTopShare(block=_block(3360)),
            years=(2012, 2019),
            verified=False,
            note=_THIRD_PARTY_ONLY,
        ),
        DerivedIndicator(
            code="urb_percep.satisfied_public_spaces",
            label="Satisfied with public spaces such as markets, squares and pedestrian areas "
            "(very + rather satisfied)",
            transform=LikertTopShare(block=_block(1062)),
            years=(2004, 2006, 2009, 2012, 2015, 2019),
            verified=False,
            note=_INFERRED,
        ),
    )


class CrimeByRegion(EurostatSource):
    """Recorded offences by offence category and NUTS 3 region (police data)."""

    name = "crim_gen_reg"
    dataset = "crim_gen_reg"
    title = "Recorded offences by offence category - police data by NUTS 3 regions"
    geography = GeographyKind.NUTS
    indicator_dimension = "iccs"
    required_dimensions = ("iccs", "unit", "geo")
    filters = MappingProxyType({"unit": ("NR", "P_HTHAB")})
    cadence = "Annual"
    caveats = (
        "A NUTS 3 rate describes the region, not the city: a city's own rate can differ a lot.",
        "Recorded offences depend on reporting and recording practice; do not compare countries.",
        "Per 100 000 inhabitants (P_HTHAB) uses the region's average population.",
    )
    derived = (
        DerivedIndicator(
            code="crim_gen_reg.homicide",
            label="Intentional homicide",
            transform=Direct("ICCS0101"),
            unit="number or per 100 000 inhabitants (see unit)",
        ),
        DerivedIndicator(
            code="crim_gen_reg.robbery",
            label="Robbery",
            transform=Direct("ICCS0401"),
            unit="number or per 100 000 inhabitants (see unit)",
        ),
        DerivedIndicator(
            code="crim_gen_reg.burglary",
            label="Burglary",
            transform=Direct("ICCS0501"),
            unit="number or per 100 000 inhabitants (see unit)",
        ),
        DerivedIndicator(
            code="crim_gen_reg.vehicle_theft",
            label="Theft of a motorised land vehicle",
            transform=Direct("ICCS050211"),
            unit="number or per 100 000 inhabitants (see unit)",
        ),
    )


class PopulationByRegion(EurostatSource):
    """Population on 1 January by broad age group, sex and NUTS 3 region."""

    name = "demo_r_pjanaggr3"
    dataset = "demo_r_pjanaggr3"
    title = "Population on 1 January by broad age group, sex and NUTS 3 region"
    geography = GeographyKind.NUTS
    indicator_dimension = "age"
    required_dimensions = ("unit", "sex", "age", "geo")
    filters = MappingProxyType({"unit": ("NR",), "sex": ("T",)})
    cadence = "Annual (1 January)"
    caveats = ("Regional population, not the city's: use as a denominator or for context.",)
    derived = (
        DerivedIndicator(
            code="demo_r_pjanaggr3.population",
            label="Population on 1 January",
            transform=Direct("TOTAL"),
            unit="persons",
        ),
        DerivedIndicator(
            code="demo_r_pjanaggr3.share_65_plus",
            label="Share of the population aged 65 and over",
            transform=Ratio("Y_GE65", "TOTAL"),
        ),
        DerivedIndicator(
            code="demo_r_pjanaggr3.share_under_15",
            label="Share of the population aged under 15",
            transform=Ratio("Y_LT15", "TOTAL"),
        ),
    )


class CityPopulation(EurostatSource):
    """Urban Audit city statistics: population on 1 January (background conditions)."""

    name = "urb_cpop1"
    dataset = "urb_cpop1"
    title = "Population on 1 January by age groups and sex - cities and greater cities"
    formats = _ALL_FORMATS
    geography = GeographyKind.URBAN_AUDIT
    indicator_dimension = "indic_ur"
    required_dimensions = ("indic_ur", "cities")
    cadence = "Annual, with gaps: cities report irregularly"
    caveats = (
        "City statistics are supplied by national statistical offices on a voluntary basis; "
        "years and coverage vary between cities.",
    )
    derived = (
        DerivedIndicator(
            code="urb_cpop1.population",
            label="Population on 1 January, total",
            transform=Direct("DE1001V"),
            unit="persons",
        ),
    )


class CrimeViolenceVandalism(EurostatSource):
    """EU-SILC: share of people reporting crime, violence or vandalism in their area."""

    name = "ilc_mddw03"
    dataset = "ilc_mddw03"
    title = "Crime, violence or vandalism in the area - EU-SILC survey"
    geography = GeographyKind.COUNTRY
    indicator_dimension = "incgrp"
    required_dimensions = ("hhtyp", "incgrp", "unit", "geo")
    filters = MappingProxyType({"unit": ("PC",), "hhtyp": ("TOTAL",)})
    unit_range = MappingProxyType({"PC": (0.0, 100.0)})
    cadence = "Annual until 2020; the item moved to the EU-SILC ad hoc modules afterwards"
    caveats = (
        "National figure: context only, never the authority's own value.",
        "A household survey item (the respondent's own area), not recorded crime.",
    )
    derived = (
        DerivedIndicator(
            code="ilc_mddw03.crime_violence_vandalism",
            label="Population reporting crime, violence or vandalism in their area",
            transform=Direct("TOTAL"),
        ),
    )
