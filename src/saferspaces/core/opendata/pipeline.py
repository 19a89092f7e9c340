"""The import pipeline: fetch -> parse -> validate -> load -> report, the same for every source.

Everything streams: the reader yields observations, validation looks at each one, and the
sink receives batches. Nothing is visible until the sink commits; any failure rolls back, so a
failed run loads nothing. Every run, failed or not, is recorded with :meth:`Sink.record`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from saferspaces.core.opendata.derive import Direct
from saferspaces.core.opendata.errors import (
    GeographyError,
    Location,
    OpenDataError,
    ParseError,
    Problem,
)
from saferspaces.core.opendata.flags import FLAG_MEANINGS
from saferspaces.core.opendata.geography.codes import GeoLevel, geo_classify
from saferspaces.core.opendata.observation import DataFormat, Observation
from saferspaces.core.opendata.readers import (
    ReadStats,
    format_detect,
    observation_rows_read,
    since_filter,
)
from saferspaces.core.opendata.report import (
    DerivedValue,
    Progress,
    RunCounts,
    RunReport,
    RunStatus,
)
from saferspaces.core.opendata.sinks import Sink
from saferspaces.core.opendata.sources.base import (
    DerivedIndicator,
    EurostatSource,
    GeographyKind,
)
from saferspaces.core.opendata.transport import Fetched, FetchRequest, Transport

Clock = Callable[[], datetime]
ProgressCallback = Callable[[Progress], None]

_MAX_LISTED = 20
_EXPECTED_LEVELS: dict[GeographyKind, frozenset[GeoLevel]] = {
    GeographyKind.URBAN_AUDIT: frozenset(
        {GeoLevel.CITY, GeoLevel.GREATER_CITY, GeoLevel.FUA, GeoLevel.COUNTRY, GeoLevel.AGGREGATE}
    ),
    GeographyKind.NUTS: frozenset(
        {GeoLevel.NUTS3, GeoLevel.NUTS2, GeoLevel.NUTS1, GeoLevel.COUNTRY, GeoLevel.AGGREGATE}
    ),
    GeographyKind.NUTS3: frozenset({GeoLevel.NUTS3, GeoLevel.COUNTRY, GeoLevel.AGGREGATE}),
    GeographyKind.NUTS2: frozenset({GeoLevel.NUTS2, GeoLevel.COUNTRY, GeoLevel.AGGREGATE}),
    GeographyKind.NUTS1: frozenset({GeoLevel.NUTS1, GeoLevel.COUNTRY, GeoLevel.AGGREGATE}),
    GeographyKind.COUNTRY: frozenset({GeoLevel.COUNTRY, GeoLevel.AGGREGATE}),
}


class ImportFailed(OpenDataError):
    """An import run failed; ``report`` is the recorded run, ``cause`` the underlying error."""

    def __init__(self, cause: OpenDataError, report: RunReport) -> None:
        super().__init__(cause.message, location=cause.location, problems=cause.problems)
        self.cause = cause
        self.report = report


@dataclass
class _Validator:
    """Per-observation checks; collects warnings with counts instead of one line per cell."""

    source: EurostatSource
    geo_levels: dict[str, GeoLevel | None] = field(default_factory=dict)
    unknown_geo: dict[str, int] = field(default_factory=dict)
    unexpected_level: dict[str, int] = field(default_factory=dict)
    out_of_range: list[str] = field(default_factory=list)
    out_of_range_count: int = 0
    extra_regio: int = 0

    def level(self, geo: str) -> GeoLevel | None:
        if geo in self.geo_levels:
            return self.geo_levels[geo]
        level: GeoLevel | None
        try:
            level = geo_classify(code=geo).level
        except GeographyError:
            level = None
        self.geo_levels[geo] = level
        return level

    def geo_accept(self, geo: str) -> bool:
        """Check a row's geography once per row; false for extra-regio codes (skipped)."""
        level = self.level(geo)
        if level is None:
            if geo.rstrip("Z") != geo and len(geo.rstrip("Z")) == 2:
                return False
            self.unknown_geo[geo] = self.unknown_geo.get(geo, 0) + 1
        elif level not in _EXPECTED_LEVELS[self.source.geography]:
            self.unexpected_level[level.value] = self.unexpected_level.get(level.value, 0) + 1
        return True

    def range_check(self, obs: Observation) -> None:
        if obs.value is None:
            return
        bounds = self.source.unit_range.get(obs.series.get("unit", ""))
        if bounds is not None and not bounds[0] <= obs.value <= bounds[1]:
            self.out_of_range_count += 1
            if len(self.out_of_range) < _MAX_LISTED:
                where = (
                    f"line {obs.line}, column {obs.column}" if obs.line else f"value[{obs.column}]"
                )
                self.out_of_range.append(
                    f"{where}: {obs.value:g} for {obs.geo} {obs.time} is outside "
                    f"{bounds[0]:g}-{bounds[1]:g}"
                )

    def warnings(self) -> list[str]:
        out: list[str] = []
        if self.unknown_geo:
            codes = ", ".join(sorted(self.unknown_geo)[:_MAX_LISTED])
            out.append(
                f"{len(self.unknown_geo)} geography codes are neither Urban Audit nor NUTS: {codes}"
            )
        if self.unexpected_level:
            parts = ", ".join(f"{n} at {lvl}" for lvl, n in sorted(self.unexpected_level.items()))
            out.append(
                f"values at levels a {self.source.geography.value} source does not expect: {parts}"
            )
        if self.out_of_range_count:
            out.append(
                f"{self.out_of_range_count} values outside the unit's range: "
                + "; ".join(self.out_of_range)
            )
        return out


