"""Uncertainty and sensitivity analysis over pipeline assumptions.

An *assumption* is a step parameter with alternatives (discrete values, a continuous range, or
noisy weight sets). Uncertainty analysis runs the pipeline on ``N`` random draws; sensitivity
analysis uses the Saltelli design of COINr ``SA_sample`` (matrices A, B and the d matrices
A_B^(i), ``N (d + 2)`` runs) and COINr's ``SA_estimate`` estimators:

* first order ``S_i = mean(y_B (y_ABi - y_A)) / V(y)``,
* total ``S_Ti = sum((y_A - y_ABi)^2) / (2 N V(y))``, with ``V`` the variance of ``(y_A, y_B)``,

and bootstrap confidence intervals (5 % and 95 % quantiles of the estimators over resampled
rows). The scalar output ``y`` of a run is chosen by ``output``: ``band_change`` (share of
units whose peer band differs from the nominal one), ``score_change`` (mean absolute score
change) or ``rank_change`` (mean absolute rank change, COINr's choice, kept for parity).

Results suit a product without rankings: score intervals per unit (and per aggregate when
asked), the share of runs in which a unit stays in its nominal peer band, plus COINr's rank
statistics for parity. Runs share memoised step prefixes, so only the steps an assumption
touches are recomputed.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .data import Dataset, FloatArray, Framework
from .errors import PipelineError, Problem, StepWarning
from .pipeline import PipelineSpec, StepSpec, pipeline_run, step_spec_build

OUTPUTS = ("band_change", "score_change", "rank_change")


@dataclass(frozen=True)
class Assumption:
    """One uncertain input: alternatives for a parameter of a step (``param=None``: whole params)."""

    name: str
    step: str
    param: str | None
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None

    def value(self, u: float) -> Any:
        if self.values:
            k = min(int(u * len(self.values)), len(self.values) - 1)
            return self.values[k]
        assert self.low is not None and self.high is not None
        return self.low + u * (self.high - self.low)


@dataclass(frozen=True)
class SensitivitySpec:
    target: str
    n: int
    analysis: str
    assumptions: tuple[Assumption, ...]
    seed: int = 1
    bootstrap: int = 1000
    bands: int = 5
    output: str = "band_change"
    aggregates: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class SensitivityIndex:
    name: str
    first: float
    total: float
    first_ci: tuple[float, float]
    total_ci: tuple[float, float]


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Scores of every run and their summaries (arrays are indexed like ``units``)."""

    units: tuple[str, ...]
    target: str
    nominal: FloatArray
    scores: FloatArray
    sample: FloatArray
    summary_runs: int
    score_mean: FloatArray
    score_median: FloatArray
    score_q05: FloatArray
    score_q95: FloatArray
    band_nominal: npt_int
    band_stability: FloatArray
    rank_nominal: FloatArray
    rank_mean: FloatArray
    rank_median: FloatArray
    rank_q05: FloatArray
    rank_q95: FloatArray
    indices: tuple[SensitivityIndex, ...] | None
    output_values: FloatArray
    aggregate_intervals: Mapping[str, tuple[FloatArray, FloatArray]] = field(default_factory=dict)
    failed_runs: int = 0
    failure_messages: tuple[str, ...] = ()
    warnings: tuple[StepWarning, ...] = ()  # of the nominal run
    # warnings of the other runs that the nominal run has not, with how many runs had each
    run_warnings: tuple[tuple[StepWarning, int], ...] = ()


npt_int = Any  # integer numpy array (kept loose for readability)


def _noisy_weight_sets(
    nominal: Mapping[str, float],
    framework: Framework,
    levels: Sequence[int],
    factor: float,
    sets: int,
    seed: int,
) -> tuple[dict[str, Any], ...]:
    """COINr ``get_noisy_weights``: ``w (1 + f U(-1, 1))`` for the weights of the given levels."""
    rng = np.random.default_rng(seed)
    codes = [n.code for n in framework.nodes if n.level in set(levels) and n.parent is not None]
    out = []
    for _ in range(sets):
        noise = (rng.random(len(codes)) * 2 - 1) * factor
        out.append(
            {c: float(nominal.get(c, 1.0)) * (1 + e) for c, e in zip(codes, noise, strict=True)}
        )
    return tuple(out)


