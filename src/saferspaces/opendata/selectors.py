"""Reads of the open-data app: import runs, an authority's geography match and the pre-fill
suggestions the assessment pages offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, QuerySet

from saferspaces.authorities.models import Authority, NutsRegion
from saferspaces.core.framework import Edition
from saferspaces.core.opendata import SOURCES, GeographyError, SourceError, source_get
from saferspaces.core.opendata.geography import (
    AuthorityGeography,
    GeoCandidate,
    GeoLevel,
    MatchStatus,
    PopulationCandidate,
    authority_geography,
    city_population_latest,
    city_population_suggest,
    geography_suggest,
)
from saferspaces.core.opendata.prefill import (
    PrefillSpec,
    PrefillSuggestion,
    StoredCell,
    prefill_choose,
    prefill_spec_parse,
)
from saferspaces.core.opendata.sources import source_title
from saferspaces.opendata.models import (
    GeographyMatch,
    ImportRun,
    MatchMethod,
    Observation,
    RunStatus,
)
from saferspaces.rows import column, rows_read, table

__all__ = [
    "GeographyLevel",
    "GeographySuggestion",
    "PrefillSuggestion",
    "geography_in_force",
    "geography_match_suggest",
    "prefill_specs",
    "prefill_suggestions",
    "run_list",
    "run_progress",
    "source_status",
]


def run_list(*, limit: int = 200) -> QuerySet[ImportRun]:
    """The latest import runs, newest first."""
    return ImportRun.objects.select_related("ran_by").order_by("-started_at", "-id")[:limit]


@dataclass(frozen=True)
class SourceStatus:
    name: str
    dataset: str
    title: str
    last_run: ImportRun | None
    last_ok: ImportRun | None
    observations: int


def source_status(*, language: str = "en") -> list[SourceStatus]:
    """Every declared source (its title in ``language``) with its last run and the number of
    stored observations."""
    counts = dict(
        Observation.objects.values_list("dataset")
        .annotate(n=Count("id"))
        .values_list("dataset", "n")
    )
    out = []
    for name in sorted(SOURCES):
        cls = SOURCES[name]
        runs = ImportRun.objects.filter(source=name).order_by("-started_at", "-id")
        out.append(
            SourceStatus(
                name,
                cls.dataset,
                source_title(name=name, language=language),
                runs.first(),
                runs.filter(status=RunStatus.OK).first(),
                counts.get(cls.dataset, 0),
            )
        )
    return out


@dataclass(frozen=True)
class RunProgress:
    """How far a run has come, for its page: the step, the share done (None when the size of
    what is read is unknown), the values read and loaded, the bytes read of the file's size."""

    step: str
    percent: int | None
    values: int
    bytes_read: int
    bytes_total: int | None


def run_progress(*, run: ImportRun) -> RunProgress:
    from saferspaces.opendata.import_progress import progress_percent

    progress = run.progress if isinstance(run.progress, dict) else {}
    return RunProgress(
        step=str(progress.get("step", "")) if run.status == RunStatus.RUNNING else "",
        percent=progress_percent(progress=progress, finished=run.finished),
        values=int(progress.get("observations") or 0),
        bytes_read=int(progress.get("bytes_read") or 0),
        bytes_total=progress.get("bytes_total") or None,
    )


# --- geography -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GeographyLevel:
    """One level of an authority's chain and what data is stored for it."""

    level: GeoLevel
    code: str
    label: str
    datasets: tuple[tuple[str, int, str], ...]  # (dataset, values, latest period)

    @property
    def level_label(self) -> str:
        return self.level.label


@dataclass(frozen=True)
class GeographySuggestion:
    """An authority's geography: the automatic suggestion and the match in force."""

    authority: Any
    suggested_city: str | None
    suggested_nuts: str
    city_code: str | None
    nuts_code: str
    method: str
    confirmed_by: Any = None
    confirmed_at: datetime | None = None
    city_candidates: tuple[GeoCandidate, ...] = ()
    levels: tuple[GeographyLevel, ...] = ()
    geography: AuthorityGeography | None = None
    problems: tuple[str, ...] = field(default=())
    #: city codes whose population is close to the authority's (a suggestion to confirm)
    population_candidates: tuple[PopulationCandidate, ...] = ()
    #: why there are none: "no_population" (not registered), "no_data" (nothing imported),
    #: "none_close" (no city within a factor of two), or "" when there are candidates
    population_status: str = ""

    @property
    def confirmed(self) -> bool:
        return self.method != MatchMethod.AUTO