_Group = dict[str, tuple[float | None, tuple[str, ...]]]
_GroupKey = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass
class _Deriver:
    """Makes derived values. Single-input indicators are emitted as their cell streams past;
    multi-input ones (Likert blocks, ratios) keep only their inputs, grouped by place, period
    and context, until the end of the file (Eurostat files are not sorted by place)."""

    source: EurostatSource
    levels: Callable[[str], GeoLevel | None]
    pending: list[DerivedValue] = field(default_factory=list)
    count: int = 0
    _direct: dict[str, list[DerivedIndicator]] = field(default_factory=dict)
    _grouped: tuple[DerivedIndicator, ...] = ()
    _grouped_inputs: frozenset[str] = frozenset()
    _groups: dict[_GroupKey, _Group] = field(default_factory=dict)
    _last_series: object = None
    _last_context: tuple[tuple[str, str], ...] = ()
    _last_context_map: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped = []
        for indicator in self.source.derived:
            if len(indicator.inputs) == 1:
                self._direct.setdefault(indicator.inputs[0], []).append(indicator)
            else:
                grouped.append(indicator)
        self._grouped = tuple(grouped)
        self._grouped_inputs = frozenset(code for d in grouped for code in d.inputs)

    def _context(self, obs: Observation) -> tuple[tuple[str, str], ...]:
        if obs.series is not self._last_series:
            skip = (self.source.indicator_dimension, "geo", "cities", "freq")
            self._last_context = tuple((k, v) for k, v in obs.series.items() if k not in skip)
            self._last_context_map = dict(self._last_context)
            self._last_series = obs.series
        return self._last_context

    def _emit(
        self,
        indicator: DerivedIndicator,
        geo: str,
        time: str,
        value: float | None,
        flags: tuple[str, ...],
        context: dict[str, str],
    ) -> None:
        if value is None:
            return
        if indicator.years:
            head = time[:4]
            if not head.isdigit() or int(head) not in indicator.years:
                return
        self.count += 1
        self.pending.append(
            DerivedValue(
                self.source.name,
                self.source.dataset,
                indicator.code,
                indicator.label,
                geo,
                self.levels(geo),
                time,
                value,
                flags,
                context,
                indicator.inputs,
                indicator.method,
                indicator.verified,
            )
        )

    def take(self, obs: Observation) -> None:
        code = obs.series.get(self.source.indicator_dimension)
        if code is None:
            return
        direct = self._direct.get(code)
        if direct is not None and obs.value is not None:
            self._context(obs)
            value: float | None
            for indicator in direct:
                # a single-input indicator is Direct or a transform of one cell
                if isinstance(indicator.transform, Direct):
                    value, flags = obs.value, obs.flags
                else:
                    value, flags = indicator.transform.apply({code: (obs.value, obs.flags)})
                self._emit(indicator, obs.geo, obs.time, value, flags, self._last_context_map)
        if code in self._grouped_inputs and (obs.value is not None or obs.flags):
            # a missing cell without flags is the same as an absent one: not kept
            key = (obs.geo, obs.time, self._context(obs))
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = {}
            group[code] = (obs.value, obs.flags)

    def finish(self) -> None:
        for (geo, time, context), cells in self._groups.items():
            context_map = dict(context)
            for indicator in self._grouped:
                if any(code in cells for code in indicator.inputs):
                    value, flags = indicator.transform.apply(cells)
                    self._emit(indicator, geo, time, value, flags, context_map)
        self._groups.clear()