def sensitivity_parse(
    *, raw: Mapping[str, Any], spec: PipelineSpec, framework: Framework, source: str | None = None
) -> SensitivitySpec:
    """Validate the ``sensitivity`` section of a pipeline file; collects every problem."""
    problems: list[Problem] = []

    def err(msg: str, step: str | None = None) -> None:
        problems.append(Problem(msg, file=source, step=step, column="sensitivity"))

    allowed = (
        "target",
        "N",
        "analysis",
        "assumptions",
        "seed",
        "bootstrap",
        "bands",
        "output",
        "aggregates",
    )
    for key0 in raw:
        if key0 not in allowed:
            err(f"unknown key {key0!r}; expected {', '.join(allowed)}")
    target = raw.get("target")
    if not isinstance(target, str) or not framework.has(target):
        err(f"'target' must be a code of the framework, got {target!r}")
        target = framework.aggregates()[-1] if framework.aggregates() else framework.indicators[0]
    n = raw.get("N", 100)
    if isinstance(n, bool) or not isinstance(n, int) or n < 3:
        err(f"'N' must be an integer >= 3, got {n!r}")
        n = 100
    analysis = raw.get("analysis", "sensitivity")
    if analysis not in ("uncertainty", "sensitivity"):
        err(f"'analysis' must be 'uncertainty' or 'sensitivity', got {analysis!r}")
        analysis = "uncertainty"
    ints = {}
    for key, default, minimum in (("seed", 1, 0), ("bootstrap", 1000, 0), ("bands", 5, 2)):
        v = raw.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            err(f"'{key}' must be an integer >= {minimum}, got {v!r}")
            v = default
        ints[key] = v
    output = raw.get("output", "band_change")
    if output not in OUTPUTS:
        err(f"'output' must be one of {', '.join(OUTPUTS)}, got {output!r}")
        output = "band_change"
    aggs = raw.get("aggregates", [])
    if not isinstance(aggs, list) or not all(isinstance(a, str) and framework.has(a) for a in aggs):
        err(f"'aggregates' must list codes of the framework, got {aggs!r}")
        aggs = []
    items = raw.get("assumptions")
    if not isinstance(items, list) or not items:
        err("'assumptions' must be a non-empty list")
        items = []
    ids = {s.id: s for s in spec.steps}
    assumptions: list[Assumption] = []
    names: set[str] = set()
    for k, item in enumerate(items, start=1):
        where = f"assumption {k}"
        if not isinstance(item, Mapping):
            err("must be a mapping", where)
            continue
        for key in item:
            if key not in ("name", "step", "param", "values", "range", "noise"):
                err(f"unknown key {key!r}", where)
        name = str(item.get("name", f"A{k}"))
        if name in names:
            err(f"name {name!r} used twice", where)
        names.add(name)
        step_id = item.get("step")
        if step_id not in ids:
            err(f"step {step_id!r} is not a step id of the pipeline ({', '.join(ids)})", where)
            continue
        st: StepSpec = ids[str(step_id)]
        param = item.get("param")
        kinds = [key for key in ("values", "range", "noise") if key in item]
        if len(kinds) != 1:
            err("give exactly one of 'values', 'range', 'noise'", where)
            continue
        if kinds[0] == "values":
            vals = item["values"]
            if not isinstance(vals, list) or not vals:
                err("'values' must be a non-empty list", where)
                continue
            if param is None and not all(isinstance(v, Mapping) for v in vals):
                err("without 'param', each value must be a mapping of step parameters", where)
                continue
            for v in vals:  # validate every alternative now, not mid-analysis
                alt = dict(v) if param is None else {**st.raw, str(param): v}
                try:
                    step_spec_build(
                        kind=st.kind, step_id=st.id, label=st.label, raw=alt, framework=framework
                    )
                except PipelineError as exc:
                    problems.extend(
                        Problem(
                            f"{where} ({name}), value {v!r}: {p.message}",
                            file=source,
                            step=p.step,
                            indicator=p.indicator,
                        )
                        for p in exc.problems
                    )
            assumptions.append(Assumption(name=name, step=st.id, param=param, values=tuple(vals)))
        elif kinds[0] == "range":
            rng_ = item["range"]
            if (
                param is None
                or not isinstance(rng_, list)
                or len(rng_) != 2
                or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng_)
                or rng_[0] >= rng_[1]
            ):
                err("'range' needs 'param' and [low, high] with low < high", where)
                continue
            assumptions.append(
                Assumption(
                    name=name, step=st.id, param=param, low=float(rng_[0]), high=float(rng_[1])
                )
            )
        else:
            nz = item["noise"]
            if st.kind != "aggregate" or not isinstance(nz, Mapping):
                err("'noise' applies to an aggregate step and must be a mapping", where)
                continue
            levels = nz.get("levels", [2, 3])
            factor = nz.get("factor", 0.25)
            sets = nz.get("sets", 100)
            if not isinstance(levels, list) or not all(
                isinstance(v, int) and 1 <= v < framework.n_levels for v in levels
            ):
                err(
                    f"noise 'levels' must list levels 1..{framework.n_levels - 1} (weights of children), got {levels!r}",
                    where,
                )
                continue
            if (
                isinstance(factor, bool)
                or not isinstance(factor, int | float)
                or not 0 <= factor < 1
            ):
                err(f"noise 'factor' must be in [0, 1), got {factor!r}", where)
                continue
            if isinstance(sets, bool) or not isinstance(sets, int) or sets < 1:
                err(f"noise 'sets' must be an integer >= 1, got {sets!r}", where)
                continue
            nominal = st.params.get("weights") or framework.weights()
            vals_t = _noisy_weight_sets(
                nominal, framework, levels, float(factor), sets, int(ints["seed"]) + 7919 * k
            )
            assumptions.append(Assumption(name=name, step=st.id, param="weights", values=vals_t))
    if analysis == "sensitivity" and len(assumptions) < 2 and not problems:
        err("a sensitivity analysis needs at least two assumptions (use analysis: uncertainty)")
    if problems:
        raise PipelineError(problems)
    return SensitivitySpec(
        target=str(target),
        n=int(n),
        analysis=str(analysis),
        assumptions=tuple(assumptions),
        seed=int(ints["seed"]),
        bootstrap=int(ints["bootstrap"]),
        bands=int(ints["bands"]),
        output=str(output),
        aggregates=tuple(aggs),
    )


