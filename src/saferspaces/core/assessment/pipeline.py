"""An edition's scoring pipeline: ``edition_pipeline_load`` and ``edition_pipeline_default``.

The file is the engine's pipeline format (``docs/methodology.md``) plus a ``platform`` mapping::

    platform:
      overall: false                 # a composite over all dimensions (never ranked)
      availability_threshold: 0.5    # share of applicable indicators with a value
      min_units_data_driven: 5       # units with a value needed to normalise data_driven ones
      gap_threshold: 10              # |perception - status| in points read as a real gap
      change_tolerance: 5            # points a change must exceed (plus the intervals) to count
      background:                    # background indicators used to find similar authorities
        population: BG_C01
    steps:
      - {step: normalise, params: {method: minmax, range: [0, 100]}}
      - {step: weights, params: {method: framework}}
      - {step: aggregate, params: {method: arithmetic}}

Rule-scored indicators are 0-100 scores already and always pass through (``method: none`` is
added for each); the ``normalise`` method applies to ``data_driven`` indicators only and must
land on 0-100 like the rule scores. Only ``normalise``, ``weights`` (framework, equal, given) and
one final arithmetic ``aggregate`` are allowed: missing answers are shown, never imputed; every
assessment is scored, none screened out; nothing is ranked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saferspaces.core.framework.model import Edition
from saferspaces.core.limits import FILE_MAX_BYTES, InputError
from saferspaces.core.safeload.text import file_read, text_decode
from saferspaces.core.scoring.data import Framework
from saferspaces.core.scoring.errors import PipelineError, Problem, ScoringError
from saferspaces.core.scoring.pipeline import PipelineSpec, pipeline_parse, pipeline_yaml_load

from .errors import EditionPipelineError
from .hierarchy import (
    edition_scored_dimensions,
    edition_scoring_framework,
    edition_weights_check,
)

PLATFORM_KEYS = (
    "overall",
    "availability_threshold",
    "min_units_data_driven",
    "gap_threshold",
    "change_tolerance",
    "background",
)
# the background conditions an edition can map to its own indicators (for peer matching)
BACKGROUND_KEYS = ("population", "density", "urbanisation", "income")
ALLOWED_STEPS = ("normalise", "weights", "aggregate")
REFUSED_STEPS: Mapping[str, str] = {
    "impute": "missing answers are shown as missing, never filled in",
    "screen": "every assessment is scored; missing data lowers its availability instead",
    "treat": "answers are scored by the edition's rules, not transformed",
    "denominate": "answers are entered as rates or shares already",
}
WEIGHT_METHODS = ("framework", "equal", "given")
DATA_DRIVEN_METHODS = ("minmax", "goalposts", "scaled")
# ".pipeline.yml" too: a bundled-editions loader that globs "*.yaml" must not take a pipeline
# file for an edition
PIPELINE_SUFFIXES = (".pipeline.yaml", ".pipeline.yml")

_ENGINE_NORMALISE = (
    "minmax",
    "zscore",
    "scaled",
    "fracmax",
    "rank",
    "prank",
    "borda",
    "goalposts",
    "target",
    "reference",
    "dist2max",
    "none",
)
REFUSED_METHODS = ("zscore", "fracmax", "rank", "prank", "borda", "target", "reference", "dist2max")

DEFAULT_TEXT = """\
name: {edition} default scoring
description: >-
  Rule-scored indicators pass through (already 0-100); data_driven indicators are min-max
  normalised to 0-100 across the assessments scored together; arithmetic means with the
  framework weights; a (sub-)dimension needs half of its applicable indicators answered.
platform:
  overall: false
  availability_threshold: 0.5
  min_units_data_driven: 5
steps:
  - step: normalise
    params: {{method: minmax, range: [0, 100]}}
  - step: weights
    params: {{method: framework}}
  - step: aggregate
    params: {{method: arithmetic}}
