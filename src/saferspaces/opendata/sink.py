"""The database sink of the import pipeline: upserts observations for one :class:`ImportRun`.

The service runs the whole pipeline inside ``transaction.atomic``: ``add`` writes straight into
the open transaction, and a failure (the pipeline calls ``rollback`` and raises) undoes it all.
Rows are written with one ``INSERT ... ON CONFLICT DO UPDATE`` per batch (SQLite and
PostgreSQL both speak it): the newest run wins, in place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection

from saferspaces.core.opendata import DerivedValue, Observation, RunReport
from saferspaces.core.opendata.errors import GeographyError
from saferspaces.core.opendata.geography import geo_classify
from saferspaces.opendata.models import ImportRun
from saferspaces.opendata.models import Observation as ObservationRow

_NOT_CONTEXT = frozenset({"unit", "geo", "cities", "freq"})


def _upsert_sql() -> str:
    table = connection.ops.quote_name(ObservationRow._meta.db_table)
    columns = (
        "dataset",
        "code",
        "unit",
        "context",
        "geo",
        "geo_level",
        "period",
        "year",
        "value",
        "flags",
        "run_id",
    )
    key = ("geo", "dataset", "code", "unit", "context", "period")
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    updates = ", ".join(
        f"{connection.ops.quote_name(c)} = excluded.{connection.ops.quote_name(c)}"
        for c in columns
        if c not in key
    )
    conflict = ", ".join(connection.ops.quote_name(c) for c in key)
    marks = ", ".join(["%s"] * len(columns))
    # only quoted model column names are interpolated; values go through parameters
    insert = f"INSERT INTO {table} ({quoted}) VALUES ({marks}) "  # noqa: S608
    return insert + f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


class DatabaseSink:
    """Writes a run's observations to :class:`~saferspaces.opendata.models.Observation`."""

    def __init__(self, *, run: ImportRun, indicator_dimension: str) -> None:
        self.run = run
        self.indicator_dimension = indicator_dimension
        self.report: RunReport | None = None
        self.loaded = 0
        self.derived = 0
        self.rolled_back = False
        self._sql = _upsert_sql()
        self._levels: dict[str, str] = {}
        self._series: object = None
        self._series_key: tuple[str, str, str] = ("", "", "")

    def _level(self, geo: str) -> str:
        level = self._levels.get(geo)
        if level is None:
            try:
                level = geo_classify(code=geo).level.value
            except GeographyError:
                level = ""
            self._levels[geo] = level
        return level

    def _key(self, series: Mapping[str, str]) -> tuple[str, str, str]:
        """(indicator code, unit, other dimensions) of a row, cached per row."""
        if series is not self._series:
            skip = _NOT_CONTEXT | {self.indicator_dimension}
            context = ",".join(f"{k}={v}" for k, v in series.items() if k not in skip)
            self._series_key = (
                series.get(self.indicator_dimension, ""),
                series.get("unit", ""),
                context,
            )
            self._series = series
        return self._series_key

    def begin(self, *, source: str, dataset: str) -> None:
        self.loaded = 0
        self.derived = 0
        self.rolled_back = False

    def add(self, batch: Sequence[Observation]) -> None:
        run_id = self.run.pk
        levels = self._levels
        years: dict[str, int | None] = {}
        rows = []
        for dataset, series, geo, time, value, flags, _line, _column in batch:
            code, unit, context = self._key(series)
            level = levels.get(geo)
            if level is None:
                level = self._level(geo)
            year = years.get(time, -1)
            if year == -1:
                head = time[:4]
                year = years[time] = int(head) if head.isdigit() else None
            rows.append(
                (
                    dataset,
                    code,
                    unit,
                    context,
                    geo,
                    level,
                    time,
                    year,
                    value,
                    "".join(flags) if flags else "",
                    run_id,
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany(self._sql, rows)
        self.loaded += len(rows)

    def add_derived(self, values: Sequence[DerivedValue]) -> None:
        # derived values are recomputed from the stored codes when a pre-fill is asked for
        self.derived += len(values)

    def commit(self) -> None:
        return None

    def rollback(self) -> None:
        self.rolled_back = True

    def record(self, report: RunReport) -> None:
        self.report = report
