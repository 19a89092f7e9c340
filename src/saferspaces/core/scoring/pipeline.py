"""Pipeline: an ordered list of steps loaded from YAML, run with every step recorded.

A pipeline file is a mapping with ``name`` (optional), ``steps`` (a list of ``{step: <kind>,
id: <optional label>, params: {...}}``) and optionally ``sensitivity`` (see
:mod:`.sensitivity`). Each run records, per step, the fully resolved parameters, the data set
it produced and details of what it did, so any result can be regenerated and explained.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from saferspaces.core.limits import (
    FILE_MAX_BYTES,
    PIPELINE_YAML_NODES_MAX,
    InputError,
    LimitExceeded,
)
from saferspaces.core.safeload.text import file_read, text_decode
from saferspaces.core.safeload.yamlload import yaml_load

from .aggregate import aggregate_validate, data_aggregate
from .data import Dataset, Framework
from .denominate import data_denominate, denominate_validate
from .errors import PipelineError, Problem, StepWarning
from .impute import data_impute, impute_validate
from .normalise import data_normalise, normalise_validate
from .params import RunState, StepOutput
from .screen import data_screen, screen_validate
from .treat import data_treat, treat_validate
from .weights import data_weights, weights_validate

Validator = Callable[..., dict[str, Any]]
# what a memoised step prefix produced: data, weights in force, details, warnings
StepCacheEntry = tuple[Dataset, dict[str, float], Mapping[str, Any], tuple[StepWarning, ...]]
Runner = Callable[..., StepOutput]

STEPS: Mapping[str, tuple[Validator, Runner]] = {
    "denominate": (denominate_validate, data_denominate),
    "impute": (impute_validate, data_impute),
    "screen": (screen_validate, data_screen),
    "treat": (treat_validate, data_treat),
    "normalise": (normalise_validate, data_normalise),
    "weights": (weights_validate, data_weights),
    "aggregate": (aggregate_validate, data_aggregate),
}
TOP_KEYS = ("name", "description", "version", "steps", "sensitivity")


@dataclass(frozen=True)
class StepSpec:
    """One step: its kind, unique id, the parameters as written and as resolved."""

    kind: str
    id: str
    label: str
    raw: Mapping[str, Any]
    params: Mapping[str, Any]
    key: str = ""


@dataclass(frozen=True)
class PipelineSpec:
    name: str
    steps: tuple[StepSpec, ...]
    sensitivity: Mapping[str, Any] | None = None
    source: str | None = None

    def step(self, step_id: str) -> StepSpec:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)


@dataclass(frozen=True, eq=False)
class StepRecord:
    """What one step did: resolved parameters, the data set it produced, details."""

    index: int
    kind: str
    id: str
    params: Mapping[str, Any]
    data: Dataset | None
    details: Mapping[str, Any]
    warnings: tuple[StepWarning, ...] = ()


@dataclass(frozen=True, eq=False)
class PipelineResult:
    spec: PipelineSpec
    records: tuple[StepRecord, ...]
    results: Dataset
    weights: Mapping[str, float] = field(default_factory=dict)

    @property
    def warnings(self) -> tuple[StepWarning, ...]:
        """Every step's warnings, in step order."""
        return tuple(w for r in self.records for w in r.warnings)

    def record(self, step_id: str) -> StepRecord:
        for r in self.records:
            if r.id == step_id:
                return r
        raise KeyError(step_id)