def _city_codes(country: str) -> dict[str, str]:
    """Urban Audit city codes with stored data in ``country`` (code -> label; the label is the
    code itself, since Eurostat's TSV files carry no names)."""
    codes = (
        Observation.objects.filter(geo_level="city", geo__startswith=country)
        .values_list("geo", flat=True)
        .distinct()
    )
    return {code: code for code in codes}


def _population_candidates(
    *, authority: Any, country: str
) -> tuple[tuple[PopulationCandidate, ...], str]:
    """City codes of ``country`` whose latest imported population (``urb_cpop1``) is close to
    the authority's registered population, with the reason when there are none."""
    if not authority.population:
        return (), "no_population"
    code = source_get(name="urb_cpop1").derived_get(code="urb_cpop1.population").inputs[0]
    rows = Observation.objects.filter(
        dataset="urb_cpop1",
        code=code,
        geo_level=GeoLevel.CITY.value,
        geo__startswith=country,
        value__isnull=False,
    ).values_list("geo", "year", "value", "flags")
    cities = city_population_latest(
        rows=((geo, year, value, tuple(flags)) for geo, year, value, flags in rows)
    )
    if not cities:
        return (), "no_data"
    found = city_population_suggest(population=authority.population, country=country, cities=cities)
    return found, "" if found else "none_close"


def _chain_labels(authority: Any) -> list[tuple[GeoLevel, str, str]]:
    levels = {3: GeoLevel.NUTS3, 2: GeoLevel.NUTS2, 1: GeoLevel.NUTS1}
    return [(levels[r.level], r.code, r.label) for r in authority.nuts_region.chain()]


@dataclass(frozen=True)
class _InForce:
    """The match of an authority in force, and what it was worked out from."""

    country: str
    suggested_city: str | None
    candidates: tuple[GeoCandidate, ...]
    match: GeographyMatch | None
    city: str | None
    nuts: str
    method: str
    geography: AuthorityGeography | None
    problems: tuple[str, ...]


def _suggested(
    name: str, country: str, labels: dict[str, str]
) -> tuple[tuple[GeoCandidate, ...], str | None]:
    """The Urban Audit cities of ``labels`` whose label matches ``name``, and the one suggested
    (the only exact match, else None)."""
    candidates = tuple(
        c
        for c in geography_suggest(name=name, country=country, labels=labels)
        if c.code.endswith("C")
    )
    exact = [c for c in candidates if c.exact]
    return candidates, exact[0].code if len(exact) == 1 else None


def _rule(
    match: tuple[str, str, str] | None, suggested_city: str | None, region: str
) -> tuple[str | None, str, str, MatchStatus]:
    """The match in force: the one a person confirmed or corrected (``match``: method, city
    code, NUTS code), else the suggestion. City, NUTS code, method and status."""
    if match is not None and match[0] != MatchMethod.AUTO:
        method, city, nuts = match
        return city or None, nuts, method, MatchStatus(method)
    return suggested_city, region, MatchMethod.AUTO, MatchStatus.SUGGESTED


def _geography(
    country: str, city: str | None, nuts: str, status: MatchStatus
) -> tuple[AuthorityGeography | None, tuple[str, ...]]:
    try:
        geography = authority_geography(
            country=country,
            city=city,
            nuts3=nuts if len(nuts) == 5 else None,
            nuts2=nuts if len(nuts) == 4 else None,
            status=status,
        )
    except GeographyError as exc:
        problems = [f"{p.location.source} {p.message}" for p in exc.problems] or [exc.message]
        return None, tuple(problems)
    return geography, ()


def _in_force(authority: Any, city_labels: dict[str, str] | None) -> _InForce:
    region = authority.nuts_region
    country = region.country_code or authority.country_code
    labels = city_labels if city_labels is not None else _city_codes(country)
    candidates, suggested_city = _suggested(authority.name, country, labels)
    if not candidates:
        candidates = tuple(
            GeoCandidate(code, label, False) for code, label in sorted(labels.items())
        )
    match = (
        GeographyMatch.objects.filter(authority=authority).select_related("confirmed_by").first()
    )
    city, nuts, method, status = _rule(
        (match.method, match.city_code, match.nuts_code) if match is not None else None,
        suggested_city,
        region.code,
    )
    geography, problems = _geography(country, city, nuts, status)
    return _InForce(
        country, suggested_city, candidates, match, city, nuts, method, geography, problems
    )


