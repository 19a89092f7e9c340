"""Screen: drop units and indicators with too little data.

Data availability of a unit = share of its indicator values that are present; of an indicator =
share of units with a value. Units with availability ``< unit_min_availability`` are removed
(COINr ``Screen(unit_screen = "byNA", dat_thresh)``), then indicators with availability
``< indicator_min_availability``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem
from .params import ParamReader, RunState, StepOutput


def availability_units(values: FloatArray) -> FloatArray:
    """Share of non-missing values per row."""
    if values.shape[1] == 0:
        return np.ones(values.shape[0])
    return np.asarray(
        np.count_nonzero(~np.isnan(values), axis=1) / values.shape[1], dtype=np.float64
    )


def availability_indicators(values: FloatArray) -> FloatArray:
    """Share of non-missing values per column."""
    if values.shape[0] == 0:
        return np.zeros(values.shape[1])
    return np.asarray(
        np.count_nonzero(~np.isnan(values), axis=0) / values.shape[0], dtype=np.float64
    )


def screen_validate(
    params: Mapping[str, Any] | None, *, step: str, framework: Framework
) -> dict[str, Any]:
    r = ParamReader(params, step)
    u = r.number("unit_min_availability", None, minimum=0.0, maximum=1.0, allow_none=True)
    i = r.number("indicator_min_availability", None, minimum=0.0, maximum=1.0, allow_none=True)
    if u is None and i is None:
        r.error("give unit_min_availability and/or indicator_min_availability")
    r.finish()
    return {"unit_min_availability": u, "indicator_min_availability": i}


def data_screen(
    *, data: Dataset, state: RunState, params: Mapping[str, Any], step: str, owned: bool = False
) -> StepOutput:
    ind_codes = [c for c in state.framework.indicators if c in data.codes]
    sub = data.matrix(ind_codes)
    removed_units: list[str] = []
    out = data
    u_thr = params["unit_min_availability"]
    if u_thr is not None:
        avail = availability_units(sub)
        keep = avail >= u_thr
        removed_units = [data.units[i] for i in np.flatnonzero(~keep)]
        if removed_units:
            out = out.select_units(keep)
            sub = sub[keep, :]
    removed_inds: list[str] = []
    i_thr = params["indicator_min_availability"]
    if i_thr is not None:
        avail_i = availability_indicators(sub)
        removed_inds = [c for c, a in zip(ind_codes, avail_i, strict=True) if a < i_thr]
        if removed_inds:
            out = out.select_codes([c for c in out.codes if c not in set(removed_inds)])
    if not out.units:
        raise PipelineError([Problem("screening removed every unit", step=step)])
    return StepOutput(
        data=out,
        details={"removed_units": removed_units, "removed_indicators": removed_inds},
    )