def source_import(
    *,
    source: EurostatSource,
    transport: Transport,
    sink: Sink,
    clock: Clock,
    since: int | None = None,
    fmt: DataFormat | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = 5_000,
    tolerate_malformed: bool = False,
) -> RunReport:
    """Run one import of ``source`` and return its report.

    Raises :class:`ImportFailed` (an :class:`OpenDataError`, with the recorded report) when the
    source cannot be fetched, the file is not the dataset, or rows are malformed (unless
    ``tolerate_malformed``, which skips them with a warning). Nothing is loaded then.
    """
    retrieved_at = clock()
    request = FetchRequest(dataset=source.dataset, fmt=fmt or source.api_format, since=since)
    stats = ReadStats()
    problems: list[Problem] = []
    validator = _Validator(source)
    deriver = _Deriver(source, validator.level)
    kept = derived_count = 0
    dropped = ReadStats()  # what extra-regio rows contributed to the reader's counts
    location = request.dataset
    detected = ""

    def finish(status: RunStatus, warnings: list[str], error: str = "") -> RunReport:
        return RunReport(
            source=source.name,
            dataset=source.dataset,
            location=location,
            retrieved_at=retrieved_at,
            finished_at=clock(),
            status=status,
            fmt=detected,
            since=since,
            counts=RunCounts(
                read=stats.cells,
                kept=kept,
                skipped=stats.skipped + validator.extra_regio,
                missing=stats.missing - dropped.missing,
                flagged=stats.flagged - dropped.flagged,
                malformed=stats.malformed,
                derived=derived_count,
            ),
            flag_counts={
                letter: n - dropped.flag_counts.get(letter, 0)
                for letter, n in sorted(stats.flag_counts.items())
                if n - dropped.flag_counts.get(letter, 0)
            },
            time_periods=stats.time_periods,
            warnings=tuple(warnings),
            problems=tuple(problems),
            error=error,
        )

    def fail(cause: OpenDataError, warnings: list[str]) -> ImportFailed:
        sink.rollback()
        report = finish(RunStatus.FAILED, warnings, error=str(cause))
        sink.record(report)
        return ImportFailed(cause, report)

    def emit(step: str, fetched: Fetched | None, count: int) -> None:
        if progress is not None:
            progress(
                Progress(
                    step=step,
                    bytes_read=fetched.bytes_read if fetched else 0,
                    bytes_total=fetched.size if fetched else None,
                    observations=count,
                )
            )

    def dimensions_check() -> None:
        missing_dims = [d for d in source.required_dimensions if d not in stats.dimensions]
        if stats.dimensions and missing_dims:
            raise ParseError(
                f"this file has the dimensions {', '.join(stats.dimensions)}; source "
                f"{source.name} needs {', '.join(source.required_dimensions)}. Is it the "
                f"{source.dataset} dataset?",
                location=Location(location, line=1, column=1, step="validate"),
            )

    sink.begin(source=source.name, dataset=source.dataset)
    emit("fetch", None, 0)
    try:
        fetched = transport.open(request=request)
    except OpenDataError as exc:
        raise fail(exc, []) from None
    location = fetched.location
    with fetched:
        try:
            head = fetched.stream.peek(4096)[:4096]  # type: ignore[attr-defined]
            data_format = format_detect(head=head, source=location)
            detected = data_format.value
            batch: list[Observation] = []
            checked = False
            indicator_dim = source.indicator_dimension
            derive_codes = frozenset(code for d in source.derived for code in d.inputs)
            check_range = bool(source.unit_range)
            for row in observation_rows_read(
                stream=fetched.stream,
                dataset=source.dataset,
                source=location,
                fmt=data_format,
                problems=problems,
                stats=stats,
                keep_series=source.keep_series,
                keep_time=since_filter(since=since),
            ):
                # per row: the dimension check, the geography, derivation interest
                first = row[0]
                if not checked:
                    dimensions_check()
                    checked = True
                if not validator.geo_accept(first.geo):
                    validator.extra_regio += len(row)
                    for obs in row:
                        if obs.value is None:
                            dropped.missing += 1
                        if obs.flags:
                            dropped.flagged += 1
                            for letter in obs.flags:
                                dropped.flag_counts[letter] = dropped.flag_counts.get(letter, 0) + 1
                    continue
                if check_range:
                    for obs in row:
                        validator.range_check(obs)
                if first.series.get(indicator_dim) in derive_codes:
                    for obs in row:
                        deriver.take(obs)
                batch.extend(row)
                if len(batch) >= batch_size:
                    sink.add(batch)
                    kept += len(batch)
                    batch = []
                    if len(deriver.pending) >= batch_size:
                        sink.add_derived(deriver.pending)
                        deriver.pending = []
                    emit("parse", fetched, kept)
            if batch:
                sink.add(batch)
                kept += len(batch)
            dimensions_check()
        except OpenDataError as exc:
            raise fail(exc, validator.warnings()) from None
    warnings = validator.warnings()
    if problems:
        cause = ParseError(
            f"{stats.malformed} malformed rows or cells",
            location=Location(location, step="parse"),
            problems=problems,
        )
        if not tolerate_malformed:
            raise fail(cause, warnings)
        warnings.append(f"{stats.malformed} malformed rows or cells were skipped")
    if stats.unknown_flags:
        letters = ", ".join(f"{k} ({n})" for k, n in sorted(stats.unknown_flags.items()))
        warnings.append(f"flags not in Eurostat's list were kept as they are: {letters}")
    if kept == 0:
        warnings.append("no value passed the source's filters and --since; nothing new to offer")
    emit("derive", fetched, kept)
    deriver.finish()
    derived_count = deriver.count
    if deriver.pending:
        sink.add_derived(deriver.pending)
        deriver.pending = []
    sink.commit()
    report = finish(
        RunStatus.SUCCEEDED_WITH_WARNINGS if warnings else RunStatus.SUCCEEDED, warnings
    )
    sink.record(report)
    emit("report", fetched, kept)
    return report


__all__ = ["FLAG_MEANINGS", "Clock", "ImportFailed", "ProgressCallback", "source_import"]
