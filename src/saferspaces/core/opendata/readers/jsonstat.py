"""Reader for JSON-stat 2.0 datasets as served by Eurostat's statistics API.

A JSON-stat document is one JSON object, parsed with the standard library. Values sit in a
flat array (or an object keyed by flat index) in row-major order over ``id``/``size``; flags
sit in ``status`` (object, array, or one string for all). Cells absent from ``value`` are not
available: they are yielded (as missing) only when they carry a status flag.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import IO, Any

from saferspaces.core.opendata.errors import Location, ParseError, Problem
from saferspaces.core.opendata.flags import (
    FLAG_MEANINGS,
    JSONSTAT_CONF_SEPARATOR,
    status_parse,
)
from saferspaces.core.opendata.observation import Observation
from saferspaces.core.opendata.readers.common import (
    ProblemSink,
    ReadStats,
    SeriesFilter,
    TimeFilter,
    geo_dimension,
    json_load,
)
from saferspaces.core.opendata.transport import EUROSTAT_API


def _fail(source: str, path: str, message: str) -> ParseError:
    return ParseError(message, location=Location(source, path=path))


def _categories(doc: Mapping[str, Any], dim: str, size: int, source: str) -> list[str]:
    path = f"dimension.{dim}.category.index"
    dimension = doc.get("dimension", {}).get(dim)
    if not isinstance(dimension, dict) or not isinstance(dimension.get("category"), dict):
        raise _fail(
            source, f"dimension.{dim}", f"dimension {dim!r} is listed in 'id' but not described"
        )
    category = dimension["category"]
    index = category.get("index")
    if index is None:
        labels = category.get("label")
        if isinstance(labels, dict) and len(labels) == 1:
            return list(labels)
        raise _fail(
            source, path, "a category index is required when there is more than one category"
        )
    if isinstance(index, list):
        codes = [str(code) for code in index]
    elif isinstance(index, dict):
        codes = [""] * len(index)
        for code, position in index.items():
            if not isinstance(position, int) or not 0 <= position < len(index) or codes[position]:
                raise _fail(source, f"{path}.{code}", f"position {position!r} is not a valid index")
            codes[position] = str(code)
    else:
        raise _fail(source, path, "the category index must be an array or an object")
    if len(codes) != size:
        raise _fail(source, path, f"{len(codes)} categories, but 'size' says {size}")
    return codes


def _status_lookup(status: Any, source: str) -> Mapping[int, str] | str:
    if status is None:
        return {}
    if isinstance(status, str):
        return status
    if isinstance(status, list):
        return {i: s for i, s in enumerate(status) if isinstance(s, str) and s}
    if isinstance(status, dict):
        lookup: dict[int, str] = {}
        for key, text in status.items():
            try:
                flat = int(key)
            except ValueError:
                raise _fail(source, "status", "status keys must be flat indexes") from None
            if isinstance(text, str):
                lookup[flat] = text
            elif text is not None:
                raise _fail(source, f"status.{key}", f"a status is a string, found {text!r}")
        return lookup
    raise _fail(source, "status", "status must be a string, an array or an object")


def _role(role: Mapping[str, Any], name: str) -> list[str]:
    """The dimensions a role names (an array; one name alone is taken as an array of one)."""
    names = role.get(name)
    if isinstance(names, str):
        return [names]
    return [str(n) for n in names] if isinstance(names, list) else []


def _version_check(doc: Mapping[str, Any], *, dataset: str, source: str) -> None:
    """Refuse JSON-stat 1.x (and any version but 2.x) with a message that says so."""
    version = doc.get("version")
    bundled = [
        str(name)
        for name, value in doc.items()
        if isinstance(value, dict)
        and isinstance(value.get("dimension"), dict)
        and "id" in value["dimension"]
    ]
    if version is None and "id" not in doc and bundled:
        found = "this is a JSON-stat 1.x file (a bundle of the dataset(s) " + ", ".join(
            repr(name) for name in bundled[:5]
        )
        found += ", with 'id' and 'size' inside 'dimension')"
    elif version is not None and not str(version).startswith("2."):
        found = f"this file says JSON-stat version {str(version)[:20]!r}"
    else:
        return
    raise _fail(
        source,
        "version" if version is not None else "$",
        f"{found}; Safer Spaces reads JSON-stat 2.0, as Eurostat's statistics API serves it "
        f"today: download it again from {EUROSTAT_API}/statistics/1.0/data/{dataset}, or "
        "download the TSV format",
    )


def jsonstat_read(
    *,
    stream: IO[Any],
    dataset: str,
    source: str = "",
    problems: list[Problem] | None = None,
    stats: ReadStats | None = None,
    keep_series: SeriesFilter | None = None,
    keep_time: TimeFilter | None = None,
) -> Iterator[Observation]:
    """Yield the cells of a JSON-stat 2.0 dataset as observations (see the module docstring)."""
    stats = stats if stats is not None else ReadStats()
    sink = ProblemSink(problems=problems, source=source, stats=stats)
    doc = json_load(stream=stream, source=source)
    if not isinstance(doc, dict):
        raise _fail(source, "$", "a JSON-stat document is a JSON object")
    _version_check(doc, dataset=dataset, source=source)
    if doc.get("class", "dataset") != "dataset":
        raise _fail(source, "class", f"expected class 'dataset', found {doc.get('class')!r}")
    if not isinstance(doc.get("dimension"), dict):
        raise _fail(source, "dimension", "'dimension' must be an object describing each dimension")
    ids, sizes = doc.get("id"), doc.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise _fail(source, "id", "'id' and 'size' must be arrays of the same length")
    if not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise _fail(source, "size", "'size' must hold non-negative integers")
    ids = [str(i) for i in ids]
    codes = [_categories(doc, dim, size, source) for dim, size in zip(ids, sizes, strict=True)]
    raw_role = doc.get("role")
    role: dict[str, Any] = raw_role if isinstance(raw_role, dict) else {}
    time_roles = _role(role, "time")
    time_name = next((n for n in ids if n in time_roles), None)
    if time_name is None:
        time_name = next((n for n in ids if n.lower() in ("time", "time_period")), None)
    if time_name is None:
        raise _fail(source, "id", "no time dimension (role 'time' or a dimension named 'time')")
    time_pos = ids.index(time_name)
    series_dims = tuple(n.lower() for n in ids if n != time_name)
    geo_roles = [n.lower() for n in _role(role, "geo")]
    geo_name = next((n for n in series_dims if n in geo_roles), None) or geo_dimension(series_dims)
    stats.dimensions = series_dims
    stats.time_periods = tuple(codes[time_pos])

    total = math.prod(sizes)
    raw_values = doc.get("value")
    if isinstance(raw_values, list):
        if len(raw_values) != total:
            raise _fail(source, "value", f"{len(raw_values)} values, but the sizes give {total}")
        values: Mapping[int, Any] = {i: v for i, v in enumerate(raw_values) if v is not None}
    elif isinstance(raw_values, dict):
        try:
            values = {int(k): v for k, v in raw_values.items()}
        except ValueError:
            raise _fail(source, "value", "value keys must be flat indexes") from None
    else:
        raise _fail(source, "value", "'value' must be an array or an object")
    status = _status_lookup(doc.get("status"), source)
    indexes = set(values)
    if isinstance(status, dict):
        indexes.update(status)
    strides = [1] * len(sizes)
    for i in range(len(sizes) - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    series_cache: dict[tuple[int, ...], MappingProxyType[str, str]] = {}
    parsed_status: dict[str, tuple[str, ...]] = {}
    time_kept: dict[int, bool] = {}
    stats.cells = len(indexes)
    unknown = stats.unknown_flags
    for flat in sorted(indexes):
        path = f"value[{flat}]"
        if not 0 <= flat < total:
            sink.report(
                line=None, column=flat, message=f"{path} is outside the cube of {total} cells"
            )
            continue
        coords = []
        rest = flat
        for stride in strides:
            position, rest = divmod(rest, stride)
            coords.append(position)
        key = tuple(c for i, c in enumerate(coords) if i != time_pos)
        series = series_cache.get(key)
        if series is None:
            series = MappingProxyType(
                {
                    name: codes[i][coords[i]]
                    for i, name in enumerate(n.lower() for n in ids)
                    if i != time_pos
                }
            )
            series_cache[key] = series
            stats.rows += 1
        period = codes[time_pos][coords[time_pos]]
        if keep_series is not None and not keep_series(series):
            stats.skipped += 1
            continue
        if keep_time is not None:
            kept = time_kept.get(coords[time_pos])
            if kept is None:
                kept = time_kept[coords[time_pos]] = keep_time(period)
            if not kept:
                stats.skipped += 1
                continue
        raw = values.get(flat)
        value: float | None
        if raw is None:
            value = None
        elif isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            sink.report(line=None, column=flat, message=f"{path} is {raw!r}, not a number")
            continue
        else:
            value = float(raw)
        flag_text = status if isinstance(status, str) else status.get(flat, "")
        flags = parsed_status.get(flag_text)
        if flags is None:
            try:
                flags = status_parse(text=flag_text, separator=JSONSTAT_CONF_SEPARATOR)
            except ValueError:
                sink.report(
                    line=None,
                    column=flat,
                    message=f"status[{flat}] is {flag_text!r}, not a Eurostat status: flag "
                    "letters such as 'p' or 'ep', then '|C' for a confidentiality status",
                )
                continue
            parsed_status[flag_text] = flags
        if value is None:
            stats.missing += 1
        if flags:
            stats.flagged += 1
        for letter in flags:
            stats.flag_counts[letter] = stats.flag_counts.get(letter, 0) + 1
            if letter not in FLAG_MEANINGS:
                unknown[letter] = unknown.get(letter, 0) + 1
        yield Observation(dataset, series, series[geo_name], period, value, flags, None, flat)