def sample_saltelli(*, n: int, d: int, rng: np.random.Generator) -> FloatArray:
    """COINr ``SA_sample``: rows A (N), B (N), then for each i, A with column i from B."""
    base = rng.random((n, 2 * d))
    a, b = base[:, :d], base[:, d:]
    blocks = [a, b]
    for i in range(d):
        abi = a.copy()
        abi[:, i] = b[:, i]
        blocks.append(abi)
    return np.asarray(np.vstack(blocks), dtype=np.float64)


def sensitivity_indices(
    *, y: FloatArray, n: int, d: int, bootstrap: int, rng: np.random.Generator
) -> tuple[list[tuple[float, float, tuple[float, float], tuple[float, float]]], float]:
    """COINr ``SA_estimate``: first-order and total indices with bootstrap 5-95 % intervals."""
    ya, yb = y[:n], y[n : 2 * n]
    yabi = y[2 * n :].reshape(d, n).T
    var = float(np.var(np.concatenate([ya, yb]), ddof=1))
    sid = yb[:, None] * (yabi - ya[:, None])
    std = ya[:, None] - yabi
    out = []
    if not np.isfinite(var):
        # Some runs have no output (their methods conflicted): the indices are unknown, not zero.
        unknown = (float("nan"), float("nan"))
        return [(float("nan"), float("nan"), unknown, unknown) for _ in range(d)], var
    with np.errstate(invalid="ignore", divide="ignore"):
        si = sid.mean(axis=0) / var if var > 0 else np.zeros(d)
        sti = (std**2).sum(axis=0) / (2 * n * var) if var > 0 else np.zeros(d)
        if bootstrap > 0 and var > 0:
            idx = rng.integers(0, n, size=(bootstrap, n))
            si_b = sid[idx].mean(axis=1) / var
            st_b = (std[idx] ** 2).sum(axis=1) / (2 * n * var)
            si_q = np.quantile(si_b, [0.05, 0.95], axis=0)
            st_q = np.quantile(st_b, [0.05, 0.95], axis=0)
        else:
            si_q = np.vstack([si, si])
            st_q = np.vstack([sti, sti])
    for i in range(d):
        out.append(
            (
                float(si[i]),
                float(sti[i]),
                (float(si_q[0, i]), float(si_q[1, i])),
                (float(st_q[0, i]), float(st_q[1, i])),
            )
        )
    return out, var


