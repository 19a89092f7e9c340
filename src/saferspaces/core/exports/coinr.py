"""COINr-style ``iData`` and ``iMeta`` tables of a round, readable by COINr and by the engine.

The columns follow COINr 1.x (and :mod:`saferspaces.core.scoring.coinr_io`): ``iData`` has
``uCode, uName, Time``, the group columns, then one column per scored indicator; ``iMeta`` has
``Level, iCode, iName, Direction, Weight, Unit, Target, Denominator, Parent, Type, Kind`` with
one row per indicator, aggregate and group column. The hierarchy is the engine's for the
edition (:func:`~saferspaces.core.assessment.hierarchy.edition_scoring_framework`), so
pass-through levels keep every branch at the same depth.

Indicator values are what the platform's engine took as input: the 0-100 score for
rule-scored indicators (already oriented, ``Direction`` 1) and the raw answer for
``data_driven`` ones (``Direction`` from the edition). Indicators without a value for any unit,
and aggregates left without children, are left out (COINr and the engine refuse empty
indicators); the codebook lists them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saferspaces.core.assessment.hierarchy import (
    OVERALL_CODE,
    PASS_THROUGH,
    edition_scoring_framework,
)
from saferspaces.core.framework.model import Edition, Indicator, text_get
from saferspaces.core.labels import label
from saferspaces.core.scoring.data import Node

from .model import CodedUnit, Column, ExportContext, IndicatorValue, ProfileRow, Table


def _col(table: str, name: str, type_: str, allowed: str = "") -> Column:
    """Column ``name`` of ``table``, labelled ``export.<table>.<name>`` in ``core/labels``."""
    return Column(name, type_, label(f"export.{table}.{name}"), allowed)


IMETA_COLUMNS = (
    _col("imeta", "Level", "integer"),
    _col("imeta", "iCode", "string"),
    _col("imeta", "iName", "string"),
    _col("imeta", "Direction", "integer", "1; -1"),
    _col("imeta", "Weight", "number"),
    _col("imeta", "Unit", "string"),
    _col("imeta", "Target", "number"),
    _col("imeta", "Denominator", "string"),
    _col("imeta", "Parent", "string"),
    _col("imeta", "Type", "string", "Indicator; Aggregate; Group"),
    _col("imeta", "Kind", "string", f"perception; status; {PASS_THROUGH}"),
)
GROUPS = (
    _col("idata", "authority_kind", "string"),
    _col("idata", "urbanisation", "string"),
)
IDATA_LEAD = (
    _col("idata", "uCode", "string"),
    _col("idata", "uName", "string"),
    _col("idata", "Time", "integer"),
)


@dataclass(frozen=True)
class CoinrTables:
    idata: Table
    imeta: Table
    left_out: tuple[str, ...]  # indicators and aggregates without any data


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    f = float(v)
    return f if math.isfinite(f) else None


def _labels(edition: Edition) -> dict[str, str]:
    out = {dim.code: text_get(dim.title, "en") for _, dim in edition.dimensions_walk()}
    out.update({ind.code: text_get(ind.question, "en") for _, ind in edition.indicators()})
    out[OVERALL_CODE] = "Overall composite"
    return out


def _prune(nodes: Sequence[Node], keep_indicators: set[str]) -> list[Node]:
    kept = [n for n in nodes if n.level > 1 or n.code in keep_indicators]
    while True:
        parents = {n.parent for n in kept if n.parent}
        drop = [n for n in kept if n.level > 1 and n.code not in parents]
        if not drop:
            return kept
        gone = {n.code for n in drop}
        kept = [n for n in kept if n.code not in gone]


def coinr_tables(
    *,
    context: ExportContext,
    units: Sequence[CodedUnit],
    indicators_of: Callable[[CodedUnit], Mapping[str, IndicatorValue]],
    profile_of: Callable[[CodedUnit], ProfileRow | None],
) -> CoinrTables:
    """``iData`` and ``iMeta`` of the round (small: units x scored indicators, in memory)."""
    edition = context.edition
    if edition.instrument.result_model != "composite":
        # COINr's tables are a composite indicator's: another result model has no indicators
        # to give; the units and their groups are still listed
        return _coinr_without_indicators(context=context, units=units, profile_of=profile_of)
    fw = edition_scoring_framework(edition=edition, overall=context.overall)
    inds = edition.indicator_map()
    codes = list(fw.indicators)
    data_rows: list[tuple[Any, ...]] = []
    has_value: set[str] = set()
    for unit in units:
        got = indicators_of(unit)
        p = profile_of(unit)
        values: list[float | None] = []
        for code in codes:
            iv = got.get(code)
            v: float | None = None
            if iv is not None:
                raw = inds[code].scoring.method == "data_driven"
                v = _num(iv.value) if raw else _num(iv.score)
            if v is not None:
                has_value.add(code)
            values.append(v)
        data_rows.append(
            (
                unit.code,
                unit.unit.name if unit.named else unit.code,
                context.year,
                None if p is None else (p.kind or None),
                None if p is None else (p.urbanisation or None),
                *values,
            )
        )
    nodes = _prune(fw.nodes, has_value)
    kept = {n.code for n in nodes}
    keep_cols = [j for j, c in enumerate(codes) if c in kept]
    lead = len(IDATA_LEAD) + len(GROUPS)
    idata_rows = [r[:lead] + tuple(r[lead + j] for j in keep_cols) for r in data_rows]
    labels = _labels(edition)
    ind_cols = tuple(
        Column(
            codes[j],
            "number",
            inds[codes[j]].question,
            unit=_unit(inds, codes[j]),
        )
        for j in keep_cols
    )
    meta_rows: list[tuple[Any, ...]] = []
    for n in sorted(nodes, key=lambda n: n.level):
        meta_rows.append(
            (
                n.level,
                n.code,
                labels.get(n.code) or ("(pass-through level)" if n.kind == PASS_THROUGH else ""),
                n.direction,
                n.weight,
                (_unit(inds, n.code) or None) if n.level == 1 else None,
                None,
                None,
                n.parent,
                "Indicator" if n.level == 1 else "Aggregate",
                n.kind,
            )
        )
    for g in GROUPS:
        meta_rows.append(
            (None, g.name, g.label["en"], None, None, None, None, None, None, "Group", None)
        )
    left_out = tuple(n.code for n in fw.nodes if n.code not in kept)
    return CoinrTables(
        idata=Table("idata", IDATA_LEAD + GROUPS + ind_cols, idata_rows),
        imeta=Table("imeta", IMETA_COLUMNS, meta_rows),
        left_out=left_out,
    )


def _coinr_without_indicators(
    *,
    context: ExportContext,
    units: Sequence[CodedUnit],
    profile_of: Callable[[CodedUnit], ProfileRow | None],
) -> CoinrTables:
    rows = []
    for unit in units:
        p = profile_of(unit)
        rows.append(
            (
                unit.code,
                unit.unit.name if unit.named else unit.code,
                context.year,
                None if p is None else (p.kind or None),
                None if p is None else (p.urbanisation or None),
            )
        )
    groups = [
        (None, g.name, g.label["en"], None, None, None, None, None, None, "Group", None)
        for g in GROUPS
    ]
    return CoinrTables(
        idata=Table("idata", IDATA_LEAD + GROUPS, rows),
        imeta=Table("imeta", IMETA_COLUMNS, groups),
        left_out=(),
    )


def _unit(inds: Mapping[str, Indicator], code: str) -> str:
    ind = inds.get(code)
    if ind is None:
        return ""
    if ind.scoring.method != "data_driven":
        return "score 0-100"
    return text_get(ind.answer.unit, "en")