#: the city suggested per (country, authority name, successful loads so far): the name is
#: matched against the cities with data once per load, not on every page (a load that brings
#: city data adds a successful run; runs are never deleted)
_SUGGESTED_CITY: dict[tuple[str, str, int], str | None] = {}
_SUGGESTED_MAX = 1024


def _in_force_sql() -> str:
    """The row :func:`geography_in_force` reads: the authority's region, its country, its own
    country, its name, the match a person made (method, city, NUTS code) and the number of
    successful loads. Plain SQL: read on every page of the fill-in with open-data questions
    (``saferspaces.rows``)."""
    a, r, m, run = Authority, NutsRegion, GeographyMatch, ImportRun
    return (
        f"SELECT a.{column(a, 'nuts_region')}, r.{column(r, 'country_code')},"  # noqa: S608
        f" a.{column(a, 'country_code')}, a.{column(a, 'name')}, m.{column(m, 'method')},"
        f" m.{column(m, 'city_code')}, m.{column(m, 'nuts_code')},"
        f" (SELECT COUNT(*) FROM {table(run)} WHERE {column(run, 'status')} = %s)"
        f" FROM {table(a)} a"
        f" LEFT JOIN {table(r)} r ON r.{column(r, 'code')} = a.{column(a, 'nuts_region')}"
        f" LEFT JOIN {table(m)} m ON m.{column(m, 'authority')} = a.{column(a, 'id')}"
        f" WHERE a.{column(a, 'id')} = %s"
    )


def geography_in_force(*, authority: Any) -> AuthorityGeography | None:
    """The geography whose data pre-fill ``authority``'s answers: the match a person confirmed
    or corrected, else the suggestion (the match in force of :func:`geography_match_suggest`,
    without what the geography page shows besides). None when it cannot be built.

    One query (the match, the region's country and the number of successful loads); the cities
    with data are read and matched with the name only when a suggestion is needed and not known
    for this name since the last load."""
    rows = rows_read(_in_force_sql(), [str(RunStatus.OK.value), authority.pk])
    if not rows:
        return None
    region, region_country, own_country, name, method, city_code, nuts_code, n_loads = rows[0]
    country = region_country or own_country
    match = (method, city_code, nuts_code) if method is not None else None
    suggested: str | None = None
    if match is None or method == MatchMethod.AUTO:
        key = (country, name, n_loads or 0)
        if key in _SUGGESTED_CITY:
            suggested = _SUGGESTED_CITY[key]
        else:
            suggested = _suggested(name, country, _city_codes(country))[1]
            if len(_SUGGESTED_CITY) >= _SUGGESTED_MAX:
                _SUGGESTED_CITY.clear()
            _SUGGESTED_CITY[key] = suggested
    city, nuts, _method, status = _rule(match, suggested, region)
    return _geography(country, city, nuts, status)[0]


def geography_match_suggest(
    *, authority: Any, city_labels: dict[str, str] | None = None
) -> GeographySuggestion:
    """The suggested match of ``authority`` (Urban Audit city by name and country where a label
    is known, the NUTS 3/2/1 chain from its registered NUTS region) and the match in force
    (confirmed or corrected by a person, else the suggestion), with the levels that have data."""
    found = _in_force(authority, city_labels)
    region, country, geography = authority.nuts_region, found.country, found.geography
    match, city, nuts, method = found.match, found.city, found.nuts, found.method
    codes = [code for _level, code in geography.chain] if geography else []
    stored: dict[str, list[tuple[str, int, str]]] = {}
    for geo, dataset, n, latest in (
        Observation.objects.filter(geo__in=codes, value__isnull=False)
        .values("geo", "dataset")
        .annotate(n=Count("id"), latest=Max("period"))
        .values_list("geo", "dataset", "n", "latest")
        .order_by("geo", "dataset")
    ):
        stored.setdefault(geo, []).append((dataset, n, latest))
    population_candidates, population_status = _population_candidates(
        authority=authority, country=country
    )
    region_labels = {code: label for _lvl, code, label in _chain_labels(authority)}
    levels = tuple(
        GeographyLevel(level, code, region_labels.get(code, ""), tuple(stored.get(code, ())))
        for level, code in (geography.chain if geography else ())
    )
    return GeographySuggestion(
        authority=authority,
        suggested_city=found.suggested_city,
        suggested_nuts=region.code,
        city_code=city,
        nuts_code=nuts,
        method=method,
        confirmed_by=match.confirmed_by if match and match.method != MatchMethod.AUTO else None,
        confirmed_at=match.confirmed_at if match and match.method != MatchMethod.AUTO else None,
        city_candidates=found.candidates,
        levels=levels,
        geography=geography,
        problems=found.problems,
        population_candidates=population_candidates,
        population_status=population_status,
    )