def _quantile(x: FloatArray, q: Any, axis: int) -> FloatArray:
    """Quantiles (R type 7) skipping NaN; the fast path when nothing is missing."""
    if not np.isnan(x).any():
        return np.asarray(np.quantile(x, q, axis=axis), dtype=np.float64)
    return np.asarray(np.nanquantile(x, q, axis=axis), dtype=np.float64)


def _median(x: FloatArray, axis: int) -> FloatArray:
    return _quantile(x, 0.5, axis)


def _ranks(scores: FloatArray) -> FloatArray:
    """COINr ``rank_df``: rank 1 = highest score, ties get the minimum rank, NaN kept."""
    from scipy.stats import rankdata  # scipy.stats takes longer to import than numpy

    return np.asarray(rankdata(-scores, method="min", axis=-1, nan_policy="omit"), dtype=np.float64)


def _bands(scores: FloatArray, k: int) -> FloatArray:
    """Peer band of each unit in each run: k quantile bands of that run's scores (0 = lowest)."""
    s = np.atleast_2d(scores)
    qs = _quantile(s, np.arange(1, k) / k, axis=1).T  # runs x (k-1)
    bands = (s[:, :, None] >= qs[:, None, :]).sum(axis=2).astype(np.float64)
    bands[np.isnan(s)] = np.nan
    return bands if scores.ndim == 2 else bands[0]


def sensitivity_run(
    *, data: Dataset, framework: Framework, spec: PipelineSpec, sens: SensitivitySpec
) -> SensitivityResult:
    """Run the uncertainty or sensitivity analysis described by ``sens``."""
    rng = np.random.default_rng(sens.seed)
    d = len(sens.assumptions)
    sample = (
        sample_saltelli(n=sens.n, d=d, rng=rng)
        if sens.analysis == "sensitivity"
        else rng.random((sens.n, d))
    )
    cache: dict[str, Any] = {}
    spec_cache: dict[str, StepSpec] = {}
    nominal_res = pipeline_run(
        data=data, framework=framework, spec=spec, keep_intermediate=False, cache=cache
    )
    units = nominal_res.results.units
    targets = [sens.target, *[a for a in sens.aggregates if a != sens.target]]
    for t in targets:
        if t not in nominal_res.results.codes:
            raise PipelineError(
                [Problem("target not in the pipeline results", indicator=t, column="sensitivity")]
            )
    nominal_all = nominal_res.results.values[:, [nominal_res.results.index(t) for t in targets]]
    steps_by_id = {s.id: s for s in spec.steps}
    runs = np.full((sample.shape[0], len(targets), len(units)), np.nan)
    upos = {u: i for i, u in enumerate(units)}
    failures: list[str] = []
    seen = {(w.kind, w.step, w.indicator, w.message) for w in nominal_res.warnings}
    run_notes: dict[tuple[str, str | None, str | None, str], tuple[StepWarning, int]] = {}
    for r in range(sample.shape[0]):
        # an assumption without 'param' replaces the step's parameters; others set one parameter
        bases: dict[str, dict[str, Any]] = {}
        changes: dict[str, dict[str, Any]] = {}
        for a, u in zip(sens.assumptions, sample[r], strict=True):
            v = a.value(float(u))
            if a.param is None:
                bases[a.step] = dict(v)
            else:
                changes.setdefault(a.step, {})[a.param] = v
        for sid, base in bases.items():
            changes[sid] = {**base, **changes.get(sid, {}), "__replace__": True}
        steps: list[StepSpec] = []
        for st in spec.steps:
            if st.id not in changes:
                steps.append(st)
                continue
            key = st.id + json.dumps(changes[st.id], sort_keys=True, default=str)
            built = spec_cache.get(key)
            if built is None:
                ch = dict(changes[st.id])
                raw = ch if ch.pop("__replace__", False) else {**steps_by_id[st.id].raw, **ch}
                built = step_spec_build(
                    kind=st.kind, step_id=st.id, label=st.label, raw=raw, framework=framework
                )
                spec_cache[key] = built
            steps.append(built)
        run_spec = PipelineSpec(name=spec.name, steps=tuple(steps), source=spec.source)
        try:
            res = pipeline_run(
                data=data, framework=framework, spec=run_spec, keep_intermediate=False, cache=cache
            )
        except PipelineError as exc:
            # as COINr: a run whose methods conflict gives missing scores, counted and explained
            failures.append(str(exc))
            continue
        for w in res.warnings:
            if (note := (w.kind, w.step, w.indicator, w.message)) not in seen:
                first, count = run_notes.get(note, (w, 0))
                run_notes[note] = (first, count + 1)
        cols = [res.results.index(t) for t in targets]
        if res.results.units == units:
            runs[r] = res.results.values[:, cols].T
        else:
            for i, u in enumerate(res.results.units):
                if u in upos:
                    runs[r, :, upos[u]] = res.results.values[i, cols]
    with warnings.catch_warnings():  # all-missing columns (failed runs) give NaN summaries
        warnings.simplefilter("ignore", RuntimeWarning)
        out = _summarise(sens, units, runs, nominal_all, targets, sample, d, rng, failures)
    return replace(out, warnings=nominal_res.warnings, run_warnings=tuple(run_notes.values()))