def pipeline_yaml_load(*, text: str, source: str) -> Any:
    """Plain data of a pipeline's YAML text, within the YAML limits of ``core.limits``.

    Raises :class:`PipelineError` naming the file and line of a syntax error or of the place
    where a limit (depth, aliases, values) is passed.
    """
    try:
        return yaml_load(text=text, file=source, max_nodes=PIPELINE_YAML_NODES_MAX)
    except LimitExceeded as exc:
        at = f"column {exc.column}: " if exc.column is not None else ""
        raise PipelineError([Problem(f"{at}{exc.message}", file=source, row=exc.line)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise PipelineError(
            [Problem(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=source, row=row)]
        ) from None


def pipeline_read(*, path: Path) -> Mapping[str, Any]:
    """Read a pipeline YAML file into a mapping (errors name the file and line)."""
    try:
        text = text_decode(content=file_read(path=path, max_bytes=FILE_MAX_BYTES), where=str(path))
    except OSError as exc:
        raise PipelineError(
            [Problem(f"cannot read the pipeline file: {exc.strerror}", file=str(path))]
        ) from None
    except InputError as exc:
        at = f"column {exc.column}: " if exc.column is not None else ""
        raise PipelineError([Problem(f"{at}{exc.message}", file=str(path), row=exc.line)]) from None
    raw = pipeline_yaml_load(text=text, source=str(path))
    if not isinstance(raw, Mapping):
        raise PipelineError(
            [Problem("a pipeline file must be a mapping with 'steps'", file=str(path))]
        )
    return raw


def _step_problem(p: Problem, source: str | None) -> Problem:
    return Problem(
        p.message, file=source, step=p.step, indicator=p.indicator, unit=p.unit, column=p.column
    )


def step_spec_build(
    *, kind: str, step_id: str, label: str, raw: Mapping[str, Any], framework: Framework
) -> StepSpec:
    validator = STEPS[kind][0]
    params = validator(raw, step=label, framework=framework)
    key = kind + json.dumps(params, sort_keys=True, default=str)
    return StepSpec(kind=kind, id=step_id, label=label, raw=raw, params=params, key=key)


def pipeline_parse(
    *, raw: Mapping[str, Any], framework: Framework, source: str | None = None
) -> PipelineSpec:
    """Validate a pipeline mapping against a framework; collects every problem."""
    problems: list[Problem] = []
    for key in raw:
        if key not in TOP_KEYS:
            problems.append(
                Problem(
                    f"unknown top-level key {key!r}; expected {', '.join(TOP_KEYS)}", file=source
                )
            )
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        problems.append(Problem("'steps' must be a non-empty list", file=source))
        steps_raw = []
    steps: list[StepSpec] = []
    seen: set[str] = set()
    for i, entry in enumerate(steps_raw, start=1):
        if not isinstance(entry, Mapping):
            problems.append(
                Problem("each step must be a mapping with 'step'", file=source, step=str(i))
            )
            continue
        kind = entry.get("step")
        for key in entry:
            if key not in ("step", "id", "params"):
                problems.append(
                    Problem(
                        f"unknown key {key!r} (expected step, id, params)", file=source, step=str(i)
                    )
                )
        if kind not in STEPS:
            problems.append(
                Problem(
                    f"unknown step {kind!r}; expected one of: {', '.join(STEPS)}",
                    file=source,
                    step=str(i),
                )
            )
            continue
        step_id = str(entry.get("id", kind))
        if step_id in seen:
            n = 2
            while f"{kind}{n}" in seen:
                n += 1
            step_id = f"{kind}{n}" if "id" not in entry else step_id
            if step_id in seen:
                problems.append(
                    Problem(f"step id {step_id!r} used twice", file=source, step=str(i))
                )
        seen.add(step_id)
        label = f"{i} ({step_id})"
        params = entry.get("params") or {}
        try:
            steps.append(
                step_spec_build(
                    kind=str(kind), step_id=step_id, label=label, raw=params, framework=framework
                )
            )
        except PipelineError as exc:
            problems.extend(_step_problem(p, source) for p in exc.problems)
    sens = raw.get("sensitivity")
    if sens is not None and not isinstance(sens, Mapping):
        problems.append(Problem("'sensitivity' must be a mapping", file=source))
        sens = None
    if problems:
        raise PipelineError(problems)
    return PipelineSpec(
        name=str(raw.get("name", source or "pipeline")),
        steps=tuple(steps),
        sensitivity=sens,
        source=source,
    )


def pipeline_load(*, path: Path, framework: Framework) -> PipelineSpec:
    """Read and validate a pipeline file."""
    return pipeline_parse(raw=pipeline_read(path=path), framework=framework, source=str(path))


def _key(spec: StepSpec) -> str:
    return spec.key or spec.kind + json.dumps(spec.params, sort_keys=True, default=str)


def pipeline_run(
    *,
    data: Dataset,
    framework: Framework,
    spec: PipelineSpec,
    keep_intermediate: bool = True,
    cache: MutableMapping[str, StepCacheEntry] | None = None,
) -> PipelineResult:
    """Run the steps in order on ``data``.

    With ``cache`` (a dict the caller keeps), the output of every step prefix is memoised by
    its resolved parameters, so runs that share their first steps (as in a sensitivity
    analysis) compute them once. Steps are pure, so this changes no result.
    """
    missing = [c for c in framework.indicators if c not in data.codes]
    if missing:
        raise PipelineError(
            [
                Problem("indicator of the framework missing from the data", indicator=c)
                for c in missing
            ]
        )
    state = RunState(framework=framework, weights=framework.weights())
    current = data
    # with no intermediate data kept and no cache, steps may work in place on one private copy
    owned = not keep_intermediate and cache is None
    if owned:
        current = data.with_values(data.values.copy())
    records: list[StepRecord] = []
    prefix = ""
    for i, st in enumerate(spec.steps):
        prefix = prefix + "|" + _key(st)
        hit = cache.get(prefix) if cache is not None else None
        if hit is not None:
            current, weights, details, warnings = hit
            state = RunState(framework=framework, weights=weights)
        else:
            runner = STEPS[st.kind][1]
            out = runner(data=current, state=state, params=st.params, step=st.label, owned=owned)
            current = out.data
            if out.weights is not None:
                state = RunState(framework=framework, weights=out.weights)
            details, warnings = out.details, out.warnings
            if cache is not None and i < len(spec.steps) - 1:
                cache[prefix] = (current, state.weights, details, warnings)
        records.append(
            StepRecord(
                index=i,
                kind=st.kind,
                id=st.id,
                params=st.params,
                data=current if keep_intermediate else None,
                details=details,
                warnings=warnings,
            )
        )
    return PipelineResult(
        spec=spec, records=tuple(records), results=current, weights=dict(state.weights)
    )


def pipeline_with_params(
    *, spec: PipelineSpec, changes: Mapping[str, Mapping[str, Any]], framework: Framework
) -> PipelineSpec:
    """A copy of ``spec`` where the raw params of the named steps are updated and re-validated."""
    steps = []
    for st in spec.steps:
        if st.id in changes:
            raw = {**st.raw, **changes[st.id]}
            steps.append(
                step_spec_build(
                    kind=st.kind, step_id=st.id, label=st.label, raw=raw, framework=framework
                )
            )
        else:
            steps.append(st)
    return PipelineSpec(
        name=spec.name, steps=tuple(steps), sensitivity=spec.sensitivity, source=spec.source
    )
