"""Denominate: divide indicators by a unit attribute (e.g. per 100 000 inhabitants).

``y = scale * x / d`` where ``d`` is the unit's denominator for that indicator (COINr
``Denominate``). A missing denominator gives a missing value; a zero denominator is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .data import Dataset, Framework
from .errors import PipelineError, Problem, StepWarning
from .params import ParamReader, RunState, StepOutput


def denominate_validate(
    params: Mapping[str, Any] | None, *, step: str, framework: Framework
) -> dict[str, Any]:
    """Check parameters: ``denominators`` ("meta" or {indicator: column}), ``scale``."""
    r = ParamReader(params, step)
    spec = r.raw_value("denominators", "meta")
    by: dict[str, str] = {}
    if spec == "meta":
        by = {n.code: n.denominator for n in framework.nodes if n.level == 1 and n.denominator}
    elif isinstance(spec, Mapping):
        for code, den in spec.items():
            if not framework.has(str(code)) or framework.node(str(code)).level != 1:
                r.error("not an indicator of the framework", indicator=str(code))
            elif not isinstance(den, str) or not den:
                r.error(f"denominator must be a column name, got {den!r}", indicator=str(code))
            else:
                by[str(code)] = den
    else:
        r.error(f"parameter 'denominators' must be 'meta' or a mapping, got {spec!r}")
    scale = r.number("scale", 1.0, minimum=0.0, strict_min=True)
    r.finish()
    return {"denominators": by, "scale": scale}


def data_denominate(
    *, data: Dataset, state: RunState, params: Mapping[str, Any], step: str, owned: bool = False
) -> StepOutput:
    by: Mapping[str, str] = params["denominators"]
    scale = float(params["scale"])
    problems: list[Problem] = []
    warnings: list[StepWarning] = []
    values = data.values.copy()
    for code, den in by.items():
        if code not in data.codes:
            problems.append(Problem("indicator not in the data", step=step, indicator=code))
            continue
        d = data.denominators.get(den)
        if d is None:
            problems.append(
                Problem(f"denominator column {den!r} not in the data", step=step, indicator=code)
            )
            continue
        zero = np.flatnonzero(d == 0)
        for i in zero:
            problems.append(
                Problem(
                    f"denominator {den!r} is zero", step=step, indicator=code, unit=data.units[i]
                )
            )
        j = data.index(code)
        lost = np.flatnonzero(np.isnan(d) & ~np.isnan(values[:, j]))
        if lost.size:
            warnings.append(
                StepWarning(
                    "missing",
                    f"the denominator {den!r} is missing for these units: their values are "
                    "set to missing",
                    step=step,
                    indicator=code,
                    units=tuple(data.units[i] for i in lost),
                )
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            values[:, j] = values[:, j] / d * scale if scale != 1.0 else values[:, j] / d
    if problems:
        raise PipelineError(problems)
    return StepOutput(
        data=data.with_values(values),
        details={"denominated": dict(by), "scale": scale},
        warnings=tuple(warnings),
    )