def _summarise(
    sens: SensitivitySpec,
    units: tuple[str, ...],
    runs: FloatArray,
    nominal_all: FloatArray,
    targets: list[str],
    sample: FloatArray,
    d: int,
    rng: np.random.Generator,
    failures: list[str],
) -> SensitivityResult:
    scores = runs[:, 0, :]
    nominal = nominal_all[:, 0]
    m = 2 * sens.n if sens.analysis == "sensitivity" else sens.n
    main = scores[:m]
    ranks = _ranks(scores)
    rank_nom = _ranks(nominal)
    bands = _bands(scores, sens.bands)
    band_nom = _bands(nominal, sens.bands)
    with np.errstate(invalid="ignore"):
        stay = np.nanmean(
            np.where(np.isnan(bands[:m]), np.nan, bands[:m] == band_nom[None, :]), axis=0
        )
        if sens.output == "rank_change":
            y = np.nanmean(np.abs(ranks - rank_nom[None, :]), axis=1)
        elif sens.output == "score_change":
            y = np.nanmean(np.abs(scores - nominal[None, :]), axis=1)
        else:
            y = np.nanmean(np.where(np.isnan(bands), np.nan, bands != band_nom[None, :]), axis=1)
    indices = None
    if sens.analysis == "sensitivity":
        est, _ = sensitivity_indices(y=y, n=sens.n, d=d, bootstrap=sens.bootstrap, rng=rng)
        indices = tuple(
            SensitivityIndex(name=a.name, first=e[0], total=e[1], first_ci=e[2], total_ci=e[3])
            for a, e in zip(sens.assumptions, est, strict=True)
        )
    agg_int = {
        t: (_quantile(runs[:m, k, :], 0.05, axis=0), _quantile(runs[:m, k, :], 0.95, axis=0))
        for k, t in enumerate(targets)
    }
    return SensitivityResult(
        units=units,
        target=sens.target,
        nominal=nominal,
        scores=scores,
        sample=sample,
        summary_runs=m,
        score_mean=np.nanmean(main, axis=0),
        score_median=_median(main, axis=0),
        score_q05=_quantile(main, 0.05, axis=0),
        score_q95=_quantile(main, 0.95, axis=0),
        band_nominal=band_nom,
        band_stability=stay,
        rank_nominal=rank_nom,
        rank_mean=np.nanmean(ranks[:m], axis=0),
        rank_median=_median(ranks[:m], axis=0),
        rank_q05=_quantile(ranks[:m], 0.05, axis=0),
        rank_q95=_quantile(ranks[:m], 0.95, axis=0),
        indices=indices,
        output_values=y,
        aggregate_intervals=agg_int,
        failed_runs=len(failures),
        failure_messages=tuple(dict.fromkeys(failures))[:5],
    )
