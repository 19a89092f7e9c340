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
from saferspaces.core.scoring.data import Node

from .model import CodedUnit, Column, ExportContext, IndicatorValue, ProfileRow, Table

IMETA_COLUMNS = (
    Column("Level", "integer", {"en": "Level in the hierarchy (1 = indicator)", "fr": "Niveau"}),
    Column("iCode", "string", {"en": "Indicator or aggregate code", "fr": "Code"}),
    Column("iName", "string", {"en": "Name", "fr": "Nom"}),
    Column(
        "Direction",
        "integer",
        {"en": "Direction (1: higher is better, -1: higher is worse)", "fr": "Sens"},
        "1; -1",
    ),
    Column("Weight", "number", {"en": "Weight", "fr": "Poids"}),
    Column("Unit", "string", {"en": "Unit", "fr": "Unité"}),
    Column("Target", "number", {"en": "Target (none)", "fr": "Cible (aucune)"}),
    Column("Denominator", "string", {"en": "Denominator (none)", "fr": "Dénominateur (aucun)"}),
    Column("Parent", "string", {"en": "Parent code", "fr": "Code parent"}),
    Column(
        "Type",
        "string",
        {"en": "COINr type", "fr": "Type COINr"},
        "Indicator; Aggregate; Group",
    ),
    Column(
        "Kind",
        "string",
        {"en": "Kind of indicator or node", "fr": "Nature de l'indicateur ou du nœud"},
        f"perception; status; {PASS_THROUGH}",
    ),
)
GROUPS = (
    Column("authority_kind", "string", {"en": "Kind of authority", "fr": "Type d'autorité"}),
    Column("urbanisation", "string", {"en": "Degree of urbanisation", "fr": "Urbanisation"}),
)
IDATA_LEAD = (
    Column("uCode", "string", {"en": "Unit code", "fr": "Code de l'unité"}),
    Column(
        "uName",
        "string",
        {"en": "Unit name (the code when not named)", "fr": "Nom de l'unité (ou son code)"},
    ),
    Column("Time", "integer", {"en": "Year of the round", "fr": "Année de la campagne"}),
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
            {
                "en": text_get(inds[codes[j]].question, "en"),
                "fr": text_get(inds[codes[j]].question, "fr"),
            },
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


def _unit(inds: Mapping[str, Indicator], code: str) -> str:
    ind = inds.get(code)
    if ind is None:
        return ""
    if ind.scoring.method != "data_driven":
        return "score 0-100"
    return text_get(ind.answer.unit, "en")
