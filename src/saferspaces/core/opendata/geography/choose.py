"""An authority's geography (its Urban Audit codes and NUTS chain) and the choice of the most
local value available, saying which level the value comes from."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from saferspaces.core.opendata.errors import GeographyError, Location, Problem
from saferspaces.core.opendata.geography.codes import (
    GeoLevel,
    nuts_chain,
    nuts_parse,
    urban_audit_parse,
)

T = TypeVar("T")


class MatchStatus(StrEnum):
    """Whether a person has looked at the match."""

    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


@dataclass(frozen=True, slots=True)
class AuthorityGeography:
    """Where an authority is in Eurostat's geographies, most local first.

    Build it with :func:`authority_geography`, which checks the codes fit together.
    """

    country: str
    city: str | None = None
    greater_city: str | None = None
    fua: str | None = None
    nuts3: str | None = None
    nuts2: str | None = None
    nuts1: str | None = None
    status: MatchStatus = MatchStatus.SUGGESTED

    @property
    def chain(self) -> tuple[tuple[GeoLevel, str], ...]:
        """(level, code) pairs from the most local to the country."""
        pairs = [
            (GeoLevel.CITY, self.city),
            (GeoLevel.GREATER_CITY, self.greater_city),
            (GeoLevel.FUA, self.fua),
            (GeoLevel.NUTS3, self.nuts3),
            (GeoLevel.NUTS2, self.nuts2),
            (GeoLevel.NUTS1, self.nuts1),
            (GeoLevel.COUNTRY, self.country),
        ]
        return tuple((level, code) for level, code in pairs if code)


def authority_geography(
    *,
    country: str,
    city: str | None = None,
    greater_city: str | None = None,
    fua: str | None = None,
    nuts3: str | None = None,
    nuts2: str | None = None,
    status: MatchStatus = MatchStatus.SUGGESTED,
) -> AuthorityGeography:
    """Check and assemble an authority's geography. The NUTS 2/1 levels follow from the NUTS 3
    code (or from ``nuts2`` when no NUTS 3 is known). All problems are reported at once."""
    problems: list[Problem] = []
    country = country.strip().upper()
    ua_codes: dict[GeoLevel, str | None] = {}
    for expected, code in (
        (GeoLevel.CITY, city),
        (GeoLevel.GREATER_CITY, greater_city),
        (GeoLevel.FUA, fua),
    ):
        if not code:
            ua_codes[expected] = None
            continue
        try:
            parsed = urban_audit_parse(code=code)
        except GeographyError as exc:
            problems.append(Problem(Location(code, step="geography"), exc.message))
            continue
        if parsed.level is not expected:
            problems.append(
                Problem(
                    Location(code, step="geography"),
                    f"is a {parsed.level.label}, expected a {expected.label}",
                )
            )
        if parsed.country != country:
            problems.append(
                Problem(
                    Location(code, step="geography"),
                    f"belongs to country {parsed.country}, not {country}",
                )
            )
        ua_codes[expected] = parsed.code
    levels: dict[GeoLevel, str] = {}
    regional = nuts3 or nuts2
    if regional:
        try:
            chain = nuts_chain(code=regional)
        except GeographyError as exc:
            problems.append(Problem(Location(regional, step="geography"), exc.message))
            chain = ()
        if chain:
            want = GeoLevel.NUTS3 if nuts3 else GeoLevel.NUTS2
            if chain[0].level is not want:
                problems.append(
                    Problem(
                        Location(regional, step="geography"),
                        f"is a {chain[0].level.label}, expected a {want.label}",
                    )
                )
            if chain[-1].code != country:
                problems.append(
                    Problem(
                        Location(regional, step="geography"),
                        f"belongs to country {chain[-1].code}, not {country}",
                    )
                )
            levels = {item.level: item.code for item in chain}
    try:
        if nuts_parse(code=country).level is not GeoLevel.COUNTRY:
            raise GeographyError("not a country code", location=Location(country))
    except GeographyError:
        problems.append(
            Problem(
                Location(country, step="geography"), "is not a two-letter Eurostat country code"
            )
        )
    if problems:
        raise GeographyError(
            "the authority's geography does not fit together",
            location=Location(step="geography"),
            problems=problems,
        )
    return AuthorityGeography(
        country=country,
        city=ua_codes.get(GeoLevel.CITY),
        greater_city=ua_codes.get(GeoLevel.GREATER_CITY),
        fua=ua_codes.get(GeoLevel.FUA),
        nuts3=levels.get(GeoLevel.NUTS3),
        nuts2=levels.get(GeoLevel.NUTS2),
        nuts1=levels.get(GeoLevel.NUTS1),
        status=status,
    )


@dataclass(frozen=True, slots=True)
class GeoChoice(Generic[T]):
    """The value chosen for an authority and where it comes from."""

    code: str
    level: GeoLevel
    value: T
    own_area: bool
    note: str


def geography_choose(
    *, authority: AuthorityGeography, available: Mapping[str, T]
) -> GeoChoice[T] | None:
    """Pick the most local value in ``available`` (keyed by geography code) along the authority's
    chain; ``None`` when nothing on the chain has a value. ``own_area`` is true only for the
    authority's own city code: a NUTS 3 crime rate is not the city's own."""
    for level, code in authority.chain:
        if code in available:
            own = level is GeoLevel.CITY
            if own:
                note = f"value for the city itself ({code})"
            else:
                note = f"value for the {level.label} {code}, not for the authority itself"
            return GeoChoice(code=code, level=level, value=available[code], own_area=own, note=note)
    return None


def name_normalise(*, text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name, without qualifiers such
    as '(greater city)'."""
    text = text.split("(")[0]
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in letters.casefold())
    return " ".join(words.split())


@dataclass(frozen=True, slots=True)
class GeoCandidate:
    code: str
    label: str
    exact: bool


def geography_suggest(*, name: str, country: str, labels: Mapping[str, str]) -> list[GeoCandidate]:
    """Codes of ``labels`` (code -> label, e.g. from a JSON-stat dimension or the NUTS table)
    whose label matches the authority's name in its country: exact matches first, then labels
    containing the name. A person confirms or corrects the suggestion."""
    wanted = name_normalise(text=name)
    if not wanted:
        return []
    country = country.strip().upper()
    exact: list[GeoCandidate] = []
    partial: list[GeoCandidate] = []
    for code, label in labels.items():
        if not code.upper().startswith(country):
            continue
        # labels may carry alternatives such as 'Bruxelles/Brussel'
        forms = [name_normalise(text=part) for part in label.split("/")]
        if wanted in forms:
            exact.append(GeoCandidate(code, label, True))
        elif any(wanted in form.split() or form.startswith(wanted) for form in forms if form):
            partial.append(GeoCandidate(code, label, False))
    exact.sort(key=lambda c: c.code)
    partial.sort(key=lambda c: c.code)
    return exact + partial