# --- pre-fill ------------------------------------------------------------------------------


# parsed edition's id -> (that edition, its feeds and problems): worked out once per edition
_SPECS: dict[int, tuple[Edition, tuple[tuple[PrefillSpec, ...], tuple[str, ...]]]] = {}


def prefill_specs(*, edition: Edition) -> tuple[tuple[PrefillSpec, ...], tuple[str, ...]]:
    """The Eurostat feeds an edition declares (``provider: Eurostat`` with a dataset and a
    code), and the problems of the entries that cannot be used; worked out once per parsed
    edition (editions are kept parsed by content hash and do not change)."""
    hit = _SPECS.get(id(edition))
    if hit is not None and hit[0] is edition:
        return hit[1]
    specs: list[PrefillSpec] = []
    problems: list[str] = []
    for _dimension, indicator in edition.indicators():
        guidance = indicator.guidance
        if guidance is None:
            continue
        for source in guidance.sources:
            if (source.provider or "").strip().lower() != "eurostat":
                continue
            if not source.dataset or not source.code:
                continue
            try:
                specs.append(
                    prefill_spec_parse(
                        indicator=indicator.code,
                        dataset=source.dataset,
                        code=source.code,
                        transform=source.transform,
                        answer_type=indicator.answer.type,
                    )
                )
            except SourceError as exc:
                problems.append(str(exc))
    found = (tuple(specs), tuple(problems))
    if len(_SPECS) >= 64:
        _SPECS.clear()
    _SPECS[id(edition)] = (edition, found)
    return found


def prefill_suggestions(
    *,
    authority: Any,
    edition: Edition,
    year: int | None = None,
    codes: frozenset[str] | None = None,
) -> dict[str, PrefillSuggestion]:
    """Pre-fill suggestions for ``authority`` keyed by indicator code.

    For every indicator whose edition names a Eurostat dataset and code (of those in ``codes``
    when given), the value of the most local geography with data (city, NUTS 3, 2, 1,
    country), at the latest period up to ``year`` (or the latest), transform applied, with its
    provenance. Indicators without stored data are absent. Nothing is written.
    """
    declared, _problems = prefill_specs(edition=edition)
    specs = [spec for spec in declared if codes is None or spec.indicator in codes]
    if not specs:
        return {}
    geography = geography_in_force(authority=authority)
    if geography is None:
        return {}
    geos = [code for _level, code in geography.chain]
    datasets = {spec.dataset for spec in specs}
    series = {code for spec in specs for code in spec.codes}
    cells: dict[str, list[StoredCell]] = {}
    rows = Observation.objects.filter(
        dataset__in=datasets, geo__in=geos, code__in=series
    ).values_list(
        "dataset",
        "code",
        "geo",
        "period",
        "year",
        "value",
        "flags",
        "unit",
        "run_id",
        "run__retrieved_at",
        "context",
    )
    for dataset, code, geo, period, year_, value, flags, unit, run_id, retrieved, context in rows:
        cells.setdefault(dataset, []).append(
            StoredCell(
                code, geo, period, year_, value, tuple(flags), unit, run_id, retrieved, context
            )
        )
    out: dict[str, PrefillSuggestion] = {}
    for spec in specs:
        if spec.indicator in out:
            continue
        suggestion = prefill_choose(
            spec=spec, geography=geography, cells=cells.get(spec.dataset, ()), year=year
        )
        if suggestion is not None:
            out[spec.indicator] = suggestion
    return out