"""


@dataclass(frozen=True)
class PlatformOptions:
    overall: bool = False
    availability_threshold: float = 0.5
    min_units_data_driven: int = 5
    gap_threshold: float = 10.0
    change_tolerance: float = 5.0
    background: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class EditionPipeline:
    """A validated pipeline for one edition, with the engine framework it runs on."""

    edition_id: str
    name: str
    source: str
    text: str
    sha256: str
    options: PlatformOptions
    framework: Framework
    spec: PipelineSpec

    def normalisation(self, code: str) -> Mapping[str, Any]:
        """Resolved normalisation parameters of a data_driven indicator."""
        step = next(s for s in self.spec.steps if s.kind == "normalise")
        params = step.params
        over: Mapping[str, Mapping[str, Any]] = params["indicators"]
        return over.get(code, params)

    def aggregate_weights(self) -> Mapping[str, float]:
        step = next(s for s in self.spec.steps if s.kind == "aggregate")
        return step.params.get("weights") or {}


def _points(
    raw: Mapping[str, Any], key: str, default: float, source: str, problems: list[Problem]
) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        problems.append(
            Problem(
                f"'{key}' must be a number of points from 0 to 100, got {value!r}",
                file=source,
                column="platform",
            )
        )
        return default
    return float(value)


def _background(
    raw: Any, edition: Edition | None, source: str, problems: list[Problem]
) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(
            Problem(
                "'background' must map conditions to indicator codes",
                file=source,
                column="platform.background",
            )
        )
        return {}
    known = {}
    if edition is not None:
        known = {i.code: i for d, i in edition.indicators() if i.kind == "context"}
    out: dict[str, str] = {}
    for key, code in raw.items():
        where = f"platform.background.{key}"
        if key not in BACKGROUND_KEYS:
            problems.append(
                Problem(
                    f"unknown condition {key!r}; expected {', '.join(BACKGROUND_KEYS)}",
                    file=source,
                    column=where,
                )
            )
        elif not isinstance(code, str) or (edition is not None and code not in known):
            problems.append(
                Problem(
                    f"{code!r} is not a background (context) indicator of the edition",
                    file=source,
                    column=where,
                )
            )
        else:
            out[key] = code
    return out


def _platform(
    raw: Any, source: str, problems: list[Problem], edition: Edition | None = None
) -> PlatformOptions:
    if raw is None:
        return PlatformOptions()
    if not isinstance(raw, Mapping):
        problems.append(Problem("'platform' must be a mapping", file=source, column="platform"))
        return PlatformOptions()
    for key in raw:
        if key not in PLATFORM_KEYS:
            problems.append(
                Problem(
                    f"unknown key {key!r}; expected {', '.join(PLATFORM_KEYS)}",
                    file=source,
                    column="platform",
                )
            )
    opts = PlatformOptions()
    overall = raw.get("overall", opts.overall)
    if not isinstance(overall, bool):
        problems.append(
            Problem(
                f"'overall' must be true or false, got {overall!r}", file=source, column="platform"
            )
        )
        overall = False
    thr = raw.get("availability_threshold", opts.availability_threshold)
    if isinstance(thr, bool) or not isinstance(thr, int | float) or not 0 <= thr <= 1:
        problems.append(
            Problem(
                f"'availability_threshold' must be a number from 0 to 1, got {thr!r}",
                file=source,
                column="platform",
            )
        )
        thr = opts.availability_threshold
    n = raw.get("min_units_data_driven", opts.min_units_data_driven)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        problems.append(
            Problem(
                f"'min_units_data_driven' must be a whole number >= 2, got {n!r}",
                file=source,
                column="platform",
            )
        )
        n = opts.min_units_data_driven
    return PlatformOptions(
        overall=overall,
        availability_threshold=float(thr),
        min_units_data_driven=n,
        gap_threshold=_points(raw, "gap_threshold", opts.gap_threshold, source, problems),
        change_tolerance=_points(raw, "change_tolerance", opts.change_tolerance, source, problems),
        background=_background(raw.get("background"), edition, source, problems),
    )


def _check_normalise(
    params: Any, *, label: str, edition: Edition, source: str, problems: list[Problem]
) -> dict[str, Any]:
    """Check the data_driven methods and add ``none`` for every rule-scored indicator."""
    params = dict(params) if isinstance(params, Mapping) else {}
    all_inds = edition.indicator_map()
    scored = {i.code: i for d in edition_scored_dimensions(edition=edition) for i in d.indicators}

    def check(spec: Mapping[str, Any], where: str, code: str | None) -> None:
        method = spec.get("method", "minmax")
        if method not in DATA_DRIVEN_METHODS:
            return  # unknown methods are reported by the engine; known ones need 0-100:
        if method == "minmax":
            rng = spec.get("range", [0, 100])
            if isinstance(rng, list | tuple) and [float(v) for v in rng if _num(v)] != [0.0, 100.0]:
                problems.append(
                    Problem(
                        f"{where}: data_driven indicators are scored 0-100 like rule scores: "
                        f"'range' must be [0, 100], got {rng!r}",
                        file=source,
                        step=label,
                        indicator=code,
                    )
                )
        if method == "goalposts" and spec.get("scale", 1) != 100:
            problems.append(
                Problem(
                    f"{where}: goalposts of a data_driven indicator need 'scale: 100' (0-100)",
                    file=source,
                    step=label,
                    indicator=code,
                )
            )

    default = params.get("method", "minmax")
    if default in (*REFUSED_METHODS, "none"):
        problems.append(
            Problem(
                f"method {default!r} cannot score data_driven indicators; use one of: "
                f"{', '.join(DATA_DRIVEN_METHODS)}",
                file=source,
                step=label,
            )
        )
    check(params, "default method", None)
    overrides_raw = params.get("indicators") or {}
    overrides: dict[str, Any] = {}
    if isinstance(overrides_raw, Mapping):
        for code, sub in overrides_raw.items():
            code = str(code)
            ind = scored.get(code)
            if ind is None:
                msg = (
                    "indicator is not scored in this edition (not_scored or background)"
                    if code in all_inds
                    else f"unknown indicator: not in edition {edition.id}"
                )
                problems.append(Problem(msg, file=source, step=label, indicator=code))
                continue
            sub_map = sub if isinstance(sub, Mapping) else {}
            method = sub_map.get("method", "minmax")
            if ind.scoring.method != "data_driven":
                if method != "none":
                    problems.append(
                        Problem(
                            f"indicator is scored by its rule ({ind.scoring.method}) and is "
                            f"0-100 already: its normalisation must be 'none', got {method!r}",
                            file=source,
                            step=label,
                            indicator=code,
                        )
                    )
                continue
            if method not in DATA_DRIVEN_METHODS and method in _ENGINE_NORMALISE:
                problems.append(
                    Problem(
                        f"method {method!r} cannot score a data_driven indicator; use one of: "
                        f"{', '.join(DATA_DRIVEN_METHODS)}",
                        file=source,
                        step=label,
                        indicator=code,
                    )
                )
                continue
            check(sub_map, "indicator", code)
            overrides[code] = sub
    for code, ind in scored.items():
        if ind.scoring.method != "data_driven":
            overrides[code] = {"method": "none"}
    params["indicators"] = overrides
    return params


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _check_steps(
    raw_steps: Any, *, edition: Edition, source: str, problems: list[Problem]
) -> list[Any]:
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append(Problem("'steps' must be a non-empty list", file=source))
        return []
    steps: list[Any] = []
    kinds = [s.get("step") if isinstance(s, Mapping) else None for s in raw_steps]
    for i, (entry, kind) in enumerate(zip(raw_steps, kinds, strict=True), start=1):
        label = f"{i} ({entry.get('id', kind)})" if isinstance(entry, Mapping) else str(i)
        if isinstance(kind, str) and kind in REFUSED_STEPS:
            problems.append(
                Problem(
                    f"step {kind!r} is not allowed in an edition pipeline: {REFUSED_STEPS[kind]}",
                    file=source,
                    step=label,
                )
            )
            continue
        if kind == "normalise" and isinstance(entry, Mapping):
            entry = {
                **entry,
                "params": _check_normalise(
                    entry.get("params"),
                    label=label,
                    edition=edition,
                    source=source,
                    problems=problems,
                ),
            }
        if kind == "weights" and isinstance(entry, Mapping):
            params = entry.get("params") or {}
            method = params.get("method") if isinstance(params, Mapping) else None
            if method in ("pca", "optimised"):
                problems.append(
                    Problem(
                        f"weights method {method!r} is not allowed: an assessment's weights must "
                        f"not depend on which other authorities are scored with it; use one of: "
                        f"{', '.join(WEIGHT_METHODS)}",
                        file=source,
                        step=label,
                    )
                )
                continue
        if kind == "aggregate" and isinstance(entry, Mapping):
            params = entry.get("params") or {}
            if isinstance(params, Mapping):
                method = params.get("method", "arithmetic")
                methods = list(method.values()) if isinstance(method, Mapping) else [method]
                if any(m != "arithmetic" for m in methods):
                    problems.append(
                        Problem(
                            f"assessments are aggregated with the arithmetic mean (the only mean "
                            f"whose contributions add up to the score), got {method!r}",
                            file=source,
                            step=label,
                        )
                    )
                if params.get("availability_threshold", 0) not in (0, 0.0, None):
                    problems.append(
                        Problem(
                            "give the availability threshold as 'platform: "
                            "{availability_threshold: ...}': it counts applicable indicators, "
                            "so that 'not applicable' is not missing data",
                            file=source,
                            step=label,
                        )
                    )
            if i != len(raw_steps):
                problems.append(
                    Problem("the aggregate step must be the last step", file=source, step=label)
                )
        steps.append(entry)
    if kinds.count("aggregate") != 1:
        problems.append(
            Problem(
                f"an edition pipeline needs exactly one aggregate step, found {kinds.count('aggregate')}",
                file=source,
            )
        )
    if kinds.count("normalise") > 1:
        problems.append(Problem("at most one normalise step", file=source))
    if "normalise" not in kinds:
        params = _check_normalise(
            {"method": "minmax", "range": [0, 100]},
            label="normalise",
            edition=edition,
            source=source,
            problems=problems,
        )
        steps.insert(0, {"step": "normalise", "params": params})
    return steps


def edition_pipeline_load(*, text: str, edition: Edition, source: str) -> EditionPipeline:
    """Read and validate an edition's pipeline file; every problem names file/step/indicator."""
    try:
        raw = pipeline_yaml_load(text=text, source=source)
    except PipelineError as exc:
        raise EditionPipelineError(exc.problems) from None
    if not isinstance(raw, Mapping):
        raise EditionPipelineError(
            [Problem("a pipeline file must be a mapping with 'steps'", file=source)]
        )
    problems: list[Problem] = []
    options = _platform(raw.get("platform"), source, problems, edition)
    engine_raw = {k: v for k, v in raw.items() if k != "platform"}
    engine_raw["steps"] = _check_steps(
        raw.get("steps"), edition=edition, source=source, problems=problems
    )
    framework = edition_scoring_framework(edition=edition, overall=options.overall)
    spec: PipelineSpec | None = None
    if engine_raw["steps"]:
        try:
            spec = pipeline_parse(raw=engine_raw, framework=framework, source=source)
        except ScoringError as exc:
            problems.extend(exc.problems)
    if spec is not None and not problems:
        problems.extend(edition_weights_check(framework=framework, spec=spec, source=source))
    if problems or spec is None:
        raise EditionPipelineError(problems)
    return EditionPipeline(
        edition_id=edition.id,
        name=str(raw.get("name", f"{edition.id} pipeline")),
        source=source,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        options=options,
        framework=framework,
        spec=spec,
    )


def edition_pipeline_default(*, edition: Edition) -> EditionPipeline:
    """The default pipeline, for editions that have no pipeline file."""
    return edition_pipeline_load(
        text=DEFAULT_TEXT.format(edition=edition.id), edition=edition, source="<default pipeline>"
    )


def edition_pipeline_find(*, edition: Edition, directory: Path) -> EditionPipeline:
    """``<directory>/<edition id>.pipeline.yaml`` (or ``.yml``) if it exists, else the default."""
    candidates = [Path(directory) / f"{edition.id}{suffix}" for suffix in PIPELINE_SUFFIXES]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        return edition_pipeline_default(edition=edition)
    try:
        text = text_decode(content=file_read(path=path, max_bytes=FILE_MAX_BYTES), where=str(path))
    except OSError as exc:
        raise EditionPipelineError(
            [Problem(f"cannot read the pipeline file: {exc}", file=str(path))]
        ) from None
    except InputError as exc:
        at = f"column {exc.column}: " if exc.column is not None else ""
        raise EditionPipelineError(
            [Problem(f"{at}{exc.message}", file=str(path), row=exc.line)]
        ) from None
    return edition_pipeline_load(text=text, edition=edition, source=str(path))
